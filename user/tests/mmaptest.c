#if LAB >= 8
// mmaptest: the in-guest checks of the mmap lab (docs/labs/mmap.md).
// `mmaptest CASE...` runs the named cases (`mmaptest all` runs every one),
// each in its own process, and prints one line per case for the grader:
//   MM <case> PASS
//   MM <case> FAIL <reason>
// What a case trusts comes from code the lab does not change: the file's
// bytes through read() and fstat(), free pages from nfree() (kalloc.c), the
// faults the trap handler counted from sysinfo() (trap.c), exit statuses.
#include "kernel/types.h"
#include "kernel/errno.h"
#include "kernel/fcntl.h"
#include "kernel/stat.h"
#include "kernel/mman.h"
#include "kernel/caprights.h"
#include "kernel/sysinfo.h"
#include "kernel/capinfo.h"
#include "user/user.h"
#include "user/lib/casekit.h"
#include "user/manifest.h"

ZENITH_MANIFEST("cwd:all", "root:all", "proc:all", "sysctl");

#define PG 4096

// The byte at offset i of a test file made with tag: each page its own
// pattern, and the bytes of a page differ too, so a page read from the wrong
// offset (or a shifted copy) shows.
static uchar file_byte(int tag, uint64 i)
{
  return (uchar)(tag + (i / PG) * 17 + (i % PG) % 251);
}

// A new file `name` of `size` bytes made with tag (old content replaced).
static int make_file(const char *name, uint64 size, int tag)
{
  static char buf[PG];
  unlink(name);
  int fd = open(name, O_CREATE | O_RDWR);
  if (fd < 0)
    return fd;
  for (uint64 off = 0; off < size; off += PG) {
    int n = size - off < PG ? (int)(size - off) : PG;
    for (int j = 0; j < n; j++)
      buf[j] = file_byte(tag, off + j);
    if (write(fd, buf, n) != n) {
      close(fd);
      return -E_NOSPC;
    }
  }
  close(fd);
  return 0;
}

// Read page `page` of file `name` into out[0..PG) (zeros past the end).
// Returns the file's size, or a negative error.
static int64 file_page(const char *name, int page, char *out)
{
  static char skip[PG];
  struct stat st;
  int fd = open(name, O_RDONLY);
  if (fd < 0)
    return fd;
  memset(out, 0, PG);
  for (int i = 0; i < page; i++)
    read(fd, skip, PG);
  read(fd, out, PG);
  int r = fstat(fd, &st);
  close(fd);
  return r < 0 ? r : (int64)st.size;
}

// The first offset in p[0..n) that does not hold file_byte(tag, base + i),
// or -1.
static int64 first_wrong(const char *p, uint64 n, int tag, uint64 base)
{
  for (uint64 i = 0; i < n; i++)
    if ((uchar)p[i] != file_byte(tag, base + i))
      return (int64)i;
  return -1;
}

// Does page `page` of file `name` hold its original bytes (tag)?
static int file_page_original(const char *name, int page, int tag)
{
  static char buf[PG];
  int64 size = file_page(name, page, buf);
  if (size < 0)
    return 0;
  uint64 n = (uint64)size > (uint64)page * PG ? (uint64)size - (uint64)page * PG : 0;
  if (n > PG)
    n = PG;
  return first_wrong(buf, n, tag, (uint64)page * PG) == -1;
}

// Is page `page` of file `name` all `c` in its first n bytes?
static int file_page_is(const char *name, int page, char c, int n)
{
  static char buf[PG];
  if (file_page(name, page, buf) < 0)
    return 0;
  for (int i = 0; i < n; i++)
    if (buf[i] != c)
      return 0;
  return 1;
}

static int wait_status(void)
{
  int st = -2000;
  if (wait(&st) < 0)
    return -3000;
  return st;
}

static uint64 mmap_faults(void)
{
  struct sysinfo si;
  return sysinfo(&si) == 0 ? si.mmap_faults : 0;
}

static char *map(uint64 len, int prot, int flags, int fd, uint64 off, long *err)
{
  long r = mmap(0, len, prot, flags, fd, off);
  *err = r < 0 ? r : 0;
  return r < 0 ? 0 : (char *)r;
}

// The kernel's capability audit finds nothing wrong (mapping records are
// held by the kernel, in no slot: the audit counts them apart). 1 or 0.
static int audit_clean(void)
{
  struct capaudit a;
  memset(&a, 0, sizeof(a));
  return cap_audit(&a) == 0 && a.bad == 0;
}

#define NOT_IMPL(r) ((r) == -E_NOSYS ? " (not implemented: mmap_create)" : "")

// ---------------------------------------------------------------- reading

// A read-only private mapping shows the file's bytes, zeros past its end,
// and keeps working after the descriptor is closed.
static int case_read(void)
{
  const char *name = "mm.read";
  uint64 size = 5 * PG + 700;
  if (make_file(name, size, 3) < 0)
    return why("could not create %s", name);
  int fd = open(name, O_RDONLY);
  long err;
  char *p = map(6 * PG, PROT_READ, MAP_PRIVATE, fd, 0, &err);
  if (!p)
    return why("mmap(0, 6 pages, PROT_READ, MAP_PRIVATE, read-only fd, 0) failed: %s%s",
               errstr(err), NOT_IMPL(err));
  if ((uint64)p < MMAPBASE || (uint64)p % PG)
    return why("mmap returned %p, not a page-aligned address in the mmap window", p);
  close(fd);   // the mapping holds its own capability
  int64 bad = first_wrong(p, size, 3, 0);
  if (bad >= 0)
    return why("byte %ld of the mapping is %d, the file has %d there (page %ld; was the "
               "page read from file offset off + (va - start)?)", bad, (uchar)p[bad],
               file_byte(3, bad), bad / PG);
  for (uint64 i = size; i < 6 * PG; i++)
    if (p[i] != 0)
      return why("byte %lu of the mapping, past the file's end (%lu bytes), is %d, not 0",
                 i, size, (uchar)p[i]);
  // A second mapping of a later part of the file (offset 2 pages).
  fd = open(name, O_RDONLY);
  char *q = map(2 * PG, PROT_READ, MAP_SHARED, fd, 2 * PG, &err);
  close(fd);
  if (!q)
    return why("a second mapping (offset 2 pages) failed: %s", errstr(err));
  if (q == p)
    return why("two live mappings got the same address %p", p);
  if ((bad = first_wrong(q, 2 * PG, 3, 2 * PG)) >= 0)
    return why("mapping at file offset 8192: byte %ld is %d, expected %d", bad,
               (uchar)q[bad], file_byte(3, 2 * PG + bad));
  if (munmap(p, 6 * PG) != 0 || munmap(q, 2 * PG) != 0)
    return why("munmap of a whole mapping failed");
  unlink(name);
  return 1;
}

// Nothing is read when the file is mapped: each first touch of a page is one
// fault (trap.c counts them), and only touched pages take memory.
static int case_lazy(void)
{
  const char *name = "mm.lazy";
  enum { PAGES = 16 };
  if (make_file(name, PAGES * PG, 5) < 0)
    return why("could not create %s", name);
  int fd = open(name, O_RDONLY);
  int free0 = nfree();
  uint64 f0 = mmap_faults();
  long err;
  char *p = map(PAGES * PG, PROT_READ, MAP_SHARED, fd, 0, &err);
  close(fd);
  if (!p)
    return why("mmap of a %d-page file failed: %s%s", PAGES, errstr(err), NOT_IMPL(err));
  int at_map = free0 - nfree();
  if (at_map > 1)
    return why("mmap itself used %d pages: it must read nothing (pages are read on first "
               "touch)", at_map);
  int touch[] = { 0, 7, 15 };
  for (int k = 0; k < 3; k++) {
    int i = touch[k];
    if ((uchar)p[i * PG + 100] != file_byte(5, i * PG + 100))
      return why("page %d of the mapping does not hold the file's bytes", i);
  }
  (void)*(volatile char *)(p + 7 * PG + 5);   // a loaded page: no second fault
  uint64 faults = mmap_faults() - f0;
  int used = free0 - nfree();
  if (faults == 0)
    return why("touching 3 pages caused no mmap fault: the pages were read when the file "
               "was mapped (or by one fault for all); mmap must be lazy");
  if (faults != 3)
    return why("touching 3 pages (one twice) caused %lu mmap faults, expected 3: one per "
               "page on its first touch", faults);
  if (used > 3 + 4)
    return why("touching 3 of %d pages used %d free pages: only the touched pages (and "
               "page-table pages) may be loaded", PAGES, used);
  munmap(p, PAGES * PG);
  unlink(name);
  return 1;
}

// ---------------------------------------------------------------- private and shared

// MAP_PRIVATE | PROT_WRITE of a read-only capability: allowed, and the stores
// never reach the file.
static int case_private(void)
{
  const char *name = "mm.private";
  if (make_file(name, 3 * PG, 7) < 0)
    return why("could not create %s", name);
  int fd = open(name, O_RDONLY);
  long err;
  char *p = map(3 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0, &err);
  if (!p)
    return why("a writable MAP_PRIVATE mapping of a read-only descriptor failed: %s (it "
               "needs only CAP_R_READ: its stores reach no file)%s", errstr(err),
               NOT_IMPL(err));
  memset(p + PG, 'w', PG);
  p[5] = 'x';
  if (p[PG + 10] != 'w' || p[5] != 'x')
    return why("stores to a private writable mapping did not stick");
  if (munmap(p, 3 * PG) != 0)
    return why("munmap failed");
  for (int i = 0; i < 3; i++)
    if (!file_page_original(name, i, 7))
      return why("page %d of the file changed after stores to a MAP_PRIVATE mapping: "
                 "private pages are never written back", i);
  char *q = map(3 * PG, PROT_READ, MAP_PRIVATE, fd, 0, &err);
  close(fd);
  if (!q)
    return why("mapping the file again failed: %s", errstr(err));
  if (first_wrong(q, 3 * PG, 7, 0) >= 0)
    return why("a new mapping after a private one does not show the file's bytes");
  munmap(q, 3 * PG);
  unlink(name);
  return 1;
}

// MAP_SHARED stores reach the file at munmap, even with the descriptor
// closed; only the written pages; the file never grows.
static int case_shared(void)
{
  static char buf[PG], buf2[2 * PG];
  const char *name = "mm.shared";
  uint64 size = 3 * PG + 1000;
  if (make_file(name, size, 9) < 0)
    return why("could not create %s", name);
  int fd = open(name, O_RDWR);
  long err;
  char *p = map(4 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0, &err);
  close(fd);
  if (!p)
    return why("a writable MAP_SHARED mapping of a read-write descriptor failed: %s%s",
               errstr(err), NOT_IMPL(err));
  memset(p, 'S', PG);             // page 0
  (void)*(volatile char *)(p + PG);   // page 1: loaded, not written...
  fd = open(name, O_RDWR);            // ...while write() changes the file there
  for (int i = 0; i < 2 * PG; i++)
    buf2[i] = file_byte(9, i);
  memcpy(buf2 + PG + 200, "direct", 6);
  write(fd, buf2, 2 * PG);
  close(fd);
  // Page 2: written by the kernel, read() from a pipe into it (copyout).
  int fds[2];
  pipe(fds);
  write(fds[1], "pipe!", 5);
  (void)*(volatile char *)(p + 2 * PG);
  if (read(fds[0], p + 2 * PG + 50, 5) != 5)
    return why("read() from a pipe into a loaded page of a shared mapping failed");
  close(fds[0]);
  close(fds[1]);
  memset(p + 3 * PG, 'T', PG);    // page 3: 1000 bytes of file, the rest past its end
  if (munmap(p, 4 * PG) != 0)
    return why("munmap failed");
  int64 sz = file_page(name, 3, buf);
  if (!file_page_is(name, 0, 'S', PG))
    return why("the store to page 0 of a MAP_SHARED mapping is not in the file after "
               "munmap: written shared pages must be written back");
  file_page(name, 1, buf);
  if (memcmp(buf + 200, "direct", 6) != 0)
    return why("page 1 was only read through the mapping, yet munmap wrote it back over "
               "a write() made meanwhile: write back only pages with PTE_D (mappages sets "
               "D: clear it when you map a page)");
  if (first_wrong(buf, 200, 9, PG) >= 0)
    return why("page 1 (read, never written) changed in the file");
  file_page(name, 2, buf);
  if (memcmp(buf + 50, "pipe!", 5) != 0 || first_wrong(buf, 50, 9, 2 * PG) >= 0)
    return why("read() into page 2 of a shared mapping is not in the file after munmap: "
               "the kernel's stores (copyout) mark the page dirty too");
  if (!file_page_is(name, 3, 'T', 1000))
    return why("the store to the file's last, partial page is not in the file");
  if (sz != (int64)size)
    return why("the file's size went from %lu to %ld bytes: write-back must never make "
               "the file grow", size, sz);
  unlink(name);
  return 1;
}

// A process that exits (or calls exec) without munmap still writes its
// shared pages back.
static int case_shared_exit(void)
{
  const char *name = "mm.exit";
  if (make_file(name, 4 * PG, 11) < 0)
    return why("could not create %s", name);
  int pid = fork();
  if (pid == 0) {
    int fd = open(name, O_RDWR);
    long r = mmap(0, 4 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (r < 0)
      exit(r == -E_NOSYS ? 51 : 50);
    char *p = (char *)r;
    memset(p + PG, 'E', PG);
    p[3 * PG + 9] = 'e';
    exit(0);   // no munmap: exit writes back
  }
  int st = wait_status();
  if (st == 50 || st == 51)
    return why("the child's mmap failed%s", st == 51 ? " (not implemented)" : "");
  if (st != 0)
    return why("the child that wrote to a shared mapping exited with %d", st);
  if (!file_page_is(name, 1, 'E', PG))
    return why("a child wrote to page 1 of a MAP_SHARED mapping and exited without "
               "munmap: its stores are not in the file (exit must write back)");
  static char buf[PG];
  file_page(name, 3, buf);
  if (buf[9] != 'e' || first_wrong(buf, 9, 11, 3 * PG) >= 0)
    return why("page 3 of the file does not hold the child's one-byte store");
  pid = fork();
  if (pid == 0) {
    int fd = open(name, O_RDWR);
    long r = mmap(0, 4 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (r < 0)
      exit(50);
    memset((char *)r + 2 * PG, 'X', PG);
    char *argv[] = { "echo", "mmaptest: exec with a written shared mapping", 0 };
    exec("/echo", argv);   // the old image's mappings go: written back first
    exit(52);
  }
  if ((st = wait_status()) != 0)
    return why("the child that wrote a shared mapping and called exec exited with %d", st);
  if (!file_page_is(name, 2, 'X', PG))
    return why("a child wrote to page 2 of a MAP_SHARED mapping and called exec: its "
               "stores are not in the file (exec must write back, as exit does)");
  if (!file_page_original(name, 0, 11))
    return why("page 0, which no child wrote, changed in the file");
  unlink(name);
  return 1;
}

// ---------------------------------------------------------------- rights

static int case_rights(void)
{
  const char *name = "mm.rights";
  if (make_file(name, 2 * PG, 13) < 0)
    return why("could not create %s", name);
  int ro = open(name, O_RDONLY), wo = open(name, O_WRONLY), rw = open(name, O_RDWR);
  long r = mmap(0, 2 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, ro, 0);
  if (r == -E_NOSYS)
    return why("mmap is not implemented (mmap_create)");
  if (r >= 0)
    return why("a writable MAP_SHARED mapping of a read-only descriptor succeeded: it "
               "would let the process write a file its capability cannot write "
               "(expected E_NORIGHT)");
  if (r != -E_NORIGHT)
    return why("a writable MAP_SHARED mapping of a read-only descriptor failed with %s, "
               "expected E_NORIGHT (the capability lacks CAP_R_WRITE)", errstr(r));
  if ((r = mmap(0, PG, PROT_READ, MAP_SHARED, wo, 0)) != -E_NORIGHT)
    return why("a mapping of a write-only descriptor gave %ld (%s), expected E_NORIGHT: "
               "every mapping reads the file", r, r < 0 ? errstr(r) : "an address");
  int readonly = cap_dup(rw, CAP_R_READ);
  if ((r = mmap(0, PG, PROT_READ | PROT_WRITE, MAP_SHARED, readonly, 0)) != -E_NORIGHT)
    return why("a writable shared mapping through cap_dup(fd, CAP_R_READ) gave %ld, "
               "expected E_NORIGHT: the capability's rights, not the file's, decide", r);
  int dir = open(".", O_RDONLY), fds[2];
  pipe(fds);
  if ((r = mmap(0, PG, PROT_READ, MAP_PRIVATE, dir, 0)) != -E_INVAL)
    return why("mapping a directory gave %ld, expected E_INVAL", r);
  if ((r = mmap(0, PG, PROT_READ, MAP_PRIVATE, fds[0], 0)) != -E_INVAL)
    return why("mapping a pipe gave %ld, expected E_INVAL", r);
  // The allowed read-only shared mapping: reads work, a store kills.
  char *p = (char *)mmap(0, 2 * PG, PROT_READ, MAP_SHARED, ro, 0);
  if ((long)p < 0)
    return why("a PROT_READ MAP_SHARED mapping of a read-only descriptor failed: %s",
               errstr((long)p));
  if (first_wrong(p, 2 * PG, 13, 0) >= 0)
    return why("the read-only mapping does not show the file's bytes");
  int pid = fork();
  if (pid == 0) {
    p[PG + 1] = 'X';   // must kill us
    exit(0);
  }
  int st = wait_status();
  if (st != -1)
    return why("a child storing to a PROT_READ shared mapping exited with %d, expected -1 "
               "(killed by a store page fault)", st);
  if (!file_page_original(name, 1, 13))
    return why("a store to a PROT_READ mapping reached the file");
  munmap(p, 2 * PG);
  unlink(name);
  return 1;
}

// ---------------------------------------------------------------- fork

// Children inherit mappings: shared pages stay shared (each sees the other's
// stores at once), private ones are each process's own.
static int case_fork(void)
{
  const char *name = "mm.fork";
  if (make_file(name, 4 * PG, 15) < 0)
    return why("could not create %s", name);
  int fd = open(name, O_RDWR);
  long err;
  char *sh = map(4 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0, &err);
  if (!sh)
    return why("mmap MAP_SHARED failed: %s%s", errstr(err), NOT_IMPL(err));
  char *pv = map(4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0, &err);
  close(fd);
  if (!pv)
    return why("mmap MAP_PRIVATE failed: %s", errstr(err));
  pv[3 * PG] = 'q';   // a private page loaded and written before fork
  int go[2], back[2];
  pipe(go);
  pipe(back);
  int pid = fork();
  if (pid < 0)
    return why("fork of a process with mappings failed: %s", errstr(pid));
  if (pid == 0) {
    char c;
    if (first_wrong(sh, 4 * PG, 15, 0) >= 0)
      exit(61);   // the shared mapping does not show the file
    if (pv[3 * PG] != 'q' || first_wrong(pv, 3 * PG, 15, 0) >= 0)
      exit(62);   // the private one is not the parent's
    sh[2 * PG + 5] = 'C';
    pv[0] = 'c';
    pv[3 * PG] = 'k';
    write(back[1], "c", 1);
    read(go[0], &c, 1);
    if (sh[3 * PG + 6] != 'P')
      exit(63);   // the parent's shared store is not here
    if (pv[PG] != (char)file_byte(15, PG))
      exit(64);   // the parent's private store is here
    exit(0);
  }
  char c;
  read(back[0], &c, 1);
  int shared_seen = sh[2 * PG + 5] == 'C';
  int private_leak = pv[0] == 'c' || pv[3 * PG] != 'q';
  sh[3 * PG + 6] = 'P';
  pv[PG] = 'p';
  int audit_ok = audit_clean();   // four mappings, two processes
  write(go[1], "p", 1);
  int st = wait_status();
  const char *what[] = { "", "did not see the file through the inherited shared mapping",
                         "did not see the parent's private pages (private mappings are "
                         "inherited: loaded pages shared copy-on-write)",
                         "did not see the parent's store to the shared mapping (shared "
                         "pages stay shared after fork: one page, mapped in both)",
                         "saw the parent's store to a private mapping" };
  if (st >= 61 && st <= 64)
    return why("the child %s", what[st - 60]);
  if (st != 0)
    return why("the child exited with %d (killed?)", st);
  if (!shared_seen)
    return why("the child's store to the shared mapping did not show in the parent while "
               "both were running: after fork a shared page must be the same page in both");
  if (private_leak)
    return why("the child's store to a private mapping showed in the parent");
  if (!audit_ok)
    return why("cap_audit found inconsistencies with mappings live: each mapping's record "
               "must come from vma_take_cap or vma_share_cap and go with vma_release");
  if (munmap(sh, 4 * PG) != 0 || munmap(pv, 4 * PG) != 0)
    return why("munmap failed");
  static char buf[PG];
  file_page(name, 2, buf);
  if (buf[5] != 'C')
    return why("the child's store to the shared mapping is not in the file");
  file_page(name, 3, buf);
  if (buf[6] != 'P')
    return why("the parent's store to the shared mapping is not in the file");
  if (!file_page_original(name, 0, 15) || !file_page_original(name, 1, 15))
    return why("a store to a private mapping reached the file");
  unlink(name);
  return 1;
}

// ---------------------------------------------------------------- munmap

static int case_munmap_partial(void)
{
  const char *name = "mm.partial";
  if (make_file(name, 5 * PG, 17) < 0)
    return why("could not create %s", name);
  int fd = open(name, O_RDWR);
  long err;
  char *p = map(5 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0, &err);
  close(fd);
  if (!p)
    return why("mmap failed: %s%s", errstr(err), NOT_IMPL(err));
  int pages[] = { 0, 1, 2, 4 };   // page 3 stays untouched until later
  for (int k = 0; k < 4; k++)
    memset(p + pages[k] * PG, 'a' + pages[k], PG);
  long r = munmap(p, PG);
  if (r != 0)
    return why("munmap of the first page of a 5-page mapping gave %ld (%s): unmapping "
               "either end must work", r, errstr(r));
  if (!file_page_is(name, 0, 'a', PG))
    return why("page 0 was written and unmapped, but its stores are not in the file");
  int pid = fork();
  if (pid == 0) {
    (void)*(volatile char *)p;   // unmapped: must kill us
    exit(0);
  }
  if (wait_status() != -1)
    return why("a load from the unmapped first page did not kill the process");
  // The rest of the mapping still works, a page loaded after the front
  // went included (its file offset must still be right).
  if (p[PG + 3] != 'b')
    return why("page 1 lost its contents when page 0 was unmapped");
  int64 bad = first_wrong(p + 3 * PG, PG, 17, 3 * PG);
  if (bad >= 0)
    return why("page 3, first touched after the front page was unmapped, reads %d at "
               "byte %ld, the file has %d: keep the mapping's file offset right when its "
               "start moves", (uchar)p[3 * PG + bad], bad, file_byte(17, 3 * PG + bad));
  p[3 * PG] = 'D';
  if ((r = munmap(p + 4 * PG, PG)) != 0)
    return why("munmap of the last page gave %ld (%s)", r, errstr(r));
  if ((r = munmap(p + 2 * PG, PG)) != -E_INVAL)
    return why("munmap of a page in the middle of a mapping gave %ld, expected E_INVAL "
               "(Zenith does not split a mapping)", r);
  if ((r = munmap(p + PG, 4 * PG)) != -E_INVAL)
    return why("munmap of a range running past the mapping's end gave %ld, expected "
               "E_INVAL", r);
  if ((r = munmap(p + PG, 3 * PG)) != 0)
    return why("munmap of the rest (pages 1-3) gave %ld (%s)", r, errstr(r));
  char want[] = { 'a', 'b', 'c', 0, 'e' };
  for (int i = 0; i < 5; i++)
    if (want[i] && !file_page_is(name, i, want[i], PG))
      return why("page %d of the file does not hold the stores made to it", i);
  static char buf[PG];
  file_page(name, 3, buf);
  if (buf[0] != 'D' || first_wrong(buf + 1, PG - 1, 17, 3 * PG + 1) >= 0)
    return why("page 3 of the file is wrong after its one-byte store was written back");
  unlink(name);
  return 1;
}

// ---------------------------------------------------------------- bad arguments

static int case_badargs(void)
{
  const char *name = "mm.bad";
  if (make_file(name, 2 * PG, 19) < 0)
    return why("could not create %s", name);
  int fd = open(name, O_RDWR);
  long err;
  char *p = map(2 * PG, PROT_READ, MAP_SHARED, fd, 0, &err);
  if (!p)
    return why("a good mmap failed: %s%s", errstr(err), NOT_IMPL(err));
  if (first_wrong(p, 2 * PG, 19, 0) >= 0)
    return why("a good mapping does not show the file's bytes");
  struct { const char *what; long got, want; } c[] = {
    { "length 0", mmap(0, 0, PROT_READ, MAP_SHARED, fd, 0), -E_INVAL },
    { "length MMAP_MAXLEN + 1", mmap(0, MMAP_MAXLEN + 1, PROT_READ, MAP_SHARED, fd, 0), -E_INVAL },
    { "length ~0", mmap(0, ~0UL, PROT_READ, MAP_SHARED, fd, 0), -E_INVAL },
    { "unaligned addr", mmap((void *)(MMAPBASE + 0x100000 + 8), PG, PROT_READ, MAP_SHARED, fd, 0), -E_INVAL },
    { "unaligned offset", mmap(0, PG, PROT_READ, MAP_SHARED, fd, 100), -E_INVAL },
    { "offset past 4 GiB", mmap(0, PG, PROT_READ, MAP_SHARED, fd, 0xfffff000UL), -E_INVAL },
    { "addr below the window", mmap((void *)0x10000, PG, PROT_READ, MAP_SHARED, fd, 0), -E_INVAL },
    { "addr overlapping a mapping", mmap(p + PG, PG, PROT_READ, MAP_SHARED, fd, 0), -E_EXIST },
    { "prot 0", mmap(0, PG, 0, MAP_SHARED, fd, 0), -E_INVAL },
    { "prot PROT_WRITE alone", mmap(0, PG, PROT_WRITE, MAP_SHARED, fd, 0), -E_INVAL },
    { "prot PROT_EXEC", mmap(0, PG, PROT_READ | PROT_EXEC, MAP_PRIVATE, fd, 0), -E_INVAL },
    { "flags 0", mmap(0, PG, PROT_READ, 0, fd, 0), -E_INVAL },
    { "flags MAP_SHARED|MAP_PRIVATE", mmap(0, PG, PROT_READ, MAP_SHARED | MAP_PRIVATE, fd, 0), -E_INVAL },
    { "fd -1", mmap(0, PG, PROT_READ, MAP_SHARED, -1, 0), -E_BADCAP },
    { "fd 99", mmap(0, PG, PROT_READ, MAP_SHARED, 99, 0), -E_BADCAP },
    { "an empty slot", mmap(0, PG, PROT_READ, MAP_SHARED, 14, 0), -E_BADCAP },
    { "munmap length 0", munmap(p, 0), -E_INVAL },
    { "munmap unaligned", munmap(p + 8, PG), -E_INVAL },
    { "munmap of no mapping", munmap((void *)(MMAPBASE + 0x4000000), PG), -E_INVAL },
    { "munmap of ordinary memory", munmap((void *)0, PG), -E_INVAL },
  };
  for (uint i = 0; i < sizeof(c) / sizeof(c[0]); i++)
    if (c[i].got != c[i].want)
      return why("mmap/munmap with %s gave %ld (%s), expected %s", c[i].what, c[i].got,
                 c[i].got < 0 ? errstr(c[i].got) : "success", errstr(c[i].want));
  // A chosen address in the window works; a full table says E_NOMEM.
  char *fixed = (char *)mmap((void *)(MMAPBASE + 0x1000000), PG, PROT_READ, MAP_SHARED, fd, PG);
  if ((uint64)fixed != MMAPBASE + 0x1000000)
    return why("mmap at a free, aligned address in the window gave %p", fixed);
  if (first_wrong(fixed, PG, 19, PG) >= 0)
    return why("the mapping at a chosen address does not show file page 1");
  int n = 2;
  long r;
  while ((r = mmap(0, PG, PROT_READ, MAP_PRIVATE, fd, 0)) >= 0 && n < 64)
    n++;
  if (r != -E_NOMEM)
    return why("after %d mappings mmap gave %ld, expected E_NOMEM (table full)", n, r);
  if (first_wrong(p, 2 * PG, 19, 0) >= 0)
    return why("the first mapping changed after the bad calls");
  close(fd);
  unlink(name);
  return 1;
}

// ---------------------------------------------------------------- revocation

// Revoking the capability a mapping came from cuts it off its file: a page
// not loaded yet kills the process that touches it ("revoked mapping"), and
// written pages are not written back. Loaded pages stay as they are.
static int case_revoke(void)
{
  const char *name = "mm.revoke";
  if (make_file(name, 3 * PG, 21) < 0)
    return why("could not create %s", name);
  int fd = open(name, O_RDWR);
  long err;
  char *p = map(3 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0, &err);
  if (!p)
    return why("mmap failed: %s%s", errstr(err), NOT_IMPL(err));
  memset(p, 'R', PG);   // page 0 loaded and written
  int n = cap_revoke(fd);
  if (n < 1)
    return why("cap_revoke of the descriptor a mapping was made from revoked %d records: "
               "the mapping must hold a capability derived from it (vma_take_cap)", n);
  int pid = fork();
  if (pid == 0) {
    if (p[5] != 'R')
      exit(71);
    (void)*(volatile char *)(p + PG);   // not loaded: must kill us
    exit(0);
  }
  int st = wait_status();
  if (st == 71)
    return why("a child did not see the page its parent loaded before the revoke");
  if (st != -1)
    return why("a child of fork touching a page of a revoked mapping that was never loaded "
               "exited with %d, expected -1 (killed: \"revoked mapping\"): mmap_fault must "
               "check vma_live before it reads, and mmap_fork must not load that page "
               "for the child either", st);
  if (p[7] != 'R')
    return why("a page loaded before the revoke lost its contents");
  if (!audit_clean())
    return why("cap_audit found inconsistencies with a revoked mapping live");
  if (munmap(p, 3 * PG) != 0)
    return why("munmap of a revoked mapping failed");
  if (!file_page_original(name, 0, 21))
    return why("a page written before the revoke was written back to the file after it: "
               "a revoked mapping must never touch its file");
  close(fd);
  unlink(name);
  return 1;
}

// ---------------------------------------------------------------- concurrency

// Three workers share one mapping with their parent; each writes its own
// pages in rounds, forks readers that must see the latest round, and leaves
// in its own way (munmap of the front, of the back, exit). On several harts
// the pages' holders change at once.
static int case_concurrent(void)
{
  const char *name = "mm.conc";
  enum { W = 3, PER = 4, ROUNDS = 12 };
  if (make_file(name, W * PER * PG, 23) < 0)
    return why("could not create %s", name);
  int fd = open(name, O_RDWR);
  long err;
  // Warm up: the page-table pages of the window exist from here on.
  char *w0 = map(PG, PROT_READ, MAP_SHARED, fd, 0, &err);
  if (!w0)
    return why("mmap failed: %s%s", errstr(err), NOT_IMPL(err));
  (void)*(volatile char *)w0;
  munmap(w0, PG);
  file_page_is(name, 1, 0, 0);   // and our copy-on-write buffers are our own
  int before = nfree();
  char *p = map(W * PER * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0, &err);
  if (!p)
    return why("mmap failed: %s", errstr(err));
  for (int w = 0; w < W; w++) {
    int pid = fork();
    if (pid < 0)
      return why("fork failed: %s", errstr(pid));
    if (pid != 0)
      continue;
    char *mine = p + w * PER * PG;
    for (int round = 1; round <= ROUNDS; round++) {
      for (int k = 0; k < PER; k++)
        memset(mine + k * PG, 'A' + (w * 7 + round + k) % 26, PG);
      int r = fork();
      if (r == 0) {
        for (int k = 0; k < PER; k++)
          if (mine[k * PG + 77] != 'A' + (w * 7 + round + k) % 26)
            exit(81);
        exit(0);
      }
      if (r < 0 || wait_status() != 0)
        exit(82);
    }
    if (w == 0 && munmap(p, PER * PG) != 0)
      exit(83);
    if (w == W - 1 && munmap(p + (W - 1) * PER * PG, PER * PG) != 0)
      exit(84);
    exit(0);
  }
  int bad = 0;
  for (int w = 0; w < W; w++) {
    int st = wait_status();
    if (st != 0)
      bad = st;
  }
  if (bad)
    return why("a worker failed with %d (81: a grandchild did not see the latest stores "
               "to the shared pages, 82: fork failed, 83/84: munmap failed, -1: killed)",
               bad);
  for (int w = 0; w < W; w++)
    for (int k = 0; k < PER; k++)
      if (p[(w * PER + k) * PG + 1000] != 'A' + (w * 7 + ROUNDS + k) % 26)
        return why("page %d of the shared mapping does not show worker %d's last store in "
                   "the parent", w * PER + k, w);
  if (munmap(p, W * PER * PG) != 0)
    return why("munmap failed");
  for (int w = 0; w < W; w++)
    for (int k = 0; k < PER; k++)
      if (!file_page_is(name, w * PER + k, 'A' + (w * 7 + ROUNDS + k) % 26, PG))
        return why("page %d of the file does not hold worker %d's last store", w * PER + k, w);
  int after = nfree();
  for (int i = 0; i < 50 && after != before; i++) {
    sleep(1);   // let the last exits settle
    after = nfree();
  }
  if (after != before)
    return why("%d free pages before the workers, %d after: pages of the shared mapping "
               "leaked (or were freed twice)", before, after);
  close(fd);
  unlink(name);
  return 1;
}

// ---------------------------------------------------------------- driver

static const struct testcase cases[] = {
  { "read", case_read },
  { "lazy", case_lazy },
  { "private", case_private },
  { "shared", case_shared },
  { "shared-exit", case_shared_exit },
  { "rights", case_rights },
  { "fork", case_fork },
  { "munmap-partial", case_munmap_partial },
  { "badargs", case_badargs },
  { "revoke", case_revoke },
  { "concurrent", case_concurrent },
};
#define NCASES (int)(sizeof(cases) / sizeof(cases[0]))

int main(int argc, char **argv)
{
  return run_cases("mmaptest", "MM", cases, NCASES, 1, argc, argv);
}
#endif
