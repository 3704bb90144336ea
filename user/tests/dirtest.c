// dirtest: adversarial in-guest tests of directory capabilities, the wait
// right, badges and cap_list (kernel/fs/dircap.h, docs/book/06-capabilities.md).
// Every path walk must start from a directory capability, need the right
// for what it does, and never climb above that capability; slot numbers
// that are forged or stale must fail; badges cannot be changed or faked.
// After every case the audit must show no leak and no inconsistency (the
// runner, user/lib/capcase.c, checks it).
//
// Prints "DT <name> PASS" or "DT <name> FAIL <reason>" per case, then
// "DT-SUMMARY passed=N failed=M"; exits 0 only if nothing failed. A leading
// "-n NONCE" stamps the lines (user/lib/stamp.h).
//   dirtest            run every case
//   dirtest NAME...    run only the named cases
#include "kernel/types.h"
#include "kernel/param.h"
#include "kernel/fcntl.h"
#include "kernel/errno.h"
#include "kernel/caprights.h"
#include "kernel/capinfo.h"
#include "kernel/stat.h"
#include "user/user.h"
#include "user/manifest.h"
#include "user/lib/capcase.h"

ZENITH_MANIFEST("root:all", "cwd:all", "proc:all", "sysctl");   // sysctl: cap_audit

#define TOP "/dt"               // scratch tree: /dt/a/b, /dt/a/f
#define NENT (NCAP + NPROC + 2)

// ---------------------------------------------------------------- helpers

static uint rights_of(int slot)
{
  struct capinfo ci;
  return ct_info(slot, &ci) == 0 ? ci.rights : 0;
}

// This process's entry of the given kind (CAPE_CWD, CAPE_ROOT), or 0.
static int my_entry(int kind, struct capent *out)
{
  static struct capent ents[NENT];
  int n = cap_list(0, ents, NENT);
  for (int i = 0; i < n && i < NENT; i++) {
    if (ents[i].kind == kind) {
      *out = ents[i];
      return 1;
    }
  }
  return 0;
}

static void put_file(const char *path, const char *text)
{
  int fd = open(path, O_CREATE | O_TRUNC | O_WRONLY);
  if (fd >= 0) {
    write(fd, text, strlen(text));
    close(fd);
  }
}

// Copy file `from` to `to` unless `to` exists. (An installed program
// cannot be linked: it is sealed, docs/book/06-capabilities.md 6.16.)
static void copy_once(const char *from, const char *to)
{
  static char buf[1024];
  struct stat st;
  if (stat(to, &st) == 0)
    return;
  int in = open(from, O_RDONLY), out = open(to, O_CREATE | O_WRONLY);
  int n;
  while (in >= 0 && out >= 0 && (n = read(in, buf, sizeof(buf))) > 0)
    write(out, buf, n);
  close(in);
  close(out);
}

// Build the scratch tree: /dt/a/b (dirs), /dt/a/f and /dt/top (files).
static void make_tree(void)
{
  mkdir(TOP);
  mkdir(TOP "/a");
  mkdir(TOP "/a/b");
  put_file(TOP "/a/f", "in a");
  put_file(TOP "/top", "top");
}

// Runs fn in a child process (so it may change its cwd and root freely);
// returns 1 if it passed, else 0 with the child's reason in ct_why.
static int in_child(int (*fn)(void))
{
  int p[2];
  if (pipe(p) < 0)
    FAILF("pipe failed");
  int pid = fork();
  if (pid < 0)
    FAILF("fork: %d", pid);
  if (pid == 0) {
    close(p[0]);
    ct_why[0] = 0;
    int ok = fn();
    if (!ok)
      write(p[1], ct_why, strlen(ct_why));
    exit(ok ? 0 : 1);
  }
  close(p[1]);
  char buf[sizeof(ct_why)];
  int n = read(p[0], buf, sizeof(buf) - 1);
  close(p[0]);
  buf[n > 0 ? n : 0] = 0;
  int st = -1;
  if (wait(&st) != pid)
    FAILF("wait for the child failed");
  if (st != 0)
    FAILF("child: %s", buf[0] ? buf : "(died)");
  return 1;
}

// ---------------------------------------------------------------- cases

// init handed root capabilities down: this process holds a root and a cwd
// capability, both directories with every directory right.
static int t_boot_caps(void)
{
  struct capent root, cwd;
  CHECK(my_entry(CAPE_ROOT, &root), "no root capability");
  CHECK(my_entry(CAPE_CWD, &cwd), "no cwd capability");
  EXPECT("root type", root.type, CAPT_DIR);
  EXPECT("cwd type", cwd.type, CAPT_DIR);
  uint need = CAP_R_LOOKUP | CAP_R_CREATE | CAP_R_DELETE | CAP_R_READ | CAP_R_EXEC;
  CHECK((root.rights & need) == need, "root rights %x", root.rights);
  CHECK((cwd.rights & need) == need, "cwd rights %x", cwd.rights);
  CHECK(!root.revoked && !cwd.revoked, "revoked");
  return 1;
}

// How openat(d, path) must end: in -E_ESCAPE, or in an open file.
#define WALK_OK 1
struct walk {
  const char *path;
  int want;   // -E_ESCAPE or WALK_OK
};

// Tries every walk of the table from d; 1 if each ended as it must.
static int walks_end_as_wanted(int d, const struct walk *w, int n)
{
  for (int i = 0; i < n; i++) {
    int r = openat(d, w[i].path, O_RDONLY);
    if (r >= 0)
      close(r);
    if (w[i].want == WALK_OK ? r < 0 : r != w[i].want)
      FAILF("openat(%s) = %d, want %s", w[i].path, r,
            w[i].want == WALK_OK ? "success" : "-E_ESCAPE");
  }
  return 1;
}

// openat never climbs above its directory, however the ".." is spelled,
// and takes no absolute path; inside it, ".." works.
static const struct walk openat_walks[] = {
  { "..", -E_ESCAPE }, { "../", -E_ESCAPE }, { "../..", -E_ESCAPE }, { "../../..", -E_ESCAPE },
  { "./..", -E_ESCAPE }, { "a/../..", -E_ESCAPE }, { "a/../../x", -E_ESCAPE },
  { "a/b/../../..", -E_ESCAPE }, { "a/b/../../../README", -E_ESCAPE },
  { "a//..//..", -E_ESCAPE }, { "../dt/top", -E_ESCAPE },
  { "/", -E_ESCAPE }, { "/README", -E_ESCAPE }, { "/dt/top", -E_ESCAPE },
  { "top", WALK_OK }, { "a/f", WALK_OK }, { "a/b/../f", WALK_OK }, { "a/b/../../top", WALK_OK },
  { "a/../a/b/..", WALK_OK }, { ".", WALK_OK }, { "a/b/..", WALK_OK },
};

static int t_escape_openat(void)
{
  make_tree();
  int d = open(TOP, O_RDONLY);
  CHECK(d >= 0, "open %s: %d", TOP, d);
  if (!walks_end_as_wanted(d, openat_walks, sizeof(openat_walks) / sizeof(openat_walks[0])))
    return 0;   // (the runner closes d)
  // A directory opened through d is bounded at itself, not at d.
  int a = openat(d, "a", O_RDONLY);
  CHECK(a >= 0, "openat a: %d", a);
  int r = openat(a, "../top", O_RDONLY);
  EXPECT("openat(a, ../top)", r, -E_ESCAPE);
  close(a);
  close(d);
  return 1;
}

// In a child whose cwd and root are a directory capability for /dt: chdir
// moves freely below it, never above; absolute paths mean /dt.
static int child_jail(void)
{
  int d = open(TOP, O_RDONLY);
  CHECK(d >= 0, "open: %d", d);
  EXPECT("fchdir", fchdir(d), 0);
  EXPECT("setroot", setroot(d), 0);
  close(d);
  EXPECT("chdir .. at the boundary", chdir(".."), -E_ESCAPE);
  EXPECT("chdir a", chdir("a"), 0);
  EXPECT("chdir .. inside", chdir(".."), 0);
  EXPECT("chdir .. again", chdir(".."), -E_ESCAPE);
  EXPECT("chdir a/b", chdir("a/b"), 0);
  struct stat st;
  EXPECT("stat ../f", stat("../f", &st), 0);
  EXPECT("stat ../../top", stat("../../top", &st), 0);
  EXPECT("stat ../../../README", stat("../../../README", &st), -E_ESCAPE);
  EXPECT("chdir ../../..", chdir("../../.."), -E_ESCAPE);
  EXPECT("chdir ../..", chdir("../.."), 0);
  EXPECT("absolute is the jail", stat("/top", &st), 0);
  EXPECT("README is outside", stat("/README", &st), -E_NOENT);
  EXPECT("/.. escapes", stat("/..", &st), -E_ESCAPE);
  EXPECT("/a/../..", stat("/a/../..", &st), -E_ESCAPE);
  EXPECT("mkdir above", mkdir("../x"), -E_ESCAPE);
  EXPECT("create above", open("/../x", O_CREATE | O_RDWR), -E_ESCAPE);
  EXPECT("unlink above", unlink("../top"), -E_ESCAPE);
  EXPECT("link to above", link("top", "../x"), -E_ESCAPE);
  EXPECT("link from above", link("../README", "x"), -E_ESCAPE);
  char *argv[] = { "echo", 0 };
  EXPECT("exec above", exec("../echo", argv), -E_ESCAPE);
  EXPECT("exec /echo (not in the jail)", exec("/echo", argv), -E_NOENT);
  return 1;
}

static int t_escape_chdir(void)
{
  make_tree();
  return in_child(child_jail);
}

// At the file system's real root, ".." is the root itself (the disk says
// so): nothing is climbed, so it is not an escape.
static int t_dotdot_real_root(void)
{
  struct stat a, b;
  EXPECT("stat /", stat("/", &a), 0);
  EXPECT("stat /../..", stat("/../..", &b), 0);
  EXPECT("same inode", a.ino, b.ino);
  return 1;
}

// A removed directory has no "..": its parent may be gone and its inode
// number reused anywhere.
static int child_unlinked_cwd(void)
{
  mkdir(TOP "/gone");
  EXPECT("chdir", chdir(TOP "/gone"), 0);
  EXPECT("rmdir own cwd", unlink(TOP "/gone"), 0);
  struct stat st;
  EXPECT("stat ..", stat("..", &st), -E_NOENT);
  EXPECT("chdir ..", chdir(".."), -E_NOENT);
  EXPECT("stat .", stat(".", &st), 0);
  return 1;
}

static int t_unlinked_cwd(void)
{
  make_tree();
  return in_child(child_unlinked_cwd);
}

// Without a root capability, every absolute path call gives -E_NOCAP;
// without a cwd capability, every relative one; slots still work.
static int child_no_dircaps(void)
{
  int d = open(TOP, O_RDONLY);
  CHECK(d >= 0, "open: %d", d);
  char *argv[] = { "echo", 0 };
  struct stat st;
  EXPECT("drop root", setroot(-1), 0);
  EXPECT("open /", open("/README", O_RDONLY), -E_NOCAP);
  EXPECT("create /", open("/x", O_CREATE | O_RDWR), -E_NOCAP);
  EXPECT("mkdir /", mkdir("/x"), -E_NOCAP);
  EXPECT("mknod /", mknod("/x", 1, 0), -E_NOCAP);
  EXPECT("unlink /", unlink("/README"), -E_NOCAP);
  EXPECT("link /", link("/README", "x"), -E_NOCAP);
  EXPECT("chdir /", chdir("/"), -E_NOCAP);
  EXPECT("exec /", exec("/echo", argv), -E_NOCAP);
  EXPECT("relative still works", stat("README", &st) == 0 || stat("dt", &st) == 0, 1);
  EXPECT("drop cwd", fchdir(-1), 0);
  EXPECT("open rel", open("README", O_RDONLY), -E_NOCAP);
  EXPECT("create rel", open("x", O_CREATE | O_RDWR), -E_NOCAP);
  EXPECT("mkdir rel", mkdir("x"), -E_NOCAP);
  EXPECT("unlink rel", unlink("x"), -E_NOCAP);
  EXPECT("chdir rel", chdir("dt"), -E_NOCAP);
  EXPECT("exec rel", exec("echo", argv), -E_NOCAP);
  EXPECT("stat .", stat(".", &st), -E_NOCAP);
  struct capent e;
  CHECK(!my_entry(CAPE_ROOT, &e) && !my_entry(CAPE_CWD, &e), "cap_list still shows one");
  int f = openat(d, "top", O_RDONLY);
  CHECK(f >= 0, "openat still works: %d", f);
  char buf[4];
  EXPECT("read", read(f, buf, 3), 3);
  EXPECT("fchdir back", fchdir(d), 0);
  EXPECT("relative again", stat("top", &st), 0);
  return 1;
}

static int t_no_dircaps(void)
{
  make_tree();
  return in_child(child_no_dircaps);
}

// Each path operation and the directory rights it needs. Run with a cwd
// capability holding exactly `need`, it works; without any one bit of it,
// it fails with -E_NORIGHT.
struct pathop {
  const char *name;
  uint need;
};

static const struct pathop ops[] = {
  { "open-read",   CAP_R_LOOKUP | CAP_R_READ },
  { "open-write",  CAP_R_LOOKUP | CAP_R_WRITE },
  { "create",      CAP_R_LOOKUP | CAP_R_WRITE | CAP_R_CREATE },
  { "mkdir",       CAP_R_LOOKUP | CAP_R_CREATE },
  { "mknod",       CAP_R_LOOKUP | CAP_R_CREATE },
  { "link",        CAP_R_LOOKUP | CAP_R_CREATE },
  { "unlink",      CAP_R_LOOKUP | CAP_R_DELETE },
  { "chdir",       CAP_R_LOOKUP },
  { "opendir",     CAP_R_LOOKUP | CAP_R_READ },
  { "openat-read", CAP_R_LOOKUP | CAP_R_READ },
  { "create-read", CAP_R_LOOKUP | CAP_R_READ | CAP_R_CREATE },   // no WRITE (6.11)
  { "exec",        CAP_R_LOOKUP | CAP_R_EXEC },
};
#define NOPS ((int)(sizeof(ops) / sizeof(ops[0])))

static int cur_op;     // the op child_run_op runs
static uint cur_rights;

// Runs ops[cur_op] with cwd = a capability for /dt with cur_rights;
// returns its result (>= 0 success) through the exit status.
static int do_op(int i, int d)
{
  int r;
  switch (i) {
  case 0: r = open("top", O_RDONLY); break;
  case 1: r = open("top", O_WRONLY); break;
  case 2: r = open("newf", O_CREATE | O_WRONLY); break;
  case 3: r = mkdir("newd"); break;
  case 4: r = mknod("newn", 1, 0); break;
  case 5: r = link("top", "newl"); break;
  case 6: r = unlink("a/f"); break;
  case 7: r = chdir("a"); break;
  case 8: r = open("a", O_RDONLY); break;
  case 9: r = openat(d, "top", O_RDONLY); break;
  case 10:   // a new file opened read-only: made, but not writable through this
    r = open("newc", O_CREATE | O_RDONLY);
    if (r >= 0 && write(r, "x", 1) != -E_NORIGHT)
      r = -1000;   // reported as "got -1000": the new file came back writable
    break;
  default: {
    char *argv[] = { "echo", 0 };
    r = exec("echo", argv);   // /dt/echo is a copy of /echo; success never returns
  }
  }
  return r;
}

static int child_run_op(void)
{
  int d = open(TOP, O_RDONLY);
  CHECK(d >= 0, "open: %d", d);
  int n = cap_dup(d, cur_rights | CAP_R_DUP);
  CHECK(n >= 0, "cap_dup %x: %d", cur_rights, n);
  EXPECT("fchdir", fchdir(n), 0);
  int lim = cap_dup(d, cur_rights);
  CHECK(lim >= 0, "cap_dup: %d", lim);
  close(d);
  close(n);
  int r = do_op(cur_op, lim);
  int want_ok = (cur_rights & ops[cur_op].need) == ops[cur_op].need;
  if (want_ok)
    CHECK(r >= 0, "%s with %x: %d", ops[cur_op].name, cur_rights, r);
  else
    EXPECT(ops[cur_op].name, r, -E_NORIGHT);
  return 1;
}

static void reset_tree(void)
{
  unlink(TOP "/newf");
  unlink(TOP "/newd");
  unlink(TOP "/newn");
  unlink(TOP "/newl");
  unlink(TOP "/newc");
  make_tree();
  copy_once("/echo", TOP "/echo");
}

static int t_rights_matrix(void)
{
  int tried = 0;
  for (int i = 0; i < NOPS; i++) {
    uint need = ops[i].need;
    for (int b = -1; b < 16; b++) {
      if (b >= 0 && !(need & (1u << b)))
        continue;
      reset_tree();
      cur_op = i;
      cur_rights = b < 0 ? need : need & ~(1u << b);
      if (!in_child(child_run_op))
        return 0;
      tried++;
    }
  }
  reset_tree();
  unlink(TOP "/echo");
  CHECK(tried >= 30, "only %d combinations", tried);
  return 1;
}

// What an open returns has no right its start lacks; a directory opened
// through another has exactly its rights; chdir keeps the start's rights.
static int child_never_grow(void)
{
  int d = open(TOP, O_RDONLY);
  CHECK(d >= 0, "open: %d", d);
  uint ro = CAP_R_LOOKUP | CAP_R_READ | CAP_R_DUP;
  int r = cap_dup(d, ro);
  CHECK(r >= 0, "cap_dup: %d", r);
  int f = openat(r, "top", O_RDONLY);
  CHECK(f >= 0, "openat: %d", f);
  CHECK((rights_of(f) & ~ro) == 0, "file rights %x exceed dir's %x", rights_of(f), ro);
  EXPECT("open rdwr through read-only dir", openat(r, "top", O_RDWR), -E_NORIGHT);
  EXPECT("create through read-only dir", openat(r, "zz", O_CREATE | O_RDWR), -E_NORIGHT);
  int a = openat(r, "a", O_RDONLY);
  CHECK(a >= 0, "openat a: %d", a);
  EXPECT("subdir rights", rights_of(a), ro);
  EXPECT("cap_dup more from subdir", cap_dup(a, ro | CAP_R_WRITE), -E_RIGHTS);
  EXPECT("fchdir", fchdir(r), 0);
  EXPECT("chdir a", chdir("a"), 0);
  struct capent cwd;
  CHECK(my_entry(CAPE_CWD, &cwd), "no cwd");
  EXPECT("cwd rights after chdir", cwd.rights, ro);
  EXPECT("create in cwd", open("zz", O_CREATE | O_RDWR), -E_NORIGHT);
  EXPECT("fchdir needs dup", fchdir(f) , -E_NOTDIR);
  int nodup = cap_dup(d, CAP_R_LOOKUP);
  EXPECT("fchdir without dup right", fchdir(nodup), -E_NORIGHT);
  EXPECT("setroot without dup right", setroot(nodup), -E_NORIGHT);
  return 1;
}

static int t_rights_never_grow(void)
{
  make_tree();
  return in_child(child_never_grow);
}

// Revoking a directory capability revokes what was derived from it: dups,
// files and directories opened through them, and cwd capabilities made
// from them, in another process too.
static int t_revoke_dir(void)
{
  make_tree();
  int d = open(TOP, O_RDONLY);
  CHECK(d >= 0, "open: %d", d);
  int d2 = dup(d);
  int f = openat(d2, "a/f", O_RDONLY);
  int sub = openat(d2, "a", O_RDONLY);
  CHECK(d2 >= 0 && f >= 0 && sub >= 0, "setup %d %d %d", d2, f, sub);
  int go[2], done[2];
  pipe(go);
  pipe(done);
  int pid = fork();
  if (pid == 0) {
    char c;
    fchdir(d2);
    write(done[1], "r", 1);
    read(go[0], &c, 1);        // parent revoked
    struct stat st;
    int r = stat("top", &st);
    exit(r == -E_BADCAP ? 0 : 10 + (r < 0 ? -r : 99));
  }
  char c;
  read(done[0], &c, 1);
  int n = cap_revoke(d);
  write(go[1], "g", 1);
  int st = -1;
  wait(&st);
  close(go[0]); close(go[1]); close(done[0]); close(done[1]);
  CHECK(n >= 4, "revoked only %d", n);
  EXPECT("child's cwd derived from revoked dir", st, 0);
  char buf[4];
  EXPECT("read file opened through it", read(f, buf, 1), -E_BADCAP);
  EXPECT("openat through dup", openat(d2, "top", O_RDONLY), -E_BADCAP);
  EXPECT("openat through subdir", openat(sub, "f", O_RDONLY), -E_BADCAP);
  EXPECT("fchdir to revoked", fchdir(sub), -E_BADCAP);
  int ok = openat(d, "top", O_RDONLY);
  CHECK(ok >= 0, "the revoker's own slot still works: %d", ok);
  close(ok);
  close(f); close(sub); close(d2); close(d);
  return 1;
}

// Forged and stale slot numbers for openat and setdir.
static int t_forged_dirslots(void)
{
  make_tree();
  int tried = 0;
  for (int s = -70; s < NCAP + 70; s++) {
    if (s >= 0 && s < NCAP && ct_is_live(s))
      continue;
    int r = openat(s, "top", O_RDONLY);
    if (r != -E_BADCAP)
      FAILF("openat(%d) = %d", s, r);
    if (s != -1 && (r = setdir(DIRCAP_CWD, s)) != -E_BADCAP)
      FAILF("setdir(cwd, %d) = %d", s, r);
    if (s != -1 && (r = setdir(DIRCAP_ROOT, s)) != -E_BADCAP)
      FAILF("setdir(root, %d) = %d", s, r);
    tried++;
  }
  for (int b = 4; b < 32; b++) {
    int s = (int)(1u << b);
    EXPECT("openat bit flip", openat(s, "top", O_RDONLY), -E_BADCAP);
    EXPECT("openat negative flip", openat(-s, "top", O_RDONLY), -E_BADCAP);
  }
  EXPECT("setdir bad which", setdir(2, 0), -E_INVAL);
  EXPECT("setdir which -1", setdir(-1, 0), -E_INVAL);
  // Stale: a closed directory slot, then the number reused by a file.
  int d = open(TOP, O_RDONLY);
  CHECK(d >= 0, "open: %d", d);
  close(d);
  EXPECT("openat stale", openat(d, "top", O_RDONLY), -E_BADCAP);
  int f = open(TOP "/top", O_RDONLY);
  EXPECT("reused number", f, d);
  EXPECT("openat on a file slot", openat(f, "top", O_RDONLY), -E_NOTDIR);
  EXPECT("fchdir to a file", fchdir(f), -E_NOTDIR);
  EXPECT("console is no directory", openat(0, "x", O_RDONLY), -E_NOTDIR);
  close(f);
  CHECK(tried > 100, "only %d", tried);
  return 1;
}

// A child's directory slot numbers mean nothing in its parent.
static int t_dirslot_from_other_proc(void)
{
  make_tree();
  int p[2], hold[2];
  pipe(p);
  pipe(hold);
  int pid = fork();
  if (pid == 0) {
    close(hold[1]);
    int slots[4];
    for (int i = 0; i < 4; i++)
      slots[i] = open(TOP, O_RDONLY);
    write(p[1], slots, sizeof(slots));
    char c;
    read(hold[0], &c, 1);   // hold them until the parent has tried (EOF)
    exit(0);
  }
  close(hold[0]);
  int slots[4];
  int n = read(p[0], slots, sizeof(slots));
  int ok = n == sizeof(slots);
  for (int i = 0; ok && i < 4; i++) {
    if (slots[i] < 0 || ct_is_live(slots[i]))
      continue;
    int r = openat(slots[i], "top", O_RDONLY);
    if (r != -E_BADCAP) {
      snprintf(ct_why, sizeof(ct_why), "openat(child's %d) = %d", slots[i], r);
      ok = 0;
    }
  }
  close(hold[1]);
  close(p[1]);
  close(p[0]);
  wait(0);
  CHECK(n == sizeof(slots), "read %d", n);
  return ok;
}

// fork derives cwd and root from the parent's; exit releases them.
static int t_fork_exit_dircaps(void)
{
  struct capaudit a0, a1;
  cap_audit(&a0);
  struct capent mycwd;
  CHECK(my_entry(CAPE_CWD, &mycwd), "no cwd");
  int p[2], hold[2];
  pipe(p);
  pipe(hold);
  int pid = fork();
  if (pid == 0) {
    close(hold[1]);
    struct capent c;
    uint64 cwd_id = my_entry(CAPE_CWD, &c) ? c.id : 0;
    write(p[1], &cwd_id, sizeof(cwd_id));
    char x;
    read(hold[0], &x, 1);   // EOF once the parent has looked
    exit(0);
  }
  close(hold[0]);
  uint64 child_cwd = 0;
  read(p[0], &child_cwd, sizeof(child_cwd));
  cap_audit(&a1);
  static struct capent ents[NENT];
  int n = cap_list(pid, ents, NENT);
  close(hold[1]);
  close(p[0]);
  close(p[1]);
  wait(0);
  CHECK(child_cwd != 0 && child_cwd != mycwd.id, "child cwd record %d", (int)child_cwd);
  EXPECT("dircaps while the child lives", a1.dircaps, a0.dircaps + 2);
  CHECK(n > 0, "cap_list(child) = %d", n);
  int found = 0;
  for (int i = 0; i < n && i < NENT; i++)
    if (ents[i].kind == CAPE_CWD && ents[i].id == child_cwd && ents[i].object == mycwd.object)
      found = 1;
  CHECK(found, "the child's cwd names another object than the parent's");
  return 1;
}

// wait needs a process capability with CAP_R_WAIT for the child; without
// one, -E_NOCAP. An orphan is reaped by init (which gets a wait capability
// for it), so nothing leaks.
static int t_wait_right(void)
{
  int st = 0;
  EXPECT("no children at all", wait(&st), -E_CHILD);
  int pid = fork();
  if (pid == 0) {
    int g = fork();
    if (g == 0) {
      sleep(5);
      exit(0);
    }
    if (cap_dropproc(g) != 1)
      exit(2);
    int r = wait(0);
    if (r != -E_NOCAP)
      exit(3);
    if (kill(g) != -E_NOCAP)
      exit(4);
    exit(0);   // g becomes init's
  }
  EXPECT("wait for the middle child", wait(&st), pid);
  EXPECT("middle child's checks", st, 0);
  // Our own child without our capability.
  pid = fork();
  if (pid == 0)
    exit(7);
  EXPECT("drop", cap_dropproc(pid), 1);
  EXPECT("wait without the right", wait(&st), -E_NOCAP);
  EXPECT("drop again: none left", cap_dropproc(pid), 0);
  // Leave it: when we exit it goes to init. Reap it now is impossible;
  // the case runs in a child so that the orphan is init's at once.
  return 1;
}

static int t_wait_right_case(void)
{
  return in_child(t_wait_right);
}

// Badges: set once, on an unbadged capability, then carried unchanged by
// every derivation; no call changes or fakes one.
static int t_badge_forgery(void)
{
  make_tree();
  int f = open(TOP "/top", O_RDONLY);
  CHECK(f >= 0, "open: %d", f);
  struct capinfo ci;
  EXPECT("badge 0 is refused", cap_badge(f, 0), -E_INVAL);
  uint64 B = 0x8000000000001234ull;
  int b = cap_badge(f, B);
  CHECK(b >= 0, "cap_badge: %d", b);
  EXPECT("info", cap_info(b, &ci), 0);
  CHECK(ci.badge == B, "badge %lx", (unsigned long)ci.badge);
  EXPECT("same rights", ci.rights, rights_of(f));
  EXPECT("rebadge", cap_badge(b, 0x99), -E_BADGE);
  EXPECT("rebadge same value", cap_badge(b, B), -E_BADGE);
  EXPECT("rebadge to zero", cap_badge(b, 0), -E_INVAL);
  int d = dup(b);
  int c = cap_dup(b, CAP_R_READ | CAP_R_DUP);
  EXPECT("restrict", cap_restrict(c, CAP_R_READ | CAP_R_DUP), 0);
  EXPECT("dup info", cap_info(d, &ci), 0);
  CHECK(ci.badge == B, "dup lost the badge");
  EXPECT("cap_dup info", cap_info(c, &ci), 0);
  CHECK(ci.badge == B, "cap_dup lost the badge");
  EXPECT("badge a derived copy", cap_badge(c, 1), -E_BADGE);
  EXPECT("original unbadged", cap_info(f, &ci), 0);
  EXPECT("original badge", ci.badge, 0);
  int nodup = cap_dup(f, CAP_R_READ);
  EXPECT("badge without dup right", cap_badge(nodup, 5), -E_NORIGHT);
  EXPECT("badge bad slot", cap_badge(-1, 5), -E_BADCAP);
  EXPECT("badge bad slot 2", cap_badge(NCAP, 5), -E_BADCAP);
  int pid = fork();
  if (pid == 0) {
    struct capinfo k;
    if (cap_info(b, &k) < 0 || k.badge != B)
      exit(1);
    if (cap_badge(b, 7) != -E_BADGE)
      exit(2);
    exit(0);
  }
  int st = -1;
  wait(&st);
  EXPECT("child sees the badge and cannot change it", st, 0);
  // A badged directory badges what is opened through it.
  int dir = open(TOP, O_RDONLY);
  int bd = cap_badge(dir, 42);
  int inner = openat(bd, "top", O_RDONLY);
  EXPECT("opened through badged dir", cap_info(inner, &ci), 0);
  EXPECT("inherits the badge", ci.badge, 42);
  // Revoked: no badging.
  cap_revoke(f);
  EXPECT("badge revoked", cap_badge(b, 3), -E_BADCAP);
  close(inner); close(bd); close(dir);
  close(nodup); close(c); close(d); close(b); close(f);
  return 1;
}

// cap_list: the caller's own table; another process's needs a process
// capability with CAP_R_INSPECT; bad arguments fail cleanly.
static int t_cap_list(void)
{
  static struct capent ents[NENT];
  int n = cap_list(0, ents, NENT);
  int slots = 0, dirs = 0;
  for (int s = 0; s < NCAP; s++)
    slots += ct_is_live(s);
  for (int i = 0; i < n && i < NENT; i++)
    dirs += ents[i].kind == CAPE_CWD || ents[i].kind == CAPE_ROOT;
  CHECK(n >= slots + 2, "cap_list(0) = %d with %d slots", n, slots);
  EXPECT("dir entries", dirs, 2);
  EXPECT("same as by pid", cap_list(getpid(), ents, NENT), n);
  EXPECT("max 0 counts", cap_list(0, ents, 0), n);
  EXPECT("max -1", cap_list(0, ents, -1), -E_INVAL);
  EXPECT("bad buffer", cap_list(0, (struct capent *)0xffffffffffff0000ull, NENT), -E_FAULT);
  EXPECT("init", cap_list(1, ents, NENT), -E_NOCAP);
  EXPECT("no such pid", cap_list(0x7fffffff, ents, NENT), -E_NOCAP);
  EXPECT("negative pid", cap_list(-5, ents, NENT), -E_NOCAP);
  int p[2];
  pipe(p);
  int pid = fork();
  if (pid == 0) {
    close(p[1]);
    char c;
    read(p[0], &c, 1);
    exit(0);
  }
  int cn = cap_list(pid, ents, NENT);
  int sawproc = 0;
  for (int i = 0; i < cn && i < NENT; i++)
    sawproc |= ents[i].kind == CAPE_PROC && ents[i].index == pid && ents[i].type == CAPT_PROC;
  close(p[0]);
  close(p[1]);
  wait(0);
  CHECK(cn >= 5, "cap_list(child) = %d", cn);
  CHECK(sawproc, "child holds no capability for itself");
  EXPECT("reaped child", cap_list(pid, ents, NENT), -E_NOCAP);
  return 1;
}

// The powerbox never grants more than the shell holds: a shell whose cwd
// is read-only refuses to run mkdir (whose manifest wants create on the
// cwd) with a message, and nothing is created.
static int child_pb_refuse(void)
{
  int d = open(".", O_RDONLY);
  CHECK(d >= 0, "open .: %d", d);
  int ro = cap_dup(d, CAP_R_READ | CAP_R_LOOKUP | CAP_R_EXEC | CAP_R_STAT | CAP_R_DUP);
  CHECK(ro >= 0, "cap_dup: %d", ro);
  EXPECT("fchdir", fchdir(ro), 0);
  close(d);
  close(ro);
  int pid = fork();
  if (pid == 0) {
    char *argv[] = { "sh", "-c", "mkdir pbx", 0 };
    exec("/sh", argv);
    exit(99);
  }
  int st = -1;
  EXPECT("wait", wait(&st), pid);
  EXPECT("sh's status (refused)", st, 1);
  struct stat sb;
  EXPECT("nothing created", stat("pbx", &sb), -E_NOENT);
  return 1;
}

static int t_powerbox_refuses(void)
{
  return in_child(child_pb_refuse);
}

// fsync needs WRITE on the capability it is given (a file or a directory):
// one that can only read cannot force the disk's traffic and close
// everybody's log group early.
static int t_fsync_rights(void)
{
  make_tree();
  int ro = open(TOP "/top", O_RDONLY);
  int wo = open(TOP "/top", O_WRONLY);
  int d = open(TOP, O_RDONLY);
  CHECK(ro >= 0 && wo >= 0 && d >= 0, "open: %d %d %d", ro, wo, d);
  EXPECT("read-only file", fsync(ro), -E_NORIGHT);
  EXPECT("writable file", fsync(wo), 0);
  int nw = cap_dup(wo, CAP_R_STAT);
  CHECK(nw >= 0, "cap_dup: %d", nw);
  EXPECT("file without WRITE", fsync(nw), -E_NORIGHT);
  EXPECT("directory with WRITE", fsync(d), 0);
  int dr = cap_dup(d, CAP_R_LOOKUP | CAP_R_READ | CAP_R_CREATE | CAP_R_DELETE);
  CHECK(dr >= 0, "cap_dup dir: %d", dr);
  EXPECT("directory without WRITE", fsync(dr), -E_NORIGHT);
  close(ro);
  close(wo);
  close(nw);
  close(d);
  close(dr);
  return 1;
}

// ---------------------------------------------------------------- driver

static const struct ctcase cases[] = {
  {"boot_caps", t_boot_caps},
  {"escape_openat", t_escape_openat},
  {"escape_chdir", t_escape_chdir},
  {"dotdot_real_root", t_dotdot_real_root},
  {"unlinked_cwd", t_unlinked_cwd},
  {"no_dircaps", t_no_dircaps},
  {"rights_matrix", t_rights_matrix},
  {"rights_never_grow", t_rights_never_grow},
  {"revoke_dir", t_revoke_dir},
  {"forged_dirslots", t_forged_dirslots},
  {"dirslot_from_other_proc", t_dirslot_from_other_proc},
  {"fork_exit_dircaps", t_fork_exit_dircaps},
  {"wait_right", t_wait_right_case},
  {"badge_forgery", t_badge_forgery},
  {"cap_list", t_cap_list},
  {"powerbox_refuses", t_powerbox_refuses},
  {"fsync_rights", t_fsync_rights},
};
#define NCASES ((int)(sizeof(cases) / sizeof(cases[0])))

static void remove_tree(void)
{
  unlink(TOP "/a/f");
  unlink(TOP "/a/b");
  unlink(TOP "/a");
  unlink(TOP "/top");
  unlink(TOP "/echo");
  unlink(TOP "/gone");
  unlink(TOP);
}

int main(int argc, char **argv)
{
  int failed = ct_run("DT", cases, NCASES, argc, argv);
  remove_tree();
  exit(failed ? 1 : 0);
}
