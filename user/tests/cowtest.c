#if LAB >= 7
// cowtest: the in-guest checks of the cow lab (docs/labs/cow.md).
// `cowtest CASE...` runs the named cases (`cowtest all` runs every one),
// each in its own process, and prints one line per case for the grader:
//   CW <case> PASS
//   CW <case> FAIL <reason>
// `cowtest fork-cost` prints the fork figure of book 3.9 (a COWBENCH line).
// Free-page counts come from nfree() (kalloc.c), fork counters from
// sysinfo() (kernel/sysinfo.h), neither of them code the lab changes.
#include "kernel/types.h"
#include "kernel/errno.h"
#include "user/user.h"
#include "user/lib/casekit.h"
#include "kernel/mman.h"
#include "kernel/sysinfo.h"
#include "kernel/cellinfo.h"
#include "kernel/spawncap.h"
#include "kernel/capinfo.h"
#include "user/manifest.h"

ZENITH_MANIFEST("cell", "root:all", "cwd:all", "proc:all");

#define PG 4096
#define BIG 256          // pages of the "large" process in the cases (1 MiB)
#define FORK_SLACK 24    // pages a sharing fork may use: page tables, trap frame

// `pages` fresh pages of ordinary (sbrk) memory, page aligned, each page
// filled with its own pattern (tag + page number).
static char *alloc_filled(int pages, int tag)
{
  uint64 cur = (uint64)sbrk(0);
  uint64 pad = (PG - cur % PG) % PG;
  char *p = sbrk(pad + pages * PG);
  if (p == (char *)-1)
    return 0;
  p += pad;
  for (int i = 0; i < pages; i++)
    memset(p + i * PG, (tag + i) & 0xff, PG);
  return p;
}

// The first page of p[0..pages) whose bytes are not all (tag + i), or -1.
static int first_changed(const char *p, int pages, int tag)
{
  for (int i = 0; i < pages; i++)
    for (int j = 0; j < PG; j += 64)
      if ((uchar)p[i * PG + j] != ((tag + i) & 0xff))
        return i;
  return -1;
}

static int wait_status(void)
{
  int st = -2000;
  if (wait(&st) < 0)
    return -3000;
  return st;
}

static uint64 counter(int which)
{
  struct sysinfo si;
  if (sysinfo(&si) != 0)
    return 0;
  uint64 v[] = { si.forks, si.fork_copies, si.fork_insns, si.cow_faults };
  return v[which];
}
enum { FORKS, FORK_COPIES, FORK_INSNS, COW_FAULTS };

// Ends a case whose behaviour was right: every fork since copies0 must have
// shared the pages, not copied them (stage 1). A copying fork behaves
// correctly too, so without this the case would test nothing.
static int shared_since(uint64 copies0, const char *what)
{
  uint64 n = counter(FORK_COPIES) - copies0;
  if (n > 0)
    return why("%s, but fork copied %lu pages instead of sharing them copy-on-write "
               "(stage 1: cow_fork_page)", what, n);
  return 1;
}

// ---------------------------------------------------------------- sharing

// fork of a 1 MiB process must not copy it: the child is blocked on a pipe
// while the parent counts the free pages it cost.
static int case_fork_shares(void)
{
  char *mem = alloc_filled(BIG, 1);
  if (!mem)
    return why("sbrk of %d pages failed", BIG);
  int fds[2];
  if (pipe(fds) < 0)
    return why("pipe failed");
  uint64 copies0 = counter(FORK_COPIES);
  int before = nfree();
  int pid = fork();
  if (pid < 0)
    return why("fork of a %d-page process failed: %s", BIG, errstr(pid));
  if (pid == 0) {
    char c;
    close(fds[1]);
    read(fds[0], &c, 1);   // until the parent has counted
    exit(first_changed(mem, BIG, 1) == -1 ? 0 : 5);
  }
  int used = before - nfree();
  uint64 copies = counter(FORK_COPIES) - copies0;
  close(fds[0]);
  close(fds[1]);
  int st = wait_status();
  if (used > FORK_SLACK)
    return why("fork of a %d-page process used %d free pages (fork copied %lu pages): it "
               "should share them copy-on-write and use only page-table pages (at most %d)",
               BIG, used, copies, FORK_SLACK);
  if (st != 0)
    return why("the child of fork did not see the parent's memory (exit status %d)", st);
  return 1;
}

// Parent and child each see their own writes only, before and after
// either of them exits.
static int case_child_write(void)
{
  uint64 copies0 = counter(FORK_COPIES);
  char *mem = alloc_filled(BIG, 2);
  if (!mem)
    return why("sbrk failed");
  int fds[2], back[2];
  if (pipe(fds) < 0 || pipe(back) < 0)
    return why("pipe failed");
  int pid = fork();
  if (pid < 0)
    return why("fork failed: %s", errstr(pid));
  if (pid == 0) {
    char c;
    if (first_changed(mem, BIG, 2) != -1)
      exit(11);   // did not see the parent's memory
    for (int i = 0; i < BIG; i += 2)   // every other page
      memset(mem + i * PG, 0x77, PG);
    write(back[1], "w", 1);
    read(fds[0], &c, 1);   // the parent has written its pages
    for (int i = 0; i < BIG; i++) {
      int want = i % 2 == 0 ? 0x77 : ((2 + i) & 0xff);
      if ((uchar)mem[i * PG + 9] != want)
        exit(12);   // the parent's store showed through
    }
    exit(0);
  }
  char c;
  read(back[0], &c, 1);   // the child has written every other page
  int changed = first_changed(mem, BIG, 2);
  for (int i = 1; i < BIG; i += 4)
    memset(mem + i * PG, 0x33, PG);
  write(fds[1], "p", 1);
  int st = wait_status();
  close(fds[0]); close(fds[1]); close(back[0]); close(back[1]);
  if (changed != -1)
    return why("the child's store to page %d showed in the parent: a store to a page "
               "shared copy-on-write must go to a private copy", changed);
  if (st == 11)
    return why("the child did not see the parent's memory");
  if (st == 12)
    return why("the parent's store after fork showed in the child: the parent's PTEs "
               "must be made read-only (copy-on-write) too, not only the child's");
  if (st != 0)
    return why("the child exited with %d (killed? a store to a copy-on-write page must "
               "be served by the fault handler)", st);
  for (int i = 0; i < BIG; i++) {
    int want = i % 4 == 1 ? 0x33 : ((2 + i) & 0xff);
    if ((uchar)mem[i * PG + 100] != want)
      return why("the parent's page %d reads %d after the child exited, expected %d",
                 i, (uchar)mem[i * PG + 100], want);
  }
  return shared_since(copies0, "the parent and the child saw only their own stores");
}

// The kernel writes into a shared page (read() into it) in the child: it
// must get its own copy first, and the parent must not see the bytes.
static int case_copyout(void)
{
  uint64 copies0 = counter(FORK_COPIES);
  char *mem = alloc_filled(8, 3);
  if (!mem)
    return why("sbrk failed");
  int fds[2];
  if (pipe(fds) < 0)
    return why("pipe failed");
  int pid = fork();
  if (pid < 0)
    return why("fork failed");
  if (pid == 0) {
    write(fds[1], "kernel!", 7);
    int r = read(fds[0], mem + 2 * PG + 10, 7);
    if (r == -E_FAULT)
      exit(21);
    if (r != 7 || memcmp(mem + 2 * PG + 10, "kernel!", 7) != 0)
      exit(22);
    exit(0);
  }
  int st = wait_status();
  int changed = first_changed(mem, 8, 3);
  // And the other way round: the parent reads into a page the child shares.
  int go[2];
  if (pipe(go) < 0)
    return why("pipe failed");
  int pid2 = fork();
  if (pid2 == 0) {
    char c;
    read(go[0], &c, 1);   // wait until the parent's read is done
    exit(first_changed(mem, 8, 3) == -1 ? 0 : 23);
  }
  write(fds[1], "parent", 6);
  int r = read(fds[0], mem + 5 * PG, 6);
  write(go[1], "x", 1);
  int st2 = wait_status();
  close(fds[0]);
  close(fds[1]);
  close(go[0]);
  close(go[1]);
  if (st == 21 || r == -E_FAULT)
    return why("read() into a page shared copy-on-write returned -E_FAULT: copyout must "
               "give the page a private copy first (cow_unshare), as a store would");
  if (st != 0 && st != 23)
    return why("the child's read() into a shared page went wrong (status %d)", st);
  if (changed != -1)
    return why("the child's read() into a shared page changed the parent's page %d: "
               "copyout wrote through a page shared copy-on-write", changed);
  if (r != 6 || memcmp(mem + 5 * PG, "parent", 6) != 0)
    return why("the parent's read() into a shared page returned %d", r);
  if (st2 != 0)
    return why("the parent's read() into a shared page showed in the child: copyout "
               "wrote through a page shared copy-on-write");
  return shared_since(copies0, "read() into shared pages went to the reader's page only");
}

// ---------------------------------------------------------------- references

// Children that write some pages, exec or just exit, and parents that write
// afterwards: every page must come back.
static int case_no_leak(void)
{
  uint64 copies0 = counter(FORK_COPIES);
  char *mem = alloc_filled(64, 4);
  if (!mem)
    return why("sbrk failed");
  int before = nfree_settled(-1);
  for (int round = 0; round < 4; round++) {
    int pid = fork();
    if (pid < 0)
      return why("fork failed: %s", errstr(pid));
    if (pid == 0) {
      for (int i = round; i < 64; i += 3)
        mem[i * PG] = 'c';
      if (round == 3) {
        char *argv[] = { "echo", "cowtest: exec from a copy-on-write child", 0 };
        exec("/echo", argv);
        exit(7);
      }
      exit(0);
    }
    if (wait_status() != 0)
      return why("a child that wrote to shared pages failed (round %d)", round);
  }
  int after_children = nfree_settled(before);
  for (int i = 0; i < 64; i++)
    mem[i * PG + 1] = 'p';   // pages no one shares now
  int after = nfree_settled(before);
  if (after_children != before)
    return why("%d free pages before, %d after four children wrote to shared pages and "
               "exited or exec'd: %d pages leaked (exit and exec must drop their "
               "references; the last one frees the page)", before, after_children,
               before - after_children);
  if (after != before)
    return why("writing to 64 pages after the children were gone used %d pages (a "
               "page whose count is 1 is taken over, not copied) or leaked them",
               before - after);
  return shared_since(copies0, "no page leaked");
}

// After the child is gone, the parent's writes take its pages over.
static int case_takeover(void)
{
  char *mem = alloc_filled(BIG, 5);
  if (!mem)
    return why("sbrk failed");
  int pid = fork();
  if (pid == 0)
    exit(0);
  if (pid < 0 || wait_status() != 0)
    return why("fork failed");
  uint64 faults0 = counter(COW_FAULTS);
  int before = nfree();
  for (int i = 0; i < BIG; i++)
    mem[i * PG] = 1;
  int used = before - nfree();
  uint64 faults = counter(COW_FAULTS) - faults0;
  if (used > 4)
    return why("writing %d pages whose only holder is the writer used %d new pages: when "
               "a copy-on-write page's count is 1, make it writable again, do not copy "
               "it", BIG, used);
  if (faults < BIG)
    return why("%lu copy-on-write faults for %d pages written after fork: the parent's "
               "pages should be read-only after fork too", faults, BIG);
  return 1;
}

// ---------------------------------------------------------------- rights

static char *ro;

static void write_ro_in_child(void)
{
  ro[3] = 'x';   // must kill us
  exit(0);
}

// A page that is read-only stays read-only through fork: a store to it is
// a real fault, not a copy-on-write one; mprotect cannot open a shared page
// for writing in place.
static int case_readonly(void)
{
  uint64 copies0 = counter(FORK_COPIES);
  char *mem = alloc_filled(3, 6);
  if (!mem)
    return why("sbrk failed");
  ro = mem + PG;
  if (mprotect(ro, PG, PROT_READ) != 0)
    return why("mprotect failed");
  int pid = fork();
  if (pid == 0)
    write_ro_in_child();
  int st = wait_status();
  if (st != -1)
    return why("a child writing to a page that was read-only before fork exited with %d, "
               "expected -1 (killed): only pages that were writable become "
               "copy-on-write", st);
  pid = fork();
  if (pid == 0) {
    *(volatile char *)(uint64)first_changed = 0;   // program text: must kill us too
    exit(0);
  }
  if ((st = wait_status()) != -1)
    return why("a child writing to its program text exited with %d, expected -1", st);
  // mprotect(RW) on a page still shared with a child must not let one
  // process's stores reach the other.
  int fds[2];
  pipe(fds);
  pid = fork();
  if (pid == 0) {
    char c;
    read(fds[0], &c, 1);
    exit(first_changed(mem, 3, 6) == -1 ? 0 : 31);
  }
  if (mprotect(ro, PG, PROT_READ | PROT_WRITE) != 0)
    return why("mprotect(PROT_READ|PROT_WRITE) failed");
  ro[0] = 'P';
  write(fds[1], "g", 1);
  st = wait_status();
  close(fds[0]);
  close(fds[1]);
  if (st == 31)
    return why("after mprotect(PROT_WRITE) on a page shared with a child, the parent's "
               "store showed in the child: mprotect must leave a shared page "
               "copy-on-write (cow_protect)");
  if (st != 0 || ro[0] != 'P')
    return why("mprotect(PROT_WRITE) on a shared page: child status %d", st);
  return shared_since(copies0, "read-only pages stayed read-only");
}

// ---------------------------------------------------------------- out of memory

// A child writing more shared pages than there is memory for is killed
// ("out of memory"); the parent, its memory and every page survive.
static int case_oom(void)
{
  int free0 = nfree();
  int pages = free0 * 3 / 5;
  char *mem = alloc_filled(pages, 7);
  if (!mem)
    return why("sbrk of %d pages failed", pages);
  int before = nfree();
  int pid = fork();
  if (pid < 0)
    return why("fork of a %d-page process failed (%s): it should cost only page tables",
               pages, errstr(pid));
  if (pid == 0) {
    for (int i = 0; i < pages; i++)
      mem[i * PG] = 0;
    exit(3);   // more memory than is left: must not get here
  }
  int st = wait_status();
  int after = nfree();
  int changed = first_changed(mem, pages, 7);
  if (st != -1)
    return why("a child writing %d shared pages with %d free exited with %d, expected -1 "
               "(killed for lack of memory)", pages, before, st);
  if (changed != -1)
    return why("the parent's page %d changed when its child ran out of memory", changed);
  if (after != before)
    return why("%d free pages before the child ran out of memory, %d after: its copies "
               "or references leaked", before, after);
  return 1;
}

// ---------------------------------------------------------------- cells

#define CELL_PAGES 200
#define CELL_MEM 100   // pages the child in the cell fills: too many to fork
#define CELL_KEEP 40   // pages it keeps: few enough

// Runs inside a cell whose page quota is CELL_PAGES (started by case_cell
// as `cowtest cell-child`; slot 3 is a pipe back). Every holder of a shared
// page is charged for it (book 3.9): a fork the quota could not pay copies
// for fails with -E_QUOTA; one it can pay for succeeds, costs the machine
// only page tables, and its child's stores never fail. Then two processes
// sharing CELL_KEEP pages wait to be destroyed with the cell. Reports one
// letter (y: all well).
static char cell_verdict(void)
{
  char *mem = alloc_filled(CELL_MEM, 8);
  if (!mem)
    return 'm';
  int before = nfree();
  int pid = fork();
  if (pid == 0)
    exit(0);
  if (pid >= 0)
    wait_status();
  if (pid != -E_QUOTA)
    return 'f';
  if (nfree() != before)
    return 'l';
  sbrk(-(CELL_MEM - CELL_KEEP) * PG);
  int fds[2];
  if (pipe(fds) < 0)
    return 'p';
  before = nfree();
  pid = fork();
  if (pid == 0) {
    char c;
    read(fds[0], &c, 1);
    for (int i = 0; i < CELL_KEEP; i++)
      mem[i * PG] = 0;
    exit(0);
  }
  if (pid < 0)
    return 'g';
  int used = before - nfree();
  write(fds[1], "w", 1);
  int st = wait_status();
  close(fds[0]);
  close(fds[1]);
  if (used > FORK_SLACK)
    return 's';
  if (st != 0)
    return 'k';
  if (first_changed(mem, CELL_KEEP, 8) != -1)
    return 'c';
  return 'y';
}

static int cell_child(void)
{
  char verdict = cell_verdict();
  if (fork() != 0)   // a second holder of every page, silent
    write(3, &verdict, 1);
  while (sleep(1000) >= 0)   // until cell_destroy kills us
    ;
  return 1;
}

static const char *cell_why(char v)
{
  switch (v) {
  case 'm': return "sbrk failed";
  case 'f': return "a fork the cell's quota could not pay a copy of every page for did "
                   "not fail with -E_QUOTA: each holder of a shared page must be charged "
                   "for it (cow_fork_page: kpage_share, not pageref_add)";
  case 'l': return "a fork that failed for the quota leaked pages";
  case 'p': return "pipe failed";
  case 'g': return "a fork the quota can pay for failed";
  case 's': return "fork in the cell copied the pages instead of sharing them";
  case 'k': return "a child writing pages its fork was charged for was killed: a "
                   "copy-on-write fault must not need quota (kpage_copy)";
  case 'c': return "the parent's memory changed when its child wrote";
  default: return "it died before reporting";
  }
}

static int case_cell(void)
{
  int before = nfree();
  struct cellquota q = { CELL_PAGES, 4, 32, 100 };
  int c = cell_create(CELL_ROOT_SLOT, &q, -1);
  if (c < 0)
    return why("cell_create: %s (cowtest needs the root cell capability)", errstr(c));
  int fds[2];
  if (pipe(fds) < 0)
    return why("pipe failed");
  struct spawncap list[4];
  int slots[4] = { 0, 1, 2, fds[1] };
  for (int i = 0; i < 4; i++) {
    struct capinfo ci;
    list[i].slot = slots[i];
    list[i].role = SPAWN_SLOT;
    list[i].rights = cap_info(slots[i], &ci) == 0 ? ci.rights : 0;
  }
  // A copy of this process in the cell gets its own pages: a page shared
  // across the boundary would stay charged to our cell (book 3.9).
  uint64 sz = (uint64)sbrk(0), c0 = counter(FORK_COPIES);
  int copy = cell_spawn(c, 0, 0, list, 0);
  if (copy == 0)
    exit(0);   // the copy, in the cell
  if (copy < 0)
    return why("cell_spawn of a copy: %s", errstr(copy));
  wait_status();
  uint64 copied = counter(FORK_COPIES) - c0;
  if (copied * PG + 2 * PG < sz)
    return why("cell_spawn of a copy of a %lu-page process into another cell copied %lu "
               "pages: across a cell boundary pages are copied, not shared", sz / PG, copied);
  char *argv[] = { "cowtest", "cell-child", 0 };
  int pid = cell_spawn(c, "/cowtest", argv, list, 4);
  if (pid < 0)
    return why("cell_spawn of cowtest: %s", errstr(pid));
  close(fds[1]);
  char verdict = 0;
  read(fds[0], &verdict, 1);
  close(fds[0]);
  struct cellinfo ci;
  memset(&ci, 0, sizeof(ci));
  cell_info(c, &ci, 1);
  int killed = cell_destroy(c);
  wait_status();
  close(c);
  // The grandchild, reparented to init, is reaped there: allow it some ticks.
  int after = nfree();
  for (int t = 0; t < 200 && after != before; t++) {
    sleep(1);
    after = nfree();
  }
  if (verdict != 'y')
    return why("the process in a cell with a quota of %d pages reported '%c': %s",
               CELL_PAGES, verdict ? verdict : '-', cell_why(verdict));
  if (ci.used.pages < 2 * CELL_KEEP)
    return why("two processes of the cell share %d pages but the cell is charged only %u "
               "pages: every holder is charged for a shared page", CELL_KEEP,
               ci.used.pages);
  if (ci.peak_pages > CELL_PAGES)
    return why("the cell's processes held %u pages at their peak, over its quota of %d",
               ci.peak_pages, CELL_PAGES);
  if (killed != 2)
    return why("cell_destroy killed %d processes, expected 2", killed);
  if (after != before)
    return why("%d free pages before the cell, %d after it was destroyed: pages shared "
               "copy-on-write by its processes leaked", before, after);
  return 1;
}

// ---------------------------------------------------------------- concurrency

// Three workers fork children that write shared pages and exit, all at
// once (3 harts: the counts change on several harts together).
static int case_concurrent(void)
{
  uint64 copies0 = counter(FORK_COPIES);
  char *mem = alloc_filled(32, 9);
  if (!mem)
    return why("sbrk failed");
  int before = nfree();
  for (int w = 0; w < 3; w++) {
    int pid = fork();
    if (pid < 0)
      return why("fork failed");
    if (pid == 0) {
      for (int round = 0; round < 20; round++) {
        int c = fork();
        if (c < 0)
          exit(41);
        if (c == 0) {
          if (first_changed(mem, 32, 9) != -1)
            exit(1);
          for (int i = (w + round) % 3; i < 32; i += 2)
            mem[i * PG] = (char)w;
          exit(0);
        }
        if (round % 2 == 0)
          mem[(round % 32) * PG + 7] = (9 + round % 32) & 0xff;   // same value: a real write
        if (wait_status() != 0)
          exit(42);
      }
      exit(first_changed(mem, 32, 9) == -1 ? 0 : 43);
    }
  }
  int bad = 0;
  for (int w = 0; w < 3; w++) {
    int st = wait_status();
    if (st != 0)
      bad = st;
  }
  int after = nfree();
  if (bad)
    return why("a worker failed with %d (41: fork failed, 42: a grandchild saw a sibling's "
               "stores or died, 43: a worker's memory changed)", bad);
  if (first_changed(mem, 32, 9) != -1)
    return why("the parent's memory changed while its children forked and wrote");
  if (after != before)
    return why("%d free pages before 60 concurrent forks, %d after: reference counts lost "
               "an update (are they changed atomically or under a lock?)", before, after);
  return shared_since(copies0, "no page leaked and no memory mixed");
}

// ---------------------------------------------------------------- the fork figure

// Fork of a large process: what sysinfo's counters say it cost. Asserted
// here: fork copied no page, and the child's writes were served by faults.
static int case_fork_cost(void)
{
  enum { PAGES = 1024 };   // 4 MiB
  char *mem = alloc_filled(PAGES, 10);
  if (!mem)
    return why("sbrk failed");
  uint64 f0 = counter(FORKS), c0 = counter(FORK_COPIES), i0 = counter(FORK_INSNS);
  int pid = fork();
  if (pid == 0)
    exit(0);
  wait_status();
  uint64 copies = counter(FORK_COPIES) - c0, insns = counter(FORK_INSNS) - i0;
  uint64 forks = counter(FORKS) - f0;
  uint64 cf0 = counter(COW_FAULTS);
  pid = fork();
  if (pid == 0) {
    for (int i = 0; i < PAGES; i++)
      mem[i * PG] = 1;
    exit(0);
  }
  wait_status();
  uint64 faults = counter(COW_FAULTS) - cf0;
  printf("COWBENCH pages %d forks %lu copied %lu fork_insns %lu child_faults %lu\n", PAGES,
         forks, copies, insns, faults);
  if (forks != 1)
    return why("sysinfo counted %lu forks for one fork", forks);
  if (copies > 1)
    return why("fork of a %d-page process copied %lu pages (sysinfo fork_copies): share "
               "them copy-on-write", PAGES, copies);
  if (faults < PAGES)
    return why("a child writing %d shared pages caused %lu copy-on-write faults", PAGES,
               faults);
  return 1;
}

// ---------------------------------------------------------------- driver

static const struct testcase cases[] = {
  { "fork-shares", case_fork_shares },
  { "child-write", case_child_write },
  { "copyout", case_copyout },
  { "no-leak", case_no_leak },
  { "takeover", case_takeover },
  { "readonly", case_readonly },
  { "oom", case_oom },
  { "cell", case_cell },
  { "concurrent", case_concurrent },
  { "fork-cost", case_fork_cost },
};
#define NCASES (int)(sizeof(cases) / sizeof(cases[0]))

int main(int argc, char **argv)
{
  if (argc == 2 && strcmp(argv[1], "cell-child") == 0)
    return cell_child();
  return run_cases("cowtest", "CW", cases, NCASES, 1, argc, argv);
}
#endif
