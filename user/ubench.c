// ubench: microbenchmarks of the kernel's basic paths, read by tools/bench.py.
//
// Each benchmark times many single operations with rdtime() (10 MHz on QEMU
// virt, so one tick is 100 ns) and reports the median, which shrugs off the
// odd timer interrupt or migration. Output, one line per figure:
//   BENCH <name> <median_ns> ns (n=<iterations>)
// and finally BENCH-DONE. Runs under QEMU -icount give repeatable figures.
//
//   ubench          run every benchmark
//   ubench NAME...  run only those (getpid fork exec pipe file)
//   ubench nop      exit at once (the program the exec benchmark starts)
#include "kernel/types.h"
#include "kernel/fcntl.h"
#include "user/user.h"

#define NS_PER_TICK 100   // rdtime runs at 10 MHz
#define MAXSAMPLES 2000

static uint64 samples[MAXSAMPLES];
static const char *self = "ubench";   // path to exec ourselves by

static void die(const char *what, int err)
{
  fprintf(2, "ubench: %s failed: %d\n", what, err);
  exit(1);
}

// Median of the first n samples (insertion sort: n is small).
static uint64 median(int n)
{
  for (int i = 1; i < n; i++) {
    uint64 v = samples[i];
    int j = i - 1;
    for (; j >= 0 && samples[j] > v; j--)
      samples[j + 1] = samples[j];
    samples[j + 1] = v;
  }
  return samples[n / 2];
}

static void report(const char *name, int n)
{
  printf("BENCH %s %lu ns (n=%d)\n", name, median(n) * NS_PER_TICK, n);
}

static void b_getpid(void)
{
  enum { N = 1000 };
  for (int i = 0; i < N; i++) {
    uint64 t0 = rdtime();
    getpid();
    samples[i] = rdtime() - t0;
  }
  report("null_syscall", N);
}

static void b_fork(void)
{
  enum { N = 50 };
  for (int i = 0; i < N; i++) {
    uint64 t0 = rdtime();
    int pid = fork();
    if (pid < 0)
      die("fork", pid);
    if (pid == 0)
      exit(0);
    int w = wait(0);
    samples[i] = rdtime() - t0;
    if (w != pid)
      die("wait", w);
  }
  report("fork_exit_wait", N);
}

static void b_exec(void)
{
  enum { N = 30 };
  for (int i = 0; i < N; i++) {
    uint64 t0 = rdtime();
    int pid = fork();
    if (pid < 0)
      die("fork", pid);
    if (pid == 0) {
      char *argv[] = {(char *)self, "nop", 0};
      int r = exec(self, argv);
      die("exec", r);
    }
    int st = -1;
    int w = wait(&st);
    samples[i] = rdtime() - t0;
    if (w != pid || st != 0)
      die("exec child", st);
  }
  report("fork_exec_wait", N);
}

// One byte there and back between two processes.
static void b_pipe(void)
{
  enum { N = 500 };
  int ping[2], pong[2];
  int r;
  if ((r = pipe(ping)) < 0 || (r = pipe(pong)) < 0)
    die("pipe", r);
  int pid = fork();
  if (pid < 0)
    die("fork", pid);
  char c = 'x';
  if (pid == 0) {
    close(ping[1]);
    close(pong[0]);
    while (read(ping[0], &c, 1) == 1)
      write(pong[1], &c, 1);
    exit(0);
  }
  close(ping[0]);
  close(pong[1]);
  for (int i = 0; i < N; i++) {
    uint64 t0 = rdtime();
    if (write(ping[1], &c, 1) != 1 || read(pong[0], &c, 1) != 1)
      die("ping-pong", -1);
    samples[i] = rdtime() - t0;
  }
  close(ping[1]);
  close(pong[0]);
  wait(0);
  report("pipe_roundtrip", N);
}

static void b_file(void)
{
  enum { N = 50 };
  static char block[4096];
  memset(block, 'b', sizeof(block));
  for (int i = 0; i < N; i++) {
    uint64 t0 = rdtime();
    int fd = open("ubench.tmp", O_CREATE | O_TRUNC | O_WRONLY);
    if (fd < 0)
      die("open", fd);
    int r = write(fd, block, sizeof(block));
    close(fd);
    samples[i] = rdtime() - t0;
    if (r != (int)sizeof(block))
      die("write", r);
    unlink("ubench.tmp");   // not timed: the figure is create+write+close
  }
  report("file_create_write_4k", N);
}

struct bench {
  const char *name;
  void (*fn)(void);
};

static const struct bench benches[] = {
  {"getpid", b_getpid},
  {"fork", b_fork},
  {"exec", b_exec},
  {"pipe", b_pipe},
  {"file", b_file},
};
#define NBENCH ((int)(sizeof(benches) / sizeof(benches[0])))

int main(int argc, char **argv)
{
  if (argc > 1 && strcmp(argv[1], "nop") == 0)
    exit(0);
  if (argc > 0 && argv[0][0])
    self = argv[0];
  for (int i = 0; i < NBENCH; i++) {
    int wanted = argc < 2;
    for (int j = 1; j < argc; j++)
      if (strcmp(argv[j], benches[i].name) == 0)
        wanted = 1;
    if (wanted)
      benches[i].fn();
  }
  printf("BENCH-DONE\n");
  exit(0);
}
