// vmtest: the in-guest checks of the vm lab (docs/labs/vm.md).
// `vmtest CASE...` runs the named cases (`vmtest all` runs every one) and
// prints one line per case for the grader:
//   VT <case> PASS
//   VT <case> FAIL <reason>
// Cases that expect a child to be killed print the kernel's message for it
// too. The exit status is 0 when every case passed.
#include "kernel/types.h"
#include "kernel/errno.h"
#include "user/user.h"
#include "user/lib/casekit.h"
#if LAB >= 3
#include "kernel/mman.h"
#include "user/manifest.h"

ZENITH_MANIFEST("root:all", "cwd:all", "proc:all");

#define PG 4096


// Runs fn in a child; returns the child's exit status (-1 when killed).
static int in_child(void (*fn)(void))
{
  int pid = fork();
  if (pid < 0)
    return -1000;
  if (pid == 0) {
    fn();
    exit(0);
  }
  int status = -2000;
  wait(&status);
  return status;
}

// `pages` fresh pages of ordinary (sbrk) memory, page aligned.
static char *alloc_pages(int pages)
{
  uint64 cur = (uint64)sbrk(0);
  uint64 pad = (PG - cur % PG) % PG;
  char *p = sbrk(pad + pages * PG);
  if (p == (char *)-1)
    return 0;
  return p + pad;
}

// ---------------------------------------------------------------- pgdump

static int case_pgdump(void)
{
  int on_stack = 0;
  printf("vmtest: sz %p stack %p\n", sbrk(0), &on_stack);
  int r = pgdump();
  if (r != 0)
    return why("pgdump returned %d (%s), expected 0", r, errstr(r));
  return 1;
}

// ---------------------------------------------------------------- mprotect

static char *ro_page;   // the page made read-only, for the children

static void write_ro_page(void)
{
  ro_page[100] = 'x';   // must kill us
  printf("vmtest: wrote to a read-only page and lived\n");
}

static int expect_mprotect(void *addr, int len, int prot, int want)
{
  int r = mprotect(addr, len, prot);
  if (r != want)
    return why("mprotect(%p, %d, %d) returned %d, expected %d", addr, len, prot, r, want);
  return 1;
}

static int case_mprotect_args(void)
{
  char *p = alloc_pages(2);
  if (!p)
    return why("sbrk failed");
  char *end = sbrk(0);
  uint64 top = ((uint64)&p + PG) & ~(uint64)(PG - 1);   // just above our stack page
  int ok = expect_mprotect(p + 1, PG, PROT_READ, -E_INVAL) &&
           expect_mprotect(p, 0, PROT_READ, -E_INVAL) &&
           expect_mprotect(p, -PG, PROT_READ, -E_INVAL) &&
           expect_mprotect(p, PG, 8, -E_INVAL) &&
           expect_mprotect(p, PG, PROT_WRITE, -E_INVAL) &&
           expect_mprotect(p, PG, 0, -E_INVAL) &&
           expect_mprotect(end, PG, PROT_READ, -E_FAULT) &&
           expect_mprotect(p, 3 * PG, PROT_READ, -E_FAULT) &&
           expect_mprotect(p, 0x7fffffff, PROT_READ, -E_FAULT) &&
           expect_mprotect((void *)(top - 2 * PG), PG, PROT_READ | PROT_WRITE, -E_FAULT) &&
           expect_mprotect((void *)0x3fffffe000L, PG, PROT_READ, -E_FAULT) &&
           expect_mprotect((void *)LAZYBASE, PG, PROT_READ, -E_FAULT);
  if (!ok)
    return 0;
  p[0] = p[PG] = 'w';   // failed calls changed nothing: still writable
  return 1;
}

static int case_mprotect_readonly(void)
{
  char *p = alloc_pages(3);
  if (!p)
    return why("sbrk failed");
  for (int i = 0; i < 3; i++)
    p[i * PG] = 'a' + i;
  ro_page = p + PG;
  if (!expect_mprotect(ro_page, PG, PROT_READ, 0))
    return 0;
  if (ro_page[0] != 'b')
    return why("a read-only page reads %d, expected 'b'", ro_page[0]);
  p[0] = p[2 * PG] = 'z';   // the neighbours stay writable
  int st = in_child(write_ro_page);
  if (st != -1)
    return why("a child writing to the read-only page exited with %d, expected -1 (killed)", st);
  int fds[2];
  if (pipe(fds) < 0)
    return why("pipe failed");
  write(fds[1], "q", 1);
  int r = read(fds[0], ro_page + 8, 1);
  close(fds[0]);
  close(fds[1]);
  if (r != -E_FAULT)
    return why("read() into the read-only page returned %d, expected -E_FAULT", r);
  if (!expect_mprotect(ro_page, PG, PROT_READ | PROT_WRITE, 0))
    return 0;
  ro_page[1] = 'c';
  if (ro_page[0] != 'b' || ro_page[1] != 'c' || p[0] != 'z' || p[2 * PG] != 'z')
    return why("page contents changed across mprotect");
  return 1;
}

static void write_own_ro_page(void)
{
  char *p = alloc_pages(1);
  p[0] = 1;
  if (mprotect(p, PG, PROT_READ) != 0)
    exit(3);
  p[0] = 2;   // must kill us
  exit(4);
}

static int case_mprotect_self(void)
{
  int st = in_child(write_own_ro_page);
  if (st != -1)
    return why("a process that wrote to its own read-only page exited with %d, "
               "expected -1 (killed)", st);
  return 1;
}

// ---------------------------------------------------------------- lazymap

enum { BIG = 1 << 18 };   // 1 GiB of pages: eight times QEMU's RAM

static char *lazy;        // the region, once reserved

static int reserve(int pages)
{
  long r = lazymap(pages);
  if (r != LAZYBASE)
    return why("lazymap(%d) returned %ld, expected %p", pages, r, (void *)LAZYBASE);
  lazy = (char *)r;
  return 1;
}

static const long spots[] = { 0, 1, 100000L * PG + 24, (long)BIG * PG - 8 };
#define NSPOTS (int)(sizeof(spots) / sizeof(spots[0]))

static int case_lazy_basic(void)
{
  int before = nfree();
  if (!reserve(BIG))
    return 0;
  int reserved = nfree();
  if (reserved < before - 1)
    return why("reserving the region took %d pages", before - reserved);
  for (int i = 0; i < NSPOTS; i++)
    if (lazy[spots[i]] != 0)
      return why("untouched lazy memory at offset %ld reads %d, expected 0", spots[i],
                 lazy[spots[i]]);
  for (int i = 0; i < NSPOTS; i++)
    lazy[spots[i]] = 10 + i;
  for (int i = 0; i < NSPOTS; i++)
    if (lazy[spots[i]] != 10 + i)
      return why("lazy memory at offset %ld reads %d after writing %d", spots[i],
                 lazy[spots[i]], 10 + i);
  int used = before - nfree();
  if (used < 3 || used > 12)
    return why("touching 3 pages of the region used %d physical pages, expected 3 to 12",
               used);
  return 1;
}

static void child_sees_copy(void)
{
  for (int i = 0; i < NSPOTS; i++)
    if (lazy[spots[i]] != 10 + i)
      exit(2);
  for (int i = 0; i < NSPOTS; i++)
    lazy[spots[i]] = 50;
  if (lazy[7 * PG] != 0)
    exit(3);
  lazy[7 * PG] = 1;
  exit(0);
}

static int case_lazy_fork(void)
{
  if (!reserve(BIG))
    return 0;
  for (int i = 0; i < NSPOTS; i++)
    lazy[spots[i]] = 10 + i;
  int before = nfree();
  int st = in_child(child_sees_copy);
  if (st == 2)
    return why("the child did not see the parent's lazy memory");
  if (st == 3)
    return why("the child read nonzero from an untouched lazy page");
  if (st != 0)
    return why("the child exited with %d", st);
  int after = nfree();   // before the reads below, which may fault pages in
  if (after != before)
    return why("%d free pages before the fork, %d after the child was reaped", before,
               after);
  for (int i = 0; i < NSPOTS; i++)
    if (lazy[spots[i]] != 10 + i)
      return why("the child's writes changed the parent's lazy memory");
  if (lazy[7 * PG] != 0)
    return why("the child's new page appeared in the parent");
  return 1;
}

static void touch_and_exit(void)
{
  if (reserve(BIG) == 0)
    exit(2);
  for (int i = 0; i < 64; i++)
    lazy[(long)i * 1000 * PG] = 1;
  exit(0);
}

static void touch_and_exec(void)
{
  if (reserve(BIG) == 0)
    exit(2);
  for (int i = 0; i < 64; i++)
    lazy[(long)i * 1000 * PG] = 1;
  char *argv[] = { "echo", "vmtest: exec after lazymap", 0 };
  exec("echo", argv);
  exit(3);
}

static int case_lazy_free(void)
{
  int before = nfree();
  int st = in_child(touch_and_exit);
  if (st != 0)
    return why("a child that touched 64 lazy pages exited with %d", st);
  int after = nfree();
  if (after != before)
    return why("%d free pages before a child touched 64 lazy pages, %d after it exited",
               before, after);
  st = in_child(touch_and_exec);
  if (st != 0)
    return why("a child that touched lazy pages, then ran echo, exited with %d", st);
  after = nfree();
  if (after != before)
    return why("%d free pages before a child touched lazy pages and exec'd, %d after",
               before, after);
  return 1;
}

static void touch_past_end(void) { lazy[16L * PG] = 1; }
static void touch_below(void) { lazy[-8] = 1; }
static void load_past_end(void) { printf("%d\n", lazy[16L * PG + 5]); }

static int case_lazy_bounds(void)
{
  long r;
  if ((r = lazymap(0)) != -E_INVAL)
    return why("lazymap(0) returned %ld, expected -E_INVAL", r);
  if ((r = lazymap(-5)) != -E_INVAL)
    return why("lazymap(-5) returned %ld, expected -E_INVAL", r);
  if ((r = lazymap(LAZY_MAXPAGES + 1)) != -E_INVAL)
    return why("lazymap(LAZY_MAXPAGES + 1) returned %ld, expected -E_INVAL", r);
  lazy = (char *)LAZYBASE;
  int st = in_child(touch_past_end);
  if (st != -1)
    return why("touching LAZYBASE with no region exited with %d, expected -1", st);
  if (!reserve(16))
    return 0;
  if ((r = lazymap(16)) != -E_EXIST)
    return why("a second lazymap returned %ld, expected -E_EXIST", r);
  lazy[0] = 1;
  lazy[15 * PG] = 2;
  if ((st = in_child(touch_past_end)) != -1)
    return why("storing just past the region exited with %d, expected -1 (killed)", st);
  if ((st = in_child(load_past_end)) != -1)
    return why("loading just past the region exited with %d, expected -1 (killed)", st);
  if ((st = in_child(touch_below)) != -1)
    return why("storing just below the region exited with %d, expected -1 (killed)", st);
  if (lazy[0] != 1 || lazy[15 * PG] != 2)
    return why("the parent's lazy memory changed");
  return 1;
}

static int case_lazy_syscall(void)
{
  if (!reserve(BIG))
    return 0;
  int fds[2];
  if (pipe(fds) < 0)
    return why("pipe failed");
  int r = write(fds[1], lazy + 5 * PG, 10);
  if (r != -E_FAULT) {
    close(fds[0]);
    close(fds[1]);
    return why("write() from an untouched lazy page returned %d, expected -E_FAULT", r);
  }
  lazy[5 * PG] = 'L';
  lazy[9 * PG] = 0;   // touch the destination first
  if (write(fds[1], lazy + 5 * PG, 1) != 1 || read(fds[0], lazy + 9 * PG, 1) != 1)
    r = -1;
  close(fds[0]);
  close(fds[1]);
  if (r == -1 || lazy[9 * PG] != 'L')
    return why("write() and read() through touched lazy pages did not move the byte");
  return 1;
}

static void eat_everything(void)
{
  if (reserve(LAZY_MAXPAGES) == 0)
    exit(2);
  for (long i = 0; i < LAZY_MAXPAGES; i++)
    lazy[i * PG] = 1;
  exit(3);   // more memory than QEMU has: must not get here
}

static int case_lazy_oom(void)
{
  int before = nfree();
  int st = in_child(eat_everything);
  if (st != -1)
    return why("a child touching more lazy pages than there is RAM exited with %d, "
               "expected -1 (killed)", st);
  int after = nfree();
  if (after != before)
    return why("%d free pages before the child ran out of memory, %d after", before, after);
  return 1;
}

// ---------------------------------------------------------------- driver

static const struct testcase cases[] = {
  { "pgdump", case_pgdump },
  { "mprotect-args", case_mprotect_args },
  { "mprotect-readonly", case_mprotect_readonly },
  { "mprotect-self", case_mprotect_self },
  { "lazy-basic", case_lazy_basic },
  { "lazy-fork", case_lazy_fork },
  { "lazy-free", case_lazy_free },
  { "lazy-bounds", case_lazy_bounds },
  { "lazy-syscall", case_lazy_syscall },
  { "lazy-oom", case_lazy_oom },
};
#define NCASES (int)(sizeof(cases) / sizeof(cases[0]))

// Each case runs in its own process (isolate = 1), so regions and
// protections never leak from one case into the next.
int main(int argc, char **argv)
{
  return run_cases("vmtest", "VT", cases, NCASES, 1, argc, argv);
}
#else
int main(void)
{
  fprintf(2, "vmtest: comes with lab 3 (vm)\n");
  return 1;
}
#endif
