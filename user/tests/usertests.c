// usertests: in-guest stress and regression tests for the Zenith kernel.
//
// Every case runs in its own forked child, so a case that crashes the child is
// reported as a failure and the run goes on. Each case prints exactly one line,
// "UT <name> PASS" or "UT <name> FAIL <reason>", and the run ends with
// "UT-SUMMARY passed=N failed=M"; the exit status is 0 only if nothing failed.
//
//   usertests            run every case
//   usertests -q         skip the slow cases
//   usertests -l         list the case names (slow ones marked)
//   usertests NAME...    run only the named cases
//
// A child reports its failure reason to the runner through a pipe; a watchdog
// process kills a case that runs far too long, so a hang is also a FAIL.
#include "kernel/types.h"
#include "kernel/param.h"
#include "kernel/stat.h"
#include "kernel/fcntl.h"
#include "kernel/errno.h"
#include "kernel/syscall.h"
#include "kernel/procinfo.h"
#include "kernel/sysctl.h"
#include "kernel/fs_format.h"
#include "kernel/memlayout.h"
#include "user/user.h"
#include "user/manifest.h"

ZENITH_MANIFEST("root:all", "cwd:all", "proc:all", "sysctl");

// The status wait() reports for a process the kernel killed (fault or kill()):
// trap.c ends such a process with exit(-1).
#define KILLED_STATUS (-1)

#define REC_LEN 96                // size of one failure record on the report pipe
#define LIMIT_NORMAL 20000        // watchdog, in ticks (1 ms each)
#define LIMIT_SLOW 90000

// ---------------------------------------------------------------------------
// Reporting helpers used inside a case.

static int report_fd = -1;        // write end of the runner's pipe

// Ends the current process with a failure reason for the runner.
static void __attribute__((noreturn)) fail(const char *why)
{
  char rec[REC_LEN];
  memset(rec, 0, sizeof(rec));
  rec[0] = 'F';
  strncpy(rec + 1, why, REC_LEN - 2);
  if (report_fd >= 0)
    write(report_fd, rec, REC_LEN);
  exit(1);
}

#define FAILF(...) do { char _m[REC_LEN]; snprintf(_m, sizeof(_m), __VA_ARGS__); fail(_m); } while (0)
#define CHECK(cond, ...) do { if (!(cond)) FAILF(__VA_ARGS__); } while (0)
// Compare an integer result with the expected one; the label says which call.
#define EXPECT(label, expr, want) do { long _g = (long)(expr); long _w = (long)(want); \
    if (_g != _w) FAILF("%s: got %ld want %ld", (label), _g, _w); } while (0)

static int xfork(void)
{
  int pid = fork();
  CHECK(pid >= 0, "fork: %d", pid);
  return pid;
}

// Waits for a specific child and returns its exit status.
static int xwait(int pid)
{
  int st = 12345678;
  int w = wait(&st);
  CHECK(w == pid, "wait: got %d want pid %d", w, pid);
  return st;
}

static int xopen(const char *path, int mode)
{
  int fd = open(path, mode);
  CHECK(fd >= 0, "open %s: %d", path, fd);
  return fd;
}

// Creates (or truncates) path holding n bytes of buf.
static void make_file(const char *path, const void *buf, int n)
{
  int fd = xopen(path, O_CREATE | O_TRUNC | O_WRONLY);
  if (n > 0)
    EXPECT("make_file write", write(fd, buf, n), n);
  close(fd);
}

// Runs fn in a child and checks that the kernel killed it (status -1).
static void expect_killed(const char *label, void (*fn)(void))
{
  int pid = xfork();
  if (pid == 0) {
    fn();
    exit(77);   // still alive: the fault did not happen
  }
  int st = xwait(pid);
  CHECK(st != 77, "%s: child survived", label);
  CHECK(st == KILLED_STATUS, "%s: status %d, want %d", label, st, KILLED_STATUS);
}

// Makes the break page aligned, so sbrk(0)-1 is the last mapped user byte and
// the page above it is unmapped.
static char *aligned_top(void)
{
  uint64 cur = (uint64)sbrk(0);
  if (cur % PGSIZE)
    sbrk(PGSIZE - cur % PGSIZE);
  return sbrk(0);
}

static uint64 read_sp(void)
{
  uint64 sp;
  asm volatile("mv %0, sp" : "=r"(sp));
  return sp;
}

// Addresses no system call may touch. The list is completed at run time with
// the stack guard page and the first page above the heap.
static uint64 bad_addrs[] = {
  0xffffffffffffff00UL,   // a small length wraps around past zero
  0xffffffff80200000UL,   // sign-extended kernel-looking address
  0x80200000UL,           // where the kernel lives (physical), unmapped here
  MAXVA - 1,              // last byte of the trampoline page
  MAXVA,                  // first address past Sv39 user space
  MAXVA + 0x10000,
  TRAMPOLINE,             // mapped, but kernel only
  TRAPFRAME,              // mapped, but kernel only: must never be written
  0x3000000000UL,         // plausible, unmapped
  0, 0,                   // filled by fill_bad_addrs()
};
#define NBAD ((int)(sizeof(bad_addrs) / sizeof(bad_addrs[0])))

static void fill_bad_addrs(void)
{
  bad_addrs[NBAD - 2] = (read_sp() & ~(uint64)(PGSIZE - 1)) - PGSIZE;   // guard page
  bad_addrs[NBAD - 1] = (uint64)aligned_top();                          // above the heap
}

// Removes a directory left behind by an earlier, crashed run: its files
// (one level deep, which is all our cases make) and then the directory.
static void remove_dir(const char *dir)
{
  int fd = open(dir, O_RDONLY);
  if (fd < 0)
    return;
  struct dirent de;
  char path[64];
  while (read(fd, &de, sizeof(de)) == sizeof(de)) {
    if (de.inum == 0 || strncmp(de.name, ".", DIRSIZ) == 0 || strncmp(de.name, "..", DIRSIZ) == 0)
      continue;
    char name[DIRSIZ + 1];
    memmove(name, de.name, DIRSIZ);
    name[DIRSIZ] = 0;
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    unlink(path);
  }
  close(fd);
  unlink(dir);
}

static char bigbuf[16384];   // the user stack is one page: big buffers live here

// ---------------------------------------------------------------------------
// Processes

static void t_getpid_fork(void)
{
  int p[2];
  EXPECT("pipe", pipe(p), 0);
  int me = getpid();
  CHECK(me > 0, "getpid %d", me);
  int pid = xfork();
  if (pid == 0) {
    int c = getpid();
    write(p[1], &c, sizeof(c));
    exit(0);
  }
  int got = 0;
  EXPECT("read child pid", read(p[0], &got, sizeof(got)), sizeof(got));
  EXPECT("child status", xwait(pid), 0);
  CHECK(got == pid, "child getpid %d, fork said %d", got, pid);
  CHECK(got != me, "child pid equals parent pid %d", me);
  EXPECT("getpid stable", getpid(), me);
}

static void t_exit_status(void)
{
  static const int codes[] = {0, 1, 42, 255, 12345, -7};
  for (int i = 0; i < (int)(sizeof(codes) / sizeof(codes[0])); i++) {
    int pid = xfork();
    if (pid == 0)
      exit(codes[i]);
    int st = xwait(pid);
    CHECK(st == codes[i], "exit(%d) gave status %d", codes[i], st);
  }
  // A null status pointer means "don't care".
  int pid = xfork();
  if (pid == 0)
    exit(3);
  EXPECT("wait(0)", wait(0), pid);
}

static void t_wait_nochild(void)
{
  int st;
  EXPECT("wait no children", wait(&st), -E_CHILD);
  int pid = xfork();
  if (pid == 0)
    exit(0);
  xwait(pid);
  EXPECT("wait after reaping", wait(&st), -E_CHILD);
}

static void t_wait_badptr(void)
{
  for (int i = 0; i < NBAD; i++) {
    if (i == 0)
      fill_bad_addrs();
    int pid = xfork();
    if (pid == 0)
      exit(5);
    int r = wait((int *)bad_addrs[i]);
    CHECK(r == -E_FAULT, "wait(addr#%d %p): %d", i, (void *)bad_addrs[i], r);
    // The child may or may not have been reaped; either way nothing is left after.
    int st = 0;
    int w = wait(&st);
    CHECK(w == -E_CHILD || (w == pid && st == 5), "wait after fault: %d st %d", w, st);
  }
  // Status pointer straddling the end of the heap.
  char *top = aligned_top();
  int pid = xfork();
  if (pid == 0)
    exit(5);
  EXPECT("wait(crossing)", wait((int *)(top - 2)), -E_FAULT);
  int w = wait(0);
  CHECK(w == -E_CHILD || w == pid, "wait after crossing fault: %d", w);
}

static void t_orphan(void)
{
  int pid = xfork();
  if (pid == 0) {
    int g = fork();
    if (g == 0) {
      sleep(20);
      exit(0);
    }
    exit(g > 0 ? 0 : 1);
  }
  EXPECT("child status", xwait(pid), 0);
  // The grandchild belongs to init now, not to us.
  EXPECT("wait for orphan", wait(0), -E_CHILD);
}

// Fork until the process table is full, then release everyone.
static void t_fork_limit(void)
{
  int gate[2];
  EXPECT("pipe", pipe(gate), 0);
  int n = 0, err = 0;
  for (;;) {
    int pid = fork();
    if (pid < 0) {
      err = pid;
      break;
    }
    if (pid == 0) {
      char c;
      close(gate[1]);
      read(gate[0], &c, 1);   // returns 0 once the parent closes its end
      exit(0);
    }
    if (++n > NPROC + 4)
      break;
  }
  close(gate[1]);
  int reaped = 0;
  while (wait(0) > 0)
    reaped++;
  CHECK(n <= NPROC, "forked %d processes with NPROC %d", n, NPROC);
  CHECK(err == -E_PROCLIM || err == -E_NOMEM, "fork at limit: %d", err);
  CHECK(n >= NPROC / 2, "only %d forks before %d", n, err);
  EXPECT("reaped", reaped, n);
  // The system still works: fork, exec-free exit, wait.
  for (int i = 0; i < 3; i++) {
    int pid = xfork();
    if (pid == 0)
      exit(9);
    EXPECT("fork after limit", xwait(pid), 9);
  }
}

// Several processes fork, exit and wait at once on all harts.
static void t_forkstorm(void)
{
  enum { KIDS = 4, ROUNDS = 60 };
  int pids[KIDS];
  for (int k = 0; k < KIDS; k++) {
    pids[k] = xfork();
    if (pids[k] == 0) {
      for (int i = 0; i < ROUNDS; i++) {
        int pid = fork();
        if (pid < 0)
          exit(2);
        if (pid == 0)
          exit(i & 0x7f);
        int st;
        if (wait(&st) != pid || st != (i & 0x7f))
          exit(3);
      }
      exit(0);
    }
  }
  for (int k = 0; k < KIDS; k++) {
    int st = 0;
    int w = wait(&st);
    CHECK(w > 0, "wait: %d", w);
    CHECK(st == 0, "storm child status %d", st);
  }
}

static void t_kill_sleeping(void)
{
  int pid = xfork();
  if (pid == 0) {
    sleep(1000);
    exit(5);
  }
  sleep(5);
  int t0 = uptime();
  EXPECT("kill", kill(pid), 0);
  int st = xwait(pid);
  int t1 = uptime();
  EXPECT("killed sleeper status", st, KILLED_STATUS);
  CHECK(t1 - t0 < 500, "wait took %d ticks after kill", t1 - t0);
}

static void t_kill_pipe_reader(void)
{
  int p[2];
  EXPECT("pipe", pipe(p), 0);
  int pid = xfork();
  if (pid == 0) {
    char c;
    close(p[1]);
    read(p[0], &c, 1);   // blocks: the parent keeps the write end open
    exit(5);
  }
  sleep(5);
  int t0 = uptime();
  EXPECT("kill", kill(pid), 0);
  int st = xwait(pid);
  CHECK(uptime() - t0 < 500, "wait took %d ticks after kill", uptime() - t0);
  EXPECT("killed reader status", st, KILLED_STATUS);
  close(p[0]);
  close(p[1]);
}

static void t_kill_spinning(void)
{
  int pid = xfork();
  if (pid == 0) {
    for (volatile uint64 i = 0;; i++)
      ;
  }
  sleep(5);
  EXPECT("kill", kill(pid), 0);
  EXPECT("killed spinner status", xwait(pid), KILLED_STATUS);
  // A process may kill itself; it dies on the way back to user mode.
  pid = xfork();
  if (pid == 0) {
    kill(getpid());
    for (int i = 0; i < 1000; i++)
      getpid();
    sleep(1);
    exit(6);
  }
  EXPECT("self-killed status", xwait(pid), KILLED_STATUS);
}

static void t_kill_badpid(void)
{
  static const int pids[] = {-1, 0, 100000, 0x7fffffff, -0x7fffffff - 1};
  for (int i = 0; i < (int)(sizeof(pids) / sizeof(pids[0])); i++) {
    int r = kill(pids[i]);
    CHECK(r < 0, "kill(%d) = %d", pids[i], r);
  }
  // A reaped child's pid is gone.
  int pid = xfork();
  if (pid == 0)
    exit(0);
  xwait(pid);
  int r = kill(pid);
  CHECK(r == -E_SRCH || r == -E_NOCAP, "kill(reaped %d) = %d", pid, r);
}

static void t_procinfo_self(void)
{
  static struct procinfo pi[NPROC];
  int n = procinfo(pi, NPROC);
  CHECK(n > 0 && n <= NPROC, "procinfo returned %d", n);
  int me = getpid(), found = 0;
  for (int i = 0; i < n; i++) {
    if (pi[i].pid != me)
      continue;
    found = 1;
    EXPECT("my state", pi[i].state, 4);   // running
    CHECK(pi[i].size > 0, "my size is 0");
    CHECK(strncmp(pi[i].name, "usertests", 9) == 0, "my name is '%s'", pi[i].name);
    CHECK(pi[i].cpu >= 0 && pi[i].cpu < NCPU, "my cpu %d", pi[i].cpu);
  }
  CHECK(found, "pid %d not in the list of %d", me, n);
  // A short buffer gets at most max entries; 0 gets none.
  EXPECT("procinfo max 1", procinfo(pi, 1), 1);
  EXPECT("procinfo max 0", procinfo(pi, 0), 0);
  EXPECT("procinfo max -1", procinfo(pi, -1), -E_INVAL);
}

// This process's tally (kernel/procinfo.h), from procinfo.
static struct proctally my_tally(void)
{
  static struct procinfo pi[NPROC];
  int n = procinfo(pi, NPROC), me = getpid();
  for (int i = 0; i < n; i++)
    if (pi[i].pid == me)
      return pi[i].tally;
  FAILF("pid %d not in procinfo's list (%d)", me, n);
  return (struct proctally){0};
}

// The kernel's tally: a child that writes to a pipe once and a grandchild
// that writes twice, both reaped, add 2 processes, 3 writes and 2 writers
// to this process's tally; its own reads count too; a write that moves
// nothing (no reader) does not count.
static void t_tally(void)
{
  struct proctally t0 = my_tally();
  int p[2];
  EXPECT("pipe", pipe(p), 0);
  int pid = xfork();
  if (pid == 0) {
    close(p[0]);
    int g = fork();
    if (g == 0) {
      exit(write(p[1], "ab", 2) == 2 && write(p[1], "c", 1) == 1 ? 0 : 1);
    }
    int st = -1;
    wait(&st);
    exit(st == 0 && write(p[1], "d", 1) == 1 ? 0 : 1);
  }
  close(p[1]);
  char buf[8];
  int got = 0, reads = 0, r;
  while ((r = read(p[0], buf, sizeof(buf))) > 0) {
    got += r;
    reads++;
  }
  close(p[0]);
  EXPECT("child's status", xwait(pid), 0);
  EXPECT("bytes read", got, 4);
  struct proctally t1 = my_tally();
  EXPECT("tally: children", t1.children - t0.children, 2);
  EXPECT("tally: pipe writes", t1.pipe_writes - t0.pipe_writes, 3);
  EXPECT("tally: pipe writers", t1.pipe_writers - t0.pipe_writers, 2);
  EXPECT("tally: pipe reads", t1.pipe_reads - t0.pipe_reads, reads);
  EXPECT("pipe", pipe(p), 0);
  close(p[0]);
  EXPECT("write with no reader", write(p[1], "x", 1), -E_PIPE);
  close(p[1]);
  struct proctally t2 = my_tally();
  EXPECT("tally: a failed write", t2.pipe_writes - t1.pipe_writes, 0);
  EXPECT("tally: a failed write's writer", t2.pipe_writers - t1.pipe_writers, 0);
}

static void t_badptr_procinfo(void)
{
  fill_bad_addrs();
  for (int i = 0; i < NBAD; i++) {
    int r = procinfo((struct procinfo *)bad_addrs[i], NPROC);
    CHECK(r == -E_FAULT, "procinfo(addr#%d %p): %d", i, (void *)bad_addrs[i], r);
  }
  // One entry fits below the top of the heap, the second crosses it.
  char *top = aligned_top();
  int r = procinfo((struct procinfo *)(top - sizeof(struct procinfo) - 8), NPROC);
  EXPECT("procinfo(crossing)", r, -E_FAULT);
}

static void t_bootargs(void)
{
  char buf[BOOTARGS_MAX + 8];
  int r = bootargs(buf, sizeof(buf));
  CHECK(r >= 0 && r < BOOTARGS_MAX, "bootargs: %d", r);
  EXPECT("bootargs length", strlen(buf), r);
  EXPECT("bootargs len -1", bootargs(buf, -1), -E_INVAL);
  // A short buffer must not be overrun.
  memset(buf, 'z', sizeof(buf));
  int s = bootargs(buf, 1);
  CHECK(buf[1] == 'z', "bootargs(len 1) wrote past the buffer (r=%d)", s);
  if (r > 0)
    CHECK(s < 0, "bootargs(len 1) = %d but the line has %d bytes", s, r);
  fill_bad_addrs();
  for (int i = 0; i < NBAD; i++) {
    int e = bootargs((char *)bad_addrs[i], 64);
    CHECK(e == -E_FAULT, "bootargs(addr#%d %p): %d", i, (void *)bad_addrs[i], e);
  }
  char *top = aligned_top();
  if (r > 0)
    EXPECT("bootargs(crossing)", bootargs(top - 1, 64), -E_FAULT);
  // Only a holder of the system-control capability reads the command line
  // (a grading boot's nonce is on it): a child that drops it is refused.
  int pid = xfork();
  if (pid == 0) {
    close(SYSCTL_SLOT);
    exit(bootargs(buf, sizeof(buf)) == -E_NOCAP ? 0 : 1);
  }
  EXPECT("bootargs without the system-control capability (child's status)", xwait(pid), 0);
}

static void t_uptime_sleep(void)
{
  int t0 = uptime();
  EXPECT("sleep(5)", sleep(5), 0);
  int t1 = uptime();
  CHECK(t1 - t0 >= 5, "uptime moved %d ticks over sleep(5)", t1 - t0);
  EXPECT("sleep(0)", sleep(0), 0);
  int r = sleep(-1);
  CHECK(r == 0 || r == -E_INVAL, "sleep(-1) = %d", r);
}

static void t_cputime_busy(void)
{
  uint64 c0 = cputime();
  uint64 t0 = rdtime();
  while (rdtime() - t0 < 200000)   // 20 ms of spinning
    ;
  uint64 c1 = cputime();
  uint64 t1 = rdtime();
  CHECK(c1 > c0, "cputime did not grow (%lu -> %lu)", c0, c1);
  // CPU time cannot exceed the time that passed (1 ms slack for accounting).
  CHECK(c1 - c0 <= t1 - t0 + 10000, "cputime grew %lu in %lu", c1 - c0, t1 - t0);
  CHECK(c1 - c0 >= 20000, "cputime grew only %lu over 20ms busy", c1 - c0);
}

// System-call numbers the kernel doesn't have.
static long raw_syscall(long num, long a0, long a1, long a2)
{
  register long r0 asm("a0") = a0;
  register long r1 asm("a1") = a1;
  register long r2 asm("a2") = a2;
  register long r7 asm("a7") = num;
  asm volatile("ecall" : "+r"(r0) : "r"(r1), "r"(r2), "r"(r7) : "memory");
  return r0;
}

static void t_bad_syscall(void)
{
  static const long nums[] = {0, NSYSCALL, 99, 1000, -1, 0x7fffffff, 0x100000000L + SYS_getpid};
  for (int i = 0; i < (int)(sizeof(nums) / sizeof(nums[0])); i++) {
    long r = raw_syscall(nums[i], 0, 0, 0);
    CHECK(r == -E_NOSYS, "syscall %ld: %ld", nums[i], r);
  }
  EXPECT("raw getpid", raw_syscall(SYS_getpid, 0, 0, 0), getpid());
}

// ---------------------------------------------------------------------------
// Memory

static void t_sbrk_basic(void)
{
  char *a = sbrk(0);
  char *b = sbrk(1);
  CHECK(a == b, "sbrk(1) returned %p, break was %p", b, a);
  *b = 'x';
  char *c = sbrk(4095);
  CHECK(c == b + 1, "sbrk(4095) returned %p want %p", c, b + 1);
  c[4094] = 'y';
  char *d = sbrk(10 * PGSIZE);
  CHECK(d != (char *)-1, "sbrk(10 pages) failed");
  for (int i = 0; i < 10 * PGSIZE; i += 512)
    d[i] = (char)i;
  for (int i = 0; i < 10 * PGSIZE; i += 512)
    CHECK(d[i] == (char)i, "heap byte %d changed", i);
  CHECK(sbrk(0) == d + 10 * PGSIZE, "break not at the end");
  CHECK(sbrk(-10 * PGSIZE) == d + 10 * PGSIZE, "shrink returned wrong old break");
  CHECK(sbrk(0) == d, "break after shrink");
  CHECK(*b == 'x' && c[4094] == 'y', "heap lost data after shrink");
}

static void t_sbrk_huge(void)
{
  char *a = sbrk(0);
  CHECK(sbrk(0x7fffffff) == (char *)-1, "sbrk(2GB) succeeded with 128MB RAM");
  CHECK(sbrk(0) == a, "failed sbrk moved the break");
  // Shrinking below address zero must fail, not wrap.
  CHECK(sbrk(-(int)((uint64)a + 16 * PGSIZE)) == (char *)-1, "sbrk below zero succeeded");
  CHECK(sbrk(0) == a, "failed negative sbrk moved the break");
  CHECK(sbrk(-0x7fffffff - 1) == (char *)-1, "sbrk(INT_MIN) succeeded");
  char *b = sbrk(PGSIZE);
  CHECK(b == a, "sbrk after failures: %p want %p", b, a);
  b[0] = 1;
}

static void t_sbrk_fork_copy(void)
{
  char *h = sbrk(3 * PGSIZE);
  CHECK(h != (char *)-1, "sbrk");
  for (int i = 0; i < 3 * PGSIZE; i++)
    h[i] = (char)(i * 7);
  int pid = xfork();
  if (pid == 0) {
    for (int i = 0; i < 3 * PGSIZE; i++)
      if (h[i] != (char)(i * 7))
        exit(2);
    for (int i = 0; i < 3 * PGSIZE; i++)
      h[i] = 0;
    exit(0);
  }
  EXPECT("child saw the heap", xwait(pid), 0);
  for (int i = 0; i < 3 * PGSIZE; i++)
    CHECK(h[i] == (char)(i * 7), "child's write leaked into parent at %d", i);
}

static char *shrunk;
static void touch_shrunk(void)
{
  *(volatile char *)shrunk = 1;
}

static void t_sbrk_shrink_fault(void)
{
  aligned_top();
  char *h = sbrk(4 * PGSIZE);
  CHECK(h != (char *)-1, "sbrk");
  h[0] = h[4 * PGSIZE - 1] = 1;
  CHECK(sbrk(-4 * PGSIZE) != (char *)-1, "shrink failed");
  shrunk = h + PGSIZE;
  expect_killed("touch freed heap", touch_shrunk);
  shrunk = h + 4 * PGSIZE - 1;
  expect_killed("touch freed heap end", touch_shrunk);
}

// Grab all memory in a child, give it back, and check nothing leaked.
static void t_sbrk_exhaust(void)
{
  int before = nfree();
  CHECK(before > 0, "nfree %d", before);
  int pid = xfork();
  if (pid == 0) {
    uint64 total = 0;
    int chunk = 1 << 20;
    while (chunk >= PGSIZE) {
      char *p = sbrk(chunk);
      if (p == (char *)-1) {
        chunk /= 2;
        continue;
      }
      p[0] = 1;
      p[chunk - 1] = 1;
      total += chunk;
    }
    CHECK(total > 16 * 1024 * 1024, "only %lu bytes from sbrk", total);
    int left = nfree();
    CHECK(left < 256, "sbrk failed with %d pages still free", left);
    CHECK(sbrk(-(int)total) != (char *)-1, "giving memory back failed");
    char *again = sbrk(64 * PGSIZE);
    CHECK(again != (char *)-1, "sbrk after freeing failed");
    again[0] = again[64 * PGSIZE - 1] = 2;
    exit(0);
  }
  EXPECT("exhaust child", xwait(pid), 0);
  EXPECT("free pages after exhaust", nfree(), before);
}

// Process churn must give back every page it took.
static void t_mem_leak(void)
{
  // Warm up once so anything allocated lazily on first use is already there.
  for (int round = 0; round < 2; round++) {
    int before = nfree();
    for (int i = 0; i < 20; i++) {
      int pid = xfork();
      if (pid == 0) {
        char *h = sbrk(3 * PGSIZE);
        if (h != (char *)-1)
          h[0] = h[3 * PGSIZE - 1] = 1;
        exit(0);
      }
      xwait(pid);
    }
    for (int i = 0; i < 10; i++) {
      int p[2];
      EXPECT("pipe", pipe(p), 0);
      write(p[1], "abc", 3);
      close(p[0]);
      close(p[1]);
    }
    int after = nfree();
    if (round == 1)
      CHECK(after == before, "leaked %d pages over fork/exit/pipe", before - after);
  }
}

static void f_store_null(void) { *(volatile int *)0 = 1; }
static volatile uint64 *volatile null_ptr;   // 0; volatile so the compiler cannot see it
static void f_load_null(void) { (void)*null_ptr; }
static void f_load_null_field(void) { (void)null_ptr[511]; }   // p->x with p == 0, x at 0xff8
static void (*volatile null_fn)(void);
static void f_call_null(void) { null_fn(); }
static void f_load_kernel(void) { (void)*(volatile uint64 *)0x80200000UL; }
static void f_load_trampoline(void) { (void)*(volatile uint64 *)TRAMPOLINE; }
static void f_store_trapframe(void) { *(volatile uint64 *)TRAPFRAME = 0; }
static void f_illegal(void) { asm volatile(".4byte 0x00000000"); }
static void f_priv_csr(void) { uint64 x; asm volatile("csrr %0, sstatus" : "=r"(x)); (void)x; }
static void f_jump_unmapped(void) { ((void (*)(void))0x3000000000UL)(); }
static void f_text_write(void) { *(volatile uint32 *)(uint64)&f_text_write = 0x00000013; }
static void f_stack_guard(void) { *(volatile char *)((read_sp() & ~(uint64)(PGSIZE - 1)) - 16) = 1; }

static int deep(int n)
{
  volatile char pad[256];
  pad[0] = (char)n;
  if (n > 1000000)   // never true before the stack runs out
    return 0;
  return deep(n + 1) + pad[0];
}
static void f_stack_overflow(void) { deep(0); }

static void t_fault_store_null(void) { expect_killed("store to 0", f_store_null); }
// Page 0 is never mapped (programs are linked at 0x1000): every null
// dereference faults, a read and a call as much as a store.
static void t_fault_load_null(void)
{
  expect_killed("load from 0", f_load_null);
  expect_killed("load from 0xff8", f_load_null_field);
}
static void t_fault_call_null(void) { expect_killed("call through a null pointer", f_call_null); }
static void t_fault_kernel(void)
{
  expect_killed("load 0x80200000", f_load_kernel);
  expect_killed("load trampoline", f_load_trampoline);
  expect_killed("store trapframe", f_store_trapframe);
}
static void t_fault_illegal(void)
{
  expect_killed("illegal instruction", f_illegal);
  expect_killed("csrr sstatus", f_priv_csr);
  expect_killed("jump to unmapped", f_jump_unmapped);
}
static void t_fault_text_write(void) { expect_killed("store into text", f_text_write); }
static void t_stack_guard(void) { expect_killed("store into guard page", f_stack_guard); }
static void t_stack_overflow(void) { expect_killed("runaway recursion", f_stack_overflow); }

// ---------------------------------------------------------------------------
// File descriptors and rights

static void t_badfd(void)
{
  int closed = xopen("README", O_RDONLY);
  close(closed);
  int fds[] = {-1, NCAP, NCAP + 1, 1000, 0x7fffffff, -0x7fffffff - 1, closed};
  char buf[8];
  struct stat st;
  for (int i = 0; i < (int)(sizeof(fds) / sizeof(fds[0])); i++) {
    int fd = fds[i];
    CHECK(read(fd, buf, 1) == -E_BADCAP, "read fd %d: %d", fd, read(fd, buf, 1));
    CHECK(write(fd, buf, 1) == -E_BADCAP, "write fd %d: %d", fd, write(fd, buf, 1));
    CHECK(fstat(fd, &st) == -E_BADCAP, "fstat fd %d: %d", fd, fstat(fd, &st));
    CHECK(dup(fd) == -E_BADCAP, "dup fd %d: %d", fd, dup(fd));
    CHECK(close(fd) == -E_BADCAP, "close fd %d: %d", fd, close(fd));
  }
}

static void t_rights_file(void)
{
  make_file("ut_rights", "hello", 5);
  char buf[8];
  int ro = xopen("ut_rights", O_RDONLY);
  EXPECT("write read-only fd", write(ro, "x", 1), -E_NORIGHT);
  EXPECT("read read-only fd", read(ro, buf, 5), 5);
  int d = dup(ro);
  CHECK(d >= 0, "dup: %d", d);
  EXPECT("write dup of read-only", write(d, "x", 1), -E_NORIGHT);
  close(d);
  int wo = xopen("ut_rights", O_WRONLY);
  EXPECT("read write-only fd", read(wo, buf, 1), -E_NORIGHT);
  EXPECT("write write-only fd", write(wo, "J", 1), 1);
  int pid = xfork();
  if (pid == 0) {
    // Inherited slots keep their rights.
    if (read(wo, buf, 1) != -E_NORIGHT || write(ro, "x", 1) != -E_NORIGHT)
      exit(2);
    exit(0);
  }
  EXPECT("child rights", xwait(pid), 0);
  close(ro);
  close(wo);
  int rw = xopen("ut_rights", O_RDWR);
  EXPECT("read rdwr", read(rw, buf, 5), 5);
  CHECK(buf[0] == 'J', "write-only write did not land");
  EXPECT("write rdwr", write(rw, "!", 1), 1);
  close(rw);
  EXPECT("unlink", unlink("ut_rights"), 0);
}

static void t_dup_offset(void)
{
  int fd = xopen("ut_dup", O_CREATE | O_TRUNC | O_RDWR);
  int d = dup(fd);
  CHECK(d >= 0 && d != fd, "dup: %d", d);
  EXPECT("write a", write(fd, "abc", 3), 3);
  EXPECT("write b", write(d, "def", 3), 3);
  close(fd);
  close(d);
  char buf[8];
  fd = xopen("ut_dup", O_RDONLY);
  d = dup(fd);
  memset(buf, 0, sizeof(buf));
  EXPECT("read a", read(fd, buf, 3), 3);
  EXPECT("read b", read(d, buf + 3, 3), 3);
  CHECK(memcmp(buf, "abcdef", 6) == 0, "dup offset not shared: '%s'", buf);
  EXPECT("eof", read(fd, buf, 1), 0);
  close(fd);
  close(d);
  // Shared offset across fork too.
  fd = xopen("ut_dup", O_CREATE | O_TRUNC | O_WRONLY);
  int pid = xfork();
  if (pid == 0) {
    write(fd, "child", 5);
    exit(0);
  }
  xwait(pid);
  EXPECT("parent write", write(fd, "parent", 6), 6);
  close(fd);
  fd = xopen("ut_dup", O_RDONLY);
  memset(buf, 0, sizeof(buf));
  EXPECT("read back", read(fd, bigbuf, 100), 11);
  CHECK(memcmp(bigbuf, "childparent", 11) == 0, "fork offset not shared");
  close(fd);
  unlink("ut_dup");
}

static void t_close_reuse(void)
{
  int a = xopen("README", O_RDONLY);
  int b = xopen("README", O_RDONLY);
  CHECK(b > a, "second open %d not above %d", b, a);
  EXPECT("close", close(a), 0);
  EXPECT("close twice", close(a), -E_BADCAP);
  EXPECT("reopen takes the lowest slot", open("README", O_RDONLY), a);
  int p[2];
  close(a);
  close(b);
  EXPECT("pipe", pipe(p), 0);
  CHECK(p[0] == a && p[1] == b, "pipe got %d,%d want %d,%d", p[0], p[1], a, b);
  close(p[0]);
  close(p[1]);
}

// Fill the capability table, check the error, and that failures leak nothing.
static void t_cap_full(void)
{
  int fds[NCAP];
  int n = 0, r;
  for (;;) {
    r = open("README", O_RDONLY);
    if (r < 0)
      break;
    CHECK(n < NCAP, "opened more than NCAP files");
    fds[n++] = r;
  }
  EXPECT("open with full table", r, -E_CAPFULL);
  CHECK(n >= 3, "only %d free slots", n);
  EXPECT("dup with full table", dup(fds[0]), -E_CAPFULL);
  int p[2];
  EXPECT("pipe with full table", pipe(p), -E_CAPFULL);
  close(fds[n - 1]);
  // One slot free: a pipe needs two, so it must fail and give the slot back.
  EXPECT("pipe with one slot", pipe(p), -E_CAPFULL);
  EXPECT("open after failed pipe", open("README", O_RDONLY), fds[n - 1]);
  for (int i = 0; i < n; i++)
    close(fds[i]);
  EXPECT("pipe after closing", pipe(p), 0);
  close(p[0]);
  close(p[1]);
}

static void t_fstat_dev_pipe(void)
{
  struct stat st;
  EXPECT("fstat stdout", fstat(1, &st), 0);
  EXPECT("stdout type", st.type, T_DEVICE);
  int p[2];
  EXPECT("pipe", pipe(p), 0);
  // A pipe has no inode: either a clear error or a zeroed-out description.
  int r = fstat(p[0], &st);
  CHECK(r == 0 || r == -E_INVAL || r == -E_NORIGHT, "fstat pipe: %d", r);
  if (r == 0)
    CHECK(st.type != T_DIR && st.type != T_FILE, "pipe stat type %d", st.type);
  EXPECT("fstat pipe, bad buffer", fstat(p[1], (struct stat *)0x80200000UL) < 0, 1);
  close(p[0]);
  close(p[1]);
  int fd = xopen("README", O_RDONLY);
  EXPECT("fstat file", fstat(fd, &st), 0);
  EXPECT("file type", st.type, T_FILE);
  CHECK(st.size > 0, "README is empty");
  close(fd);
}

static void t_rw_zero(void)
{
  int fd = xopen("README", O_RDONLY);
  char c;
  EXPECT("read 0", read(fd, &c, 0), 0);
  close(fd);
  EXPECT("write 0 to console", write(1, &c, 0), 0);
}

// Negative and huge lengths.
static void t_badlen(void)
{
  make_file("ut_len", "0123456789", 10);
  char buf[16];
  int fd = xopen("ut_len", O_RDWR);
  EXPECT("read -1", read(fd, buf, -1), -E_INVAL);
  EXPECT("read INT_MIN", read(fd, buf, -0x7fffffff - 1), -E_INVAL);
  EXPECT("write -1", write(fd, buf, -1), -E_INVAL);
  EXPECT("write -4096", write(fd, buf, -4096), -E_INVAL);
  EXPECT("console write -1", write(1, buf, -1), -E_INVAL);
  int p[2];
  EXPECT("pipe", pipe(p), 0);
  EXPECT("pipe write -1", write(p[1], buf, -1), -E_INVAL);
  EXPECT("pipe read -1", read(p[0], buf, -1), -E_INVAL);
  close(p[0]);
  close(p[1]);
  close(fd);
  // A huge read from a 10-byte file may either refuse the range or stop at EOF.
  fd = xopen("ut_len", O_RDONLY);
  int r = read(fd, buf, 0x7fffffff);
  CHECK(r == -E_FAULT || r == 10, "read huge: %d", r);
  if (r == 10)
    CHECK(memcmp(buf, "0123456789", 10) == 0, "read huge: wrong data");
  close(fd);
  // A huge write from a small buffer runs off the end of memory. (Bytes that
  // were readable may already be in the file: only the error is checked.)
  fd = xopen("ut_len2", O_CREATE | O_TRUNC | O_WRONLY);
  // The kernel may instead report the bytes it wrote before the fault, like
  // POSIX; then writing on from the faulting byte must fail outright.
  r = write(fd, buf, 0x7fffffff);
  CHECK(r == -E_FAULT || (r > 0 && r < 0x7fffffff), "write huge: %d", r);
  if (r > 0)
    EXPECT("write on from the fault", write(fd, buf + r, 0x7fffffff - r), -E_FAULT);
  close(fd);
  unlink("ut_len2");
  fd = xopen("ut_len", O_RDONLY);
  struct stat st;
  EXPECT("fstat", fstat(fd, &st), 0);
  EXPECT("size unchanged by failed calls", st.size, 10);
  close(fd);
  unlink("ut_len");
}

// ---------------------------------------------------------------------------
// Bad pointers to system calls

static void t_badptr_read(void)
{
  static char data[4096];
  memset(data, 'd', sizeof(data));
  make_file("ut_bpr", data, sizeof(data));
  fill_bad_addrs();
  char *top = aligned_top();
  for (int i = 0; i < NBAD; i++) {
    int fd = xopen("ut_bpr", O_RDONLY);
    int r = read(fd, (void *)bad_addrs[i], 256);
    CHECK(r == -E_FAULT, "read file->addr#%d %p: %d", i, (void *)bad_addrs[i], r);
    close(fd);
    int p[2];
    EXPECT("pipe", pipe(p), 0);
    EXPECT("pipe fill", write(p[1], data, 64), 64);
    r = read(p[0], (void *)bad_addrs[i], 64);
    CHECK(r == -E_FAULT, "read pipe->addr#%d %p: %d", i, (void *)bad_addrs[i], r);
    close(p[0]);
    close(p[1]);
  }
  // Buffer starting at the last mapped byte.
  int fd = xopen("ut_bpr", O_RDONLY);
  EXPECT("read crossing the heap end", read(fd, top - 1, 100), -E_FAULT);
  close(fd);
  // Into read-only text: the kernel must honour the page's rights.
  fd = xopen("ut_bpr", O_RDONLY);
  EXPECT("read into text", read(fd, (void *)(uint64)&t_badptr_read, 16), -E_FAULT);
  close(fd);
  CHECK(*(volatile uint32 *)(uint64)&t_badptr_read != 0x64646464, "text overwritten by read()");
  unlink("ut_bpr");
}

static void t_badptr_write(void)
{
  fill_bad_addrs();
  char *top = aligned_top();
  for (int i = 0; i < NBAD; i++) {
    int fd = xopen("ut_bpw", O_CREATE | O_TRUNC | O_WRONLY);
    int r = write(fd, (void *)bad_addrs[i], 256);
    CHECK(r == -E_FAULT, "write file<-addr#%d %p: %d", i, (void *)bad_addrs[i], r);
    close(fd);
    int p[2];
    EXPECT("pipe", pipe(p), 0);
    r = write(p[1], (void *)bad_addrs[i], 64);
    CHECK(r == -E_FAULT, "write pipe<-addr#%d %p: %d", i, (void *)bad_addrs[i], r);
    close(p[0]);
    close(p[1]);
    r = write(1, (void *)bad_addrs[i], 16);
    CHECK(r == -E_FAULT, "write console<-addr#%d %p: %d", i, (void *)bad_addrs[i], r);
  }
  top[-1] = 'q';
  int fd = xopen("ut_bpw", O_CREATE | O_TRUNC | O_WRONLY);
  EXPECT("write crossing the heap end", write(fd, top - 1, 100), -E_FAULT);
  close(fd);
  struct stat st;
  EXPECT("stat", stat("ut_bpw", &st), 0);
  CHECK(st.size <= 1, "failed writes left %d bytes", (int)st.size);
  unlink("ut_bpw");
}

static void t_badptr_fstat(void)
{
  fill_bad_addrs();
  char *top = aligned_top();
  int fd = xopen("README", O_RDONLY);
  for (int i = 0; i < NBAD; i++) {
    int r = fstat(fd, (struct stat *)bad_addrs[i]);
    CHECK(r == -E_FAULT, "fstat(addr#%d %p): %d", i, (void *)bad_addrs[i], r);
  }
  EXPECT("fstat crossing", fstat(fd, (struct stat *)(top - 8)), -E_FAULT);
  EXPECT("fstat into text", fstat(fd, (struct stat *)(uint64)&t_badptr_fstat), -E_FAULT);
  close(fd);
}

// Counts the free capability slots by filling them.
static int free_slots(void)
{
  int fds[NCAP], n = 0, fd;
  while (n < NCAP && (fd = open("README", O_RDONLY)) >= 0)
    fds[n++] = fd;
  for (int i = 0; i < n; i++)
    close(fds[i]);
  return n;
}

static void t_badptr_pipe(void)
{
  fill_bad_addrs();
  char *top = aligned_top();
  int before = free_slots();
  for (int i = 0; i < NBAD; i++) {
    int r = pipe((int *)bad_addrs[i]);
    CHECK(r == -E_FAULT, "pipe(addr#%d %p): %d", i, (void *)bad_addrs[i], r);
  }
  EXPECT("free slots after bad pipe()", free_slots(), before);
  // The first fd fits, the second doesn't: both slots must be given back.
  EXPECT("pipe crossing", pipe((int *)(top - 4)), -E_FAULT);
  EXPECT("free slots after crossing pipe()", free_slots(), before);
}

static void t_badptr_path(void)
{
  fill_bad_addrs();
  char *top = aligned_top();
  // A path with no NUL before the end of mapped memory.
  char *unterminated = top - 4;
  memmove(unterminated, "READ", 4);
  for (int i = 0; i < NBAD + 1; i++) {
    const char *p = i < NBAD ? (const char *)bad_addrs[i] : unterminated;
    int r;
    CHECK((r = open(p, O_RDONLY)) == -E_FAULT, "open(#%d): %d", i, r);
    CHECK((r = open(p, O_CREATE | O_RDWR)) == -E_FAULT, "open create(#%d): %d", i, r);
    CHECK((r = unlink(p)) == -E_FAULT, "unlink(#%d): %d", i, r);
    CHECK((r = mkdir(p)) == -E_FAULT, "mkdir(#%d): %d", i, r);
    CHECK((r = mknod(p, 1, 0)) == -E_FAULT, "mknod(#%d): %d", i, r);
    CHECK((r = chdir(p)) == -E_FAULT, "chdir(#%d): %d", i, r);
    CHECK((r = link(p, "ut_lnk")) == -E_FAULT, "link(bad, ok)(#%d): %d", i, r);
    CHECK((r = link("README", p)) == -E_FAULT, "link(ok, bad)(#%d): %d", i, r);
  }
  struct stat st;
  CHECK(stat("ut_lnk", &st) < 0, "a failed link created ut_lnk");
}

static void t_badptr_exec(void)
{
  fill_bad_addrs();
  char *top = aligned_top();
  char *argv[] = {"echo", 0};
  for (int i = 0; i < NBAD; i++) {
    int r = exec((char *)bad_addrs[i], argv);
    CHECK(r == -E_FAULT, "exec(path addr#%d): %d", i, r);
    r = exec("echo", (char **)bad_addrs[i]);
    CHECK(r == -E_FAULT, "exec(argv addr#%d): %d", i, r);
    char *bad_elem[] = {"echo", (char *)bad_addrs[i], 0};
    r = exec("echo", bad_elem);
    CHECK(r == -E_FAULT, "exec(argv[1] addr#%d): %d", i, r);
  }
  // argv array whose terminating entry lies past the end of the heap.
  char **cross = (char **)(top - 8);
  cross[0] = "echo";
  EXPECT("exec argv crossing", exec("echo", cross), -E_FAULT);
  memmove(top - 4, "echo", 4);   // path with no NUL in mapped memory
  EXPECT("exec unterminated path", exec(top - 4, argv), -E_FAULT);
}

// ---------------------------------------------------------------------------
// Pipes

static void t_pipe_basic(void)
{
  int p[2];
  EXPECT("pipe", pipe(p), 0);
  for (int i = 0; i < 100; i++)
    bigbuf[i] = (char)(i * 3);
  EXPECT("write", write(p[1], bigbuf, 100), 100);
  EXPECT("read", read(p[0], bigbuf + 1000, 100), 100);
  CHECK(memcmp(bigbuf, bigbuf + 1000, 100) == 0, "data changed in the pipe");
  EXPECT("write to read end", write(p[0], "x", 1), -E_NORIGHT);
  EXPECT("read from write end", read(p[1], bigbuf, 1), -E_NORIGHT);
  // A write bigger than the pipe's buffer, drained by another process.
  int pid = xfork();
  if (pid == 0) {
    for (int i = 0; i < 10000; i++)
      bigbuf[i] = (char)(i % 251);
    exit(write(p[1], bigbuf, 10000) == 10000 ? 0 : 2);
  }
  close(p[1]);
  int got = 0, r;
  while ((r = read(p[0], bigbuf + got, sizeof(bigbuf) - got)) > 0)
    got += r;
  EXPECT("read end", r, 0);
  EXPECT("bytes through pipe", got, 10000);
  for (int i = 0; i < 10000; i++)
    CHECK(bigbuf[i] == (char)(i % 251), "byte %d wrong", i);
  EXPECT("writer", xwait(pid), 0);
  close(p[0]);
}

// Several writers into one reader: each writer's bytes arrive in order.
static void t_pipe_writers(void)
{
  enum { W = 4, PER = 6000 };
  int p[2];
  EXPECT("pipe", pipe(p), 0);
  for (int w = 0; w < W; w++) {
    int pid = xfork();
    if (pid == 0) {
      close(p[0]);
      char buf[300];
      int sent = 0, step = 1 + w * 37;
      while (sent < PER) {
        int n = step % 300 + 1;
        if (n > PER - sent)
          n = PER - sent;
        for (int i = 0; i < n; i++)
          buf[i] = (char)((w << 6) | ((sent + i) & 63));
        if (write(p[1], buf, n) != n)
          exit(2);
        sent += n;
        step += 53;
      }
      exit(0);
    }
  }
  close(p[1]);
  int next[W] = {0};
  char buf[512];
  int r;
  while ((r = read(p[0], buf, sizeof(buf))) > 0) {
    for (int i = 0; i < r; i++) {
      int w = (uchar)buf[i] >> 6;
      CHECK(((uchar)buf[i] & 63) == (next[w] & 63), "writer %d byte %d out of order", w, next[w]);
      next[w]++;
    }
  }
  EXPECT("read at eof", r, 0);
  for (int w = 0; w < W; w++)
    CHECK(next[w] == PER, "writer %d delivered %d of %d", w, next[w], PER);
  for (int w = 0; w < W; w++) {
    int st;
    CHECK(wait(&st) > 0 && st == 0, "writer status %d", st);
  }
  close(p[0]);
}

// Many writers and many readers: every byte is read exactly once.
static void t_pipe_readers(void)
{
  enum { NW = 3, NR = 3, PER = 5000 };
  int p[2], res[2];
  EXPECT("pipe", pipe(p), 0);
  EXPECT("pipe", pipe(res), 0);
  for (int w = 0; w < NW; w++) {
    if (xfork() == 0) {
      close(p[0]);
      char buf[100];
      for (int i = 0; i < 100; i++)
        buf[i] = (char)(w + 1);
      for (int sent = 0; sent < PER; sent += 100)
        if (write(p[1], buf, 100) != 100)
          exit(2);
      exit(0);
    }
  }
  for (int r = 0; r < NR; r++) {
    if (xfork() == 0) {
      close(p[1]);
      uint64 tally[2] = {0, 0};   // bytes, sum of values
      char buf[77];
      int n;
      while ((n = read(p[0], buf, sizeof(buf))) > 0) {
        tally[0] += n;
        for (int i = 0; i < n; i++)
          tally[1] += (uchar)buf[i];
      }
      write(res[1], tally, sizeof(tally));
      exit(n == 0 ? 0 : 3);
    }
  }
  close(p[0]);
  close(p[1]);
  close(res[1]);
  uint64 bytes = 0, sum = 0, tally[2];
  for (int r = 0; r < NR; r++) {
    EXPECT("result", read(res[0], tally, sizeof(tally)), sizeof(tally));
    bytes += tally[0];
    sum += tally[1];
  }
  for (int i = 0; i < NW + NR; i++) {
    int st;
    CHECK(wait(&st) > 0 && st == 0, "worker status %d", st);
  }
  EXPECT("total bytes", bytes, NW * PER);
  EXPECT("checksum", sum, PER * (1 + 2 + 3));
  close(res[0]);
}

static void t_pipe_epipe(void)
{
  int p[2];
  EXPECT("pipe", pipe(p), 0);
  close(p[0]);
  EXPECT("write, no reader", write(p[1], "x", 1), -E_PIPE);
  EXPECT("again", write(p[1], "xyz", 3), -E_PIPE);
  close(p[1]);
  // A writer blocked on a full pipe is released when the last reader goes.
  EXPECT("pipe", pipe(p), 0);
  int pid = xfork();
  if (pid == 0) {
    close(p[0]);
    int r = write(p[1], bigbuf, 12000);
    if (r != -E_PIPE && !(r > 0 && r < 12000))
      exit(2);
    exit(write(p[1], "x", 1) == -E_PIPE ? 0 : 3);
  }
  sleep(10);
  close(p[0]);
  close(p[1]);
  EXPECT("blocked writer", xwait(pid), 0);
}

static void t_pipe_eof(void)
{
  int p[2];
  EXPECT("pipe", pipe(p), 0);
  int a = xfork();
  if (a == 0) {
    close(p[0]);
    write(p[1], "aa", 2);
    exit(0);
  }
  int b = xfork();
  if (b == 0) {
    close(p[0]);
    sleep(10);   // this writer is slower: no EOF until it is done
    write(p[1], "bbb", 3);
    exit(0);
  }
  close(p[1]);
  char buf[8];
  int got = 0, r;
  while ((r = read(p[0], buf + got, sizeof(buf) - got)) > 0)
    got += r;
  EXPECT("read at eof", r, 0);
  EXPECT("bytes before eof", got, 5);
  EXPECT("read after eof", read(p[0], buf, 1), 0);
  close(p[0]);
  for (int i = 0; i < 2; i++) {
    int w = wait(0);
    CHECK(w == a || w == b, "wait for writers: %d", w);
  }
}

// ---------------------------------------------------------------------------
// File system

static void t_file_basic(void)
{
  make_file("ut_fb", "hello world", 11);
  struct stat st;
  EXPECT("stat", stat("ut_fb", &st), 0);
  EXPECT("size", st.size, 11);
  EXPECT("type", st.type, T_FILE);
  EXPECT("nlink", st.nlink, 1);
  // O_TRUNC empties, O_CREATE on an existing file keeps it.
  int fd = xopen("ut_fb", O_CREATE | O_RDWR);
  close(fd);
  EXPECT("stat", stat("ut_fb", &st), 0);
  EXPECT("size after O_CREATE", st.size, 11);
  fd = xopen("ut_fb", O_TRUNC | O_WRONLY);
  EXPECT("fstat", fstat(fd, &st), 0);
  EXPECT("size after O_TRUNC", st.size, 0);
  close(fd);
  // An unlinked file stays readable through an open slot.
  make_file("ut_fb", "persist", 7);
  int r = xopen("ut_fb", O_RDONLY);
  EXPECT("unlink open file", unlink("ut_fb"), 0);
  EXPECT("open unlinked", open("ut_fb", O_RDONLY), -E_NOENT);
  char buf[8];
  EXPECT("read unlinked", read(r, buf, 8), 7);
  CHECK(memcmp(buf, "persist", 7) == 0, "unlinked data wrong");
  close(r);
}

static void t_open_errors(void)
{
  EXPECT("open missing", open("ut_nothere", O_RDONLY), -E_NOENT);
  EXPECT("open in missing dir", open("ut_nodir/x", O_CREATE | O_RDWR), -E_NOENT);
  EXPECT("open empty path", open("", O_RDONLY) < 0, 1);
  make_file("ut_plain", "x", 1);
  int r = open("ut_plain/x", O_RDONLY);
  CHECK(r == -E_NOTDIR || r == -E_NOENT, "open file/x: %d", r);
  r = open("ut_plain/x", O_CREATE | O_RDWR);
  CHECK(r == -E_NOTDIR || r == -E_NOENT, "create file/x: %d", r);
  EXPECT("chdir to file", chdir("ut_plain"), -E_NOTDIR);
  EXPECT("mkdir over file", mkdir("ut_plain"), -E_EXIST);
  EXPECT("unlink missing", unlink("ut_nothere"), -E_NOENT);
  remove_dir("ut_odir");
  EXPECT("mkdir", mkdir("ut_odir"), 0);
  EXPECT("open dir write-only", open("ut_odir", O_WRONLY), -E_ISDIR);
  EXPECT("open dir read-write", open("ut_odir", O_RDWR), -E_ISDIR);
  r = open("ut_odir", O_CREATE | O_RDWR);
  CHECK(r < 0, "O_CREATE on a directory: %d", r);
  EXPECT("mkdir existing", mkdir("ut_odir"), -E_EXIST);
  EXPECT("rmdir", unlink("ut_odir"), 0);
  unlink("ut_plain");
}

static void t_path_toolong(void)
{
  static char longp[MAXPATH + 64];
  memset(longp, 'a', sizeof(longp) - 1);
  longp[sizeof(longp) - 1] = 0;
  for (int i = 1; i < (int)sizeof(longp) - 1; i += 2)
    longp[i] = '/';   // many short components
  for (int pass = 0; pass < 2; pass++) {
    EXPECT("open", open(longp, O_RDONLY), -E_NAMETOOLONG);
    EXPECT("create", open(longp, O_CREATE | O_RDWR), -E_NAMETOOLONG);
    EXPECT("mkdir", mkdir(longp), -E_NAMETOOLONG);
    EXPECT("unlink", unlink(longp), -E_NAMETOOLONG);
    EXPECT("chdir", chdir(longp), -E_NAMETOOLONG);
    EXPECT("mknod", mknod(longp, 1, 0), -E_NAMETOOLONG);
    EXPECT("link to", link("README", longp), -E_NAMETOOLONG);
    EXPECT("link from", link(longp, "ut_x"), -E_NAMETOOLONG);
    char *argv[] = {"x", 0};
    EXPECT("exec", exec(longp, argv), -E_NAMETOOLONG);
    memset(longp, 'b', sizeof(longp) - 1);   // second pass: one long name
  }
}

static void t_dirs(void)
{
  remove_dir("ut_d/sub");
  remove_dir("ut_d");
  EXPECT("mkdir", mkdir("ut_d"), 0);
  EXPECT("mkdir sub", mkdir("ut_d/sub"), 0);
  EXPECT("chdir", chdir("ut_d"), 0);
  make_file("f", "in d", 4);
  EXPECT("chdir ..", chdir(".."), 0);
  struct stat st;
  EXPECT("stat through dir", stat("ut_d/f", &st), 0);
  EXPECT("size", st.size, 4);
  EXPECT("chdir deep", chdir("ut_d/sub"), 0);
  EXPECT("stat ../f", stat("../f", &st), 0);
  EXPECT("chdir ../..", chdir("../.."), 0);
  EXPECT("stat back at top", stat("ut_d", &st), 0);
  EXPECT("dir type", st.type, T_DIR);
  EXPECT("rm non-empty", unlink("ut_d"), -E_NOTEMPTY);
  int r = unlink(".");
  CHECK(r < 0, "unlink(.) = %d", r);
  r = unlink("..");
  CHECK(r < 0, "unlink(..) = %d", r);
  r = unlink("ut_d/sub/.");
  CHECK(r < 0, "unlink(sub/.) = %d", r);
  r = unlink("ut_d/sub/..");
  CHECK(r < 0, "unlink(sub/..) = %d", r);
  EXPECT("rm sub", unlink("ut_d/sub"), 0);
  EXPECT("rm f", unlink("ut_d/f"), 0);
  EXPECT("rm now-empty dir", unlink("ut_d"), 0);
  EXPECT("stat removed", stat("ut_d", &st), -E_NOENT);
}

// ".." at the root stays at the root.
static void t_dotdot_root(void)
{
  struct stat root, st;
  EXPECT("stat /", stat("/", &root), 0);
  EXPECT("root inode", root.ino, ROOTINO);
  EXPECT("stat /..", stat("/..", &st), 0);
  EXPECT("/.. is /", st.ino, ROOTINO);
  EXPECT("chdir /", chdir("/"), 0);
  EXPECT("chdir ..", chdir(".."), 0);
  EXPECT("chdir ../../..", chdir("../../.."), 0);
  EXPECT("stat .", stat(".", &st), 0);
  EXPECT("still at root", st.ino, ROOTINO);
  EXPECT("README from above root", stat("../../README", &st), 0);
}

static void t_dirread(void)
{
  int fd = xopen(".", O_RDONLY);
  struct dirent de;
  int dot = 0, dotdot = 0, readme = 0, r;
  while ((r = read(fd, &de, sizeof(de))) == sizeof(de)) {
    if (de.inum == 0)
      continue;
    if (strncmp(de.name, ".", DIRSIZ) == 0)
      dot = 1;
    else if (strncmp(de.name, "..", DIRSIZ) == 0)
      dotdot = 1;
    else if (strncmp(de.name, "README", DIRSIZ) == 0)
      readme = 1;
  }
  EXPECT("end of directory", r, 0);
  CHECK(dot && dotdot && readme, "entries: .=%d ..=%d README=%d", dot, dotdot, readme);
  r = write(fd, &de, sizeof(de));
  CHECK(r < 0, "write to a directory: %d", r);
  close(fd);
}

static void t_links(void)
{
  unlink("ut_la");
  unlink("ut_lb");
  make_file("ut_la", "linked", 6);
  EXPECT("link", link("ut_la", "ut_lb"), 0);
  struct stat a, b;
  EXPECT("stat a", stat("ut_la", &a), 0);
  EXPECT("stat b", stat("ut_lb", &b), 0);
  EXPECT("same inode", a.ino, b.ino);
  EXPECT("nlink 2", a.nlink, 2);
  EXPECT("link existing name", link("ut_la", "ut_lb"), -E_EXIST);
  EXPECT("link missing", link("ut_nothere", "ut_lc"), -E_NOENT);
  EXPECT("link into missing dir", link("ut_la", "ut_nodir/x"), -E_NOENT);
  int r = link(".", "ut_ldir");
  CHECK(r < 0, "link of a directory: %d", r);
  EXPECT("unlink a", unlink("ut_la"), 0);
  int fd = xopen("ut_lb", O_RDONLY);
  EXPECT("fstat b", fstat(fd, &b), 0);
  EXPECT("nlink 1", b.nlink, 1);
  char buf[8];
  EXPECT("read through second name", read(fd, buf, 8), 6);
  close(fd);
  EXPECT("unlink b", unlink("ut_lb"), 0);
  EXPECT("gone", open("ut_lb", O_RDONLY), -E_NOENT);
}

static void t_mknod(void)
{
  unlink("ut_con");
  EXPECT("mknod", mknod("ut_con", 1, 0), 0);
  EXPECT("mknod existing", mknod("ut_con", 1, 0), -E_EXIST);
  int fd = xopen("ut_con", O_WRONLY);
  struct stat st;
  EXPECT("fstat", fstat(fd, &st), 0);
  EXPECT("type", st.type, T_DEVICE);
  EXPECT("write 0 bytes", write(fd, "", 0), 0);
  close(fd);
  EXPECT("unlink", unlink("ut_con"), 0);
}

// A removed directory takes no new names (issue 11): with the cwd removed,
// creating a file, a directory, a device or a link in it fails with -E_NOENT,
// through the cwd and through a directory capability held on it, and
// nothing is allocated (test_fsck checks the disk afterwards). ".." from it
// is -E_NOENT, before and after its old parent is removed too.
static void removed_dir_child(void)
{
  EXPECT("chdir", chdir("/ut_rm/x"), 0);
  int d = xopen(".", O_RDONLY);   // a directory capability on the cwd
  EXPECT("rmdir in-use cwd", unlink("/ut_rm/x"), 0);
  struct stat st;
  EXPECT("fstat", fstat(d, &st), 0);
  EXPECT("nlink of a removed dir", st.nlink, 0);
  EXPECT("mkdir in removed cwd", mkdir("sub"), -E_NOENT);
  EXPECT("create in removed cwd", open("file", O_CREATE | O_RDWR), -E_NOENT);
  EXPECT("mknod in removed cwd", mknod("dev", 1, 0), -E_NOENT);
  EXPECT("link into removed cwd", link("/README", "ln"), -E_NOENT);
  EXPECT("openat create", openat(d, "g", O_CREATE | O_RDWR), -E_NOENT);
  EXPECT("openat mkdir path", openat(d, "sub/g", O_CREATE | O_RDWR), -E_NOENT);
  EXPECT("unlink in removed cwd", unlink("file"), -E_NOENT);
  EXPECT("fstat after", fstat(d, &st), 0);
  EXPECT("still nlink 0", st.nlink, 0);
  EXPECT("stat ..", stat("..", &st), -E_NOENT);
  EXPECT("chdir ..", chdir(".."), -E_NOENT);
  EXPECT("openat ..", openat(d, "..", O_RDONLY), -E_NOENT);
  EXPECT("rmdir old parent", unlink("/ut_rm"), 0);
  EXPECT("mkdir it again", mkdir("/ut_rm"), 0);   // may reuse the freed inode
  EXPECT("chdir .. after", chdir(".."), -E_NOENT);
  EXPECT("stat .", stat(".", &st), 0);
  EXPECT("read the removed dir", read(d, &st, 1) >= 0, 1);
  close(d);
  EXPECT("chdir /", chdir("/"), 0);
  EXPECT("rmdir new one", unlink("/ut_rm"), 0);
  exit(0);
}

static void t_removed_dir(void)
{
  remove_dir("/ut_rm/x");
  remove_dir("/ut_rm");
  EXPECT("mkdir", mkdir("/ut_rm"), 0);
  EXPECT("mkdir x", mkdir("/ut_rm/x"), 0);
  int pid = xfork();
  if (pid == 0)
    removed_dir_child();
  EXPECT("child", xwait(pid), 0);
  struct stat st;
  EXPECT("all gone", stat("/ut_rm", &st), -E_NOENT);
}

// The walk that panicked the old kernel ("ilock: inode has no type"): make
// things in a removed cwd whatever the results, remove its old parent, then
// climb "..": every step must fail cleanly, never reach a freed inode.
static void t_removed_dir_walk(void)
{
  remove_dir("/ut_rw/x/sub");
  remove_dir("/ut_rw/x");
  remove_dir("/ut_rw");
  EXPECT("mkdir", mkdir("/ut_rw"), 0);
  EXPECT("mkdir x", mkdir("/ut_rw/x"), 0);
  int pid = xfork();
  if (pid == 0) {
    EXPECT("chdir", chdir("/ut_rw/x"), 0);
    EXPECT("rmdir cwd", unlink("/ut_rw/x"), 0);
    int made = mkdir("sub") == 0;
    if (made)
      chdir("sub");
    EXPECT("rmdir old parent", unlink("/ut_rw"), 0);
    for (int i = 0; i < 4; i++)
      chdir("..");
    struct stat st;
    stat("../..", &st);
    CHECK(!made, "mkdir in a removed cwd succeeded");
    exit(0);
  }
  EXPECT("child", xwait(pid), 0);
}

// Unlinking a directory: refused while it has entries; allowed while it is
// another process's cwd (that process keeps a removed directory); link never
// names a directory twice.
static void t_rmdir_rules(void)
{
  remove_dir("/ut_rr/d");
  remove_dir("/ut_rr");
  EXPECT("mkdir", mkdir("/ut_rr"), 0);
  EXPECT("mkdir d", mkdir("/ut_rr/d"), 0);
  EXPECT("rmdir non-empty", unlink("/ut_rr"), -E_NOTEMPTY);
  EXPECT("link a dir", link("/ut_rr/d", "/ut_rr/d2"), -E_ISDIR);
  int ready[2], done[2];
  EXPECT("pipe", pipe(ready), 0);
  EXPECT("pipe", pipe(done), 0);
  int pid = xfork();
  if (pid == 0) {
    close(ready[0]);
    close(done[1]);
    EXPECT("chdir", chdir("/ut_rr/d"), 0);
    write(ready[1], "r", 1);
    char c;
    EXPECT("wait for the parent", read(done[0], &c, 1), 1);   // it removed our cwd
    EXPECT("create in removed cwd", open("f", O_CREATE | O_RDWR), -E_NOENT);
    exit(0);
  }
  close(ready[1]);
  close(done[0]);
  char c;
  EXPECT("child in d", read(ready[0], &c, 1), 1);
  EXPECT("rmdir another's cwd", unlink("/ut_rr/d"), 0);
  write(done[1], "d", 1);
  close(ready[0]);
  close(done[1]);
  EXPECT("child", xwait(pid), 0);
  EXPECT("rmdir now empty", unlink("/ut_rr"), 0);
}

// fsync (issue 17): 0 on a file or directory on disk, -E_INVAL on a pipe
// or the console, -E_BADCAP on a bad slot. (The right it needs, WRITE, is
// checked in dirtest's fsync_rights.) That what it returns for is really
// on disk is test_durability's job: it cuts the power after fsync.
static void t_fsync_basic(void)
{
  EXPECT("fsync -1", fsync(-1), -E_BADCAP);
  EXPECT("fsync slot NCAP", fsync(NCAP), -E_BADCAP);
  EXPECT("fsync huge slot", fsync(1 << 20), -E_BADCAP);
  EXPECT("fsync console", fsync(1), -E_INVAL);
  int p[2];
  EXPECT("pipe", pipe(p), 0);
  EXPECT("fsync pipe write end", fsync(p[1]), -E_INVAL);
  close(p[0]);
  close(p[1]);
  int fd = xopen("ut_fsync", O_CREATE | O_TRUNC | O_WRONLY);
  EXPECT("write", write(fd, "durable", 7), 7);
  EXPECT("fsync file", fsync(fd), 0);
  EXPECT("fsync again", fsync(fd), 0);
  EXPECT("unlink", unlink("ut_fsync"), 0);
  EXPECT("fsync unlinked open file", fsync(fd), 0);
  close(fd);
  EXPECT("fsync closed slot", fsync(fd), -E_BADCAP);
  int d = xopen(".", O_RDONLY);   // a directory capability: the cwd's rights
  EXPECT("fsync directory", fsync(d), 0);
  close(d);
}

static void t_small_files(void)
{
  enum { N = 30 };
  char name[24];
  remove_dir("ut_sm");
  EXPECT("mkdir", mkdir("ut_sm"), 0);
  for (int i = 0; i < N; i++) {
    snprintf(name, sizeof(name), "ut_sm/f%d", i);
    for (int j = 0; j < 37 + i; j++)
      bigbuf[j] = (char)(i + j);
    make_file(name, bigbuf, 37 + i);
  }
  for (int i = 0; i < N; i++) {
    snprintf(name, sizeof(name), "ut_sm/f%d", i);
    int fd = xopen(name, O_RDONLY);
    EXPECT("size", read(fd, bigbuf, 200), 37 + i);
    for (int j = 0; j < 37 + i; j++)
      CHECK(bigbuf[j] == (char)(i + j), "file %d byte %d", i, j);
    close(fd);
  }
  for (int i = 0; i < N; i++) {
    snprintf(name, sizeof(name), "ut_sm/f%d", i);
    EXPECT("unlink", unlink(name), 0);
  }
  EXPECT("rmdir", unlink("ut_sm"), 0);
}

// Several processes create and delete files with the same names in one directory.
static void t_concurrent_create(void)
{
  enum { KIDS = 4, ROUNDS = 20, NAMES = 8 };
  char name[16];
  remove_dir("ut_cc");
  EXPECT("mkdir", mkdir("ut_cc"), 0);
  EXPECT("chdir", chdir("ut_cc"), 0);
  for (int k = 0; k < KIDS; k++) {
    if (xfork() == 0) {
      for (int i = 0; i < ROUNDS; i++) {
        snprintf(name, sizeof(name), "s%d", (i * 5 + k * 3) % NAMES);
        if ((i + k) % 3 == 2) {
          int r = unlink(name);
          if (r < 0 && r != -E_NOENT)
            FAILF("unlink %s: %d", name, r);
        } else {
          int fd = open(name, O_CREATE | O_RDWR);
          if (fd < 0)
            FAILF("create %s: %d", name, fd);
          if (write(fd, "zz", 2) != 2)
            FAILF("write %s", name);
          close(fd);
        }
        // A private file per process, checked right away.
        snprintf(name, sizeof(name), "p%d_%d", k, i % 5);
        char v = (char)('a' + i % 26), got = 0;
        make_file(name, &v, 1);
        int fd = xopen(name, O_RDONLY);
        if (read(fd, &got, 1) != 1 || got != v)
          FAILF("private file %s wrong", name);
        close(fd);
        if (i % 2)
          unlink(name);
      }
      exit(0);
    }
  }
  for (int k = 0; k < KIDS; k++) {
    int st;
    CHECK(wait(&st) > 0 && st == 0, "worker status %d", st);
  }
  // Clean up whatever is left; then the directory must be empty.
  for (int i = 0; i < NAMES; i++) {
    snprintf(name, sizeof(name), "s%d", i);
    unlink(name);
  }
  for (int k = 0; k < KIDS; k++)
    for (int i = 0; i < 5; i++) {
      snprintf(name, sizeof(name), "p%d_%d", k, i);
      unlink(name);
    }
  EXPECT("chdir ..", chdir(".."), 0);
  EXPECT("rmdir", unlink("ut_cc"), 0);
}

#define BIGFILE_KB 300   // more than NDIRECT + NINDIRECT = 267 blocks
#define BIG_CALL 8       // KB per write() call: fewer, larger log transactions

static void write_big(const char *path, int kb, int salt)
{
  int fd = xopen(path, O_CREATE | O_TRUNC | O_WRONLY);
  for (int b0 = 0; b0 < kb; b0 += BIG_CALL) {
    int nb = kb - b0 < BIG_CALL ? kb - b0 : BIG_CALL;
    uint *w = (uint *)bigbuf;
    for (int b = 0; b < nb; b++)
      for (int i = 0; i < BSIZE / 4; i++)
        w[b * BSIZE / 4 + i] = (uint)((b0 + b) * 1000 + i + salt);
    int r = write(fd, bigbuf, nb * BSIZE);
    CHECK(r == nb * BSIZE, "write at block %d: %d", b0, r);
  }
  close(fd);
}

static void check_big(const char *path, int kb, int salt)
{
  int fd = xopen(path, O_RDONLY);
  for (int b = 0; b < kb; b++) {
    int r = read(fd, bigbuf, BSIZE);
    CHECK(r == BSIZE, "read block %d: %d", b, r);
    uint *w = (uint *)bigbuf;
    for (int i = 0; i < BSIZE / 4; i++)
      CHECK(w[i] == (uint)(b * 1000 + i + salt), "block %d word %d wrong", b, i);
  }
  EXPECT("eof", read(fd, bigbuf, 1), 0);
  close(fd);
}

static void t_bigfile(void)
{
  write_big("ut_big", BIGFILE_KB, 0);
  struct stat st;
  EXPECT("stat", stat("ut_big", &st), 0);
  EXPECT("size", st.size, BIGFILE_KB * BSIZE);
  check_big("ut_big", BIGFILE_KB, 0);
  EXPECT("unlink", unlink("ut_big"), 0);
  // The freed blocks (data and indirect) can be used again.
  write_big("ut_big2", 64, 7);
  check_big("ut_big2", 64, 7);
  EXPECT("unlink again", unlink("ut_big2"), 0);
}

static void t_fs_full(void)
{
  int fd = xopen("ut_full", O_CREATE | O_TRUNC | O_WRONLY);
  memset(bigbuf, 'F', sizeof(bigbuf));
  int total = 0, r;
  for (;;) {
    r = write(fd, bigbuf, sizeof(bigbuf));
    if (r != (int)sizeof(bigbuf))
      break;
    total += r;
    CHECK(total < 64 * 1024 * 1024, "disk never filled");
  }
  if (r > 0) {   // a short write is allowed once; the next must fail
    total += r;
    r = write(fd, bigbuf, 4096);
  }
  CHECK(total > 100 * 1024, "disk full after only %d bytes", total);
  EXPECT("write on full disk", r, -E_NOSPC);
  close(fd);
  int g = open("ut_full2", O_CREATE | O_WRONLY);
  if (g >= 0) {
    int w = write(g, bigbuf, 1);
    CHECK(w == -E_NOSPC, "write new file on full disk: %d", w);
    close(g);
    unlink("ut_full2");
  }
  EXPECT("unlink", unlink("ut_full"), 0);
  // Space is back.
  fd = xopen("ut_full", O_CREATE | O_TRUNC | O_WRONLY);
  for (int i = 0; i < 25; i++)
    EXPECT("write after freeing", write(fd, bigbuf, 4096), 4096);
  close(fd);
  EXPECT("unlink", unlink("ut_full"), 0);
}

static void t_inode_full(void)
{
  char name[16];
  remove_dir("ut_ino");
  EXPECT("mkdir", mkdir("ut_ino"), 0);
  EXPECT("chdir", chdir("ut_ino"), 0);
  int n = 0, fd;
  for (;;) {
    snprintf(name, sizeof(name), "i%d", n);
    fd = open(name, O_CREATE | O_RDWR);
    if (fd < 0)
      break;
    close(fd);
    CHECK(++n < 100000, "inodes never ran out");
  }
  CHECK(fd == -E_NOSPC || fd == -E_NOMEM, "create with no inodes: %d", fd);
  CHECK(n > 10, "only %d inodes", n);
  for (int i = 0; i < n; i++) {
    snprintf(name, sizeof(name), "i%d", i);
    EXPECT("unlink", unlink(name), 0);
  }
  fd = open("again", O_CREATE | O_RDWR);
  CHECK(fd >= 0, "create after freeing inodes: %d", fd);
  close(fd);
  unlink("again");
  EXPECT("chdir ..", chdir(".."), 0);
  EXPECT("rmdir", unlink("ut_ino"), 0);
}

// ---------------------------------------------------------------------------
// exec

// A minimal ELF64 image, built here so every field can be broken on purpose.
struct t_ehdr {
  uchar ident[16];
  ushort type, machine;
  uint version;
  uint64 entry, phoff, shoff;
  uint flags;
  ushort ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};
struct t_phdr {
  uint type, flags;
  uint64 off, vaddr, paddr, filesz, memsz, align;
};
struct t_image {
  struct t_ehdr eh;
  struct t_phdr ph[2];
  uint code[4];
};

// The program: exit(7).
static void good_image(struct t_image *im)
{
  memset(im, 0, sizeof(*im));
  im->eh.ident[0] = 0x7f;
  im->eh.ident[1] = 'E';
  im->eh.ident[2] = 'L';
  im->eh.ident[3] = 'F';
  im->eh.ident[4] = 2;   // 64-bit
  im->eh.ident[5] = 1;   // little endian
  im->eh.ident[6] = 1;
  im->eh.type = 2;       // executable
  im->eh.machine = 243;  // RISC-V
  im->eh.version = 1;
  im->eh.phoff = sizeof(struct t_ehdr);
  im->eh.ehsize = sizeof(struct t_ehdr);
  im->eh.phentsize = sizeof(struct t_phdr);
  im->eh.phnum = 1;
  im->eh.entry = USERTEXT + (uint64)&((struct t_image *)0)->code;
  im->ph[0].type = 1;    // PT_LOAD
  im->ph[0].flags = 5;   // R+X
  im->ph[0].off = 0;
  im->ph[0].vaddr = USERTEXT;   // page 0 is refused: null pointers must fault
  im->ph[0].filesz = sizeof(*im);
  im->ph[0].memsz = sizeof(*im);
  im->ph[0].align = PGSIZE;
  im->code[0] = 0x00700513;              // li a0, 7
  im->code[1] = 0x00000893 | (SYS_exit << 20);   // li a7, SYS_exit
  im->code[2] = 0x00000073;              // ecall
  im->code[3] = 0x0000006f;              // j .
}

// Each way to break the image; `len` < 0 means the whole image.
struct bad_elf {
  const char *what;
  int len;
  void (*spoil)(struct t_image *);
};
static void sp_none(struct t_image *im) { (void)im; }
static void sp_garbage(struct t_image *im) { for (uint i = 0; i < sizeof(*im); i++) ((uchar *)im)[i] = (uchar)(i * 73 + 11); }
static void sp_phoff_far(struct t_image *im) { im->eh.phoff = 0x100000; }
static void sp_phoff_wrap(struct t_image *im) { im->eh.phoff = 0xffffffffffffffe0UL; }
static void sp_phnum(struct t_image *im) { im->eh.phnum = 0xffff; }
static void sp_phnum_past_end(struct t_image *im) { im->eh.phnum = 40; }
static void sp_memsz_huge(struct t_image *im) { im->ph[0].memsz = 0x3000000000UL; }
static void sp_memsz_ram(struct t_image *im) { im->ph[0].memsz = 200UL * 1024 * 1024; }
static void sp_memsz_small(struct t_image *im) { im->ph[0].memsz = 8; }
static void sp_vaddr_wrap(struct t_image *im) { im->ph[0].vaddr = 0xfffffffffffff000UL; im->ph[0].memsz = 0x2000; im->ph[0].filesz = 0x10; }
static void sp_vaddr_zero(struct t_image *im) { im->ph[0].vaddr = 0; im->eh.entry -= USERTEXT; }
static void sp_vaddr_top(struct t_image *im) { im->ph[0].vaddr = TRAPFRAME - PGSIZE; im->ph[0].memsz = 3 * PGSIZE; }
static void sp_off_far(struct t_image *im) { im->ph[0].off = 0x7fff0000; }
static void sp_off_wrap(struct t_image *im) { im->ph[0].off = 0xfffffffffffffff0UL; }
static void sp_filesz_big(struct t_image *im) { im->ph[0].filesz = im->ph[0].memsz = 1 << 20; }
static void sp_machine(struct t_image *im) { im->eh.machine = 62; }
static void sp_class32(struct t_image *im) { im->eh.ident[4] = 1; }
// Second segment broken after the first was loaded: exec must free the first.
static void sp_second_bad(struct t_image *im)
{
  im->eh.phnum = 2;
  im->ph[1] = im->ph[0];
  im->ph[1].vaddr = 4 * PGSIZE;
  im->ph[1].memsz = 8;
}
static void sp_second_huge(struct t_image *im)
{
  im->eh.phnum = 2;
  im->ph[1] = im->ph[0];
  im->ph[1].vaddr = 4 * PGSIZE;
  im->ph[1].memsz = 200UL * 1024 * 1024;
}

static const struct bad_elf bad_elves[] = {
  {"empty", 0, sp_none},
  {"garbage", -1, sp_garbage},
  {"truncated header", 40, sp_none},
  {"header only", sizeof(struct t_ehdr), sp_none},
  {"phoff past end", -1, sp_phoff_far},
  {"phoff wraps", -1, sp_phoff_wrap},
  {"phnum 65535", -1, sp_phnum},
  {"memsz > MAXVA", -1, sp_memsz_huge},
  {"memsz > RAM", -1, sp_memsz_ram},
  {"memsz < filesz", -1, sp_memsz_small},
  {"vaddr wraps", -1, sp_vaddr_wrap},
  {"segment over trapframe", -1, sp_vaddr_top},
  {"segment at page 0", -1, sp_vaddr_zero},
  {"offset past end", -1, sp_off_far},
  {"offset wraps", -1, sp_off_wrap},
  {"filesz past end", -1, sp_filesz_big},
  {"wrong machine", -1, sp_machine},
  {"32-bit class", -1, sp_class32},
  // From here on the first segment loads before exec finds the problem.
  {"phnum past end", -1, sp_phnum_past_end},
  {"second segment bad", -1, sp_second_bad},
  {"second segment huge", -1, sp_second_huge},
};
#define NBADELF ((int)(sizeof(bad_elves) / sizeof(bad_elves[0])))

static void write_image(const char *path, const struct bad_elf *b)
{
  static struct t_image im;
  good_image(&im);
  b->spoil(&im);
  make_file(path, &im, b->len < 0 ? (int)sizeof(im) : b->len);
}

static void t_exec_ok(void)
{
  static const struct bad_elf good = {"good", -1, sp_none};
  write_image("ut_elf", &good);
  int pid = xfork();
  if (pid == 0) {
    char *argv[] = {"ut_elf", "arg", 0};
    int r = exec("ut_elf", argv);
    exit(100 - r);
  }
  int st = xwait(pid);
  CHECK(st == 7, "hand-made ELF: status %d (exec error %d)", st, 100 - st);
  unlink("ut_elf");
}

static int canary = 0x5eed;

// Tries each bad image in [from, to); exec must fail with a clear error and
// leave the caller untouched.
static void try_bad_elves(int from, int to)
{
  char *argv[] = {"ut_bad", 0};
  for (int i = from; i < to; i++) {
    write_image("ut_bad", &bad_elves[i]);
    int r = exec("ut_bad", argv);
    // Still here, so exec failed; it must say why.
    CHECK(r == -E_NOEXEC || r == -E_NOMEM, "exec '%s': %d", bad_elves[i].what, r);
    CHECK(canary == 0x5eed, "memory changed by failed exec '%s'", bad_elves[i].what);
  }
  unlink("ut_bad");
}

// Index of a bad image by its description.
static int elf_index(const char *what)
{
  for (int i = 0; i < NBADELF; i++)
    if (strcmp(bad_elves[i].what, what) == 0)
      return i;
  FAILF("no bad image '%s'", what);
}

#define FIRST_MULTI elf_index("phnum past end")

static void t_exec_badelf(void)
{
  try_bad_elves(0, FIRST_MULTI);
  char *argv[] = {"ut_bad", 0};
  EXPECT("exec missing", exec("ut_nothere", argv), -E_NOENT);
  EXPECT("exec directory", exec(".", argv), -E_ISDIR);
  int p[2];
  EXPECT("pipe still works", pipe(p), 0);
  close(p[0]);
  close(p[1]);
}

// The first segment loads, the second is bad: exec must undo the first.
static void t_exec_badseg2(void)
{
  try_bad_elves(FIRST_MULTI, NBADELF);
}

// Failed execs must free everything they allocated.
static void leak_check_elves(const char *const *what, int n)
{
  char *argv[] = {"ut_leak", 0};
  write_image("ut_leak", &bad_elves[elf_index(what[0])]);
  exec("ut_leak", argv);   // warm-up
  for (int k = 0; k < n; k++) {
    write_image("ut_leak", &bad_elves[elf_index(what[k])]);
    int before = nfree();
    for (int i = 0; i < 2; i++)
      exec("ut_leak", argv);
    int after = nfree();
    CHECK(after == before, "exec '%s' leaked %d pages", what[k], before - after);
  }
  unlink("ut_leak");
}

static void t_exec_leak(void)
{
  static const char *const what[] = {"memsz > RAM", "segment over trapframe", "memsz < filesz",
                                     "filesz past end"};
  leak_check_elves(what, sizeof(what) / sizeof(what[0]));
}

static void t_exec_leak2(void)
{
  static const char *const what[] = {"second segment huge", "second segment bad", "phnum past end"};
  leak_check_elves(what, sizeof(what) / sizeof(what[0]));
}

static void t_exec_args(void)
{
  static const struct bad_elf good = {"good", -1, sp_none};
  write_image("ut_ea", &good);
  static char *many[MAXARG + 10];
  for (int i = 0; i < MAXARG + 9; i++)
    many[i] = "a";
  many[MAXARG + 9] = 0;
  int r = exec("ut_ea", many);
  CHECK(r < 0, "exec with %d args: %d", MAXARG + 9, r);
  CHECK(r == -E_TOOBIG || r == -E_INVAL || r == -E_NOMEM, "exec too many args: %d", r);
  // Fewer arguments, but more bytes than the one-page stack holds.
  static char longarg[1000];
  memset(longarg, 'L', sizeof(longarg) - 1);
  for (int i = 0; i < 20; i++)
    many[i] = longarg;
  many[20] = 0;
  r = exec("ut_ea", many);
  CHECK(r == -E_TOOBIG || r == -E_NOMEM, "exec with 20KB of args: %d", r);
  // Exactly MAXARG is fine.
  for (int i = 0; i < MAXARG; i++)
    many[i] = "ok";
  many[MAXARG] = 0;
  int pid = xfork();
  if (pid == 0)
    exit(100 - exec("ut_ea", many));
  EXPECT("exec with MAXARG args", xwait(pid), 7);
  unlink("ut_ea");
}

// argv reaches the new program: echo's output comes back through a pipe.
static void t_exec_echo(void)
{
  int p[2];
  EXPECT("pipe", pipe(p), 0);
  int pid = xfork();
  if (pid == 0) {
    close(1);
    if (dup(p[1]) != 1)
      exit(2);
    close(p[0]);
    close(p[1]);
    char *argv[] = {"echo", "zenith", "caps", 0};
    exec("echo", argv);
    exit(3);
  }
  close(p[1]);
  char buf[64];
  int got = 0, r;
  while ((r = read(p[0], buf + got, sizeof(buf) - 1 - got)) > 0)
    got += r;
  buf[got] = 0;
  close(p[0]);
  EXPECT("echo status", xwait(pid), 0);
  CHECK(strcmp(buf, "zenith caps\n") == 0, "echo wrote '%s'", buf);
}

// ---------------------------------------------------------------------------
// The table of cases and the runner.

struct utcase {
  const char *name;
  void (*fn)(void);
  int slow;   // skipped by -q
};

static const struct utcase cases[] = {
  {"getpid_fork", t_getpid_fork, 0},
  {"exit_status", t_exit_status, 0},
  {"wait_nochild", t_wait_nochild, 0},
  {"wait_badptr", t_wait_badptr, 0},
  {"orphan", t_orphan, 0},
  {"fork_limit", t_fork_limit, 0},
  {"forkstorm", t_forkstorm, 1},
  {"kill_sleeping", t_kill_sleeping, 0},
  {"kill_pipe_reader", t_kill_pipe_reader, 0},
  {"kill_spinning", t_kill_spinning, 0},
  {"kill_badpid", t_kill_badpid, 0},
  {"procinfo_self", t_procinfo_self, 0},
  {"tally", t_tally, 0},
  {"badptr_procinfo", t_badptr_procinfo, 0},
  {"bootargs", t_bootargs, 0},
  {"uptime_sleep", t_uptime_sleep, 0},
  {"cputime_busy", t_cputime_busy, 0},
  {"bad_syscall", t_bad_syscall, 0},
  {"sbrk_basic", t_sbrk_basic, 0},
  {"sbrk_huge", t_sbrk_huge, 0},
  {"sbrk_fork_copy", t_sbrk_fork_copy, 0},
  {"sbrk_shrink_fault", t_sbrk_shrink_fault, 0},
  {"sbrk_exhaust", t_sbrk_exhaust, 1},
  {"mem_leak", t_mem_leak, 0},
  {"fault_store_null", t_fault_store_null, 0},
  {"fault_load_null", t_fault_load_null, 0},
  {"fault_call_null", t_fault_call_null, 0},
  {"fault_kernel_addr", t_fault_kernel, 0},
  {"fault_illegal", t_fault_illegal, 0},
  {"fault_text_write", t_fault_text_write, 0},
  {"stack_guard", t_stack_guard, 0},
  {"stack_overflow", t_stack_overflow, 0},
  {"badfd", t_badfd, 0},
  {"rights_file", t_rights_file, 0},
  {"dup_offset", t_dup_offset, 0},
  {"close_reuse", t_close_reuse, 0},
  {"cap_full", t_cap_full, 0},
  {"fstat_dev_pipe", t_fstat_dev_pipe, 0},
  {"rw_zero", t_rw_zero, 0},
  {"badlen", t_badlen, 0},
  {"badptr_read", t_badptr_read, 0},
  {"badptr_write", t_badptr_write, 0},
  {"badptr_fstat", t_badptr_fstat, 0},
  {"badptr_pipe", t_badptr_pipe, 0},
  {"badptr_path", t_badptr_path, 0},
  {"badptr_exec", t_badptr_exec, 0},
  {"pipe_basic", t_pipe_basic, 0},
  {"pipe_writers", t_pipe_writers, 0},
  {"pipe_readers", t_pipe_readers, 0},
  {"pipe_epipe", t_pipe_epipe, 0},
  {"pipe_eof", t_pipe_eof, 0},
  {"file_basic", t_file_basic, 0},
  {"open_errors", t_open_errors, 0},
  {"path_toolong", t_path_toolong, 0},
  {"dirs", t_dirs, 0},
  {"dotdot_root", t_dotdot_root, 0},
  {"dirread", t_dirread, 0},
  {"links", t_links, 0},
  {"mknod", t_mknod, 0},
  {"removed_dir", t_removed_dir, 0},
  {"removed_dir_walk", t_removed_dir_walk, 0},
  {"rmdir_rules", t_rmdir_rules, 0},
  {"fsync_basic", t_fsync_basic, 0},
  {"small_files", t_small_files, 0},
  {"concurrent_create", t_concurrent_create, 0},
  {"bigfile", t_bigfile, 1},
  {"fs_full", t_fs_full, 1},
  {"inode_full", t_inode_full, 1},
  {"exec_ok", t_exec_ok, 0},
  {"exec_args", t_exec_args, 0},
  {"exec_echo", t_exec_echo, 0},
  {"exec_badelf", t_exec_badelf, 0},
  {"exec_leak", t_exec_leak, 0},
  {"exec_leak2", t_exec_leak2, 0},
  {"exec_badseg2", t_exec_badseg2, 0},
};
#define NCASES ((int)(sizeof(cases) / sizeof(cases[0])))

// Writes one whole line with a single write, so lines never interleave.
static void say(const char *fmt, const char *name, const char *why)
{
  char line[160];
  int n = snprintf(line, sizeof(line), fmt, name, why);
  if (n > (int)sizeof(line) - 1) {
    n = sizeof(line) - 1;
    line[n - 1] = '\n';
  }
  write(1, line, n);
}

// Runs one case in a child and prints its line. Returns 1 if it passed.
static int run_case(const struct utcase *c)
{
  int rp[2];
  if (pipe(rp) < 0) {
    say("UT %s FAIL %s\n", c->name, "runner: no pipe");
    return 0;
  }
  // The watchdog, started first so the case sees a settled system (its own
  // nfree() baseline must not race with our fork). If it exits first, the
  // case hung.
  int limit = c->slow ? LIMIT_SLOW : LIMIT_NORMAL;
  int dog = fork();
  if (dog == 0) {
    close(rp[0]);
    close(rp[1]);
    sleep(limit);
    exit(0);
  }
  int pid = fork();
  if (pid < 0) {
    if (dog > 0) {
      kill(dog);
      wait(0);
    }
    close(rp[0]);
    close(rp[1]);
    say("UT %s FAIL %s\n", c->name, "runner: fork failed");
    return 0;
  }
  if (pid == 0) {
    close(rp[0]);
    report_fd = rp[1];
    c->fn();
    exit(0);
  }
  int status = 0, timed_out = 0;
  for (;;) {
    int st = 0;
    int w = wait(&st);
    if (w == pid) {
      status = st;
      if (dog > 0) {
        kill(dog);
        int w2;
        while ((w2 = wait(0)) != dog && w2 >= 0)
          ;
      }
      break;
    }
    if (w == dog && dog > 0) {
      timed_out = 1;
      kill(pid);
      int w2;
      while ((w2 = wait(&status)) != pid && w2 >= 0)
        ;
      break;
    }
    if (w < 0)
      break;
  }
  // Our own record goes in last, so a record from the case comes out first.
  char rec[REC_LEN];
  memset(rec, 0, sizeof(rec));
  rec[0] = 'R';
  write(rp[1], rec, REC_LEN);
  int got = 0, r;
  while (got < REC_LEN && (r = read(rp[0], rec + got, REC_LEN - got)) > 0)
    got += r;
  close(rp[0]);
  close(rp[1]);
  rec[REC_LEN - 1] = 0;
  char why[REC_LEN + 32];
  if (timed_out) {
    snprintf(why, sizeof(why), "timeout after %d ticks", limit);
  } else if (rec[0] == 'F') {
    snprintf(why, sizeof(why), "%s", rec + 1);
  } else if (status == KILLED_STATUS) {
    snprintf(why, sizeof(why), "case process killed (status %d)", status);
  } else if (status != 0) {
    snprintf(why, sizeof(why), "case exited with status %d", status);
  } else {
    say("UT %s PASS%s\n", c->name, "");
    return 1;
  }
  say("UT %s FAIL %s\n", c->name, why);
  return 0;
}

// Is case `name` listed after a -x in argv?
static int excluded(const char *name, int argc, char **argv)
{
  for (int i = 1; i + 1 < argc; i++)
    if (strcmp(argv[i], "-x") == 0 && strcmp(argv[i + 1], name) == 0)
      return 1;
  return 0;
}

// usertests [-q] [-l] [-x CASE]... [CASE...]: -q leaves out the slow cases,
// -l lists them, -x CASE leaves CASE out (a lab handout's `make test` uses
// it for cases that test that lab's own unfinished answers).
int main(int argc, char **argv)
{
  int quick = 0, list = 0, named = 0;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "-q") == 0)
      quick = 1;
    else if (strcmp(argv[i], "-l") == 0)
      list = 1;
    else if (strcmp(argv[i], "-x") == 0)
      i++;
    else
      named++;
  }
  if (list) {
    for (int i = 0; i < NCASES; i++)
      printf("%s%s\n", cases[i].name, cases[i].slow ? " slow" : "");
    exit(0);
  }
  int passed = 0, failed = 0;
  if (named) {
    for (int i = 1; i < argc; i++) {
      if (strcmp(argv[i], "-x") == 0) {
        i++;
        continue;
      }
      if (argv[i][0] == '-')
        continue;
      int j;
      for (j = 0; j < NCASES; j++)
        if (strcmp(argv[i], cases[j].name) == 0)
          break;
      if (j == NCASES) {
        say("UT %s FAIL %s\n", argv[i], "no such case");
        failed++;
      } else if (run_case(&cases[j])) {
        passed++;
      } else {
        failed++;
      }
    }
  } else {
    for (int i = 0; i < NCASES; i++) {
      if ((quick && cases[i].slow) || excluded(cases[i].name, argc, argv))
        continue;
      if (run_case(&cases[i]))
        passed++;
      else
        failed++;
    }
  }
  printf("UT-SUMMARY passed=%d failed=%d\n", passed, failed);
  exit(failed ? 1 : 0);
}
