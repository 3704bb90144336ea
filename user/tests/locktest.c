// locktest: the in-guest checks of the locks lab (docs/labs/locks.md).
// `locktest CASE...` runs the named cases (`locktest all` runs every one),
// each in its own process; several children per case hammer the page
// allocator or the block cache at once, so on several harts they meet on
// its locks. One line per case for the grader:
//   LK <case> PASS
//   LK <case> FAIL <reason>
// and, before it, the kernel's lock counters over the case (lockstat(),
// counted by spinlock.c, which the lab does not change):
//   LKSTAT <case> <class> acq=A cont=C spins=S locks=L ops=N
// where <class> adds up every lock class whose name starts with it ("kmem",
// "bcache") and ops is how many pages or block reads the case asked for.
// The grader judges contention from those lines; a case itself checks what
// must hold on any number of harts: no page lost, every block read back as
// written, no block cached twice, and the lock-order checker silent.
#include "kernel/types.h"
#include "kernel/fcntl.h"
#include "kernel/errno.h"
#include "kernel/lockstat.h"
#include "user/user.h"
#include "user/lib/casekit.h"
#include "user/manifest.h"

ZENITH_MANIFEST("root:all", "cwd:all", "proc:all");

#define PG 4096
#define BSIZE 1024
#define NCHILD 4          // more than the grader's 3 harts: someone always waits

static struct lockstat_report before, after;

static void counters(struct lockstat_report *r)
{
  if (lockstat(r) < 0)
    memset(r, 0, sizeof(*r));
}

// Sum of the counters of every class named prefix* in r.
static void sum_class(struct lockstat_report *r, const char *prefix, uint64 *acq,
                      uint64 *cont, uint64 *spins, uint64 *locks)
{
  *acq = *cont = *spins = *locks = 0;
  for (uint i = 0; i < r->nclass; i++) {
    struct lockstat_class *c = &r->cls[i];
    if (strncmp(c->name, prefix, strlen(prefix)) != 0)
      continue;
    *acq += c->acquires;
    *cont += c->contended;
    *spins += c->spins;
    *locks += c->inits;
  }
}

// Print what the classes prefix* counted between `before` and `after`.
static void report(const char *cas, const char *prefix, uint64 ops)
{
  uint64 a0, c0, s0, l0, a1, c1, s1, l1;
  sum_class(&before, prefix, &a0, &c0, &s0, &l0);
  sum_class(&after, prefix, &a1, &c1, &s1, &l1);
  printf("LKSTAT %s %s acq=%lu cont=%lu spins=%lu locks=%lu ops=%lu\n", cas, prefix,
         a1 - a0, c1 - c0, s1 - s0, l1, ops);
}

// Fails the case when the lock-order checker is off or has reported
// anything since boot: it reports each pair once per boot, so a nesting
// first taken while locktest started (before `before`) must count too.
static int checker_silent(void)
{
  if (!after.lockdep)
    return why("the lock-order checker is off (boot argument lockdep=off?)");
  if (after.inversions != 0)
    return why("the lock-order checker reported %lu lock-order problem(s) since boot "
               "(each pair once; its 'lockdep:' lines on the console name the locks and "
               "the hart)", after.inversions);
  if (after.sleeps != before.sleeps)
    return why("a process went to sleep holding a spinlock");
  return 1;
}

// Free pages once the count settles (casekit.c). At the start of a case
// (want < 0) it first writes to the report buffers: this process is a
// copy-on-write child, and its first store to a page it shares takes a page.
static int free_pages_settled(int want)
{
  if (want < 0) {
    memset(&before, 0, sizeof(before));
    memset(&after, 0, sizeof(after));
  }
  return nfree_settled(want);
}

// Start `n` children running fn(i); 1 when all exited 0, else why(...).
static int run_children(int n, int (*fn)(int), const char *what)
{
  for (int i = 0; i < n; i++) {
    int pid = fork();
    if (pid < 0)
      return why("fork failed: %s", errstr(pid));
    if (pid == 0)
      exit(fn(i));
  }
  int bad = 0, worst = 0;
  for (int i = 0; i < n; i++) {
    int st = -1;
    if (wait(&st) < 0)
      return why("wait failed");
    if (st != 0) {
      bad++;
      worst = st;
    }
  }
  if (bad)
    return why("%d of %d children %s failed (last exit status %d: %s)", bad, n, what,
               worst, worst == 2 ? "memory read back wrong" : worst == 3 ?
               "a block read back wrong" : worst == 4 ? "could not create or read a file" :
               worst == 5 ? "sbrk failed" : "killed or crashed");
  return 1;
}

// ---------------------------------------------------------------- pages

#define CHUNK 32          // pages a kalloc child takes and gives back per round
#define ROUNDS 150

static int kalloc_child(int id)
{
  for (int r = 0; r < ROUNDS; r++) {
    char *p = sbrk(CHUNK * PG);
    if (p == (char *)-1)
      return 5;
    for (int i = 0; i < CHUNK; i++)
      p[i * PG] = (char)(id + r + i);
    for (int i = 0; i < CHUNK; i++)
      if (p[i * PG] != (char)(id + r + i))
        return 2;
    sbrk(-CHUNK * PG);
  }
  return 0;
}

static int case_kalloc(void)
{
  int free0 = free_pages_settled(-1);
  counters(&before);
  if (!run_children(NCHILD, kalloc_child, "allocating and freeing pages"))
    return 0;
  counters(&after);
  report("kalloc", "kmem", (uint64)NCHILD * ROUNDS * CHUNK);
  int free1 = free_pages_settled(free0);
  if (free1 != free0)
    return why("%d free pages before, %d after the children freed everything and exited: "
               "%d pages lost (every page freed must go back on a list)", free0, free1,
               free0 - free1);
  return checker_silent();
}

// Spread the free pages over the harts' lists (children free their memory
// on whatever hart they run), then let one process take nearly all of it:
// with a list per hart, that needs pages from every list.
static int spread_child(int id)
{
  int n = nfree() / (NCHILD + 2);
  char *p = sbrk(n * PG);
  if (p == (char *)-1)
    return 5;
  for (int i = 0; i < n; i++)
    p[i * PG] = 1;
  sbrk(-n * PG);
  return 0;
}

static int fill_child(int id)
{
  int free0 = nfree();
  int got = 0;
  while (sbrk(64 * PG) != (char *)-1)
    got += 64;
  // Page tables take a page per 512; the rest of the slack is the other
  // processes' growth meanwhile.
  int want = free0 - free0 / 256 - 160;
  printf("LKSTAT steal pages got=%d free=%d\n", got, free0);
  return got >= want ? 0 : 5;
}

static int case_steal(void)
{
  int free0 = free_pages_settled(-1);
  counters(&before);
  if (!run_children(NCHILD, spread_child, "spreading pages over the harts"))
    return 0;
  int ok = run_children(1, fill_child, "taking (nearly) all free memory");
  counters(&after);
  report("steal", "kmem", (uint64)free0);
  if (!ok)
    return why("a process could not allocate all free memory: sbrk failed early "
               "(when its hart's list is empty, kalloc must take pages from the other "
               "harts' lists before it gives up; see the LKSTAT steal line)");
  int free1 = free_pages_settled(free0);
  if (free1 != free0)
    return why("%d free pages before, %d after: %d pages lost", free0, free1,
               free0 - free1);
  return checker_silent();
}

// ---------------------------------------------------------------- blocks

// The byte at offset i of block b of child id's file.
static char pattern(int id, int b, int i)
{
  return (char)('a' + (id * 7 + b * 3 + i / 64) % 26);
}

static void name_of(char *name, int id)
{
  strcpy(name, "lkfile0");
  name[6] = (char)('0' + id);
}

static void remove_files(void)
{
  for (int i = 0; i < NCHILD; i++) {
    char name[8];
    name_of(name, i);
    unlink(name);
  }
}

static int write_file(int id, int blocks)
{
  static char buf[BSIZE];
  char name[8];
  name_of(name, id);
  int fd = open(name, O_CREATE | O_RDWR | O_TRUNC);
  if (fd < 0)
    return 4;
  for (int b = 0; b < blocks; b++) {
    for (int i = 0; i < BSIZE; i++)
      buf[i] = pattern(id, b, i);
    if (write(fd, buf, BSIZE) != BSIZE)
      return 4;
  }
  close(fd);
  return 0;
}

static int read_file(int id, int blocks)
{
  static char buf[BSIZE];
  char name[8];
  name_of(name, id);
  int fd = open(name, O_RDONLY);
  if (fd < 0)
    return 4;
  for (int b = 0; b < blocks; b++) {
    if (read(fd, buf, BSIZE) != BSIZE)
      return 4;
    for (int i = 0; i < BSIZE; i += 61)
      if (buf[i] != pattern(id, b, i))
        return 3;
  }
  close(fd);
  return 0;
}

static int blocks_per_file, read_rounds;

static int bcache_child(int id)
{
  for (int r = 0; r < read_rounds; r++) {
    int err = read_file(id, blocks_per_file);
    if (err)
      return err;
  }
  return 0;
}

static int setup_child(int id)
{
  return write_file(id, blocks_per_file);
}

// Every child reads its own file over and over: small files (hits) or files
// bigger than the whole cache together (misses: buffers recycled all along).
static int bcache_case(const char *name, int blocks, int rounds)
{
  blocks_per_file = blocks;
  read_rounds = rounds;
  if (!run_children(NCHILD, setup_child, "writing their files"))
    return 0;
  counters(&before);
  int ok = run_children(NCHILD, bcache_child, "reading their files back");
  counters(&after);
  report(name, "bcache", (uint64)NCHILD * blocks * rounds);
  int twice = lockcheck(LOCKCHECK_BCACHE);
  remove_files();
  if (!ok)
    return 0;
  if (twice != 0)
    return why("%d disk block(s) are cached in two buffers at once (lockcheck): two "
               "misses on one block must not both recycle a buffer for it", twice);
  return checker_silent();
}

static int case_bcache(void)
{
  return bcache_case("bcache", 4, 150);
}

static int case_evict(void)
{
  return bcache_case("evict", 24, 6);   // 4 x 24 blocks: more than NBUF (30)
}

// Half the children allocate pages, half read their files, all at once.
static int mixed_child(int id)
{
  return id % 2 ? kalloc_child(id) : bcache_child(id);
}

static int case_mixed(void)
{
  blocks_per_file = 4;
  read_rounds = 150;
  int free0 = free_pages_settled(-1);
  if (!run_children(NCHILD, setup_child, "writing their files"))
    return 0;
  counters(&before);
  int ok = run_children(NCHILD, mixed_child, "allocating pages or reading files");
  counters(&after);
  report("mixed", "kmem", (uint64)NCHILD / 2 * ROUNDS * CHUNK);
  report("mixed", "bcache", (uint64)NCHILD / 2 * blocks_per_file * read_rounds);
  int twice = lockcheck(LOCKCHECK_BCACHE);
  remove_files();
  if (!ok)
    return 0;
  if (twice != 0)
    return why("%d disk block(s) are cached in two buffers at once (lockcheck)", twice);
  int free1 = free_pages_settled(free0);
  if (free1 != free0)
    return why("%d free pages before, %d after: %d pages lost", free0, free1,
               free0 - free1);
  return checker_silent();
}

// ---------------------------------------------------------------- checker

// Making the checker report its test pair needs the system-control
// capability, which locktest is not granted: a program that could would
// leave a report that every later case of the boot counts.
static int case_nocap(void)
{
  counters(&before);
  int err = lockcheck(LOCKCHECK_INVERT);
  counters(&after);
  if (err != -E_NOCAP)
    return why("lockcheck(LOCKCHECK_INVERT) without the system-control capability "
               "returned %d (%s), want -E_NOCAP", err, err < 0 ? errstr(err) : "success");
  if (after.inversions != before.inversions)
    return why("the refused lockcheck(LOCKCHECK_INVERT) still made the checker report "
               "(%lu inversions before, %lu after)", before.inversions, after.inversions);
  return 1;
}

// ---------------------------------------------------------------- driver

static const struct testcase cases[] = {
  { "kalloc", case_kalloc },
  { "steal", case_steal },
  { "bcache", case_bcache },
  { "evict", case_evict },
  { "mixed", case_mixed },
  { "nocap", case_nocap },
};
#define NCASES (int)(sizeof(cases) / sizeof(cases[0]))

int main(int argc, char **argv)
{
  return run_cases("locktest", "LK", cases, NCASES, 1, argc, argv);
}
