// chantest: adversarial in-guest tests of channels (kernel/chan.h): the
// full rights matrix of send, receive, grant and transfer; a message
// arrives whole or not at all; the receiver's bound on capabilities;
// flooding; revocation of capabilities in flight and across three
// processes; blocking calls woken by kill, by revoke and by the peer going
// away; a confused-deputy service. The runner (user/lib/capcase.c) checks
// the kernel's audit after every case: no record, slot, file or channel
// leaked, no inconsistency, records in flight = records in queues.
//
// Prints "CT <name> PASS|FAIL <reason>" per case, then "CT-SUMMARY ...".
//   chantest           run every case
//   chantest NAME...   run only the named cases
//   (chantest -spawned MODE ... is what the spawn cases start)
#include "kernel/types.h"
#include "kernel/param.h"
#include "kernel/fcntl.h"
#include "kernel/errno.h"
#include "kernel/caprights.h"
#include "kernel/capinfo.h"
#include "kernel/chan.h"
#include "kernel/procinfo.h"
#include "kernel/spawncap.h"
#include "user/user.h"
#include "user/lib/capcase.h"
#include "user/manifest.h"

ZENITH_MANIFEST("root:all", "cwd:all", "proc:all", "sysctl");

#define DATA "/ch_data"        // a file the cases read
#define SECRET "/ch_secret"    // confused_deputy: the file only the server may write
#define JAIL "/ch_jail"        // spawn_root: the child's root directory
#define MINE "/ch_mine"        // confused_deputy: the client's own file
#define DATA_TEXT "0123456789"

// ---------------------------------------------------------------- helpers

// Send len bytes of buf and ncaps slots. The call's result.
static int csend(int s, const void *buf, int len, const int *caps, int ncaps, int flags)
{
  struct chanmsg m;
  memset(&m, 0, sizeof(m));
  m.buf = (void *)buf;
  m.len = len;
  m.ncaps = ncaps;
  m.flags = flags;
  for (int i = 0; i < ncaps && i < CHAN_MAXCAPS; i++)
    m.caps[i] = caps[i];
  return chan_send(s, &m);
}

// Receive into buf (size cap) accepting up to maxcaps capabilities. The
// call's result; *m holds what the kernel wrote back.
static int crecv(int s, void *buf, int cap, int maxcaps, int flags, struct chanmsg *m)
{
  memset(m, 0, sizeof(*m));
  m->buf = buf;
  m->len = cap;
  m->ncaps = maxcaps;
  m->flags = flags;
  for (int i = 0; i < CHAN_MAXCAPS; i++)
    m->caps[i] = -777;   // to see which ones the kernel wrote
  m->badge = 777;
  return chan_recv(s, m);
}

static int open_data(int mode)
{
  return open(DATA, mode);
}

static struct capaudit audit_now(void)
{
  struct capaudit a;
  memset(&a, 0, sizeof(a));
  cap_audit(&a);
  return a;
}

static int free_slots(void)
{
  int n = 0;
  for (int s = 0; s < NCAP; s++)
    n += !ct_is_live(s);
  return n;
}

enum { BLOCK_RECV, BLOCK_SEND };

// Forks a child (ct_fork) that makes one blocking call on slot s: a
// chan_recv, or a chan_send of "late" (4 bytes) into a full queue. Woken,
// it sends the call's result on the channel report when report >= 0, and
// exits 0 if the result was want. Returns the child's pid.
static int fork_blocked(int s, int call, int want, int report)
{
  int pid = ct_fork();
  if (pid == 0) {
    char buf[4];
    struct chanmsg m;
    int v = call == BLOCK_SEND ? csend(s, "late", 4, 0, 0, 0)
                               : crecv(s, buf, sizeof(buf), 0, 0, &m);
    if (report >= 0 && csend(report, &v, sizeof(v), 0, 0, 0) != 0)
      exit(1);
    exit(v == want ? 0 : 1);
  }
  return pid;
}

// ---------------------------------------------------------------- cases

// Create, describe, a round trip of bytes, an empty message, -E_AGAIN.
static int t_basic(void)
{
  int e[2];
  EXPECT("chan_create", chan_create(e), 0);
  struct capinfo ri, si;
  EXPECT("info recv", ct_info(e[0], &ri), 0);
  EXPECT("info send", ct_info(e[1], &si), 0);
  EXPECT("recv type", ri.type, CAPT_CHANNEL);
  EXPECT("send type", si.type, CAPT_CHANNEL);
  EXPECT("recv rights", ri.rights, CHAN_RECV_RIGHTS);
  EXPECT("send rights", si.rights, CHAN_SEND_RIGHTS);
  CHECK(ri.object != si.object, "both ends are one object");
  struct chanmsg m;
  char buf[64];
  EXPECT("recv on empty, nonblocking", crecv(e[0], buf, sizeof(buf), 0, CHAN_NONBLOCK, &m),
         -E_AGAIN);
  EXPECT("send", csend(e[1], "hello", 5, 0, 0, 0), 0);
  EXPECT("send empty", csend(e[1], "", 0, 0, 0, 0), 0);
  EXPECT("recv", crecv(e[0], buf, sizeof(buf), 0, 0, &m), 5);
  EXPECT("m.len", m.len, 5);
  EXPECT("badge of an unbadged send end", m.badge, 0);
  EXPECT("m.ncaps", m.ncaps, 0);
  CHECK(memcmp(buf, "hello", 5) == 0, "bytes differ");
  EXPECT("recv empty message", crecv(e[0], buf, sizeof(buf), 0, 0, &m), 0);
  char ch;
  EXPECT("read on a channel", read(e[0], &ch, 1), -E_NORIGHT);
  EXPECT("write on a channel", write(e[1], "x", 1), -E_NORIGHT);
  int f = open_data(O_RDWR);
  EXPECT("send on a file", csend(f, "x", 1, 0, 0, 0), -E_NORIGHT);
  EXPECT("recv on a file", crecv(f, buf, sizeof(buf), 0, 0, &m), -E_NORIGHT);
  close(f);
  close(e[0]);
  close(e[1]);
  return 1;
}

// The full rights matrix. For every subset r of the send end's rights:
// sending bytes needs SEND, sending a capability needs SEND and GRANT,
// receiving on it is refused. For every subset of the receive end's
// rights: receiving needs RECEIVE, sending is refused. For every subset of
// a file's rights: it travels only with TRANSFER, and arrives with exactly
// those rights.
static int t_rights_matrix(void)
{
  int e[2];
  EXPECT("chan_create", chan_create(e), 0);
  int f = open_data(O_RDWR);
  CHECK(f >= 0, "open: %d", f);
  char buf[16];
  struct chanmsg m;
  for (uint r = 0; r < 32; r++) {
    uint rights = 0;   // the r-th subset of CHAN_SEND_RIGHTS
    uint bits[5] = { CAP_R_SEND, CAP_R_GRANT, CAP_R_DUP, CAP_R_TRANSFER, CAP_R_REVOKE };
    for (int b = 0; b < 5; b++)
      if (r & (1u << b))
        rights |= bits[b];
    int s = cap_dup(e[1], rights);
    CHECK(s >= 0, "cap_dup(send, %x): %d", rights, s);
    int want = (rights & CAP_R_SEND) ? 0 : -E_NORIGHT;
    int got = csend(s, "b", 1, 0, 0, CHAN_NONBLOCK);
    if (got != want) { close(s); FAILF("bytes with rights %x: %d want %d", rights, got, want); }
    if (got == 0 && crecv(e[0], buf, sizeof(buf), 0, 0, &m) != 1) {
      close(s); FAILF("receiving bytes sent with %x", rights);
    }
    want = ((rights & (CAP_R_SEND | CAP_R_GRANT)) == (CAP_R_SEND | CAP_R_GRANT)) ? 0 : -E_NORIGHT;
    got = csend(s, "c", 1, &f, 1, CHAN_NONBLOCK);
    if (got != want) { close(s); FAILF("a cap with rights %x: %d want %d", rights, got, want); }
    if (got == 0) {
      if (crecv(e[0], buf, sizeof(buf), 1, 0, &m) != 1 || m.ncaps != 1 || m.caps[0] < 0) {
        close(s); FAILF("receiving a cap sent with %x", rights);
      }
      close(m.caps[0]);
    }
    got = crecv(s, buf, sizeof(buf), 1, CHAN_NONBLOCK, &m);
    close(s);
    CHECK(got == -E_NORIGHT, "recv on a send end with %x: %d", rights, got);
  }
  for (uint r = 0; r < 16; r++) {
    uint rights = 0;
    uint bits[4] = { CAP_R_RECEIVE, CAP_R_DUP, CAP_R_TRANSFER, CAP_R_REVOKE };
    for (int b = 0; b < 4; b++)
      if (r & (1u << b))
        rights |= bits[b];
    int s = cap_dup(e[0], rights);
    CHECK(s >= 0, "cap_dup(recv, %x): %d", rights, s);
    EXPECT("send", csend(e[1], "z", 1, 0, 0, 0), 0);
    int want = (rights & CAP_R_RECEIVE) ? 1 : -E_NORIGHT;
    int got = crecv(s, buf, sizeof(buf), 0, CHAN_NONBLOCK, &m);
    if (got == -E_NORIGHT)
      got = crecv(e[0], buf, sizeof(buf), 0, 0, &m) == 1 ? -E_NORIGHT : -1000;
    int got2 = csend(s, "y", 1, 0, 0, CHAN_NONBLOCK);
    close(s);
    CHECK(got == want, "recv with rights %x: %d want %d", rights, got, want);
    CHECK(got2 == -E_NORIGHT, "send on a receive end with %x: %d", rights, got2);
  }
  // The capability being sent: every subset of a file's low rights.
  for (uint r = 0; r < 64; r++) {
    int c = cap_dup(f, r);
    CHECK(c >= 0, "cap_dup(file, %x): %d", r, c);
    int want = (r & CAP_R_TRANSFER) ? 0 : -E_NORIGHT;
    int got = csend(e[1], "t", 1, &c, 1, CHAN_NONBLOCK);
    close(c);
    CHECK(got == want, "sending a file cap with rights %x: %d want %d", r, got, want);
    if (got == 0) {
      struct capinfo ci;
      CHECK(crecv(e[0], buf, sizeof(buf), 1, 0, &m) == 1 && m.ncaps == 1, "recv %x", r);
      int ok = ct_info(m.caps[0], &ci) == 0 && ci.rights == r;
      close(m.caps[0]);
      CHECK(ok, "received rights %x, sent %x", ci.rights, r);
    }
  }
  // A receive end never travels; a send end does.
  EXPECT("send a receive end", csend(e[1], "r", 1, &e[0], 1, 0), -E_INVAL);
  EXPECT("send the send end", csend(e[1], "s", 1, &e[1], 1, 0), 0);
  EXPECT("recv the send end", crecv(e[0], buf, sizeof(buf), 1, 0, &m), 1);
  struct capinfo ci;
  EXPECT("its info", ct_info(m.caps[0], &ci), 0);
  EXPECT("its rights", ci.rights, CHAN_SEND_RIGHTS);
  close(m.caps[0]);
  EXPECT("empty at the end", crecv(e[0], buf, sizeof(buf), 8, CHAN_NONBLOCK, &m), -E_AGAIN);
  close(f);
  close(e[0]);
  close(e[1]);
  return 1;
}

// A message that does not fit stays queued and nothing changes; a bad
// send queues nothing and keeps no record.
static int t_whole_or_nothing(void)
{
  int e[2];
  EXPECT("chan_create", chan_create(e), 0);
  int f = open_data(O_RDONLY);
  CHECK(f >= 0, "open: %d", f);
  char out[100], in[128];
  for (int i = 0; i < 100; i++)
    out[i] = 'a' + i % 26;
  int two[2] = { f, f };
  EXPECT("send 100 bytes + 2 caps", csend(e[1], out, 100, two, 2, 0), 0);
  struct capaudit a = audit_now();
  EXPECT("in flight", a.inflight, 2);
  struct chanmsg m;
  int before = free_slots();
  memset(in, '#', sizeof(in));
  EXPECT("buffer one byte short", crecv(e[0], in, 99, 2, 0, &m), -E_TOOBIG);
  EXPECT("told the size", m.len, 100);
  EXPECT("told the caps", m.ncaps, 2);
  CHECK(in[0] == '#' && in[98] == '#', "bytes written on failure");
  EXPECT("no slot used", free_slots(), before);
  EXPECT("cap bound one short", crecv(e[0], in, sizeof(in), 1, 0, &m), -E_TOOBIG);
  EXPECT("cap bound 0", crecv(e[0], in, sizeof(in), 0, 0, &m), -E_TOOBIG);
  EXPECT("bad buffer", crecv(e[0], (void *)0x7ffffff000L, sizeof(in), 2, 0, &m), -E_FAULT);
  EXPECT("recv into a bad chanmsg", chan_recv(e[0], (struct chanmsg *)0x7ffffff000L), -E_FAULT);
  // Leave one free slot: too few for two capabilities.
  int fill[NCAP], nfill = 0;
  while (free_slots() > 1)
    fill[nfill++] = dup(f);
  EXPECT("one slot free", crecv(e[0], in, sizeof(in), 2, 0, &m), -E_CAPFULL);
  for (int i = 0; i < nfill; i++)
    close(fill[i]);
  CHECK(in[0] == '#', "bytes written on failure");
  a = audit_now();
  EXPECT("still in flight", a.inflight, 2);
  EXPECT("fits now", crecv(e[0], in, sizeof(in), 8, 0, &m), 100);
  CHECK(memcmp(in, out, 100) == 0, "bytes differ");
  EXPECT("two caps", m.ncaps, 2);
  CHECK(m.caps[0] >= 0 && m.caps[1] >= 0 && m.caps[0] != m.caps[1], "slots %d %d",
        m.caps[0], m.caps[1]);
  CHECK(m.caps[2] == -777, "caps[2] written: %d", m.caps[2]);
  char ch;
  EXPECT("first cap reads", read(m.caps[0], &ch, 1), 1);
  EXPECT("second cap reads", read(m.caps[1], &ch, 1), 1);
  close(m.caps[0]);
  close(m.caps[1]);
  // Bad sends: nothing is queued, no record stays behind.
  int bad[3] = { f, 99, f };
  EXPECT("a bad slot in the list", csend(e[1], out, 10, bad, 3, 0), -E_BADCAP);
  EXPECT("bad bytes", csend(e[1], (void *)0x7ffffff000L, 10, &f, 1, 0), -E_FAULT);
  EXPECT("bad chanmsg", chan_send(e[1], (struct chanmsg *)0x7ffffff000L), -E_FAULT);
  EXPECT("too many bytes", csend(e[1], out, CHAN_MAXBYTES + 1, 0, 0, 0), -E_TOOBIG);
  int many[CHAN_MAXCAPS + 1];
  for (int i = 0; i <= CHAN_MAXCAPS; i++)
    many[i] = f;
  struct chanmsg big;
  memset(&big, 0, sizeof(big));
  big.buf = out;
  big.ncaps = CHAN_MAXCAPS + 1;
  EXPECT("too many caps", chan_send(e[1], &big), -E_TOOBIG);
  big.ncaps = 0;
  big.flags = 2;
  EXPECT("bad flags", chan_send(e[1], &big), -E_INVAL);
  EXPECT("bad flags recv", crecv(e[0], in, sizeof(in), 0, 6, &m), -E_INVAL);
  EXPECT("nothing queued", crecv(e[0], in, sizeof(in), 8, CHAN_NONBLOCK, &m), -E_AGAIN);
  a = audit_now();
  EXPECT("nothing in flight", a.inflight, 0);
  EXPECT("most caps", csend(e[1], out, CHAN_MAXBYTES, many, CHAN_MAXCAPS, 0), 0);
  static char large[CHAN_MAXBYTES];
  EXPECT("recv the most", crecv(e[0], large, sizeof(large), CHAN_MAXCAPS + 5, 0, &m),
         CHAN_MAXBYTES);
  EXPECT("caps", m.ncaps, CHAN_MAXCAPS);
  for (int i = 0; i < CHAN_MAXCAPS; i++)
    close(m.caps[i]);
  close(f);
  close(e[0]);
  close(e[1]);
  return 1;
}

// Flooding: the queue holds CHAN_QLEN messages, then -E_AGAIN (no kernel
// memory grows); closing the receive end drops them all. Children create
// channels until the kernel says no, and every page comes back.
static int t_flood(void)
{
  int e[2];
  int pages0 = nfree();
  EXPECT("chan_create", chan_create(e), 0);
  int f = open_data(O_RDONLY);
  int caps[CHAN_MAXCAPS];
  for (int i = 0; i < CHAN_MAXCAPS; i++)
    caps[i] = f;
  int sent = 0, r;
  while ((r = csend(e[1], "flood", 5, caps, CHAN_MAXCAPS, CHAN_NONBLOCK)) == 0)
    sent++;
  EXPECT("full queue", r, -E_AGAIN);
  EXPECT("messages queued", sent, CHAN_QLEN);
  int pages1 = nfree();
  for (int i = 0; i < 100; i++)
    EXPECT("still full", csend(e[1], "x", 1, caps, 1, CHAN_NONBLOCK), -E_AGAIN);
  EXPECT("no page used by refused sends", nfree(), pages1);
  struct capaudit a = audit_now();
  EXPECT("records in flight", a.inflight, CHAN_QLEN * CHAN_MAXCAPS);
  EXPECT("close the receive end", close(e[0]), 0);
  a = audit_now();
  EXPECT("dropped", a.inflight, 0);
  EXPECT("send to nobody", csend(e[1], "x", 1, 0, 0, 0), -E_PEER);
  close(e[1]);
  close(f);
  // Many processes each creating channels until a limit, filling each.
  enum { KIDS = 8 };
  int go[2];
  CHECK(pipe(go) == 0, "pipe");
  for (int k = 0; k < KIDS; k++) {
    int pid = ct_fork();
    CHECK(pid >= 0, "fork: %d", pid);
    if (pid == 0) {
      close(go[1]);
      int c[2], n = 0, err;
      while ((err = chan_create(c)) == 0) {
        n++;
        while (csend(c[1], "flood", 5, 0, 0, CHAN_NONBLOCK) == 0)
          ;
      }
      char b;
      read(go[0], &b, 1);   // wait until every child is at its limit
      exit(err == -E_CAPFULL || err == -E_NFILE ? 0 : 100 - err);
    }
  }
  close(go[0]);
  sleep(5);
  close(go[1]);
  for (int k = 0; k < KIDS; k++) {
    int st = -1;
    CHECK(wait(&st) > 0, "wait");
    CHECK(st == 0, "child ended with status %d (100 + error)", st);
  }
  a = audit_now();
  EXPECT("channels left", a.channels, 0);
  EXPECT("pages back", nfree(), pages0);
  return 1;
}

// A blocked send wakes when space appears; blocked calls end with
// -E_KILLED when the process is killed, and with -E_PEER when the other
// side goes away.
static int t_blocking(void)
{
  int e[2];
  EXPECT("chan_create", chan_create(e), 0);
  for (int i = 0; i < CHAN_QLEN; i++)
    EXPECT("fill", csend(e[1], "f", 1, 0, 0, 0), 0);
  int pid = fork_blocked(e[1], BLOCK_SEND, 0, -1);   // blocks: queue full
  CHECK(pid >= 0, "fork: %d", pid);
  sleep(3);
  char buf[8];
  struct chanmsg m;
  for (int i = 0; i < CHAN_QLEN; i++)
    EXPECT("drain", crecv(e[0], buf, sizeof(buf), 0, 0, &m), 1);
  EXPECT("blocked sender's message", crecv(e[0], buf, sizeof(buf), 0, 0, &m), 4);
  EXPECT("sender status", ct_wait_for(pid), 0);

  // Killed while blocked in recv, and in send.
  pid = fork_blocked(e[0], BLOCK_RECV, 0, -1);   // empty: blocks until killed
  CHECK(pid >= 0, "fork: %d", pid);
  sleep(3);
  EXPECT("kill the receiver", kill(pid), 0);
  EXPECT("killed receiver status", ct_wait_for(pid), -1);
  for (int i = 0; i < CHAN_QLEN; i++)
    EXPECT("fill", csend(e[1], "f", 1, 0, 0, 0), 0);
  pid = fork_blocked(e[1], BLOCK_SEND, 0, -1);   // full: blocks until killed
  CHECK(pid >= 0, "fork: %d", pid);
  sleep(3);
  EXPECT("kill the sender", kill(pid), 0);
  EXPECT("killed sender status", ct_wait_for(pid), -1);
  for (int i = 0; i < CHAN_QLEN; i++)
    EXPECT("drain", crecv(e[0], buf, sizeof(buf), 0, 0, &m), 1);

  // The peer goes away: a blocked receiver sees end of file when the last
  // send end closes; a blocked sender sees -E_PEER when the receive end does.
  pid = ct_fork();
  CHECK(pid >= 0, "fork: %d", pid);
  if (pid == 0) {
    close(e[1]);
    int r = crecv(e[0], buf, sizeof(buf), 0, 0, &m);
    if (r != 1)
      exit(1);
    exit(crecv(e[0], buf, sizeof(buf), 0, 0, &m) == -E_PEER ? 0 : 2);
  }
  close(e[0]);
  sleep(2);
  EXPECT("last message", csend(e[1], "L", 1, 0, 0, 0), 0);
  close(e[1]);
  EXPECT("receiver saw end of file", ct_wait_for(pid), 0);

  EXPECT("chan_create", chan_create(e), 0);
  for (int i = 0; i < CHAN_QLEN; i++)
    EXPECT("fill", csend(e[1], "f", 1, 0, 0, 0), 0);
  pid = ct_fork();
  CHECK(pid >= 0, "fork: %d", pid);
  if (pid == 0) {
    close(e[0]);
    exit(csend(e[1], "x", 1, 0, 0, 0) == -E_PEER ? 0 : 1);
  }
  sleep(2);
  close(e[0]);
  EXPECT("sender saw -E_PEER", ct_wait_for(pid), 0);
  close(e[1]);
  return 1;
}

// Revoke while in flight: the receiver gets -E_BADCAP in place of a slot
// and the record is gone; a capability whose sender deleted its slot
// still arrives, and revoking the ancestor reaches it in the receiver.
static int t_revoke_in_flight(void)
{
  int e[2];
  EXPECT("chan_create", chan_create(e), 0);
  int src = open_data(O_RDONLY);
  int d = dup(src);
  CHECK(src >= 0 && d >= 0, "open/dup: %d %d", src, d);
  int both[2] = { d, src };
  EXPECT("send d and src", csend(e[1], "r", 1, both, 2, 0), 0);
  // Below src: d, the in-flight copy of d, the in-flight copy of src.
  EXPECT("revoke src", cap_revoke(src), 3);
  struct capaudit a = audit_now();
  EXPECT("in flight", a.inflight, 2);
  char buf[4], ch;
  struct chanmsg m;
  int slots_before = free_slots();
  EXPECT("recv", crecv(e[0], buf, sizeof(buf), 2, 0, &m), 1);
  EXPECT("ncaps", m.ncaps, 2);
  EXPECT("revoked one", m.caps[0], -E_BADCAP);
  EXPECT("revoked two", m.caps[1], -E_BADCAP);
  EXPECT("no slot used", free_slots(), slots_before);
  a = audit_now();
  EXPECT("none in flight", a.inflight, 0);
  close(d);

  // The sender deletes its slot while the message is queued.
  d = dup(src);
  EXPECT("send d", csend(e[1], "s", 1, &d, 1, 0), 0);
  EXPECT("sender deletes d", close(d), 0);
  EXPECT("recv", crecv(e[0], buf, sizeof(buf), 1, 0, &m), 1);
  int got = m.caps[0];
  CHECK(got >= 0, "slot %d", got);
  EXPECT("arrived live", read(got, &ch, 1), 1);
  EXPECT("revoke src again", cap_revoke(src), 1);
  EXPECT("revoke reached it", read(got, &ch, 1), -E_BADCAP);
  close(got);
  close(src);
  close(e[0]);
  close(e[1]);
  return 1;
}

// A capability passed A -> B -> C through two channels; A's revoke of its
// ancestor reaches C's slot.
static int t_revoke_three_procs(void)
{
  int ab[2], bc[2], back[2];
  EXPECT("chan ab", chan_create(ab), 0);
  EXPECT("chan bc", chan_create(bc), 0);
  EXPECT("chan back", chan_create(back), 0);
  int src = open_data(O_RDONLY);
  CHECK(src >= 0, "open: %d", src);
  int pb = ct_fork();
  CHECK(pb >= 0, "fork: %d", pb);
  if (pb == 0) {   // B: pass it on, keep nothing
    char buf[4];
    struct chanmsg m;
    if (crecv(ab[0], buf, sizeof(buf), 1, 0, &m) != 1 || m.ncaps != 1 || m.caps[0] < 0)
      exit(1);
    if (csend(bc[1], "c", 1, &m.caps[0], 1, 0) != 0)
      exit(2);
    close(m.caps[0]);
    exit(0);
  }
  int pc = ct_fork();
  CHECK(pc >= 0, "fork: %d", pc);
  if (pc == 0) {   // C: read through it, report, wait for the revoke, read again
    char buf[4], ch;
    struct chanmsg m;
    if (crecv(bc[0], buf, sizeof(buf), 1, 0, &m) != 1 || m.ncaps != 1 || m.caps[0] < 0)
      exit(1);
    int c = m.caps[0];
    if (read(c, &ch, 1) != 1)
      exit(2);
    if (csend(back[1], "ok", 2, 0, 0, 0) != 0)
      exit(3);
    if (crecv(ab[0], buf, sizeof(buf), 0, 0, &m) != 1)   // "revoked" signal
      exit(4);
    exit(read(c, &ch, 1) == -E_BADCAP ? 0 : 5);
  }
  int d = cap_dup(src, CAP_R_READ | CAP_R_TRANSFER);
  EXPECT("A sends", csend(ab[1], "a", 1, &d, 1, 0), 0);
  close(d);
  char buf[4];
  struct chanmsg m;
  EXPECT("C's report", crecv(back[0], buf, sizeof(buf), 0, 0, &m), 2);
  EXPECT("B done", ct_wait_for(pb), 0);
  // Below src: C's slot (its parent records went when A and B closed
  // theirs) and the copy of src C got at fork.
  EXPECT("revoke reaches C", cap_revoke(src), 2);
  EXPECT("signal C", csend(ab[1], "v", 1, 0, 0, 0), 0);
  EXPECT("C's status", ct_wait_for(pc), 0);
  char ch;
  EXPECT("A's own still reads", read(src, &ch, 1), 1);
  close(src);
  close(ab[0]); close(ab[1]); close(bc[0]); close(bc[1]); close(back[0]); close(back[1]);
  return 1;
}

// The result a child sent on the report channel rx, polled for up to
// `ticks` ticks (a bound in ticks, not time); -1000 if none came.
static int poll_report(int rx, int ticks)
{
  int v;
  struct chanmsg m;
  for (int t = 0; t < ticks; t++) {
    if (crecv(rx, &v, sizeof(v), 0, CHAN_NONBLOCK, &m) == sizeof(v))
      return v;
    sleep(1);
  }
  return -1000;
}

// Revoke wakes a process blocked in chan_recv or chan_send through the
// revoked capability: the call returns -E_BADCAP at once, with no message
// sent and no space made (without the wake-up it would wait for one).
static int t_revoke_wakes(void)
{
  int e[2], rep[2];
  EXPECT("chan_create", chan_create(e), 0);
  EXPECT("chan_create (reports)", chan_create(rep), 0);
  int r = cap_dup(e[0], CAP_R_RECEIVE);
  CHECK(r >= 0, "cap_dup: %d", r);
  int pid = fork_blocked(r, BLOCK_RECV, -E_BADCAP, rep[1]);
  CHECK(pid >= 0, "fork: %d", pid);
  sleep(3);
  CHECK(cap_revoke(e[0]) >= 2, "revoke the receive end");
  EXPECT("blocked receiver's result, no message sent", poll_report(rep[0], 300), -E_BADCAP);
  EXPECT("receiver's status", ct_wait_for(pid), 0);
  close(r);
  for (int i = 0; i < CHAN_QLEN; i++)
    EXPECT("fill the queue", csend(e[1], "f", 1, 0, 0, 0), 0);
  int s = cap_dup(e[1], CAP_R_SEND);
  CHECK(s >= 0, "cap_dup: %d", s);
  pid = fork_blocked(s, BLOCK_SEND, -E_BADCAP, rep[1]);
  CHECK(pid >= 0, "fork: %d", pid);
  sleep(3);
  CHECK(cap_revoke(e[1]) >= 2, "revoke the send end");
  EXPECT("blocked sender's result, no space made", poll_report(rep[0], 300), -E_BADCAP);
  EXPECT("sender's status", ct_wait_for(pid), 0);
  char buf[4];
  struct chanmsg m;
  for (int i = 0; i < CHAN_QLEN; i++)
    EXPECT("queued", crecv(e[0], buf, sizeof(buf), 0, CHAN_NONBLOCK, &m), 1);
  EXPECT("the refused message never arrived", crecv(e[0], buf, sizeof(buf), 0, CHAN_NONBLOCK, &m),
         -E_AGAIN);
  close(s);
  close(e[0]); close(e[1]); close(rep[0]); close(rep[1]);
  return 1;
}

// A process blocked in recv whose capability is revoked meanwhile gets
// -E_BADCAP when it wakes, and the message stays for a live holder.
static int t_revoke_blocked(void)
{
  int e[2];
  EXPECT("chan_create", chan_create(e), 0);
  int r = cap_dup(e[0], CAP_R_RECEIVE);
  CHECK(r >= 0, "cap_dup: %d", r);
  int pid = fork_blocked(r, BLOCK_RECV, -E_BADCAP, -1);
  CHECK(pid >= 0, "fork: %d", pid);
  sleep(3);
  // Below e[0]: our r and the child's copy of r (and of e[0]).
  CHECK(cap_revoke(e[0]) >= 2, "revoke");
  EXPECT("send", csend(e[1], "m", 1, 0, 0, 0), 0);
  EXPECT("blocked receiver saw the revoke", ct_wait_for(pid), 0);
  char buf[4];
  struct chanmsg m;
  EXPECT("message still there", crecv(e[0], buf, sizeof(buf), 0, CHAN_NONBLOCK, &m), 1);
  close(r);
  close(e[0]);
  close(e[1]);
  return 1;
}

// Confused deputy. A server, spawned with exactly three capabilities,
// holds the only one that can write SECRET. It serves "write these bytes to the file you were sent", using
// only the capability that came in the request, never its own or a slot
// number written in the bytes. The client, holding no capability for
// SECRET, tries every way to make it write SECRET anyway; SECRET stays
// unchanged, and a legitimate request works.
static void deputy(int req, int rep)
{
  char buf[64];
  struct chanmsg m;
  for (;;) {
    int n = crecv(req, buf, sizeof(buf) - 1, 1, 0, &m);
    if (n < 0)
      exit(0);   // end of file: no client left
    int r;
    if (m.ncaps != 1 || m.caps[0] < 0)
      r = -E_NOCAP;   // nothing to act with: refuse
    else
      r = write(m.caps[0], buf, n);   // with the client's capability and rights
    if (m.ncaps == 1 && m.caps[0] >= 0)
      close(m.caps[0]);
    char res[12];
    snprintf(res, sizeof(res), "%d", r);
    csend(rep, res, strlen(res) + 1, 0, 0, 0);
  }
}

static int ask(int req, int rep, const char *text, int cap)
{
  char res[16];
  struct chanmsg m;
  if (csend(req, text, strlen(text), &cap, cap >= 0 ? 1 : 0, 0) != 0)
    return -1000;
  if (crecv(rep, res, sizeof(res), 0, 0, &m) <= 0)
    return -1001;
  return atoi(res[0] == '-' ? res + 1 : res) * (res[0] == '-' ? -1 : 1);
}

static int spawn_self(const char *mode, const char *arg, const struct spawncap *caps, int n);

static int t_confused_deputy(void)
{
  int fd = open(SECRET, O_CREATE | O_TRUNC | O_WRONLY);
  CHECK(fd >= 0, "create secret: %d", fd);
  EXPECT("write secret", write(fd, "SECRET", 6), 6);
  close(fd);
  int req[2], rep[2];
  EXPECT("chan req", chan_create(req), 0);
  EXPECT("chan rep", chan_create(rep), 0);
  // The server: slot 0 receives requests, slot 1 sends replies, slot 2 is
  // its own authority, the only capability that can write SECRET.
  int secret = open(SECRET, O_WRONLY);
  CHECK(secret >= 0, "open secret: %d", secret);
  struct spawncap list[3] = {
    { req[0], CAP_R_RECEIVE, SPAWN_SLOT },
    { rep[1], CAP_R_SEND, SPAWN_SLOT },
    { secret, CAP_R_WRITE, SPAWN_SLOT },
  };
  int pid = spawn_self("deputy", 0, list, 3);
  CHECK(pid > 0, "spawn: %d", pid);
  ct_track(pid);   // killed by the runner if the case fails early
  // The client keeps a send end for requests, a receive end for replies,
  // and no capability for SECRET.
  close(secret);
  close(req[0]);
  close(rep[1]);
  EXPECT("no capability sent", ask(req[1], rep[0], "PWNED", -1), -E_NOCAP);
  // Slot numbers as bytes mean nothing to the server (its slot 2 is SECRET).
  for (int s = 0; s < 8; s++) {
    char txt[8];
    snprintf(txt, sizeof(txt), "%d", s);
    EXPECT("slot number in the bytes", ask(req[1], rep[0], txt, -1), -E_NOCAP);
  }
  int ro = open_data(O_RDONLY);
  EXPECT("read-only capability", ask(req[1], rep[0], "PWNED", ro), -E_NORIGHT);
  close(ro);
  int rw = open(MINE, O_CREATE | O_RDWR);
  EXPECT("own writable file", ask(req[1], rep[0], "ok", rw), 2);
  close(rw);
  unlink(MINE);
  close(req[1]);
  EXPECT("server ended", ct_wait_for(pid), 0);
  close(rep[0]);
  char buf[16];
  fd = open(SECRET, O_RDONLY);
  int n = read(fd, buf, sizeof(buf));
  close(fd);
  unlink(SECRET);
  CHECK(n == 6 && memcmp(buf, "SECRET", 6) == 0, "secret changed (%d bytes)", n);
  return 1;
}

// ---------------------------------------------------------------- spawn

// What a spawned copy of chantest does (`chantest -spawned MODE ...`):
// it holds only what its parent listed, so it reports by exit status (and
// over a channel when it was given one). 0 = every check held.
static int child_exact(int ppid)
{
  struct capinfo ci;
  if (ct_info(0, &ci) != 0 || ci.type != CAPT_CHANNEL || ci.rights != CAP_R_SEND)
    return 1;
  if (ct_info(1, &ci) != 0 || ci.type != CAPT_FILE || ci.rights != (CAP_R_READ | CAP_R_DUP))
    return 2;
  if (ct_info(2, &ci) != 0 || ci.type != CAPT_CHANNEL || ci.rights != CAP_R_RECEIVE)
    return 11;
  for (int s = 3; s < NCAP; s++)
    if (ct_is_live(s))
      return 3;
  if (kill(ppid) != -E_NOCAP)
    return 4;
  if (wait(0) != -E_CHILD)
    return 5;
  char ch;
  if (read(1, &ch, 1) != 1)
    return 6;
  if (write(1, "x", 1) != -E_NORIGHT)
    return 7;
  if (cap_dup(1, CAP_R_READ | CAP_R_WRITE) != -E_RIGHTS)
    return 8;
  if (csend(0, &ch, 1, 0, 0, 0) != 0)
    return 9;
  if (csend(0, &ch, 1, (int[]){1}, 1, 0) != -E_NORIGHT)
    return 10;   // no CAP_R_GRANT on the channel
  char buf[4];
  struct chanmsg m;
  return crecv(2, buf, sizeof(buf), 0, 0, &m) == 1 ? 0 : 12;   // stay until told
}

// Slot 0 reads a file until revoked; slot 1 sends, slot 2 receives.
static int child_revoke(void)
{
  char ch, buf[4];
  struct chanmsg m;
  if (read(0, &ch, 1) != 1)
    return 1;
  if (csend(1, "r", 1, 0, 0, 0) != 0)
    return 2;
  if (crecv(2, buf, sizeof(buf), 0, 0, &m) != 1)
    return 3;
  return read(0, &ch, 1) == -E_BADCAP ? 0 : 4;
}

static int spawned(int argc, char **argv)
{
  const char *mode = argv[2];
  if (strcmp(mode, "exact") == 0 && argc == 4)
    return child_exact(atoi(argv[3]));
  if (strcmp(mode, "revoke") == 0)
    return child_revoke();
  if (strcmp(mode, "deputy") == 0) {
    deputy(0, 1);   // slot 2 is its own authority, which it must never use for a client
    return 0;
  }
  if (strcmp(mode, "exit") == 0)
    return 0;
  if (strcmp(mode, "sendbadge") == 0)
    return csend(0, "c", 1, 0, 0, 0) == 0 ? 0 : 1;
  if (strcmp(mode, "cwd") == 0) {   // slot 0: the directory that is also our cwd
    struct capinfo ci;
    if (ct_info(0, &ci) != 0 || ci.type != CAPT_DIR)
      return 1;
    int fd = open(DATA + 1, O_RDONLY);   // relative: through the cwd
    char ch;
    return fd >= 0 && read(fd, &ch, 1) == 1 ? 0 : 2;
  }
  if (strcmp(mode, "prockill") == 0 && argc == 4) {   // holds a kill-only capability for argv[3]
    int t = atoi(argv[3]);
    static struct capent ents[2];
    if (cap_list(t, ents, 2) != -E_NORIGHT)
      return 1;
    // Before the kill: once t is dead the parent may reap it at once, and
    // then no capability for t is left to widen.
    if (cap_restrictproc(t, CAP_R_KILL | CAP_R_WAIT) != -E_RIGHTS)
      return 2;
    if (kill(t) != 0)
      return 3;
    return 0;
  }
  if (strcmp(mode, "jail") == 0) {   // root and cwd: JAIL; nothing above it
    char buf[8];
    int fd = open("/in", O_RDONLY);
    if (fd < 0 || read(fd, buf, 2) != 2 || memcmp(buf, "in", 2) != 0)
      return 1;
    close(fd);
    if ((fd = open("in", O_RDONLY)) < 0)
      return 2;
    close(fd);
    if (open(DATA, O_RDONLY) != -E_NOENT)
      return 3;   // DATA is outside: under the jail's root there is no such name
    if (open("/../ch_data", O_RDONLY) != -E_ESCAPE || open("../ch_data", O_RDONLY) != -E_ESCAPE)
      return 4;
    if (chdir("..") != -E_ESCAPE)
      return 5;
    return 0;
  }
  if (strcmp(mode, "nocwd") == 0) {
    char *args[] = { "x", 0 };
    if (open(DATA + 1, O_RDONLY) != -E_NOCAP)
      return 1;
    if (mkdir("ch_dir") != -E_NOCAP || unlink(DATA + 1) != -E_NOCAP)
      return 2;
    if (chdir("..") != -E_NOCAP)
      return 3;
    if (exec("chantest", args) != -E_NOCAP)
      return 4;
    // No root capability either: absolute paths are refused the same way.
    if (open(DATA, O_RDONLY) != -E_NOCAP || mkdir("/ch_dir") != -E_NOCAP ||
        unlink(DATA) != -E_NOCAP || chdir("/") != -E_NOCAP ||
        link(DATA, "/ch_link") != -E_NOCAP)
      return 10;
    if (exec("/chantest", args) != -E_NOCAP || spawn("/chantest", args, 0, 0) != -E_NOCAP)
      return 11;
    if (write(1, "x", 1) != -E_BADCAP || read(0, args, 1) != -E_BADCAP)
      return 5;
    if (kill(atoi(argv[3])) != -E_NOCAP)
      return 6;
    if (wait(0) != -E_CHILD)
      return 7;
    int pid = fork();   // fork works, and the child has nothing either
    if (pid == 0)
      exit(ct_is_live(0) || ct_is_live(1) || ct_is_live(2) ? 1 : 0);
    int st = -1;
    if (pid < 0 || wait(&st) != pid || st != 0)
      return 8;
    int p[2];   // new objects need no authority
    if (pipe(p) != 0 || write(p[1], "y", 1) != 1)
      return 9;
    static struct procinfo pi[2];   // nor the machine: no list, no power off
    if (procinfo(pi, 2) != -E_NOCAP)
      return 12;
    if (halt(0) != -E_NOCAP)
      return 13;
    return 0;
  }
  if (strcmp(mode, "exec") == 0 && argc == 4) {   // exec ourselves n more times
    int n = atoi(argv[3]);
    if (n == 0)
      return 0;
    char num[8];
    snprintf(num, sizeof(num), "%d", n - 1);
    char *args[] = { "chantest", "-spawned", "exec", num, 0 };
    exec("/chantest", args);
    return 99;
  }
  return 100;
}

static int spawn_self(const char *mode, const char *arg, const struct spawncap *caps, int n)
{
  char *args[] = { "chantest", "-spawned", (char *)mode, (char *)arg, 0 };
  return spawn("/chantest", args, caps, n);
}

// The child holds exactly the list, with exactly the rights asked for, in
// slot order; nothing else; the parent gets a process capability for it.
static int t_spawn_exact(void)
{
  int e[2], go[2];
  EXPECT("chan_create", chan_create(e), 0);
  EXPECT("chan_create", chan_create(go), 0);
  int f = open_data(O_RDONLY);
  CHECK(f >= 0, "open: %d", f);
  struct spawncap list[3] = {
    { e[1], CAP_R_SEND, SPAWN_SLOT },
    { f, CAP_R_READ | CAP_R_DUP, SPAWN_SLOT },
    { go[0], CAP_R_RECEIVE, SPAWN_SLOT },
  };
  char me[12];
  snprintf(me, sizeof(me), "%d", getpid());
  struct capaudit a0 = audit_now();
  int pid = spawn_self("exact", me, list, 3);
  CHECK(pid > 0, "spawn: %d", pid);
  char buf[4];
  struct chanmsg m;
  int r = crecv(e[0], buf, sizeof(buf), 0, 0, &m);
  struct capaudit a1 = audit_now();
  csend(go[1], "g", 1, 0, 0, 0);
  int st = ct_wait_for(pid);
  EXPECT("child status (1.. = which check failed)", st, 0);
  EXPECT("child's message", r, 1);
  EXPECT("child read the file", buf[0], '0');
  EXPECT("the child's three slots", a1.slots - a0.slots, 3);
  EXPECT("one process capability, the parent's", a1.pcaps - a0.pcaps, 1);
  close(f);
  close(e[0]); close(e[1]); close(go[0]); close(go[1]);
  return 1;
}

// Each way to ask for too much fails, with its own error, and leaves no
// child, record or page behind.
static int t_spawn_refused(void)
{
  int pages = nfree();
  int f = open_data(O_RDONLY);
  int nt = cap_dup(f, CAP_R_READ | CAP_R_DUP);
  CHECK(f >= 0 && nt >= 0, "open/dup: %d %d", f, nt);
  int e[2];
  EXPECT("chan_create", chan_create(e), 0);
  struct spawncap one = { f, CAP_R_READ | CAP_R_WRITE, SPAWN_SLOT };
  EXPECT("more rights than held", spawn_self("exit", 0, &one, 1), -E_RIGHTS);
  one.rights = CAP_R_ALL;
  EXPECT("every right", spawn_self("exit", 0, &one, 1), -E_RIGHTS);
  one = (struct spawncap){ nt, CAP_R_READ, SPAWN_SLOT };
  EXPECT("no transfer right", spawn_self("exit", 0, &one, 1), -E_NORIGHT);
  one = (struct spawncap){ 99, 0, SPAWN_SLOT };
  EXPECT("bad slot", spawn_self("exit", 0, &one, 1), -E_BADCAP);
  one = (struct spawncap){ NCAP - 1, 0, SPAWN_SLOT };
  if (!ct_is_live(NCAP - 1))
    EXPECT("empty slot", spawn_self("exit", 0, &one, 1), -E_BADCAP);
  one = (struct spawncap){ f, CAP_R_READ, 7 };
  EXPECT("bad role", spawn_self("exit", 0, &one, 1), -E_INVAL);
  one = (struct spawncap){ f, CAP_R_READ, SPAWN_CWD };
  EXPECT("a file as cwd", spawn_self("exit", 0, &one, 1), -E_NOTDIR);
  struct spawncap many[SPAWN_MAXCAPS];
  for (int i = 0; i < SPAWN_MAXCAPS; i++)
    many[i] = (struct spawncap){ f, CAP_R_READ, SPAWN_SLOT };
  EXPECT("more slots than a table has", spawn_self("exit", 0, many, NCAP + 1), -E_INVAL);
  EXPECT("too many entries", spawn_self("exit", 0, many, SPAWN_MAXCAPS + 1), -E_INVAL);
  EXPECT("negative count", spawn_self("exit", 0, many, -1), -E_INVAL);
  // A good entry before a bad one: all or nothing.
  many[0] = (struct spawncap){ e[0], CAP_R_RECEIVE, SPAWN_SLOT };
  many[1] = (struct spawncap){ nt, CAP_R_READ, SPAWN_SLOT };
  EXPECT("good then bad", spawn_self("exit", 0, many, 2), -E_NORIGHT);
  EXPECT("bad list address", spawn_self("exit", 0, (void *)0x7ffffff000L, 1), -E_FAULT);
  EXPECT("bad argv", spawn("/chantest", (char **)0x7ffffff000L, 0, 0), -E_FAULT);
  int pid = spawn_self("exit", 0, 0, 0);   // the control: with nothing at all, it works
  CHECK(pid > 0, "spawn with no capabilities: %d", pid);
  EXPECT("its status", ct_wait_for(pid), 0);
  char *args[] = { "x", 0 };
  EXPECT("missing program", spawn("/no_such_prog", args, 0, 0), -E_NOENT);
  EXPECT("a directory", spawn("/", args, 0, 0), -E_ISDIR);
  EXPECT("not an ELF file", spawn(DATA, args, 0, 0), -E_NOEXEC);
  EXPECT("no child left", wait(0), -E_CHILD);
  close(nt);
  close(f);
  close(e[0]);
  close(e[1]);
  EXPECT("pages back", nfree(), pages);
  return 1;
}

// A spawned child's capabilities derive from the parent's: revoking the
// parent's ancestor reaches the child's slot.
static int t_spawn_revoke(void)
{
  int f = open_data(O_RDONLY);
  int up[2], down[2];
  EXPECT("chan up", chan_create(up), 0);
  EXPECT("chan down", chan_create(down), 0);
  int d = dup(f);
  struct spawncap list[3] = {
    { d, CAP_R_READ, SPAWN_SLOT },
    { up[1], CAP_R_SEND, SPAWN_SLOT },
    { down[0], CAP_R_RECEIVE, SPAWN_SLOT },   // a receive end may go to a child
  };
  int pid = spawn_self("revoke", 0, list, 3);
  CHECK(pid > 0, "spawn: %d", pid);
  char buf[4];
  struct chanmsg m;
  EXPECT("child ready", crecv(up[0], buf, sizeof(buf), 0, 0, &m), 1);
  EXPECT("revoke f: our d and the child's slot", cap_revoke(f), 2);
  EXPECT("tell the child", csend(down[1], "v", 1, 0, 0, 0), 0);
  EXPECT("child status", ct_wait_for(pid), 0);
  close(d);
  close(f);
  close(up[0]); close(up[1]); close(down[0]); close(down[1]);
  return 1;
}

// The current directory is only what the list says: a directory entry
// with SPAWN_CWD makes relative paths work; without one every relative
// path call fails with -E_NOCAP, and so do the other ambient operations
// (kill, listing every process, powering off).
static int t_spawn_cwd(void)
{
  int dir = open("/", O_RDONLY);
  CHECK(dir >= 0, "open /: %d", dir);
  struct spawncap list[2] = {
    { dir, CAP_R_READ, SPAWN_SLOT },
    { dir, CAP_R_READ | CAP_R_LOOKUP, SPAWN_CWD },   // a walk needs lookup
  };
  int pid = spawn_self("cwd", 0, list, 2);
  CHECK(pid > 0, "spawn: %d", pid);
  EXPECT("child with a cwd (1 no slot, 2 relative open failed)", ct_wait_for(pid), 0);
  char me[12];
  snprintf(me, sizeof(me), "%d", getpid());
  pid = spawn_self("nocwd", me, 0, 0);
  CHECK(pid > 0, "spawn: %d", pid);
  EXPECT("child without (1 open, 2 mkdir/unlink, 3 chdir, 4 exec, 5 fds, 6 kill, "
         "7 wait, 8 fork, 9 pipe, 10 absolute paths, 11 exec/spawn by absolute path, "
         "12 procinfo, 13 halt)",
         ct_wait_for(pid), 0);
  close(dir);
  return 1;
}

// A child whose root and cwd are a subdirectory sees only what is below it.
static int t_spawn_root(void)
{
  mkdir(JAIL);
  int fd = open(JAIL "/in", O_CREATE | O_TRUNC | O_WRONLY);
  CHECK(fd >= 0, "create %s/in: %d", JAIL, fd);
  EXPECT("write", write(fd, "in", 2), 2);
  close(fd);
  int dir = open(JAIL, O_RDONLY);
  CHECK(dir >= 0, "open %s: %d", JAIL, dir);
  struct spawncap list[2] = {
    { dir, CAP_R_READ | CAP_R_LOOKUP, SPAWN_ROOT },
    { dir, CAP_R_READ | CAP_R_LOOKUP, SPAWN_CWD },
  };
  int pid = spawn_self("jail", 0, list, 2);
  int st = pid > 0 ? ct_wait_for(pid) : pid;
  close(dir);
  unlink(JAIL "/in");
  unlink(JAIL);
  EXPECT("jailed child (1 /in, 2 in, 3 outside name, 4 .. escapes, 5 chdir ..)", st, 0);
  return 1;
}

// spawn passes process capabilities too (SPAWN_PROC, the pid in .slot):
// the child gets exactly the rights listed, derived from the parent's
// capability, which needs TRANSFER and every right asked for; a pid the
// parent holds none for is -E_NOCAP. The child uses its kill-only one.
static int t_spawn_proc(void)
{
  int t = ct_fork();   // killed by the runner if the case fails early
  CHECK(t >= 0, "fork: %d", t);
  if (t == 0) {
    sleep(5000);
    exit(9);
  }
  char tp[12];
  snprintf(tp, sizeof(tp), "%d", t);
  struct spawncap one = { t, CAP_R_KILL | CAP_R_GRANT, SPAWN_PROC };
  EXPECT("more rights than held", spawn_self("prockill", tp, &one, 1), -E_RIGHTS);
  one = (struct spawncap){ 1, CAP_R_KILL, SPAWN_PROC };
  EXPECT("init: none held", spawn_self("prockill", tp, &one, 1), -E_NOCAP);
  one = (struct spawncap){ t, CAP_R_KILL, SPAWN_PROC };
  int c = spawn_self("prockill", tp, &one, 1);
  CHECK(c > 0, "spawn: %d", c);
  int st, cst = -1000, tst = -1000;
  for (int k = 0; k < 2; k++) {   // the target and the child, in either order
    int w = wait(&st);
    if (w == c)
      cst = st;
    else if (w == t)
      tst = st;
  }
  EXPECT("child (1 inspect refused, 2 no widening, 3 kill)", cst, 0);
  EXPECT("target killed by the child", tst, -1);
  // Without TRANSFER on the parent's capability, nothing is passed.
  t = ct_fork();
  CHECK(t >= 0, "fork: %d", t);
  if (t == 0) {
    sleep(5000);
    exit(9);
  }
  EXPECT("drop transfer", cap_restrictproc(t, CAP_R_KILL | CAP_R_WAIT), 1);
  one = (struct spawncap){ t, CAP_R_KILL, SPAWN_PROC };
  EXPECT("without transfer", spawn_self("prockill", tp, &one, 1), -E_NORIGHT);
  EXPECT("kill", kill(t), 0);
  EXPECT("target's status", ct_wait_for(t), -1);
  return 1;
}

// A badged send end: every message through it, or through copies derived
// from it (also in another process), carries the badge; the unbadged end
// carries 0; the badge of a badged capability cannot be changed.
static int t_chan_badge(void)
{
  int e[2];
  EXPECT("chan_create", chan_create(e), 0);
  int b = cap_badge(e[1], 42);
  CHECK(b >= 0, "cap_badge: %d", b);
  EXPECT("rebadge", cap_badge(b, 7), -E_BADGE);
  char buf[4];
  struct chanmsg m;
  EXPECT("send via badged", csend(b, "b", 1, 0, 0, 0), 0);
  EXPECT("recv", crecv(e[0], buf, sizeof(buf), 0, 0, &m), 1);
  EXPECT("badge", m.badge, 42);
  EXPECT("send via unbadged", csend(e[1], "u", 1, 0, 0, 0), 0);
  EXPECT("recv", crecv(e[0], buf, sizeof(buf), 0, 0, &m), 1);
  EXPECT("no badge", m.badge, 0);
  int c = cap_dup(b, CAP_R_SEND | CAP_R_TRANSFER);
  CHECK(c >= 0, "cap_dup: %d", c);
  struct spawncap list[1] = { { c, CAP_R_SEND, SPAWN_SLOT } };
  int pid = spawn_self("sendbadge", 0, list, 1);
  CHECK(pid > 0, "spawn: %d", pid);
  EXPECT("recv from the child", crecv(e[0], buf, sizeof(buf), 0, 0, &m), 1);
  EXPECT("child's badge", m.badge, 42);
  EXPECT("child status", ct_wait_for(pid), 0);
  close(c);
  close(b);
  close(e[0]);
  close(e[1]);
  return 1;
}

// Leaks through spawn and exec: many spawned children, some exec'ing
// themselves several times, then every page and record is back.
static int t_spawn_exec_leaks(void)
{
  int pages = nfree();
  struct capaudit a0 = audit_now();
  int f = open_data(O_RDONLY);
  int root = open("/", O_RDONLY);
  // A root that can only find and exec programs: the exec'ing children
  // need it to find themselves again.
  struct spawncap list[4] = {
    { f, CAP_R_READ, SPAWN_SLOT }, { f, CAP_R_READ | CAP_R_STAT, SPAWN_SLOT },
    { f, CAP_R_READ | CAP_R_TRANSFER, SPAWN_SLOT },
    { root, CAP_R_LOOKUP | CAP_R_EXEC, SPAWN_ROOT },
  };
  for (int i = 0; i < 20; i++) {
    int pid = spawn_self(i % 2 ? "exit" : "exec", "3", list, 4);
    CHECK(pid > 0, "spawn %d: %d", i, pid);
    EXPECT("child status", ct_wait_for(pid), 0);
  }
  close(f);
  close(root);
  struct capaudit a1 = audit_now();
  EXPECT("records back", a1.records, a0.records);
  EXPECT("files back", a1.files, a0.files);
  EXPECT("pages back", nfree(), pages);
  return 1;
}

// ---------------------------------------------------------------- runner

static const struct ctcase cases[] = {
  {"chan_basic", t_basic},
  {"chan_rights_matrix", t_rights_matrix},
  {"chan_whole_or_nothing", t_whole_or_nothing},
  {"chan_flood", t_flood},
  {"chan_blocking", t_blocking},
  {"chan_revoke_in_flight", t_revoke_in_flight},
  {"chan_revoke_three_procs", t_revoke_three_procs},
  {"chan_revoke_blocked", t_revoke_blocked},
  {"chan_revoke_wakes", t_revoke_wakes},
  {"spawn_proc", t_spawn_proc},
  {"chan_confused_deputy", t_confused_deputy},
  {"spawn_exact", t_spawn_exact},
  {"spawn_refused", t_spawn_refused},
  {"spawn_revoke", t_spawn_revoke},
  {"spawn_cwd", t_spawn_cwd},
  {"spawn_root", t_spawn_root},
  {"chan_badge", t_chan_badge},
  {"spawn_exec_leaks", t_spawn_exec_leaks},
};
#define NCASES ((int)(sizeof(cases) / sizeof(cases[0])))

int main(int argc, char **argv)
{
  if (argc >= 3 && strcmp(argv[1], "-spawned") == 0)
    exit(spawned(argc, argv));
  int fd = open(DATA, O_CREATE | O_TRUNC | O_WRONLY);
  if (fd < 0 || write(fd, DATA_TEXT, sizeof(DATA_TEXT) - 1) != sizeof(DATA_TEXT) - 1) {
    printf("chantest: cannot create %s: %s\n", DATA, errstr(fd));
    exit(1);
  }
  close(fd);
  int failed = ct_run("CT", cases, NCASES, argc, argv);
  unlink(DATA);
  exit(failed ? 1 : 0);
}
