// fuzz: the in-guest system-call fuzzer (make fuzz, tools/fuzz.py,
// docs/book/05-file-system.md 5.16).
//
//   fuzz SEED GENS PROCS BUDGET     campaign: GENS worker generations, PROCS
//                                   at a time (odd-numbered workers each in a
//                                   cell of their own), BUDGET calls each
//   fuzz -r WSEED CELL LIST         replay one worker: its seed, 1 if it ran
//                                   in a cell, and which of its calls to make
//                                   ("0-99" or "3,17-20,41": the reducer's)
//
// A worker makes BUDGET raw system calls: numbers 0..NSYSCALL+7 and a few
// wild ones, each argument drawn from a class (small, negative, extreme,
// good and bad user pointers, kernel and trampoline addresses, unaligned,
// just past the heap or below the stack, slots, paths, unterminated strings).
// Call i of a worker depends only on (WSEED, i), never on the calls before
// it, so the reducer can drop calls and replay the rest.
//
// What a worker may break is only its own: a scratch directory (its root and
// cwd), its console slot (protected: an argument 0 naming it is changed to
// -1) and itself. It holds no system-control capability (no halt), none for
// the driver (no kill of its parent) and, in a cell, only what the cell
// gives. Calls that would legitimately stall the run are bounded: sleep is
// cut to a few ticks, exit is mostly skipped, sbrk and lazymap cannot take
// all memory. A worker that blocks for good (read of an empty pipe it holds
// both ends of) is killed by the driver after GEN_TICKS; one that faults or
// exits early is reaped; either way the campaign goes on.
//
// Console lines (tools/fuzz.py parses them; a panic's cause lies in a batch
// whose header is the last of its worker):
//   FZ-START seed=S gens=G procs=P budget=B
//   FZ <worker> <gen> <wseed> <cell> <batch>    before calls batch*BATCH..
//   FZ-REAP <worker> <gen> <how>    how: done, early, timeout
//   FZ-DONE gens=G done=D early=E timeout=T launchfail=L
#include "kernel/types.h"
#include "kernel/param.h"
#include "kernel/fcntl.h"
#include "kernel/errno.h"
#include "kernel/syscall.h"
#include "kernel/caprights.h"
#include "kernel/capinfo.h"
#include "kernel/cellinfo.h"
#include "kernel/spawncap.h"
#include "user/user.h"
#include "user/manifest.h"

ZENITH_MANIFEST("cell", "root:all", "cwd:all");

#define BATCH 50            // calls between two console headers
#define MAXPROCS 8
#define GEN_TICKS 1500      // a generation still alive after this is killed
#define WATCH_TICKS 200     // how often the driver looks
#define DONE_STATUS 77      // a worker that made all its calls exits with this
#define LOST_STATUS 78      // ... that lost its console
#define ARENA 4096
#define PG 4096
#define KERNBASE_ADDR 0x80200000UL
#define TRAMPOLINE_ADDR ((1UL << 38) - PG)
#define TRAPFRAME_ADDR (TRAMPOLINE_ADDR - PG)
#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

// ---------------------------------------------------------------- randomness

static uint64 rs;   // xorshift64* state

static uint64 mix(uint64 x)   // splitmix64's finaliser
{
  x += 0x9e3779b97f4a7c15UL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9UL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebUL;
  return x ^ (x >> 31);
}

static uint64 rnd(void)
{
  rs ^= rs >> 12;
  rs ^= rs << 25;
  rs ^= rs >> 27;
  return rs * 0x2545f4914f6cdd1dUL;
}

static uint64 below(uint64 n) { return rnd() % n; }

// ---------------------------------------------------------------- raw calls

static long raw_syscall(long num, long a0, long a1, long a2, long a3, long a4, long a5)
{
  register long r0 asm("a0") = a0;
  register long r1 asm("a1") = a1;
  register long r2 asm("a2") = a2;
  register long r3 asm("a3") = a3;
  register long r4 asm("a4") = a4;
  register long r5 asm("a5") = a5;
  register long r7 asm("a7") = num;
  asm volatile("ecall" : "+r"(r0) : "r"(r1), "r"(r2), "r"(r3), "r"(r4), "r"(r5), "r"(r7)
               : "memory");
  return r0;
}

static void raw_exit(int status)
{
  raw_syscall(SYS_exit, status, 0, 0, 0, 0, 0);
  for (;;)
    ;
}

// ---------------------------------------------------------------- the worker's world

static int cons;                  // the console slot (protected)
static char arena[ARENA];         // the one place good pointers point to
static uint64 heap_floor;         // the break may not go below this
static uint64 stack_low;          // lowest byte of the stack (a guard page below)

// Argument hints per call number: N number, S slot, P path, B buffer,
// V argv vector, C spawn capability list, M open mode. Others: random class.
static const char *hints[NSYSCALL] = {
  [SYS_fork] = "", [SYS_exit] = "N", [SYS_wait] = "B", [SYS_pipe] = "B",
  [SYS_read] = "SBN", [SYS_kill] = "N", [SYS_exec] = "PV", [SYS_fstat] = "SB",
  [SYS_chdir] = "P", [SYS_dup] = "S", [SYS_sbrk] = "N", [SYS_sleep] = "N",
  [SYS_open] = "PM", [SYS_write] = "SBN", [SYS_mknod] = "PNN", [SYS_unlink] = "P",
  [SYS_link] = "PP", [SYS_mkdir] = "P", [SYS_close] = "S", [SYS_halt] = "N",
  [SYS_procinfo] = "BN", [SYS_bootargs] = "BN",
  [27] = "B", [29] = "NB", [32] = "BNN", [33] = "N",   // lab calls, if built in
  [64] = "NNNNSN", [65] = "BN", [66] = "BNN",          // mmap lab: mmap, munmap, msync
  [67] = "PP", [68] = "PBN",                           // fs lab: symlink, readlink
  [69] = "B", [70] = "N",                              // locks lab: lockstat, lockcheck
  [SYS_cap_dup] = "SN", [SYS_cap_restrict] = "SN", [SYS_cap_delete] = "S",
  [SYS_cap_revoke] = "S", [SYS_cap_info] = "SB", [SYS_cap_audit] = "B",
  [SYS_chan_create] = "B", [SYS_chan_send] = "SB", [SYS_chan_recv] = "SB",
  [SYS_spawn] = "PVCN", [SYS_openat] = "SPM", [SYS_setdir] = "NS",
  [SYS_cap_dropproc] = "N", [SYS_cap_badge] = "SN", [SYS_cap_list] = "NBN",
  [SYS_sched_trace] = "SBN", [SYS_sched_stats] = "SBBN", [SYS_sched_setpolicy] = "SP",
  [SYS_sched_setweight] = "NNS", [SYS_sched_policy] = "BN",
  [SYS_cell_create] = "SBS", [SYS_cell_destroy] = "S", [SYS_cell_info] = "SBN",
  [SYS_cell_spawn] = "SPVCN", [SYS_cell_faults] = "SBNN",
  [SYS_cap_restrictproc] = "NN", [SYS_fsync] = "S",
};

static const char *good_paths[] = { "a", "d", "d/x", "/", ".", "..", "/d/../a", "f0",
                                    "f1", "d/e", "/d/x" };
static const char *bad_paths[] = { "", "no/such", "a/x", "////", "d/", "./../../..",
                                   "abcdefghijklmnopq", "d/e/f/g/h", "\x01\xff" };

static uint64 current_break(void)
{
  return (uint64)raw_syscall(SYS_sbrk, 0, 0, 0, 0, 0, 0);
}

// A string in the arena: a path, good or bad, or MAXPATH+ bytes of 'y'.
static uint64 arena_string(int good)
{
  uint64 off = below(ARENA / 2);
  char *p = arena + off;
  if (good) {
    strcpy(p, good_paths[below(NELEM(good_paths))]);
  } else if (below(4) == 0) {
    int n = MAXPATH + below(300);
    memset(p, 'y', n);
    p[n] = 0;
  } else {
    strcpy(p, bad_paths[below(NELEM(bad_paths))]);
  }
  return (uint64)p;
}

// Bytes right up to the break with no terminator: copying the string in
// must stop at the unmapped page above, not run past it.
static uint64 unterminated_string(void)
{
  uint64 brk = current_break();
  if (brk < heap_floor || brk - heap_floor < 64)
    return arena_string(0);
  uint64 n = 1 + below(brk - heap_floor < 600 ? brk - heap_floor : 600);
  memset((char *)(brk - n), 'z', n);
  return brk - n;
}

static uint64 arena_pointer(void)
{
  uint64 off = below(ARENA);
  if (below(2))
    off &= ~7UL;
  return (uint64)arena + off;
}

// An argv: pointers to strings, ending or not in 0, some of them wild.
static uint64 arena_argv(void)
{
  uint64 *v = (uint64 *)(arena + ARENA / 2 + 8 * below(ARENA / 64));
  int n = below(MAXARG + 4);
  uint64 *end = (uint64 *)(arena + ARENA);
  for (int i = 0; i < n && v + i < end; i++)
    v[i] = below(8) ? arena_string(below(2)) : KERNBASE_ADDR + below(4096);
  if (v + n < end && below(4))
    v[n] = 0;
  return (uint64)v;
}

// A spawn capability list: real or wild slots, rights and roles.
static uint64 arena_caps(void)
{
  struct spawncap *c = (struct spawncap *)(arena + 8 * below(ARENA / 16));
  int n = 1 + below(4);
  for (int i = 0; i < n && (char *)(c + i + 1) <= arena + ARENA; i++) {
    c[i].slot = below(4) ? (int)below(NCAP + 2) : (int)rnd();
    c[i].rights = below(2) ? CAP_R_READ | CAP_R_WRITE | CAP_R_LOOKUP : (uint32)rnd();
    c[i].role = below(4) ? (int)below(4) : (int)rnd();
  }
  return (uint64)c;
}

static const uint64 extremes[] = {
  ~0UL, 1UL << 63, (1UL << 63) - 1, 0xffffffffUL, 0x80000000UL, 1UL << 32,
  0x7fffffffUL, 0xffffffff80000000UL, 1UL << 38, (1UL << 38) - 1, 1UL << 31,
};

enum { A_SMALL, A_NEG, A_EXTREME, A_GOODPTR, A_BADPTR, A_KERNEL, A_TRAMP, A_UNALIGNED,
       A_HEAPEDGE, A_STACKEDGE, A_SLOT, A_PATH, A_BADPATH, A_LONGSTR, A_ARGV, A_CAPS,
       A_MODE, NCLASS };

static uint64 value_of(int cls)
{
  switch (cls) {
  case A_SMALL: return below(17);
  case A_NEG: return below(4) ? -(uint64)(1 + below(16)) : (uint64)(long)(int)0x80000000;
  case A_EXTREME: return extremes[below(NELEM(extremes))];
  case A_GOODPTR: return arena_pointer();
  case A_BADPTR: {
    const uint64 bad[] = { 0, 8, 0xfff, (uint64)raw_exit, 1UL << 39, 0x3fffffc000UL,
                           stack_low - PG, 0x10000 + below(PG) };
    return bad[below(NELEM(bad))];
  }
  case A_KERNEL: {
    const uint64 k[] = { 0x80000000UL, KERNBASE_ADDR + below(0x100000), 0x10000000UL,
                         0x0c000000UL, 0x87fff000UL, 0x10001000UL };
    return k[below(NELEM(k))];
  }
  case A_TRAMP: {
    const uint64 t[] = { TRAMPOLINE_ADDR, TRAPFRAME_ADDR, TRAMPOLINE_ADDR + below(PG),
                         TRAPFRAME_ADDR + 8 * below(PG / 8), TRAPFRAME_ADDR - 1 };
    return t[below(NELEM(t))];
  }
  case A_UNALIGNED: return (uint64)arena + 1 + 2 * below(ARENA / 2 - 1);
  case A_HEAPEDGE: return current_break() - 32 + below(64);
  case A_STACKEDGE: return stack_low - 1 - below(64);
  case A_SLOT: return below(8) ? below(NCAP) : below(2) ? NCAP + below(4) : -1UL;
  case A_PATH: return arena_string(1);
  case A_BADPATH: return arena_string(0);
  case A_LONGSTR: return unterminated_string();
  case A_ARGV: return arena_argv();
  case A_CAPS: return arena_caps();
  default: {
    const uint64 modes[] = { O_RDONLY, O_WRONLY, O_RDWR, O_CREATE | O_RDWR,
                             O_CREATE | O_TRUNC | O_WRONLY, O_TRUNC | O_RDWR, O_CREATE };
    return below(8) ? modes[below(NELEM(modes))] : rnd();
  }
  }
}

static int class_of(char hint)
{
  switch (hint) {
  case 'N': { const int c[] = { A_SMALL, A_SMALL, A_NEG, A_EXTREME }; return c[below(4)]; }
  case 'S': return A_SLOT;
  case 'P': { const int c[] = { A_PATH, A_PATH, A_BADPATH, A_LONGSTR }; return c[below(4)]; }
  case 'B': {
    const int c[] = { A_GOODPTR, A_GOODPTR, A_BADPTR, A_KERNEL, A_TRAMP, A_UNALIGNED,
                      A_HEAPEDGE, A_STACKEDGE };
    return c[below(8)];
  }
  case 'V': return A_ARGV;
  case 'C': return A_CAPS;
  case 'M': return A_MODE;
  }
  return (int)below(NCLASS);
}

struct call {
  long num;
  uint64 a[6];
};

// Call i of the worker seeded wseed: its number and arguments, with the
// bounds that keep a worker from stalling the run or taking everything.
static int make_call(uint64 wseed, int i, struct call *c)
{
  rs = mix(wseed ^ mix(i + 1)) | 1;
  uint64 pick = below(100);
  if (pick < 90)
    c->num = below(NSYSCALL);
  else if (pick < 97)
    c->num = NSYSCALL + below(8);
  else
    c->num = (long)extremes[below(NELEM(extremes))];
  const char *h = c->num >= 0 && c->num < NSYSCALL ? hints[c->num] : 0;
  int nh = h ? strlen(h) : 0;
  for (int k = 0; k < 6; k++)
    c->a[k] = value_of(k < nh && below(4) ? class_of(h[k]) : (int)below(NCLASS));
  switch (c->num) {
  case SYS_exit:
    if (below(16))
      return 0;   // mostly skipped: each exit ends a generation
    break;
  case SYS_sleep:
    c->a[0] &= 3;
    break;
  case 28:   // kbacktrace, pgdump (LAB >= 2, 3): pages of console each
  case 31:
    if (below(8))
      return 0;
    break;
  case 29:   // alarm (LAB >= 2: no SYS_alarm in the util handout): a wild
              // handler would end the worker soon
    if (below(4))
      c->a[0] = 0;
    break;
  case SYS_sbrk: {
    long n = (long)c->a[0];
    if (n > (1 << 20) && n < (1L << 30))
      c->a[0] = 1 << 20;   // more than a MiB only if it must fail
    if (n < 0 && n > -(1L << 30)) {
      uint64 grown = current_break() - heap_floor;
      c->a[0] = -(long)((uint64)-n < grown ? (uint64)-n : grown);
    }
    break;
  }
  case 33:   // lazymap (LAB >= 3)
    if ((long)c->a[0] > 64 && (long)c->a[0] < (1L << 24))
      c->a[0] = 64;
    break;
  }
  if (c->a[0] == (uint64)cons)
    c->a[0] = -1UL;   // the console slot is the driver's reporting line
  return 1;
}

static void do_call(struct call *c)
{
  long r = raw_syscall(c->num, c->a[0], c->a[1], c->a[2], c->a[3], c->a[4], c->a[5]);
  if (r == 0 && (c->num == SYS_fork || (c->num == SYS_cell_spawn && c->a[1] == 0)))
    raw_exit(0);   // the copy: leave at once (its parent may wait for it)
}

// ---------------------------------------------------------------- which calls to make

// "0-99", "3,17-20": is call i listed? (0 = all)
static int listed(const char *list, int i)
{
  if (list == 0)
    return 1;
  const char *p = list;
  while (*p) {
    int lo = atoi(p), hi = lo;
    while (*p >= '0' && *p <= '9')
      p++;
    if (*p == '-') {
      hi = atoi(++p);
      while (*p >= '0' && *p <= '9')
        p++;
    }
    if (lo <= i && i <= hi)
      return 1;
    if (*p == ',')
      p++;
    else if (*p)
      return 0;
  }
  return 0;
}

// The last call a worker makes: budget-1, or the highest listed.
static int last_listed(const char *list, int budget)
{
  if (list == 0)
    return budget - 1;
  int last = -1;
  for (const char *p = list; *p;) {
    int v = atoi(p);
    last = v > last ? v : last;
    while (*p >= '0' && *p <= '9')
      p++;
    while (*p && (*p < '0' || *p > '9'))
      p++;
  }
  return last;
}

static void header(int worker, int gen, uint64 wseed, int incell, int batch)
{
  char line[80];
  int n = snprintf(line, sizeof(line), "FZ %d %d %lu %d %d\n", worker, gen, wseed, incell,
                   batch);
  if (raw_syscall(SYS_write, cons, (long)line, n, 0, 0, 0) != n)
    raw_exit(LOST_STATUS);
}

// A replay names each call before making it: the reducer's output.
static void show_call(int i, struct call *c)
{
  char line[200];
  int n = snprintf(line, sizeof(line), "FZ-CALL %d %ld %lx %lx %lx %lx %lx %lx\n", i, c->num,
                   c->a[0], c->a[1], c->a[2], c->a[3], c->a[4], c->a[5]);
  raw_syscall(SYS_write, cons, (long)line, n, 0, 0, 0);
}

// The worker's body: it is already in its scratch directory with only the
// console (slot cons) besides.
static void worker(int wk, int gen, uint64 wseed, int incell, int budget, const char *list)
{
  uint64 here = (uint64)&here;
  stack_low = (here & ~(uint64)(PG - 1)) - (USERSTACK - 1) * PG;
  sbrk(2 * PG);
  heap_floor = current_break() - 2 * PG;
  int last = last_listed(list, budget);
  struct call c;
  for (int i = 0; i <= last; i++) {
    if (i % BATCH == 0)
      header(wk, gen, wseed, incell, i / BATCH);
    if (listed(list, i) && make_call(wseed, i, &c)) {
      if (list)
        show_call(i, &c);
      do_call(&c);
    }
  }
  raw_exit(DONE_STATUS);
}

// In the child of fork: keep only the console in slot 1, take the scratch
// directory as root and cwd.
static void enter_scratch_forked(int dirslot)
{
  setdir(0, dirslot);
  setdir(1, dirslot);
  for (int s = 0; s < NCAP; s++)
    if (s != 1)
      close(s);
  cons = 1;
}

// ---------------------------------------------------------------- the driver

struct slot {
  int pid;            // 0: free
  int gen;
  int cell;           // the cell's slot, -1 when out of cells
  int started;        // uptime() at launch
};

static struct slot slots[MAXPROCS];
static char scratch[MAXPROCS][16];

static uint64 seed_of(uint64 seed, int wk, int gen)
{
  return mix(seed * 1000003 + wk * 7919 + gen) & 0xffffffffffffUL;
}

static int rights_of(int slot)
{
  struct capinfo ci;
  return cap_info(slot, &ci) == 0 ? (int)ci.rights : 0;
}

// Start generation gen of worker wk; its pid, or an error.
static int launch(uint64 seed, int wk, int gen, int budget, const char *list, int replay_seed)
{
  uint64 wseed = replay_seed ? seed : seed_of(seed, wk, gen);
  int incell = wk % 2;
  int dir = open(scratch[wk], O_RDONLY);
  if (dir < 0)
    return dir;
  int pid, cell = -1;
  if (incell) {
    struct cellquota q = { 400, 6, 48, 100 };
    cell = cell_create(CELL_ROOT_SLOT, &q, -1);
    if (cell < 0) {
      close(dir);
      return cell;
    }
    struct spawncap caps[3] = {
      { .slot = 1, .rights = CAP_R_WRITE, .role = SPAWN_SLOT },
      { .slot = dir, .rights = rights_of(dir), .role = SPAWN_CWD },
      { .slot = dir, .rights = rights_of(dir), .role = SPAWN_ROOT },
    };
    pid = cell_spawn(cell, 0, 0, caps, 3);
    if (pid == 0) {
      cons = 0;
      worker(wk, gen, wseed, 1, budget, list);
    }
  } else {
    pid = fork();
    if (pid == 0) {
      enter_scratch_forked(dir);
      worker(wk, gen, wseed, 0, budget, list);
    }
  }
  close(dir);
  if (pid < 0) {
    if (cell >= 0)
      close(cell);
    return pid;
  }
  slots[wk] = (struct slot){ pid, gen, cell, uptime() };
  return pid;
}

static void end_slot(struct slot *s)
{
  if (s->cell >= 0) {
    cell_destroy(s->cell);   // ends whatever the worker left running in it
    close(s->cell);
  }
  s->pid = 0;
}

static int start_watch(void)
{
  int pid = fork();
  if (pid == 0) {
    sleep(WATCH_TICKS);
    exit(0);
  }
  return pid;
}

static void make_scratch(int nprocs)
{
  mkdir("/fz");
  for (int k = 0; k < nprocs; k++) {
    snprintf(scratch[k], sizeof(scratch[k]), "/fz/w%d", k);
    mkdir(scratch[k]);
  }
}

static int campaign(uint64 seed, int gens, int nprocs, int budget)
{
  printf("FZ-START seed=%lu gens=%d procs=%d budget=%d\n", seed, gens, nprocs, budget);
  make_scratch(nprocs);
  int launched = 0, done = 0, early = 0, timeouts = 0, fails = 0, running = 0;
  int watch = start_watch();
  while (launched < gens || running > 0) {
    for (int k = 0; k < nprocs && launched < gens; k++) {
      if (slots[k].pid)
        continue;
      int err = launch(seed, k, launched, budget, 0, 0);
      if (err < 0) {
        if (fails++ < 3)
          printf("FZ-LAUNCHFAIL %d %s\n", k, errstr(err));
        break;   // out of processes or memory for now: retry after a reap
      }
      launched++;
      running++;
    }
    int status = 0;
    int pid = wait(&status);
    if (pid < 0) {
      printf("FZ-ERROR wait: %s\n", errstr(pid));
      break;
    }
    if (pid == watch) {
      int now = uptime();
      for (int k = 0; k < nprocs; k++)
        if (slots[k].pid && now - slots[k].started > GEN_TICKS) {
          kill(slots[k].pid);
          slots[k].started = now + GEN_TICKS * 100;   // counted once
          timeouts++;
          printf("FZ-REAP %d %d timeout\n", k, slots[k].gen);
        }
      watch = start_watch();
      continue;
    }
    for (int k = 0; k < nprocs; k++) {
      if (slots[k].pid != pid)
        continue;
      running--;
      if (slots[k].started <= uptime()) {   // not one the watch killed
        const char *how = status == DONE_STATUS ? "done" : "early";
        status == DONE_STATUS ? done++ : early++;
        printf("FZ-REAP %d %d %s\n", k, slots[k].gen, how);
      }
      end_slot(&slots[k]);
    }
  }
  kill(watch);
  printf("FZ-DONE gens=%d done=%d early=%d timeout=%d launchfail=%d\n", launched, done, early,
         timeouts, fails);
  return 0;
}

static uint64 parse_u64(const char *s)
{
  uint64 v = 0;
  while (*s >= '0' && *s <= '9')
    v = v * 10 + (*s++ - '0');
  return v;
}

int main(int argc, char **argv)
{
  // The workers inherit our process capabilities: they must not get one
  // for us (the shell's, derived when it forked us).
  cap_dropproc(getpid());
  if (argc == 5 && strcmp(argv[1], "-r") == 0) {
    int wk = atoi(argv[3]) ? 1 : 0;   // worker 1 runs in a cell, worker 0 does not
    make_scratch(2);
    int budget = last_listed(argv[4], 0) + 1;
    printf("FZ-REPLAY wseed=%s cell=%d calls=%s\n", argv[2], wk, argv[4]);
    int pid = launch(parse_u64(argv[2]), wk, 0, budget, argv[4], 1);
    if (pid < 0) {
      printf("FZ-ERROR launch: %s\n", errstr(pid));
      return 1;
    }
    int status = 0, got;
    while ((got = wait(&status)) != pid && got >= 0)
      ;
    end_slot(&slots[wk]);
    printf("FZ-REPLAY-END status=%d\n", status);
    return 0;
  }
  if (argc != 5) {
    fprintf(2, "usage: fuzz SEED GENS PROCS BUDGET | fuzz -r WSEED CELL LIST\n");
    return 2;
  }
  int nprocs = atoi(argv[3]);
  if (nprocs < 1 || nprocs > MAXPROCS) {
    fprintf(2, "fuzz: PROCS must be 1..%d\n", MAXPROCS);
    return 2;
  }
  return campaign(parse_u64(argv[1]), atoi(argv[2]), nprocs, atoi(argv[4]));
}
