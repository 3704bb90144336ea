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
// written, no block cached twice, and the lock-order checker silent. Two
// cases judge no contention: `shared` makes misses on one block meet (no
// block may be cached twice), and `nocap` checks that a program without the
// system-control capability cannot make the checker report.
#include "kernel/types.h"
#include "kernel/param.h"
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

// Start `n` children running fn(i); 1, or why(...) when fork fails.
static int start_children(int n, int (*fn)(int))
{
  for (int i = 0; i < n; i++) {
    int pid = fork();
    if (pid < 0)
      return why("fork failed: %s", errstr(pid));
    if (pid == 0)
      exit(fn(i));
  }
  return 1;
}

// Wait for the `n` children; 1 when all exited 0, else why(...).
static int wait_children(int n, const char *what)
{
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

static int run_children(int n, int (*fn)(int), const char *what)
{
  return start_children(n, fn) && wait_children(n, what);
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

// Write `blocks` blocks of child id's pattern to path; 0, or 4.
static int write_path(const char *path, int id, int blocks)
{
  static char buf[BSIZE];
  int fd = open(path, O_CREATE | O_RDWR | O_TRUNC);
  if (fd < 0)
    return 4;
  for (int b = 0; b < blocks; b++) {
    for (int i = 0; i < BSIZE; i++)
      buf[i] = pattern(id, b, i);
    if (write(fd, buf, BSIZE) != BSIZE) {
      close(fd);
      return 4;
    }
  }
  close(fd);
  return 0;
}

// Read path back and check child id's pattern; 0, 3 (wrong data) or 4.
static int read_path(const char *path, int id, int blocks)
{
  static char buf[BSIZE];
  int fd = open(path, O_RDONLY);
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

static int write_file(int id, int blocks)
{
  char name[8];
  name_of(name, id);
  return write_path(name, id, blocks);
}

static int read_file(int id, int blocks)
{
  char name[8];
  name_of(name, id);
  return read_path(name, id, blocks);
}

// 1 when no block is cached twice: none is now (lockcheck looks at every
// buffer; call it when no file I/O runs) and no disk transfer since boot
// found its block in another buffer in use (the disk driver checks each
// one, so a second copy counts even if it was recycled since).
static int cached_once(void)
{
  int now = lockcheck(LOCKCHECK_BCACHE);
  int seen = lockcheck(LOCKCHECK_BCACHE_SEEN);
  if (now == 0 && seen == 0)
    return 1;
  return why("a block was cached twice: %d block(s) are in two buffers now, and %d disk "
             "transfer(s) since boot found their block in another buffer in use%s. Two "
             "misses on one block each took a buffer for it: once bget() holds the lock "
             "that serialises misses, it must look in the block's bucket again "
             "(docs/labs/locks.md, stage 2)", now, seen,
             seen ? " (the console's 'bcache:' line names the block)" : "");
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
  int once = ok && cached_once();
  remove_files();
  if (!ok || !once)
    return 0;
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
  int once = ok && cached_once();
  remove_files();
  if (!ok || !once)
    return 0;
  int free1 = free_pages_settled(free0);
  if (free1 != free0)
    return why("%d free pages before, %d after: %d pages lost", free0, free1,
               free0 - free1);
  return checker_silent();
}

// ---------------------------------------------------------------- one block, many misses

// The other cases' children read files of their own, so two of them rarely
// miss on one block at the same moment. Here NSHARE readers start together,
// just after every block was pushed out of the cache, each opening a file
// of its own, lkdN/f, from inside lkdN: each open reads its directory's
// block and then the file's inode from the inode block, which the files
// share (made one after the other, their inodes lie side by side) and
// which no lock the readers hold serialises, so they all miss on it at
// once. (Readers of one shared file would not: a read holds the file's
// inode lock, and so does a lookup in one shared directory.) Each reader
// also has the kernel slow its own acquires of the cache's locks
// (LOCKCHECK_SLOW_BCACHE, lockslow.c): a miss then takes milliseconds, not
// microseconds, so on several harts the others' lookups land inside it,
// even on a loaded host (on one hart they rarely do). A cache whose
// miss path does not look for the block again, under the lock that
// serialises misses, gives several of them a buffer each.
#define NSHARE 6                  // two per hart on the grader's three
#define SHARE_BLOCKS 2
#define SHARE_ROUNDS 4
#define EVICT_ID 8                // lkfile8: more blocks than the cache has
#define EVICT_BLOCKS (NBUF + 10)

static int gate[2];    // the parent writes each reader the tick to start at
static int ready[2];   // once each has written a byte here

static void dir_of(char *name, int id)
{
  strcpy(name, "lkd0");
  name[3] = (char)('0' + id);
}

static void path_of(char *name, int id)
{
  dir_of(name, id);
  strcpy(name + 4, "/f");
}

static int shared_reader(int id)
{
  char dir[8];
  int start = 0;
  dir_of(dir, id);
  close(gate[1]);
  close(ready[0]);
  // In its directory before the cache is emptied: the directory's inode
  // stays loaded, and the open below reads its block and the inode block.
  if (chdir(dir) < 0 || lockcheck(LOCKCHECK_SLOW_BCACHE) != 0 || write(ready[1], "r", 1) != 1)
    return 4;
  close(ready[1]);
  if (read(gate[0], &start, sizeof(start)) != sizeof(start))
    return 4;
  close(gate[0]);
  while (uptime() < start)
    ;
  return read_path("f", id, SHARE_BLOCKS);
}

static int shared_round(void)
{
  if (pipe(gate) < 0)
    return why("pipe failed");
  if (pipe(ready) < 0) {
    close(gate[0]);
    close(gate[1]);
    return why("pipe failed");
  }
  int ok = start_children(NSHARE, shared_reader);
  close(ready[1]);
  char c;
  for (int i = 0; i < NSHARE && ok; i++)
    if (read(ready[0], &c, 1) != 1)
      ok = why("a reader died before it was ready");
  close(ready[0]);
  int err = read_file(EVICT_ID, EVICT_BLOCKS);   // every buffer recycled
  if (err && ok)
    ok = why("could not read lkfile8 back (exit code %d)", err);
  int start[NSHARE];
  for (int i = 0; i < NSHARE; i++)
    start[i] = uptime() + 2;
  write(gate[1], start, sizeof(start));
  close(gate[0]);
  close(gate[1]);
  int waited = wait_children(NSHARE, "opening and reading their files at once");
  return ok && waited && cached_once();
}

static void remove_shared(void)
{
  char name[8];
  for (int i = 0; i < NSHARE; i++) {
    path_of(name, i);
    unlink(name);
    dir_of(name, i);
    unlink(name);
  }
  name_of(name, EVICT_ID);
  unlink(name);
}

// lkd0..lkd5, then lkd0/f..lkd5/f: the files' inodes side by side.
static int make_shared(void)
{
  char name[8];
  for (int i = 0; i < NSHARE; i++) {
    dir_of(name, i);
    if (mkdir(name) < 0)
      return 0;
  }
  for (int i = 0; i < NSHARE; i++) {
    path_of(name, i);
    if (write_path(name, i, SHARE_BLOCKS))
      return 0;
  }
  return write_file(EVICT_ID, EVICT_BLOCKS) == 0;
}

static int case_shared(void)
{
  if (!make_shared()) {
    remove_shared();
    return why("could not make the case's directories and files");
  }
  counters(&before);
  int ok = 1;
  for (int r = 0; r < SHARE_ROUNDS && ok; r++)
    ok = shared_round();
  counters(&after);
  report("shared", "bcache", (uint64)SHARE_ROUNDS * (EVICT_BLOCKS + NSHARE * SHARE_BLOCKS));
  remove_shared();
  return ok && checker_silent();
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
  { "shared", case_shared },
  { "nocap", case_nocap },
};
#define NCASES (int)(sizeof(cases) / sizeof(cases[0]))

int main(int argc, char **argv)
{
  return run_cases("locktest", "LK", cases, NCASES, 1, argc, argv);
}
