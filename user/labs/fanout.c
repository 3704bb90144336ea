// fanout K N: add up 1..N with K worker processes. Worker i sums its own
// slice of the numbers and sends the result back to the parent through a
// pipe of its own; the parent prints each worker's report, in order, then
// the total:
//   worker 0: 1..25 = 325
//   ...
//   total 5050
// Worker i's slice is i*N/K+1 .. (i+1)*N/K. Needs 1 <= K <= 8 and
// K <= N <= 100000000; anything else prints a usage line and exits 1.
#include "kernel/types.h"
#include "user/user.h"
#include "user/manifest.h"

ZENITH_MANIFEST("root:all", "cwd:all", "proc:all");

#define MAXWORKERS 8
#define MAXN 100000000

#if SOL >= 1
// Parses a decimal number of at most 9 digits; returns it, or -1.
static int parse_count(const char *s)
{
  int n = 0, digits = 0;
  for (; *s; s++, digits++) {
    if (*s < '0' || *s > '9' || digits == 9)
      return -1;
    n = n * 10 + (*s - '0');
  }
  return digits > 0 ? n : -1;
}

static uint64 slice_lo(int i, int k, int n) { return (uint64)i * n / k + 1; }
static uint64 slice_hi(int i, int k, int n) { return (uint64)(i + 1) * n / k; }

// The child's life: sum the slice, write the 8-byte result, exit.
static void worker(int fd, uint64 lo, uint64 hi)
{
  uint64 sum = 0;
  for (uint64 x = lo; x <= hi; x++)
    sum += x;
  if (write(fd, &sum, sizeof(sum)) != sizeof(sum))
    exit(1);
  exit(0);
}

// Reads exactly n bytes; returns 0, or -1 if the writer went away first.
static int read_full(int fd, void *buf, int n)
{
  for (int got = 0; got < n;) {
    int r = read(fd, (char *)buf + got, n - got);
    if (r <= 0)
      return -1;
    got += r;
  }
  return 0;
}

int main(int argc, char **argv)
{
  int k = argc == 3 ? parse_count(argv[1]) : -1;
  int n = argc == 3 ? parse_count(argv[2]) : -1;
  if (k < 1 || k > MAXWORKERS || n < k || n > MAXN) {
    fprintf(2, "usage: fanout K N   (1 <= K <= %d, K <= N <= %d)\n", MAXWORKERS, MAXN);
    return 1;
  }

  int from[MAXWORKERS];   // read end of the pipe from worker i
  for (int i = 0; i < k; i++) {
    int fds[2];
    int r = pipe(fds);
    if (r < 0) {
      fprintf(2, "fanout: pipe: %s\n", errstr(r));
      return 1;
    }
    int pid = fork();
    if (pid < 0) {
      fprintf(2, "fanout: fork: %s\n", errstr(pid));
      return 1;
    }
    if (pid == 0) {
      close(fds[0]);
      for (int j = 0; j < i; j++)
        close(from[j]);
      worker(fds[1], slice_lo(i, k, n), slice_hi(i, k, n));
    }
    close(fds[1]);
    from[i] = fds[0];
  }

  uint64 total = 0;
  int status = 0;
  for (int i = 0; i < k; i++) {
    uint64 sum;
    if (read_full(from[i], &sum, sizeof(sum)) < 0) {
      fprintf(2, "fanout: worker %d sent no result\n", i);
      status = 1;
    } else {
      printf("worker %d: %lu..%lu = %lu\n", i, slice_lo(i, k, n), slice_hi(i, k, n), sum);
      total += sum;
    }
    close(from[i]);
  }
  for (int i = 0; i < k; i++) {
    int st;
    if (wait(&st) < 0 || st != 0)
      status = 1;
  }
  if (status == 0)
    printf("total %lu\n", total);
  return status;
}
#else
int main(int argc, char **argv)
{
  fprintf(2, "fanout: not implemented\n");
  return 1;
}
#endif
