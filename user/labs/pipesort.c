// pipesort: sort the numbers on standard input with a chain of processes.
// The pipesort process reads every number first, then feeds them one by
// one into a pipe. At the other end a stage process keeps the smallest
// number it has seen and passes every larger one (or an equal one) on
// through a pipe of its own to the next stage, which it forks when it first
// has something to pass on. When its input ends, a stage prints the number
// it kept, closes its output (ending the next stage's input) and waits for
// that stage: the end of input travels down the chain, so the numbers come
// out smallest first. Up to 32 numbers of at most 9 digits, separated by
// spaces, tabs or newlines; anything else prints an error and exits 1.
#include "kernel/types.h"
#include "user/user.h"
#include "user/manifest.h"

ZENITH_MANIFEST("stdio");

#define MAXVALUES 32

#if SOL >= 1
static uint values[MAXVALUES];

// Reads exactly sizeof(uint) bytes; 1 if it got a number, 0 at the end of input.
static int receive(int fd, uint *v)
{
  int got = 0;
  while (got < (int)sizeof(*v)) {
    int r = read(fd, (char *)v + got, sizeof(*v) - got);
    if (r <= 0)
      return 0;
    got += r;
  }
  return 1;
}

static void send(int fd, uint v)
{
  if (write(fd, &v, sizeof(v)) != sizeof(v)) {
    fprintf(2, "pipesort: pipe write failed\n");
    exit(1);
  }
}

// Forks the next stage reading from a new pipe; returns the write end.
static int start_stage(int keep_open);

// A stage's life: keep the smallest, pass the rest on, print at the end.
static void stage(int in)
{
  uint kept, v;
  int out = -1, status = 0;
  if (!receive(in, &kept))
    exit(0);   // (never forked without a number to give it)
  while (receive(in, &v)) {
    if (v < kept) {
      uint t = kept;
      kept = v;
      v = t;
    }
    if (out < 0)
      out = start_stage(in);
    send(out, v);
  }
  close(in);
  printf("%u\n", kept);
  if (out >= 0) {
    close(out);              // the next stage's end of input: it prints after us
    if (wait(&status) < 0)
      status = 1;
  }
  exit(status);
}

static int start_stage(int keep_open)
{
  int fds[2];
  int r = pipe(fds);
  if (r < 0) {
    fprintf(2, "pipesort: pipe: %s\n", errstr(r));
    exit(1);
  }
  int pid = fork();
  if (pid < 0) {
    fprintf(2, "pipesort: fork: %s\n", errstr(pid));
    exit(1);
  }
  if (pid == 0) {
    // The new stage holds only the read end of its own input: an extra
    // write end would keep its input from ever ending.
    close(fds[1]);
    if (keep_open >= 0)
      close(keep_open);
    stage(fds[0]);
  }
  close(fds[0]);
  return fds[1];
}

// Reads all of standard input into values[]; returns how many, or -1
// after printing what is wrong with it.
static int read_numbers(void)
{
  char word[12];   // the number being read (a longer word is cut short)
  int n = 0, len = 0, bad = 0;
  uint v = 0;
  char c;
  for (;;) {
    int r = read(0, &c, 1);
    if (r > 0 && c != ' ' && c != '\t' && c != '\n' && c != '\r') {
      if (c < '0' || c > '9' || len == 9)
        bad = 1;
      else
        v = v * 10 + (c - '0');
      if (len < (int)sizeof(word) - 1)
        word[len] = c;
      len++;
      continue;
    }
    if (len > 0) {   // a word just ended
      word[len < (int)sizeof(word) ? len : (int)sizeof(word) - 1] = 0;
      if (bad) {
        fprintf(2, "pipesort: not a number of at most 9 digits: %s\n", word);
        return -1;
      }
      if (n == MAXVALUES) {
        fprintf(2, "pipesort: more than %d numbers\n", MAXVALUES);
        return -1;
      }
      values[n++] = v;
    }
    if (r < 0)
      return -1;
    if (r == 0)
      return n;
    len = bad = 0;
    v = 0;
  }
}

int main(int argc, char **argv)
{
  if (argc != 1) {
    fprintf(2, "usage: pipesort < FILE   (up to %d numbers)\n", MAXVALUES);
    return 1;
  }
  int n = read_numbers();
  if (n < 0)
    return 1;
  if (n == 0)
    return 0;
  int out = start_stage(-1);
  for (int i = 0; i < n; i++)
    send(out, values[i]);
  close(out);
  int status;
  if (wait(&status) < 0 || status != 0)
    return 1;
  return 0;
}
#else
int main(int argc, char **argv)
{
  fprintf(2, "pipesort: not implemented\n");
  return 1;
}
#endif
