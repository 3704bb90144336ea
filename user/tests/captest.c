// captest: adversarial in-guest tests of the capability core: slot numbers
// that are forged or stale, rights that must only shrink on every duplicate
// path, revocation across processes and against concurrent use on several
// harts, inheritance at fork, table exhaustion, kill needing a process
// capability. After every case the
// kernel's audit (cap_audit) must show the same counts as before it (no
// record, slot or open file leaked) and no inconsistency.
//
// Prints one line per case (user/lib/capcase.c runs them), "CT <name> PASS" or "CT <name> FAIL <reason>",
// then "CT-SUMMARY passed=N failed=M"; exits 0 only if nothing failed.
//   captest            run every case
//   captest NAME...    run only the named cases
//   (captest -exec-probe SLOT RIGHTS is what exec_keeps_rights runs)
#include "kernel/types.h"
#include "kernel/param.h"
#include "kernel/fcntl.h"
#include "kernel/errno.h"
#include "kernel/caprights.h"
#include "kernel/capinfo.h"
#include "kernel/stat.h"
#include "kernel/chan.h"
#include "kernel/sysctl.h"
#include "kernel/procinfo.h"
#include "user/user.h"
#include "user/lib/capcase.h"
#include "user/manifest.h"

ZENITH_MANIFEST("root:all", "cwd:all", "proc:all", "sysctl");

#define DATA "/ct_data"        // a small file the cases read
#define MARK "/ct_mark"        // revoke_concurrent: written once revoke returned
#define DATA_TEXT "0123456789"

// The rights of a file opened O_RDWR (sysfile.c's open rights).
#define RW_RIGHTS (CAP_R_READ | CAP_R_WRITE | CAP_R_STAT | CAP_R_DUP | \
                   CAP_R_TRANSFER | CAP_R_REVOKE)
#define LOW_BITS 12            // rights masks tried exhaustively: 0 .. 2^12-1

// ---------------------------------------------------------------- helpers

static int open_data(int mode)
{
  return open(DATA, mode);
}

// The record id of this process's root-directory capability, 0 if none.
static uint64 root_cap_id(void)
{
  static struct capent ents[NCAP + NPROC + 2];
  int n = cap_list(0, ents, NCAP + NPROC + 2);
  for (int i = 0; i < n; i++)
    if (ents[i].kind == CAPE_ROOT)
      return ents[i].id;
  return 0;
}

// Every operation on a slot that must not name a live capability gives
// -E_BADCAP. Returns 0 (and sets ct_why) at the first one that does not.
static int all_badcap(int s)
{
  char buf[4];
  struct stat st;
  struct capinfo ci;
  int r;
  if ((r = read(s, buf, 1)) != -E_BADCAP) FAILF("read(%d) = %d", s, r);
  if ((r = write(s, "x", 1)) != -E_BADCAP) FAILF("write(%d) = %d", s, r);
  if ((r = fstat(s, &st)) != -E_BADCAP) FAILF("fstat(%d) = %d", s, r);
  if ((r = dup(s)) != -E_BADCAP) FAILF("dup(%d) = %d", s, r);
  if ((r = cap_dup(s, 0)) != -E_BADCAP) FAILF("cap_dup(%d, 0) = %d", s, r);
  if ((r = cap_restrict(s, 0)) != -E_BADCAP) FAILF("cap_restrict(%d) = %d", s, r);
  if ((r = cap_revoke(s)) != -E_BADCAP) FAILF("cap_revoke(%d) = %d", s, r);
  if ((r = cap_info(s, &ci)) != -E_BADCAP) FAILF("cap_info(%d) = %d", s, r);
  return 1;
}

// ---------------------------------------------------------------- cases

// Every slot number that is out of range, empty, or a bit flip of a live
// one gives -E_BADCAP from every call, and close of it too.
static int t_forged_slots(void)
{
  int tried = 0;
  for (int s = -70; s < NCAP + 70; s++) {
    if (s >= 0 && s < NCAP && ct_is_live(s))
      continue;
    if (!all_badcap(s))
      return 0;
    EXPECT("close of a dead slot", close(s), -E_BADCAP);
    EXPECT("cap_delete of a dead slot", cap_delete(s), -E_BADCAP);
    tried++;
  }
  for (int b = 0; b < 32; b++) {
    int cands[2] = { (int)(1u << b), -(int)(1u << b) };
    for (int k = 0; k < 2; k++) {
      int s = cands[k];
      if (s >= 0 && s < NCAP && ct_is_live(s))
        continue;
      if (!all_badcap(s))
        return 0;
      tried++;
    }
    for (int live = 0; live < 3; live++) {   // flips of the console slots
      int s = live ^ (int)(1u << b);
      if (s >= 0 && s < NCAP && ct_is_live(s))
        continue;
      if (!all_badcap(s))
        return 0;
      tried++;
    }
  }
  int extremes[] = { 0x7fffffff, (int)0x80000000u, -1, NCAP, NCAP * 2, 0x10000 + 3 };
  for (int i = 0; i < (int)(sizeof(extremes) / sizeof(extremes[0])); i++)
    if (!all_badcap(extremes[i]))
      return 0;
  CHECK(tried > 200, "only %d slot numbers tried", tried);
  return 1;
}

// A deleted slot is dead; the number reused by a new open names the new
// object with a new record id, never the old one.
static int t_stale_after_delete(void)
{
  struct capinfo a, b, c;
  int fd = open_data(O_RDONLY);
  CHECK(fd >= 0, "open: %d", fd);
  EXPECT("info", ct_info(fd, &a), 0);
  int d = dup(fd);
  CHECK(d >= 0, "dup: %d", d);
  EXPECT("info dup", ct_info(d, &b), 0);
  EXPECT("dup's parent", b.parent, a.id);
  EXPECT("dup's object", b.object, a.object);
  CHECK(b.id != a.id, "dup has the same record id %ld", (long)a.id);
  EXPECT("delete", cap_delete(fd), 0);
  if (!all_badcap(fd))
    return 0;
  EXPECT("second delete", cap_delete(fd), -E_BADCAP);
  // The derived one survives its parent's deletion and moves up the tree.
  EXPECT("info after parent deleted", ct_info(d, &b), 0);
  EXPECT("parent after splice", b.parent, a.parent);
  char ch;
  EXPECT("read via survivor", read(d, &ch, 1), 1);
  // Reuse the number.
  int fd2 = open("/", O_RDONLY);
  EXPECT("reused slot number", fd2, fd);
  EXPECT("info reused", ct_info(fd2, &c), 0);
  CHECK(c.id > a.id && c.id > b.id, "reused slot's record id %ld not new", (long)c.id);
  CHECK(c.object != a.object, "reused slot names the old object");
  EXPECT("reused slot type", c.type, CAPT_DIR);
  EXPECT("close", close(fd2), 0);
  EXPECT("close", close(d), 0);
  return 1;
}

// Record ids and object ids only grow: none is ever reused.
static int t_ids_never_reused(void)
{
  uint64 last_id = 0, last_obj = 0;
  for (int i = 0; i < 60; i++) {
    struct capinfo ci;
    int fd = open_data(O_RDONLY);
    CHECK(fd >= 0, "open %d: %d", i, fd);
    EXPECT("info", ct_info(fd, &ci), 0);
    close(fd);
    CHECK(ci.id > last_id, "record id %ld after %ld", (long)ci.id, (long)last_id);
    CHECK(ci.object > last_obj, "object id %ld after %ld", (long)ci.object, (long)last_obj);
    last_id = ci.id;
    last_obj = ci.object;
  }
  return 1;
}

// Each operation needs its right; without it, -E_NORIGHT.
static int t_rights_gate(void)
{
  char ch;
  struct stat st;
  int ro = open_data(O_RDONLY), wo = open_data(O_WRONLY);
  CHECK(ro >= 0 && wo >= 0, "open: %d %d", ro, wo);
  EXPECT("write on read-only", write(ro, "x", 1), -E_NORIGHT);
  EXPECT("read on write-only", read(wo, &ch, 1), -E_NORIGHT);
  int r = cap_dup(ro, CAP_R_READ);
  CHECK(r >= 0, "cap_dup READ: %d", r);
  EXPECT("fstat without STAT", fstat(r, &st), -E_NORIGHT);
  EXPECT("dup without DUP", dup(r), -E_NORIGHT);
  EXPECT("cap_dup without DUP", cap_dup(r, 0), -E_NORIGHT);
  EXPECT("revoke without REVOKE", cap_revoke(r), -E_NORIGHT);
  EXPECT("read with READ", read(r, &ch, 1), 1);
  int s = cap_dup(ro, CAP_R_STAT);
  CHECK(s >= 0, "cap_dup STAT: %d", s);
  EXPECT("read without READ", read(s, &ch, 1), -E_NORIGHT);
  EXPECT("fstat with STAT", fstat(s, &st), 0);
  close(s);
  close(r);
  close(ro);
  close(wo);
  return 1;
}

// cap_dup(src, r) for every r below 2^LOW_BITS and every high bit: exactly
// r when r is a subset of src's rights, else -E_RIGHTS (never a mask).
static int t_dup_all_subsets(void)
{
  int src = open_data(O_RDWR);
  CHECK(src >= 0, "open: %d", src);
  struct capinfo s, d;
  EXPECT("info src", ct_info(src, &s), 0);
  EXPECT("open rights", s.rights, RW_RIGHTS);
  for (uint r = 0; r < (1u << LOW_BITS); r++) {
    int n = cap_dup(src, r);
    if (r & ~s.rights) {
      CHECK(n == -E_RIGHTS, "cap_dup(src, %x) = %d, want -E_RIGHTS", r, n);
      continue;
    }
    CHECK(n >= 0, "cap_dup(src, %x) = %d", r, n);
    int ok = ct_info(n, &d);
    close(n);
    CHECK(ok == 0, "info of dup %x: %d", r, ok);
    CHECK(d.rights == r, "cap_dup(src, %x) gave rights %x", r, d.rights);
    CHECK(d.parent == s.id && d.object == s.object, "dup %x: wrong parent/object", r);
  }
  for (int b = LOW_BITS; b < 32; b++) {
    uint r = (1u << b) | CAP_R_READ;
    EXPECT("high bit", cap_dup(src, r), -E_RIGHTS);
  }
  EXPECT("all bits", cap_dup(src, CAP_R_ALL), -E_RIGHTS);
  close(src);
  return 1;
}

// Duplicates of duplicates: from every r containing DUP, every r2 is
// allowed exactly when it is a subset of r; dup() keeps r exactly.
static int t_dup_of_dup(void)
{
  int src = open_data(O_RDWR);
  CHECK(src >= 0, "open: %d", src);
  for (uint r = 0; r < 64; r++) {
    if (!(r & CAP_R_DUP))
      continue;
    int d = cap_dup(src, r);
    CHECK(d >= 0, "cap_dup(src, %x) = %d", r, d);
    struct capinfo ci = {0};
    int x = dup(d);
    int ok = x >= 0 && ct_info(x, &ci) == 0 && ci.rights == r;
    if (x >= 0)
      close(x);
    if (!ok) {
      close(d);
      FAILF("dup() of rights %x gave %d / rights %x", r, x, ci.rights);
    }
    for (uint r2 = 0; r2 < 64; r2++) {
      int e = cap_dup(d, r2);
      int want_ok = (r2 & ~r) == 0;
      if (e >= 0)
        close(e);
      if (want_ok != (e >= 0) || (!want_ok && e != -E_RIGHTS)) {
        close(d);
        FAILF("cap_dup(dup %x, %x) = %d", r, r2, e);
      }
    }
    close(d);
  }
  close(src);
  return 1;
}

// Restrict shrinks in place and never grows; a restricted slot's
// duplicates are bounded by what is left.
static int t_restrict_then_dup(void)
{
  int src = open_data(O_RDWR);
  CHECK(src >= 0, "open: %d", src);
  int d = cap_dup(src, RW_RIGHTS);
  CHECK(d >= 0, "cap_dup: %d", d);
  struct capinfo ci;
  EXPECT("restrict to R|D", cap_restrict(d, CAP_R_READ | CAP_R_DUP), 0);
  EXPECT("info", ct_info(d, &ci), 0);
  EXPECT("rights after restrict", ci.rights, CAP_R_READ | CAP_R_DUP);
  EXPECT("grow back by restrict", cap_restrict(d, RW_RIGHTS), -E_RIGHTS);
  EXPECT("rights unchanged", (ct_info(d, &ci), ci.rights), CAP_R_READ | CAP_R_DUP);
  EXPECT("write after restrict", write(d, "x", 1), -E_NORIGHT);
  EXPECT("dup back to RW", cap_dup(d, CAP_R_READ | CAP_R_WRITE | CAP_R_DUP), -E_RIGHTS);
  for (uint r = 0; r < 64; r++) {
    int e = cap_dup(d, r);
    if (e >= 0)
      close(e);
    if ((r & ~(uint)(CAP_R_READ | CAP_R_DUP)) ? e != -E_RIGHTS : e < 0) {
      close(d);
      close(src);
      FAILF("cap_dup(restricted, %x) = %d", r, e);
    }
  }
  EXPECT("restrict to nothing", cap_restrict(d, 0), 0);
  char ch;
  EXPECT("read with no rights", read(d, &ch, 1), -E_NORIGHT);
  EXPECT("dup with no rights", dup(d), -E_NORIGHT);
  EXPECT("restrict 0 again", cap_restrict(d, 0), 0);
  EXPECT("restrict up from 0", cap_restrict(d, CAP_R_READ), -E_RIGHTS);
  EXPECT("info with no rights", ct_info(d, &ci), 0);
  EXPECT("delete with no rights", cap_delete(d), 0);
  EXPECT("source untouched", (ct_info(src, &ci), ci.rights), RW_RIGHTS);
  close(src);
  return 1;
}

// Revoke cuts off the whole subtree below a slot, keeps the slot itself
// and its ancestors, and revoked slots can still be deleted.
static int t_revoke_tree(void)
{
  char ch;
  int src = open_data(O_RDONLY);
  CHECK(src >= 0, "open: %d", src);
  int d1 = cap_dup(src, CAP_R_READ | CAP_R_DUP | CAP_R_REVOKE);
  int d2 = cap_dup(d1, CAP_R_READ | CAP_R_DUP);
  int d3 = dup(d2);
  CHECK(d1 >= 0 && d2 >= 0 && d3 >= 0, "dups: %d %d %d", d1, d2, d3);
  EXPECT("revoke middle", cap_revoke(d1), 2);
  EXPECT("middle still reads", read(d1, &ch, 1), 1);
  if (!all_badcap(d2) || !all_badcap(d3))
    return 0;
  EXPECT("revoke middle again", cap_revoke(d1), 0);
  EXPECT("revoke top", cap_revoke(src), 1);
  if (!all_badcap(d1))
    return 0;
  EXPECT("top still reads", read(src, &ch, 1), 1);
  int d4 = dup(src);
  CHECK(d4 >= 0, "dup after revoke: %d", d4);
  EXPECT("new dup reads", read(d4, &ch, 1), 1);
  struct capaudit a;
  EXPECT("audit", cap_audit(&a), 0);
  CHECK(a.revoked >= 3, "audit shows %d revoked records, want >= 3", a.revoked);
  EXPECT("delete revoked d1", cap_delete(d1), 0);
  EXPECT("delete revoked d2", close(d2), 0);
  EXPECT("delete revoked d3", close(d3), 0);
  EXPECT("close d4", close(d4), 0);
  EXPECT("close src", close(src), 0);
  return 1;
}

// Deleting a record in the middle keeps its children reachable by a revoke
// of its ancestor.
static int t_delete_middle(void)
{
  struct capinfo a, c;
  int src = open_data(O_RDONLY);
  int d1 = dup(src);
  int d2 = dup(d1);
  CHECK(src >= 0 && d1 >= 0 && d2 >= 0, "open/dup: %d %d %d", src, d1, d2);
  EXPECT("info src", ct_info(src, &a), 0);
  EXPECT("delete middle", cap_delete(d1), 0);
  EXPECT("info d2", ct_info(d2, &c), 0);
  EXPECT("d2's new parent", c.parent, a.id);
  EXPECT("revoke src", cap_revoke(src), 1);
  if (!all_badcap(d2))
    return 0;
  close(d2);
  close(src);
  return 1;
}

// Slots a child inherits at fork derive from the parent's, with the same
// rights; the child cannot widen them.
static int t_fork_inherits(void)
{
  int src = open_data(O_RDONLY);
  CHECK(src >= 0, "open: %d", src);
  int d = cap_dup(src, CAP_R_READ | CAP_R_DUP);
  CHECK(d >= 0, "cap_dup: %d", d);
  struct capinfo pi;
  EXPECT("info", ct_info(d, &pi), 0);
  int pid = fork();
  CHECK(pid >= 0, "fork: %d", pid);
  if (pid == 0) {
    struct capinfo ci;
    if (ct_info(d, &ci) != 0)
      exit(1);
    if (ci.rights != pi.rights || ci.object != pi.object)
      exit(2);
    if (ci.parent != pi.id || ci.id <= pi.id)
      exit(3);
    if (cap_dup(d, CAP_R_READ | CAP_R_WRITE) != -E_RIGHTS)
      exit(4);
    if (cap_restrict(d, RW_RIGHTS) != -E_RIGHTS)
      exit(5);
    exit(0);   // leaves its slots open: exit must release them
  }
  EXPECT("child status", ct_wait_for(pid), 0);
  close(d);
  close(src);
  return 1;
}

// A revoked slot stays revoked in a child; the child may delete it.
static int t_fork_revoked(void)
{
  int src = open_data(O_RDONLY);
  int d = dup(src);
  CHECK(src >= 0 && d >= 0, "open/dup: %d %d", src, d);
  EXPECT("revoke", cap_revoke(src), 1);
  int pid = fork();
  CHECK(pid >= 0, "fork: %d", pid);
  if (pid == 0) {
    char ch;
    if (read(d, &ch, 1) != -E_BADCAP)
      exit(1);
    if (dup(d) != -E_BADCAP)
      exit(2);
    if (cap_delete(d) != 0)
      exit(3);
    if (read(src, &ch, 1) != 1)
      exit(4);
    exit(0);
  }
  EXPECT("child status", ct_wait_for(pid), 0);
  close(d);
  close(src);
  return 1;
}

// Parent derives; child and grandchild inherit; a revoke in the parent
// cuts off the copies in all three processes.
static int t_revoke_three_procs(void)
{
  int src = open_data(O_RDONLY);
  CHECK(src >= 0, "open: %d", src);
  int d = cap_dup(src, CAP_R_READ | CAP_R_STAT | CAP_R_DUP);
  CHECK(d >= 0, "cap_dup: %d", d);
  int ready[2], go[2];
  CHECK(pipe(ready) == 0 && pipe(go) == 0, "pipe");
  int pid = ct_fork();   // killed by the runner if the case fails early
  CHECK(pid >= 0, "fork: %d", pid);
  if (pid == 0) {
    int gpid = fork();   // the grandchild runs the same checks
    char ch, b;
    struct stat st;
    int bad = 0;
    if (read(d, &ch, 1) != 1 || read(src, &ch, 1) != 1)
      bad = 10;
    write(ready[1], "r", 1);
    if (read(go[0], &b, 1) != 1)
      bad = 11;
    if (!bad && read(d, &ch, 1) != -E_BADCAP)
      bad = 12;
    if (!bad && read(src, &ch, 1) != -E_BADCAP)
      bad = 13;   // the child's src derives from the parent's src
    if (!bad && fstat(d, &st) != -E_BADCAP)
      bad = 14;
    if (!bad && dup(d) != -E_BADCAP)
      bad = 15;
    if (gpid > 0) {
      int st2 = -1;
      if (wait(&st2) != gpid || st2 != 0)
        bad = bad ? bad : 20 + (st2 & 0xf);
    } else if (gpid < 0) {
      bad = 16;
    }
    exit(bad);
  }
  char b;
  for (int i = 0; i < 2; i++)
    EXPECT("ready byte", read(ready[0], &b, 1), 1);
  // Below src: the parent's d; child's src and d; grandchild's src and d.
  EXPECT("revoke count", cap_revoke(src), 5);
  EXPECT("go", write(go[1], "gg", 2), 2);
  EXPECT("child status", ct_wait_for(pid), 0);
  char ch;
  EXPECT("parent's d", read(d, &ch, 1), -E_BADCAP);
  EXPECT("parent's src", read(src, &ch, 1), 1);
  close(ready[0]); close(ready[1]); close(go[0]); close(go[1]);
  close(d);
  close(src);
  return 1;
}

// Children on other harts hammer read() on a derived slot while the parent
// revokes it. A child reads the marker file before each read: once the
// marker (written after cap_revoke returned) is seen, no read may succeed;
// after the first failure, every later read fails too.
#define HAMMERS 3
#define ROUNDS 4

static void hammer(int d, int ready_fd)
{
  int mark = open(MARK, O_RDONLY);
  if (mark < 0)
    exit(5);
  char ch;
  int seen = 0, ok = 0;
  int t0 = uptime();
  for (;;) {
    if (!seen && read(mark, &ch, 1) == 1)
      seen = 1;
    int r = read(d, &ch, 1);
    if (r >= 0) {
      if (seen)
        exit(1);   // a use succeeded after revoke returned
      if (++ok == 1)
        write(ready_fd, "r", 1);
    } else if (r == -E_BADCAP) {
      break;
    } else {
      exit(3);
    }
    if (uptime() - t0 > 20000)
      exit(2);     // never saw the revoke
  }
  for (int i = 0; i < 200; i++)
    if (read(d, &ch, 1) >= 0)
      exit(4);     // revocation did not stick
  exit(0);
}

static int t_revoke_concurrent(void)
{
  for (int round = 0; round < ROUNDS; round++) {
    int mk = open(MARK, O_CREATE | O_TRUNC | O_RDWR);
    CHECK(mk >= 0, "create marker: %d", mk);
    int src = open_data(O_RDONLY);
    CHECK(src >= 0, "open: %d", src);
    int d = cap_dup(src, CAP_R_READ);
    CHECK(d >= 0, "cap_dup: %d", d);
    int ready[2];
    CHECK(pipe(ready) == 0, "pipe");
    int pids[HAMMERS];
    for (int i = 0; i < HAMMERS; i++) {
      pids[i] = ct_fork();   // killed by the runner if the case fails early
      CHECK(pids[i] >= 0, "fork: %d", pids[i]);
      if (pids[i] == 0) {
        close(ready[0]);
        hammer(d, ready[1]);
      }
    }
    char b;
    for (int i = 0; i < HAMMERS; i++)
      EXPECT("hammer ready", read(ready[0], &b, 1), 1);
    sleep(round);   // let them run a while (0..3 ticks)
    // Below src: our d and each child's src and d.
    EXPECT("revoke count", cap_revoke(src), 1 + 2 * HAMMERS);
    EXPECT("write marker", write(mk, "m", 1), 1);
    for (int i = 0; i < HAMMERS; i++) {
      int st = -1;
      int w = wait(&st);
      CHECK(w > 0, "wait: %d", w);
      CHECK(st == 0, "round %d: hammer %d exited %d (1 = read after revoke, "
            "2 = revoke not seen, 3 = other error, 4 = not sticky)", round, w, st);
    }
    close(ready[0]);
    close(ready[1]);
    close(d);
    close(src);
    close(mk);
  }
  unlink(MARK);
  return 1;
}

// Rights escalation through every path that makes a capability from
// another: for every subset s of an open file's rights, a capability with
// exactly s tries to gain each right it lacks through cap_dup, cap_restrict
// and dup, and passes itself on through fork and a channel message. Every
// attempt either fails with the documented error or yields exactly s (or
// less, when asked for less); nothing ever has a right s lacks.
static int t_escalate_every_path(void)
{
  int src = open_data(O_RDWR);
  CHECK(src >= 0, "open: %d", src);
  int e[2];
  EXPECT("chan_create", chan_create(e), 0);
  struct capinfo ci;
  for (uint s = 0; s <= RW_RIGHTS; s++) {
    if (s & ~(uint)RW_RIGHTS)
      continue;
    int c = cap_dup(src, s);
    CHECK(c >= 0, "cap_dup(src, %x): %d", s, c);
    for (int b = 0; b < 16; b++) {
      uint more = s | (1u << b);
      if (more == s)
        continue;
      int want = (s & CAP_R_DUP) ? -E_RIGHTS : -E_NORIGHT;
      int d = cap_dup(c, more);
      if (d >= 0) close(d);
      if (d != want) { close(c); FAILF("cap_dup(%x -> %x) = %d, want %d", s, more, d, want); }
      int r = cap_restrict(c, more);
      if (r != -E_RIGHTS) { close(c); FAILF("cap_restrict(%x -> %x) = %d", s, more, r); }
    }
    // dup: exactly the same rights, only with DUP.
    int d = dup(c);
    if ((s & CAP_R_DUP) ? d < 0 : d != -E_NORIGHT) { close(c); FAILF("dup(%x) = %d", s, d); }
    if (d >= 0) {
      int ok = ct_info(d, &ci) == 0 && ci.rights == s;
      close(d);
      if (!ok) { close(c); FAILF("dup of %x has rights %x", s, ci.rights); }
    }
    // A channel message: only with TRANSFER, and it arrives with exactly s.
    struct chanmsg m;
    char byte = 'x';
    memset(&m, 0, sizeof(m));
    m.buf = &byte;
    m.len = 1;
    m.ncaps = 1;
    m.caps[0] = c;
    m.flags = CHAN_NONBLOCK;
    int sent = chan_send(e[1], &m);
    if (sent != ((s & CAP_R_TRANSFER) ? 0 : -E_NORIGHT)) {
      close(c); FAILF("chan_send of %x: %d", s, sent);
    }
    if (sent == 0) {
      memset(&m, 0, sizeof(m));
      m.buf = &byte;
      m.len = 1;
      m.ncaps = 1;
      int got = chan_recv(e[0], &m);
      int ok = got == 1 && m.ncaps == 1 && ct_info(m.caps[0], &ci) == 0 && ci.rights == s;
      if (got == 1 && m.ncaps == 1)
        close(m.caps[0]);
      if (!ok) { close(c); FAILF("received %x as %x (recv %d)", s, ci.rights, got); }
    }
    close(c);
  }
  // fork: the child's copy has exactly the parent's rights, for a few
  // representative subsets (every subset would fork 64 times).
  uint some[4] = { 0, CAP_R_READ, CAP_R_WRITE | CAP_R_DUP, RW_RIGHTS };
  for (int i = 0; i < 4; i++) {
    int c = cap_dup(src, some[i]);
    CHECK(c >= 0, "cap_dup(src, %x): %d", some[i], c);
    int pid = ct_fork();
    CHECK(pid >= 0, "fork: %d", pid);
    if (pid == 0) {
      struct capinfo k;
      if (ct_info(c, &k) != 0 || k.rights != some[i])
        exit(1);
      for (int b = 0; b < 16; b++)
        if (!(some[i] & (1u << b)) && cap_restrict(c, some[i] | (1u << b)) != -E_RIGHTS)
          exit(2);
      exit(0);
    }
    int st = ct_wait_for(pid);
    close(c);
    CHECK(st == 0, "child with %x exited %d", some[i], st);
  }
  close(e[0]);
  close(e[1]);
  close(src);
  return 1;
}

// Fill the table: -E_CAPFULL from every call that needs a slot; fork still
// works; everything is released after.
static int t_table_full(void)
{
  int src = open_data(O_RDONLY);
  CHECK(src >= 0, "open: %d", src);
  int used = 0, was_live[NCAP];
  for (int s = 0; s < NCAP; s++)
    used += was_live[s] = ct_is_live(s);
  int got = 0, r;
  while ((r = dup(src)) >= 0)
    got++;
  EXPECT("dup at full table", r, -E_CAPFULL);
  EXPECT("slots filled", got, NCAP - used);
  EXPECT("cap_dup at full table", cap_dup(src, CAP_R_READ), -E_CAPFULL);
  EXPECT("open at full table", open_data(O_RDONLY), -E_CAPFULL);
  int p[2];
  EXPECT("pipe at full table", pipe(p), -E_CAPFULL);
  int pid = fork();
  CHECK(pid >= 0, "fork with full table: %d", pid);
  if (pid == 0)
    exit(dup(src) == -E_CAPFULL ? 0 : 1);
  EXPECT("child status", ct_wait_for(pid), 0);
  for (int s = 0; s < NCAP; s++)   // only what the case filled
    if (!was_live[s] && s != src)
      close(s);
  close(src);
  return 1;
}

// exit releases every slot, revoked or not, whatever the child did.
static int t_exit_releases(void)
{
  int pid = fork();
  CHECK(pid >= 0, "fork: %d", pid);
  if (pid == 0) {
    int a = open_data(O_RDONLY);
    for (int i = 0; i < 5; i++)
      dup(a);
    int b = dup(a);
    cap_dup(b, CAP_R_READ);
    cap_revoke(a);   // b and its child are revoked, still in the table
    int p[2];
    pipe(p);
    exit(0);
  }
  EXPECT("child status", ct_wait_for(pid), 0);
  return 1;
}

// cap_info reports each object's type; bad buffers give -E_FAULT.
static int t_info_and_faults(void)
{
  struct capinfo ci;
  EXPECT("console info", ct_info(0, &ci), 0);
  EXPECT("console type", ci.type, CAPT_DEVICE);
  int p[2];
  EXPECT("pipe", pipe(p), 0);
  EXPECT("pipe info", ct_info(p[0], &ci), 0);
  EXPECT("pipe type", ci.type, CAPT_PIPE);
  EXPECT("pipe read end rights", ci.rights & (CAP_R_READ | CAP_R_WRITE), CAP_R_READ);
  EXPECT("pipe badge", ci.badge, 0);
  int f = open_data(O_RDONLY);
  EXPECT("file info", ct_info(f, &ci), 0);
  EXPECT("file type", ci.type, CAPT_FILE);
  EXPECT("file parent: the root capability it was opened through",
         ci.parent, root_cap_id());
  void *bad = (void *)0xffffffffffff0000ull;
  EXPECT("cap_info bad buffer", cap_info(f, bad), -E_FAULT);
  EXPECT("cap_audit bad buffer", cap_audit(bad), -E_FAULT);
  EXPECT("cap_info bad slot, bad buffer", cap_info(-5, bad), -E_BADCAP);
  close(f);
  close(p[0]);
  close(p[1]);
  return 1;
}

// The audit itself: consistent, one record per slot, the pool's size.
static int t_audit_sane(void)
{
  struct capaudit a;
  EXPECT("audit", cap_audit(&a), 0);
  EXPECT("inconsistencies", a.bad, 0);
  EXPECT("records vs slots", a.records, a.slots + a.pcaps + a.dircaps);
  EXPECT("pool", a.pool, NPROC * (NCAP + NPROC + 2));
  CHECK(a.pcaps >= 1, "captest holds no process capability (%d)", a.pcaps);
  CHECK(a.files > 0 && a.files <= a.records, "files %d, records %d", a.files, a.records);
  return 1;
}

// kill needs a process capability: fork gives the parent one for the
// child, and the child copies of the parent's. A child born earlier holds
// none for a sibling born later; nobody holds one for init.
static int t_kill_needs_cap(void)
{
  int p[2];
  CHECK(pipe(p) == 0, "pipe");
  int older = fork();
  CHECK(older >= 0, "fork: %d", older);
  if (older == 0) {
    int younger;
    close(p[1]);
    if (read(p[0], &younger, sizeof(younger)) != sizeof(younger))
      exit(1);
    if (kill(younger) != -E_NOCAP)
      exit(2);   // born before it: no capability for it
    if (kill(1) != -E_NOCAP)
      exit(3);   // init
    if (kill(0x7fffffff) != -E_NOCAP || kill(-1) != -E_NOCAP)
      exit(4);
    exit(0);
  }
  int younger = fork();
  CHECK(younger >= 0, "fork: %d", younger);
  if (younger == 0) {
    sleep(5000);   // until killed
    exit(9);
  }
  EXPECT("send pid", write(p[1], &younger, sizeof(younger)), sizeof(younger));
  EXPECT("older's status", ct_wait_for(older), 0);
  EXPECT("parent kills its child", kill(younger), 0);
  EXPECT("younger's status", ct_wait_for(younger), -1);
  EXPECT("kill a reaped child", kill(younger), -E_NOCAP);
  EXPECT("kill init", kill(1), -E_NOCAP);
  close(p[0]);
  close(p[1]);
  return 1;
}

// A child holds its parent's process capabilities: it may kill itself,
// a sibling born before it, and (as the `kill` command does with its
// shell) its own parent.
static int t_kill_inherited(void)
{
  int sib = fork();
  CHECK(sib >= 0, "fork: %d", sib);
  if (sib == 0) {
    sleep(5000);
    exit(9);
  }
  int killer = fork();
  CHECK(killer >= 0, "fork: %d", killer);
  if (killer == 0)
    exit(kill(sib) == 0 ? 0 : 1);
  int st_killer = -1000, st_sib = -1000;
  for (int i = 0; i < 2; i++) {   // either may end first
    int st = -1000, w = wait(&st);
    if (w == killer)
      st_killer = st;
    else if (w == sib)
      st_sib = st;
  }
  EXPECT("killer's status", st_killer, 0);
  EXPECT("sibling's status", st_sib, -1);
  int self = fork();
  CHECK(self >= 0, "fork: %d", self);
  if (self == 0) {
    kill(getpid());
    sleep(1);
    exit(9);
  }
  EXPECT("self-killed status", ct_wait_for(self), -1);
  // Middle process m forks g; g kills m; g then exits (an orphan).
  int done[2];
  CHECK(pipe(done) == 0, "pipe");
  int m = fork();
  CHECK(m >= 0, "fork: %d", m);
  if (m == 0) {
    int me = getpid();
    int g = fork();
    if (g == 0) {
      int r = kill(me);
      write(done[1], &r, sizeof(r));
      exit(0);
    }
    sleep(5000);
    exit(9);
  }
  int r = 12345;
  EXPECT("report", read(done[0], &r, sizeof(r)), sizeof(r));
  EXPECT("grandchild's kill of its parent", r, 0);
  EXPECT("middle's status", ct_wait_for(m), -1);
  close(done[0]);
  close(done[1]);
  return 1;
}

// Slot numbers copied from another process name nothing here: a child's
// live slots, sent to the parent, give -E_BADCAP in the parent.
static int t_slots_from_other_proc(void)
{
  int nums[2], go[2];
  CHECK(pipe(nums) == 0 && pipe(go) == 0, "pipe");
  int pid = fork();
  CHECK(pid >= 0, "fork: %d", pid);
  if (pid == 0) {
    int mine[3];
    mine[0] = open_data(O_RDONLY);
    mine[1] = open_data(O_RDWR);
    mine[2] = dup(mine[1]);
    write(nums[1], mine, sizeof(mine));
    char b;
    read(go[0], &b, 1);   // stay alive (slots live) while the parent tries
    exit(0);
  }
  int theirs[3];
  EXPECT("numbers", read(nums[0], theirs, sizeof(theirs)), sizeof(theirs));
  for (int i = 0; i < 3; i++) {
    CHECK(theirs[i] >= 0, "child's open/dup failed: %d", theirs[i]);
    CHECK(!ct_is_live(theirs[i]), "slot %d is live in the parent too", theirs[i]);
    if (!all_badcap(theirs[i]))
      return 0;
  }
  EXPECT("go", write(go[1], "g", 1), 1);
  EXPECT("child status", ct_wait_for(pid), 0);
  close(nums[0]); close(nums[1]); close(go[0]); close(go[1]);
  return 1;
}

// exec keeps the slots and their exact rights: the new program cannot
// widen them either (checked by `captest -exec-probe SLOT RIGHTS`).
static int exec_probe(int slot, uint rights)
{
  struct capinfo ci;
  char ch;
  if (ct_info(slot, &ci) != 0)
    return 1;
  if (ci.rights != rights)
    return 2;
  if (read(slot, &ch, 1) != 1)
    return 3;
  if (write(slot, "x", 1) != -E_NORIGHT)
    return 4;
  if (cap_dup(slot, rights | CAP_R_WRITE) != -E_RIGHTS)
    return 5;
  if (cap_restrict(slot, rights | CAP_R_STAT) != -E_RIGHTS)
    return 6;
  return 0;
}

static int t_exec_keeps_rights(void)
{
  int src = open_data(O_RDWR);
  CHECK(src >= 0, "open: %d", src);
  uint rights = CAP_R_READ | CAP_R_DUP;
  int d = cap_dup(src, rights);
  CHECK(d >= 0, "cap_dup: %d", d);
  int pid = fork();
  CHECK(pid >= 0, "fork: %d", pid);
  if (pid == 0) {
    char s[16], r[16];
    snprintf(s, sizeof(s), "%d", d);
    snprintf(r, sizeof(r), "%d", (int)rights);
    char *argv[] = { "captest", "-exec-probe", s, r, 0 };
    exec("/captest", argv);
    exit(99);
  }
  int st = ct_wait_for(pid);
  CHECK(st != 99, "exec /captest failed");
  EXPECT("probe status (1 no slot, 2 rights, 3 read, 4 write, 5 dup, 6 restrict)", st, 0);
  close(d);
  close(src);
  return 1;
}

// ---------------------------------------------------------------- runner

// Process capabilities attenuate like slots: cap_restrictproc cuts each
// capability the caller holds for a pid to exactly the rights asked for
// (kill needs KILL, cap_list INSPECT, wait WAIT), never gives one back
// (-E_RIGHTS, and nothing changes), and is 0 for a pid it holds none for.
static int t_proc_attenuate(void)
{
  static struct capent ents[4];
  int p[2];
  CHECK(pipe(p) == 0, "pipe");
  int pid = ct_fork();   // killed by the runner if the case fails early
  CHECK(pid >= 0, "fork: %d", pid);
  if (pid == 0) {
    char c;
    close(p[1]);
    read(p[0], &c, 1);   // until the parent closes its end
    exit(7);
  }
  close(p[0]);
  EXPECT("none held for init", cap_restrictproc(1, CAP_R_WAIT), 0);
  EXPECT("to wait+inspect", cap_restrictproc(pid, CAP_R_WAIT | CAP_R_INSPECT), 1);
  EXPECT("kill without the right", kill(pid), -E_NORIGHT);
  CHECK(cap_list(pid, ents, 4) >= 3, "cap_list with inspect: %d", cap_list(pid, ents, 4));
  EXPECT("kill back", cap_restrictproc(pid, CAP_R_WAIT | CAP_R_KILL), -E_RIGHTS);
  EXPECT("still no kill", kill(pid), -E_NORIGHT);
  EXPECT("to wait only", cap_restrictproc(pid, CAP_R_WAIT), 1);
  EXPECT("cap_list without inspect", cap_list(pid, ents, 4), -E_NORIGHT);
  close(p[1]);   // the child exits
  EXPECT("wait with only the wait right", ct_wait_for(pid), 7);
  EXPECT("reaped: none held", cap_restrictproc(pid, 0), 0);
  return 1;
}

// halt, procinfo (ps) and cap_audit need the system-control capability in
// slot SYSCTL_SLOT: READ lists every process and reads the audit, WRITE
// powers off (an ambient audit let two processes with nothing in common
// signal each other through the system-wide counts). Refused: a
// revoked one (-E_BADCAP), one lacking the right (-E_NORIGHT), an empty
// slot or another object there (-E_NOCAP). Runs in a child, which may
// spoil its own copy. (A halt that wrongly succeeded ends the run with no
// summary, which fails it too.)
static int sysctl_child(void)
{
  static struct procinfo pi[NPROC];
  struct capinfo ci;
  if (cap_info(SYSCTL_SLOT, &ci) != 0 || ci.type != CAPT_SYSCTL ||
      (ci.rights & (CAP_R_READ | CAP_R_WRITE | CAP_R_REVOKE)) != (CAP_R_READ | CAP_R_WRITE | CAP_R_REVOKE))
    return 1;
  struct capaudit a;
  if (procinfo(pi, NPROC) < 2 || cap_audit(&a) != 0)
    return 2;
  int p[2];
  if (pipe(p) != 0)
    return 3;
  int gc = fork();
  if (gc == 0) {   // its copy is derived from ours: our revoke reaches it
    char c;
    read(p[0], &c, 1);
    exit(procinfo(pi, NPROC) == -E_BADCAP && halt(0) == -E_BADCAP &&
         cap_audit(&a) == -E_BADCAP ? 0 : 1);
  }
  if (gc < 0 || cap_revoke(SYSCTL_SLOT) != 1 || write(p[1], "g", 1) != 1)
    return 4;
  int st = -1;
  if (wait(&st) != gc || st != 0)
    return 5;   // the revoked copy was not refused
  if (cap_restrict(SYSCTL_SLOT, CAP_R_READ) != 0 || procinfo(pi, NPROC) < 2 ||
      cap_audit(&a) != 0 || halt(0) != -E_NORIGHT)
    return 6;
  if (cap_restrict(SYSCTL_SLOT, 0) != 0 || procinfo(pi, NPROC) != -E_NORIGHT ||
      cap_audit(&a) != -E_NORIGHT)
    return 7;
  close(SYSCTL_SLOT);
  if (procinfo(pi, NPROC) != -E_NOCAP || halt(0) != -E_NOCAP || cap_audit(&a) != -E_NOCAP)
    return 8;
  int fd;
  while ((fd = dup(0)) >= 0 && fd != SYSCTL_SLOT)
    ;   // fill the table up to the slot with copies of stdin
  if (fd != SYSCTL_SLOT || procinfo(pi, NPROC) != -E_NOCAP || halt(0) != -E_NOCAP ||
      cap_audit(&a) != -E_NOCAP)
    return 9;
  return 0;
}

static int t_sysctl_rights(void)
{
  int pid = ct_fork();   // killed by the runner if the case fails early
  CHECK(pid >= 0, "fork: %d", pid);
  if (pid == 0)
    exit(sysctl_child());
  EXPECT("child (1 type/rights, 2 procinfo/audit, 3-5 revoked copy, 6 read-only, "
         "7 no right, 8 empty slot, 9 another object)", ct_wait_for(pid), 0);
  return 1;
}

static const struct ctcase cases[] = {
  {"audit_sane", t_audit_sane},
  {"forged_slots", t_forged_slots},
  {"stale_after_delete", t_stale_after_delete},
  {"ids_never_reused", t_ids_never_reused},
  {"rights_gate", t_rights_gate},
  {"dup_all_subsets", t_dup_all_subsets},
  {"dup_of_dup", t_dup_of_dup},
  {"restrict_then_dup", t_restrict_then_dup},
  {"escalate_every_path", t_escalate_every_path},
  {"revoke_tree", t_revoke_tree},
  {"delete_middle", t_delete_middle},
  {"fork_inherits", t_fork_inherits},
  {"fork_revoked", t_fork_revoked},
  {"revoke_three_procs", t_revoke_three_procs},
  {"revoke_concurrent", t_revoke_concurrent},
  {"table_full", t_table_full},
  {"exit_releases", t_exit_releases},
  {"info_and_faults", t_info_and_faults},
  {"kill_needs_cap", t_kill_needs_cap},
  {"kill_inherited", t_kill_inherited},
  {"slots_from_other_proc", t_slots_from_other_proc},
  {"exec_keeps_rights", t_exec_keeps_rights},
  {"sysctl_rights", t_sysctl_rights},
  {"proc_attenuate", t_proc_attenuate},
};
#define NCASES ((int)(sizeof(cases) / sizeof(cases[0])))

int main(int argc, char **argv)
{
  if (argc == 4 && strcmp(argv[1], "-exec-probe") == 0)
    exit(exec_probe(atoi(argv[2]), (uint)atoi(argv[3])));
  int fd = open(DATA, O_CREATE | O_TRUNC | O_WRONLY);
  if (fd < 0 || write(fd, DATA_TEXT, sizeof(DATA_TEXT) - 1) != sizeof(DATA_TEXT) - 1) {
    printf("captest: cannot create %s: %s\n", DATA, errstr(fd));
    exit(1);
  }
  close(fd);
  int failed = ct_run("CT", cases, NCASES, argc, argv);
  unlink(DATA);
  exit(failed ? 1 : 0);
}
