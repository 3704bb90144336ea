// xargs [-n MAX] CMD [ARG...]: run CMD ARG... with the lines of standard
// input appended as further arguments, one argument per line (spaces
// inside a line stay in that argument; empty lines are skipped). Each run
// gets at most MAX lines (default: as many as fit in MAXARG arguments);
// the runs happen one after another, in input order, each a child process
// that xargs waits for. A CMD without a '/' is the program /CMD.
// Exit status: 0 if every run exited 0 (or there was no line), 1 if some
// run exited with another status (the remaining runs still happen), 2 for
// a bad command line or a line longer than XARGS_LINE-1 bytes (no further
// run), 127 if CMD could not be run (no further run).
#include "kernel/types.h"
#include "kernel/param.h"
#include "user/user.h"
#include "user/manifest.h"

// The commands it runs get what xargs holds.
ZENITH_MANIFEST("root:all", "cwd:all", "proc:all");

#define XARGS_LINE 128     // bytes per line, its terminating NUL included
#define CANNOT_RUN 127     // the status of a child whose exec failed

#if SOL >= 1
static char lines[MAXARG][XARGS_LINE];   // the batch being collected
static char prog[MAXPATH];

static int usage(void)
{
  fprintf(2, "usage: xargs [-n MAX] CMD [ARG...]   (1 <= MAX <= %d)\n", MAXARG - 1);
  return 2;
}

// Parses a decimal number of at most 2 digits; returns it, or -1.
static int parse_max(const char *s)
{
  int n = 0, digits = 0;
  for (; *s; s++, digits++) {
    if (*s < '0' || *s > '9' || digits == 2)
      return -1;
    n = n * 10 + (*s - '0');
  }
  return digits > 0 ? n : -1;
}

// Runs argv (NULL-terminated) in a child and returns its exit status.
static int run(char **argv)
{
  int pid = fork();
  if (pid < 0) {
    fprintf(2, "xargs: fork: %s\n", errstr(pid));
    return CANNOT_RUN;
  }
  if (pid == 0) {
    int r = exec(prog, argv);
    fprintf(2, "xargs: %s: %s\n", argv[0], errstr(r));
    exit(CANNOT_RUN);
  }
  int status = 0;
  if (wait(&status) != pid)
    return CANNOT_RUN;
  return status;
}

// Reads one line into buf; returns its length, -1 at the end of input, or
// -2 if it does not fit.
static int read_line(char *buf)
{
  int len = 0;
  char c;
  for (;;) {
    int r = read(0, &c, 1);
    if (r <= 0)
      return len > 0 ? len : -1;   // a last line may lack its newline
    if (c == '\n')
      return len;
    if (len == XARGS_LINE - 1)
      return -2;
    buf[len++] = c;
    buf[len] = 0;
  }
}

int main(int argc, char **argv)
{
  int max = MAXARG;
  int first = 1;   // index of CMD in argv
  if (argc > 1 && strcmp(argv[1], "-n") == 0) {
    max = argc > 2 ? parse_max(argv[2]) : -1;
    if (max < 1 || max > MAXARG - 1)
      return usage();
    first = 3;
  }
  int fixed = argc - first;   // CMD and its own arguments
  if (fixed < 1 || fixed >= MAXARG)
    return usage();
  if (max > MAXARG - fixed)
    max = MAXARG - fixed;
  if (strchr(argv[first], '/'))
    snprintf(prog, sizeof(prog), "%s", argv[first]);
  else
    snprintf(prog, sizeof(prog), "/%s", argv[first]);

  char *args[MAXARG + 1];
  for (int i = 0; i < fixed; i++)
    args[i] = argv[first + i];
  int status = 0, n = 0, done = 0;
  while (!done) {
    int len = read_line(lines[n]);
    if (len == -2) {
      fprintf(2, "xargs: a line is longer than %d bytes\n", XARGS_LINE - 1);
      return 2;
    }
    if (len == 0)
      continue;
    if (len > 0)
      n++;
    else
      done = 1;
    if (n == max || (done && n > 0)) {
      for (int i = 0; i < n; i++)
        args[fixed + i] = lines[i];
      args[fixed + n] = 0;
      n = 0;
      int st = run(args);
      if (st == CANNOT_RUN)
        return CANNOT_RUN;
      if (st != 0)
        status = 1;
    }
  }
  return status;
}
#else
int main(int argc, char **argv)
{
  fprintf(2, "xargs: not implemented\n");
  return 1;
}
#endif
