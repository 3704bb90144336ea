// ubench: microbenchmarks of the kernel's basic paths, read by tools/bench.py.
//
// Each benchmark times many single operations with rdtime() (10 MHz on QEMU
// virt, so one tick is 100 ns) and reports the median, which shrugs off the
// odd timer interrupt or migration. Output, one line per figure:
//   BENCH <name> <median_ns> ns (n=<iterations>)
// and finally BENCH-DONE. Runs under QEMU -icount give repeatable figures.
//
//   ubench          run every benchmark
//   ubench NAME...  run only those (getpid fork exec pipe file capcheck capdup
//                   revoke chan spawn)
//   ubench nop      exit at once (the program the exec benchmark starts)
#include "kernel/types.h"
#include "kernel/fcntl.h"
#include "kernel/errno.h"
#include "kernel/caprights.h"
#include "kernel/chan.h"
#include "kernel/spawncap.h"
#include "user/user.h"
#include "user/manifest.h"

ZENITH_MANIFEST("root:all", "cwd:all", "proc:all");

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

// Batches: operations too cheap for rdtime's 100 ns are timed BATCH at a
// time; the figure is the median batch divided by BATCH.
#define BATCH 100

static void report_batched(const char *name, int n)
{
  printf("BENCH %s %lu ns (n=%d)\n", name, median(n) * NS_PER_TICK / BATCH, n * BATCH);
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

// The capability check on the read path: a zero-byte read of a pipe goes
// through the slot lookup and rights check (cap_lookup) and returns at
// once, so read0 - getpid is what the check and the dispatch cost.
static void b_capcheck(void)
{
  enum { N = 200 };
  int p[2], r;
  char c;
  if ((r = pipe(p)) < 0)
    die("pipe", r);
  for (int i = 0; i < N; i++) {
    uint64 t0 = rdtime();
    for (int j = 0; j < BATCH; j++)
      getpid();
    samples[i] = rdtime() - t0;
  }
  report_batched("null_syscall_batched", N);
  for (int i = 0; i < N; i++) {
    uint64 t0 = rdtime();
    for (int j = 0; j < BATCH; j++)
      read(p[0], &c, 0);
    samples[i] = rdtime() - t0;
  }
  report_batched("read_0_bytes", N);
  for (int i = 0; i < N; i++) {
    uint64 t0 = rdtime();
    for (int j = 0; j < BATCH; j++)
      read(p[1], &c, 0);   // write end: fails the rights check
    samples[i] = rdtime() - t0;
  }
  report_batched("read_refused_noright", N);
  close(p[0]);
  close(p[1]);
}

// cap_dup and cap_delete of the copy, and the pair.
static void b_capdup(void)
{
  enum { N = 500 };
  int p[2], r;
  if ((r = pipe(p)) < 0)
    die("pipe", r);
  for (int i = 0; i < N; i++) {
    uint64 t0 = rdtime();
    int d = cap_dup(p[0], CAP_R_READ);
    samples[i] = rdtime() - t0;
    if (d < 0)
      die("cap_dup", d);
    cap_delete(d);
  }
  report("cap_dup", N);
  for (int i = 0; i < N; i++) {
    int d = cap_dup(p[0], CAP_R_READ);
    uint64 t0 = rdtime();
    cap_delete(d);
    samples[i] = rdtime() - t0;
  }
  report("cap_delete", N);
  close(p[0]);
  close(p[1]);
}

// Send n capabilities derived from slot `src` into channels, 8 per message,
// up to CHAN_QLEN messages per channel; the receive ends go into rx[].
// Returns how many channels it used.
static int derive_in_flight(int src, int n, int *rx, int *tx)
{
  int caps[CHAN_MAXCAPS], used = 0, r;
  for (int i = 0; i < CHAN_MAXCAPS; i++)
    caps[i] = src;
  while (n > 0) {
    int e[2];
    if ((r = chan_create(e)) < 0)
      die("chan_create", r);
    rx[used] = e[0];
    tx[used] = e[1];
    used++;
    for (int m = 0; m < CHAN_QLEN && n > 0; m++) {
      int k = n < CHAN_MAXCAPS ? n : CHAN_MAXCAPS;
      struct chanmsg msg = { .buf = "", .len = 0, .ncaps = k };
      memcpy(msg.caps, caps, sizeof(caps));
      if ((r = chan_send(e[1], &msg)) < 0)
        die("chan_send", r);
      n -= k;
    }
  }
  return used;
}

// Revoke of a tree of 1, 10 and 100 capabilities derived from one slot
// (held in channel queues, since a table has only NCAP slots).
static void b_revoke(void)
{
  enum { N = 30 };
  int sizes[3] = { 1, 10, 100 };
  const char *names[3] = { "revoke_tree_1", "revoke_tree_10", "revoke_tree_100" };
  int p[2], r;
  if ((r = pipe(p)) < 0)
    die("pipe", r);
  for (int s = 0; s < 3; s++) {
    for (int i = 0; i < N; i++) {
      int rx[4], tx[4];
      int top = dup(p[0]);
      int used = derive_in_flight(top, sizes[s], rx, tx);
      uint64 t0 = rdtime();
      r = cap_revoke(p[0]);   // below p[0]: top, and everything below top
      samples[i] = rdtime() - t0;
      if (r != sizes[s] + 1)
        die("cap_revoke count", r);
      for (int c = 0; c < used; c++) {
        close(rx[c]);
        close(tx[c]);
      }
      close(top);
    }
    report(names[s], N);
  }
  close(p[0]);
  close(p[1]);
}

// Channel round trips between two processes: a byte there and back, and a
// byte plus one capability there and back (each side deletes what it got).
static void b_chan(void)
{
  enum { N = 300 };
  int ping[2], pong[2], r;
  if ((r = chan_create(ping)) < 0 || (r = chan_create(pong)) < 0)
    die("chan_create", r);
  int pid = fork();
  if (pid < 0)
    die("fork", pid);
  char c = 'x';
  if (pid == 0) {
    close(ping[1]);
    close(pong[0]);
    for (;;) {
      struct chanmsg m = { .buf = &c, .len = 1, .ncaps = 1 };
      if (chan_recv(ping[0], &m) < 0)
        exit(0);
      int got = m.ncaps;
      struct chanmsg back = { .buf = &c, .len = 1, .ncaps = got, .caps = { m.caps[0] } };
      chan_send(pong[1], &back);
      if (got)
        cap_delete(m.caps[0]);
    }
  }
  close(ping[0]);
  close(pong[1]);
  const char *names[2] = { "chan_roundtrip", "chan_roundtrip_1cap" };
  for (int k = 0; k < 2; k++) {
    for (int i = 0; i < N; i++) {
      struct chanmsg m = { .buf = &c, .len = 1, .ncaps = k, .caps = { ping[1] } };
      struct chanmsg back = { .buf = &c, .len = 1, .ncaps = 1 };
      uint64 t0 = rdtime();
      if ((r = chan_send(ping[1], &m)) < 0 || (r = chan_recv(pong[0], &back)) < 0)
        die("chan round trip", r);
      samples[i] = rdtime() - t0;
      if ((int)back.ncaps != k)
        die("chan round trip caps", back.ncaps);
      if (k)
        cap_delete(back.caps[0]);
    }
    report(names[k], N);
  }
  close(ping[1]);
  close(pong[0]);
  wait(0);
}

// spawn of a program holding the three standard streams, to compare with
// fork + exec.
static void b_spawn(void)
{
  enum { N = 30 };
  struct spawncap std[3] = {
    { 0, CAP_R_READ, SPAWN_SLOT }, { 1, CAP_R_WRITE, SPAWN_SLOT }, { 2, CAP_R_WRITE, SPAWN_SLOT },
  };
  char *argv[] = {(char *)self, "nop", 0};
  for (int i = 0; i < N; i++) {
    uint64 t0 = rdtime();
    int pid = spawn(self, argv, std, 3);
    if (pid < 0)
      die("spawn", pid);
    int st = -1;
    int w = wait(&st);
    samples[i] = rdtime() - t0;
    if (w != pid || st != 0)
      die("spawned child", st);
  }
  report("spawn_wait", N);
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
  {"capcheck", b_capcheck},
  {"capdup", b_capdup},
  {"revoke", b_revoke},
  {"chan", b_chan},
  {"spawn", b_spawn},
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
