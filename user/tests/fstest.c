#if LAB >= 9
// fstest: the in-guest checks of the fs lab (docs/labs/fs.md), stages 1
// and 2. `fstest CASE...` runs the named cases (`fstest all` runs every
// one), each in its own process, and prints one line per case:
//   FS <case> PASS
//   FS <case> FAIL <reason>
// Each case works in a directory of its own (/fs_<case>) and removes
// everything it made, so the grader can count the disk's free blocks from
// the host afterwards (grade/fsck.py): a block the file system forgot to
// free shows there, not here. Stage 3 (crash recovery) is user/tests/fscrash.c.
#include "kernel/types.h"
#include "kernel/errno.h"
#include "kernel/fcntl.h"
#include "kernel/stat.h"
#include "kernel/capinfo.h"
#include "user/user.h"
#include "user/lib/casekit.h"
#include "user/manifest.h"

ZENITH_MANIFEST("root:all", "cwd:all", "proc:all");

#define BSZ 1024
#define NDIR 11
#define SINGLE_MAX (NDIR + BSZ / 4)   // blocks direct + singly indirect: 267
#define BIG (SINGLE_MAX + BSZ / 4 + 7)   // into the second block under the doubly-indirect one

static char buf[4 * BSZ];

// ---------------------------------------------------------------- helpers

// Byte j of block i of a file with tag t: differs per block and per file,
// and block i starts with i itself, so a block read from the wrong place
// says where it came from.
static char pat(int t, int i, int j)
{
  return (char)(t * 31 + i * 7 + j * 3 + (i >> 8));
}

static void fill_block(char *b, int t, int i)
{
  for (int j = 0; j < BSZ; j++)
    b[j] = pat(t, i, j);
  *(int *)b = i;
}

// Append blocks [from, to) of pattern t to fd, a few blocks per write. 1,
// or 0 with the case's reason.
static int write_blocks(int fd, const char *name, int t, int from, int to)
{
  for (int i = from; i < to;) {
    int n = to - i < 4 ? to - i : 4;
    for (int k = 0; k < n; k++)
      fill_block(buf + k * BSZ, t, i + k);
    int r = write(fd, buf, n * BSZ);
    if (r >= 0 && r != n * BSZ)
      return why("%s: writing blocks %d..%d wrote %d bytes of %d%s", name, i, i + n - 1, r,
                 n * BSZ, i + n > SINGLE_MAX && i <= SINGLE_MAX ? ": it stopped at block "
                 "267, the first past the direct and singly-indirect ones (stage 1, bmap)" : "");
    if (r != n * BSZ) {
      if (i + n > SINGLE_MAX && i <= SINGLE_MAX + 3)
        return why("%s: writing blocks %d..%d returned %d (%s): block %d is the first past "
                   "the %d direct and singly-indirect ones, the map's doubly-indirect level "
                   "(stage 1, bmap)", name, i, i + n - 1, r, errstr(r), SINGLE_MAX, SINGLE_MAX);
      return why("%s: writing blocks %d..%d returned %d (%s), expected %d", name, i,
                 i + n - 1, r, errstr(r), n * BSZ);
    }
    i += n;
  }
  return 1;
}

// Read name from the start and check it holds exactly blocks [0, n) of
// pattern t.
static int check_blocks(const char *name, int t, int n)
{
  int fd = open(name, O_RDONLY);
  if (fd < 0)
    return why("open %s to read it back: %s", name, errstr(fd));
  struct stat st;
  if (fstat(fd, &st) < 0 || st.size != (uint64)n * BSZ) {
    close(fd);
    return why("%s: size %d after writing %d blocks, expected %d", name, (int)st.size, n,
               n * BSZ);
  }
  static char want[BSZ];
  for (int i = 0; i < n; i++) {
    int r = read(fd, buf, BSZ);
    if (r != BSZ) {
      close(fd);
      return why("%s: reading block %d returned %d (%s), expected %d bytes", name, i, r,
                 errstr(r), BSZ);
    }
    fill_block(want, t, i);
    if (memcmp(buf, want, BSZ) != 0) {
      close(fd);
      int from = *(int *)buf;
      return why("%s: block %d read back wrong (it starts like block %d)%s", name, i, from,
                 i >= SINGLE_MAX ? ": a block under the doubly-indirect one maps to the "
                 "wrong disk block (bmap: which entry of which level)" : "");
    }
  }
  int r = read(fd, buf, 1);
  close(fd);
  if (r != 0)
    return why("%s: read past block %d returned %d, expected 0 (end of file)", name, n, r);
  return 1;
}

// A fresh directory for the case (left over from an earlier run: reused).
static int enter(const char *dir)
{
  mkdir(dir);
  if (chdir(dir) < 0)
    return why("chdir %s failed", dir);
  return 1;
}

static int leave(const char *dir)
{
  chdir("/");
  int r = unlink(dir);
  if (r < 0)
    return why("removing %s at the end: %s (the case left something in it)", dir, errstr(r));
  return 1;
}

static int put(const char *name, const char *text)
{
  int fd = open(name, O_CREATE | O_TRUNC | O_WRONLY);
  if (fd < 0)
    return fd;
  int n = strlen(text);
  int r = write(fd, text, n);
  close(fd);
  return r == n ? 0 : -E_NOSPC;
}

// What fd holds (at most 63 bytes) into out; closes fd.
static void slurp(int fd, char *out)
{
  int n = read(fd, out, 63);
  out[n > 0 ? n : 0] = 0;
  close(fd);
}

// Open path (through dirslot if >= 0) and check it holds `want` (0: must
// fail with error `err`). `what` says what the path is about.
static int expect_open(int dirslot, const char *path, int flags, const char *want, int err,
                       const char *what)
{
  int fd = dirslot >= 0 ? openat(dirslot, path, flags) : open(path, flags);
  char got[64];
  const char *how = dirslot >= 0 ? "openat(box, " : "open(";
  if (want == 0) {
    if (fd >= 0) {
      slurp(fd, got);
      return why("%s\"%s\") %s: it opened (holding \"%s\"), expected %s", how, path, what,
                 got, errstr(-err));
    }
    if (fd != -err)
      return why("%s\"%s\") %s: returned %d (%s), expected -%d (%s)", how, path, what, fd,
                 errstr(fd), err, errstr(-err));
    return 1;
  }
  if (fd < 0)
    return why("%s\"%s\") %s: %d (%s), expected it to open the file holding \"%s\"", how,
               path, what, fd, errstr(fd), want);
  slurp(fd, got);
  if (strcmp(got, want) != 0)
    return why("%s\"%s\") %s: opened a file holding \"%s\", expected \"%s\"", how, path,
               what, got, want);
  return 1;
}

// ---------------------------------------------------------------- stage 1

// A file past the singly-indirect limit, written and read back.
static int case_big_write(void)
{
  if (!enter("/fs_big_write"))
    return 0;
  int fd = open("big", O_CREATE | O_TRUNC | O_WRONLY);
  if (fd < 0)
    return why("create big: %s", errstr(fd));
  int ok = write_blocks(fd, "big", 1, 0, BIG);
  close(fd);
  if (ok)
    ok = check_blocks("big", 1, BIG);
  unlink("big");
  return ok && leave("/fs_big_write");
}

// Right at the edges: the last singly-indirect block, the first doubly-
// indirect one, and the first one of the second block under it.
static int case_big_boundary(void)
{
  if (!enter("/fs_big_edge"))
    return 0;
  int fd = open("edge", O_CREATE | O_TRUNC | O_WRONLY);
  if (fd < 0)
    return why("create edge: %s", errstr(fd));
  int ok = write_blocks(fd, "edge", 2, 0, SINGLE_MAX);
  if (ok) {
    fill_block(buf, 2, SINGLE_MAX);
    int r = write(fd, buf, BSZ);
    if (r != BSZ)
      ok = why("edge: the file has %d blocks (direct and singly indirect full); writing "
               "block %d, the first mapped through the doubly-indirect block, returned %d "
               "(%s), expected %d", SINGLE_MAX, SINGLE_MAX, r, errstr(r), BSZ);
  }
  if (ok)
    ok = write_blocks(fd, "edge", 2, SINGLE_MAX + 1, SINGLE_MAX + BSZ / 4 + 1);
  close(fd);
  if (ok)
    ok = check_blocks("edge", 2, SINGLE_MAX + BSZ / 4 + 1);
  unlink("edge");
  return ok && leave("/fs_big_edge");
}

// O_TRUNC of a large file frees its blocks (the grader counts them on the
// disk afterwards) and leaves nothing of the old data behind.
static int case_big_truncate(void)
{
  if (!enter("/fs_big_trunc"))
    return 0;
  int fd = open("big", O_CREATE | O_TRUNC | O_WRONLY);
  if (fd < 0)
    return why("create big: %s", errstr(fd));
  int ok = write_blocks(fd, "big", 3, 0, BIG);
  close(fd);
  if (!ok) {
    unlink("big");
    return 0;
  }
  fd = open("big", O_TRUNC | O_RDWR);
  struct stat st;
  if (fd < 0 || fstat(fd, &st) < 0 || st.size != 0) {
    unlink("big");
    return why("open(big, O_TRUNC) of a %d-block file: fd %d, size %d after it, expected 0",
               BIG, fd, fd < 0 ? -1 : (int)st.size);
  }
  ok = write_blocks(fd, "big", 4, 0, 3);
  close(fd);
  if (ok)
    ok = check_blocks("big", 4, 3);
  // Twice: blocks freed by the truncation must be usable again.
  fd = open("big", O_TRUNC | O_WRONLY);
  if (ok && fd >= 0)
    ok = write_blocks(fd, "big", 5, 0, BIG);
  if (fd >= 0)
    close(fd);
  if (ok)
    ok = check_blocks("big", 5, BIG);
  unlink("big");
  return ok && leave("/fs_big_trunc");
}

// ---------------------------------------------------------------- stage 2

static int case_sym_basic(void)
{
  if (!enter("/fs_sym_basic"))
    return 0;
  mkdir("d");
  put("d/f", "hello");
  int r = symlink("f", "d/l");
  int ok = r == 0 ? 1 : why("symlink(\"f\", \"d/l\") returned %d (%s)", r, errstr(r));
  if (ok)
    ok = expect_open(-1, "d/l", O_RDONLY, "hello", 0, "where d/l -> f");
  char t[32];
  if (ok && (r = readlink("d/l", t, sizeof(t))) != 1)
    ok = why("readlink(\"d/l\") returned %d, expected 1 (\"f\")", r);
  if (ok && (r = symlink("d", "ld")) != 0)
    ok = why("symlink(\"d\", \"ld\") returned %d (%s)", r, errstr(r));
  if (ok)
    ok = expect_open(-1, "ld/f", O_RDONLY, "hello", 0, "through ld -> d in the middle");
  if (ok)
    ok = expect_open(-1, "ld/l", O_RDONLY, "hello", 0, "through two links");
  if (ok && (r = symlink("d", "ld")) != -E_EXIST)
    ok = why("symlink over an existing name returned %d, expected -E_EXIST", r);
  // Writing through a link writes the target.
  if (ok) {
    int fd = open("d/l", O_WRONLY | O_TRUNC);
    if (fd < 0 || write(fd, "again", 5) != 5)
      ok = why("open(\"d/l\", O_WRONLY|O_TRUNC) and write: fd %d", fd);
    if (fd >= 0)
      close(fd);
  }
  if (ok)
    ok = expect_open(-1, "d/f", O_RDONLY, "again", 0, "after writing through d/l");
  if (ok && chdir("ld") < 0)
    ok = why("chdir(\"ld\") where ld -> d failed");
  if (ok)
    ok = expect_open(-1, "f", O_RDONLY, "again", 0, "after chdir through ld");
  chdir("/fs_sym_basic");
  // unlink removes the link, not what it names.
  if (ok && (r = unlink("d/l")) != 0)
    ok = why("unlink(\"d/l\") returned %d", r);
  if (ok)
    ok = expect_open(-1, "d/f", O_RDONLY, "again", 0, "after unlink of the link d/l");
  unlink("d/l");
  unlink("d/f");
  unlink("d");
  unlink("ld");
  return ok && leave("/fs_sym_basic");
}

static int case_sym_missing(void)
{
  if (!enter("/fs_sym_missing"))
    return 0;
  symlink("nothere", "dangling");
  int ok = expect_open(-1, "dangling", O_RDONLY, 0, E_NOENT, "where the target is missing");
  if (ok)
    ok = expect_open(-1, "dangling/x", O_RDONLY, 0, E_NOENT, "through a dangling link");
  put("f", "plain");
  symlink("f", "l");
  int fd = open("l", O_RDONLY | O_NOFOLLOW);
  if (ok && fd != -E_LOOP)
    ok = why("open(\"l\", O_NOFOLLOW) of a link returned %d, expected -E_LOOP", fd);
  if (fd >= 0)
    close(fd);
  if (ok)
    ok = expect_open(-1, "l", O_RDONLY, "plain", 0, "where l -> f");
  int r = symlink("an_element_too_long_for_a_name", "long");
  if (ok && r != -E_NAMETOOLONG)
    ok = why("symlink to a target with a 30-byte element returned %d, expected "
             "-E_NAMETOOLONG (a walk would cut it to 14 bytes)", r);
  unlink("long");
  unlink("dangling");
  unlink("l");
  unlink("f");
  return ok && leave("/fs_sym_missing");
}

// Chains up to the limit work; a loop, or a chain one longer, is -E_LOOP.
static int case_sym_loop(void)
{
  if (!enter("/fs_sym_loop"))
    return 0;
  put("f", "end");
  char name[8], target[8];
  // c1 -> f, c2 -> c1, ... c8 -> c7: 8 links from c8, the most one walk follows.
  for (int i = 1; i <= 9; i++) {
    snprintf(name, sizeof(name), "c%d", i);
    snprintf(target, sizeof(target), i == 1 ? "f" : "c%d", i - 1);
    symlink(target, name);
  }
  int ok = expect_open(-1, "c8", O_RDONLY, "end", 0, "through a chain of 8 links");
  if (ok)
    ok = expect_open(-1, "c9", O_RDONLY, 0, E_LOOP, "through a chain of 9 links");
  symlink("a", "b");
  symlink("b", "a");
  symlink("self", "self");
  if (ok)
    ok = expect_open(-1, "a", O_RDONLY, 0, E_LOOP, "where a -> b -> a");
  if (ok)
    ok = expect_open(-1, "self", O_RDONLY, 0, E_LOOP, "where self -> self");
  if (ok)
    ok = expect_open(-1, "a/x", O_RDONLY | O_CREATE, 0, E_LOOP, "(a loop in the middle)");
  for (int i = 1; i <= 9; i++) {
    snprintf(name, sizeof(name), "c%d", i);
    unlink(name);
  }
  unlink("a");
  unlink("b");
  unlink("self");
  unlink("f");
  return ok && leave("/fs_sym_loop");
}

// The box: /fs_<case>/box is a directory capability (slot `box`), with a
// file "secret" outside it and another "secret" inside.
//   box/up      -> ../secret          climbs out
//   box/in/deep -> ../../secret       climbs out from one level down
//   box/in/ok   -> ../inner           climbs, but stays in
//   box/abs     -> /secret            absolute: the box's own /secret
//   box/dotdot  -> ..                 a directory link that climbs out
//   box/root    -> /                  the box itself
static int make_box(const char *dir)
{
  if (!enter(dir))
    return -1;
  put("secret", "outside");
  mkdir("box");
  mkdir("box/in");
  put("box/secret", "inside");
  put("box/inner", "inner");
  int r = 0;
  r |= symlink("../secret", "box/up");
  r |= symlink("../../secret", "box/in/deep");
  r |= symlink("../inner", "box/in/ok");
  r |= symlink("/secret", "box/abs");
  r |= symlink("..", "box/dotdot");
  r |= symlink("/", "box/root");
  if (r != 0) {
    (void)why("symlink failed making the box");
    return -1;
  }
  int box = open("box", O_RDONLY);
  if (box < 0)
    (void)why("open box: %s", errstr(box));
  return box;
}

static void remove_box(const char *dir)
{
  const char *names[] = { "box/up", "box/in/deep", "box/in/ok", "box/abs", "box/dotdot",
                          "box/root", "box/secret", "box/inner", "box/in", "box", "secret" };
  for (unsigned i = 0; i < sizeof(names) / sizeof(names[0]); i++)
    unlink(names[i]);
  leave(dir);
}

// openat() through a directory capability: no link gets out of it.
static int case_sym_escape(void)
{
  int box = make_box("/fs_sym_escape");
  if (box < 0)
    return 0;
  int ok = expect_open(box, "in/ok", O_RDONLY, "inner", 0,
                       "where in/ok -> ../inner (climbs, stays in the box)");
  if (ok)
    ok = expect_open(box, "up", O_RDONLY, 0, E_ESCAPE,
                     "where up -> ../secret, above the box (its capability's boundary)");
  if (ok)
    ok = expect_open(box, "in/deep", O_RDONLY, 0, E_ESCAPE,
                     "where in/deep -> ../../secret (two levels up from in/)");
  if (ok)
    ok = expect_open(box, "dotdot/secret", O_RDONLY, 0, E_ESCAPE,
                     "where dotdot -> .. (a directory link above the box)");
  if (ok)
    ok = expect_open(box, "abs", O_RDONLY, "inside", 0,
                     "where abs -> /secret (an absolute target starts at the boundary of "
                     "the capability the walk started from: the box)");
  if (ok)
    ok = expect_open(box, "root/secret", O_RDONLY, "inside", 0,
                     "where root -> / (the box itself)");
  if (ok)
    ok = expect_open(box, "root/../secret", O_RDONLY, 0, E_ESCAPE,
                     "where root -> / and then .. climbs above the box");
  if (ok)
    ok = expect_open(box, "in/../in/ok", O_RDONLY, "inner", 0, "(.. inside the box)");
  // Outside the box the same links are ordinary: the walk's capability is
  // the process's root, whose boundary is the real root.
  if (ok)
    ok = expect_open(-1, "box/up", O_RDONLY, "outside", 0, "(from the real root)");
  close(box);
  remove_box("/fs_sym_escape");
  return ok;
}

// A process whose root and cwd capabilities are the box: absolute paths
// and links both stay in it.
static int case_sym_setroot(void)
{
  int box = make_box("/fs_sym_setroot");
  if (box < 0)
    return 0;
  int pid = fork();
  if (pid == 0) {
    int ok = 1;
    if (setroot(box) < 0 || fchdir(box) < 0)
      ok = why("setroot/fchdir to the box failed");
    if (ok)
      ok = expect_open(-1, "/secret", O_RDONLY, "inside", 0, "with the box as root");
    if (ok)
      ok = expect_open(-1, "abs", O_RDONLY, "inside", 0,
                       "with the box as root, abs -> /secret");
    if (ok)
      ok = expect_open(-1, "/root/root/abs", O_RDONLY, "inside", 0,
                       "with the box as root, root -> /");
    if (ok)
      ok = expect_open(-1, "up", O_RDONLY, 0, E_ESCAPE, "with the box as root, up -> ../secret");
    if (ok)
      ok = expect_open(-1, "/in/deep", O_RDONLY, 0, E_ESCAPE,
                       "with the box as root, in/deep -> ../../secret");
    if (ok && chdir("in") == 0)
      ok = expect_open(-1, "ok", O_RDONLY, "inner", 0, "from cwd box/in, ok -> ../inner");
    if (!ok)
      printf("FS-CHILD %s\n", case_reason);
    exit(ok ? 0 : 1);
  }
  int st = -1;
  wait(&st);
  close(box);
  remove_box("/fs_sym_setroot");
  if (st != 0)
    return why("the child confined to the box failed (its FS-CHILD line says how)");
  return 1;
}

// ---------------------------------------------------------------- both, concurrently

// Processes at once: two write and read back large files, one follows and
// replaces links in the directory they share. Run on one hart and on three.
static int case_concurrent(void)
{
  if (!enter("/fs_concurrent"))
    return 0;
  put("t0", "zero");
  put("t1", "one");
  enum { NKID = 3, BLOCKS = SINGLE_MAX + 20 };
  int pids[NKID];
  for (int k = 0; k < NKID; k++) {
    pids[k] = fork();
    if (pids[k] != 0)
      continue;
    int ok = 1;
    if (k < 2) {
      char name[8];
      snprintf(name, sizeof(name), "big%d", k);
      int fd = open(name, O_CREATE | O_TRUNC | O_WRONLY);
      ok = fd >= 0 ? write_blocks(fd, name, 10 + k, 0, BLOCKS) : why("create %s", name);
      if (fd >= 0)
        close(fd);
      if (ok)
        ok = check_blocks(name, 10 + k, BLOCKS);
      unlink(name);
    } else {
      for (int i = 0; ok && i < 40; i++) {
        unlink("l");
        symlink(i % 2 ? "t1" : "t0", "l");
        ok = expect_open(-1, "l", O_RDONLY, i % 2 ? "one" : "zero", 0, "(relinked)");
      }
      unlink("l");
    }
    if (!ok)
      printf("FS-CHILD %d %s\n", k, case_reason);
    exit(ok ? 0 : 1);
  }
  int bad = 0;
  for (int k = 0; k < NKID; k++) {
    int st = -1;
    wait(&st);
    bad += st != 0;
  }
  unlink("t0");
  unlink("t1");
  if (bad)
    return why("%d of %d processes failed (their FS-CHILD lines say how)", bad, NKID);
  return leave("/fs_concurrent");
}

// ---------------------------------------------------------------- driver

static const struct testcase cases[] = {
  { "big-write", case_big_write },
  { "big-boundary", case_big_boundary },
  { "big-truncate", case_big_truncate },
  { "sym-basic", case_sym_basic },
  { "sym-missing", case_sym_missing },
  { "sym-loop", case_sym_loop },
  { "sym-escape", case_sym_escape },
  { "sym-setroot", case_sym_setroot },
  { "concurrent", case_concurrent },
};
#define NCASES (int)(sizeof(cases) / sizeof(cases[0]))

int main(int argc, char **argv)
{
  return run_cases("fstest", "FS", cases, NCASES, 1, argc, argv);
}
#endif
