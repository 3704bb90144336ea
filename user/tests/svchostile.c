// svchostile [-n NONCE] SEED GROUP...: a hostile client of the kv service,
// for lab 6 stage 2 (the service's side of the protocol, user/lib/
// svcserve.c). It breaks the protocol every way a client can, and between
// the attacks makes honest calls, then prints what it saw: one line per
// observation, "SX <group> <what> ... -> <result>". It judges nothing: the
// grader reads the lines (grade/labs/svchostile_judge.py) and decides, so
// nothing kv prints can pass for a verdict, and the numbers come from the
// kernel (cap_audit) and the supervisor (svc status), not from kv.
//
// GROUP is malformed (short messages, too many capabilities, unknown ops,
// lengths that do not fit the op), replycap (no reply capability, a pipe
// end, a revoked one, one nobody reads from), unread (a reply channel never
// read, then a flood by two children while an honest client calls), or all.
// SEED draws the keys, lengths and counts. Needs svc=on.
//
// Results: "status N" (a reply, its status), "dropped" (kv let go of the
// reply channel unanswered), "none" (no reply within the wait),
// "senderr N" (the send itself failed). Lines: start, the groups', end,
// then SX-END with the count of lines before it.
#include "kernel/types.h"
#include "kernel/param.h"
#include "kernel/errno.h"
#include "kernel/chan.h"
#include "kernel/capinfo.h"
#include "user/user.h"
#include "user/manifest.h"

ZENITH_MANIFEST("svc", "svcctl", "sysctl");   // sysctl: cap_audit
#include "user/lib/svcclient.h"
#include "user/lib/kvproto.h"
#include "user/lib/stamp.h"
#include "user/lib/splitmix.h"

#define WAIT 300          // ticks a reply is waited for
#define SEND_TRIES 200    // ticks a hostile send retries while kv's queue is full

static uint64 state;
static int lines;
static struct svcconn kv;
static char text[200];

// One observation line, stamped.
#define OBS(...) \
  do { \
    snprintf(text, sizeof(text), __VA_ARGS__); \
    printf("%s %s\n", stamp("SX"), text); \
    lines++; \
  } while (0)

static uint64 next(void)
{
  return splitmix_next(&state);
}

static int below(int n)
{
  return splitmix_below(&state, n);
}

// A hostile send: never blocks for good (retried while kv's queue is full,
// for at most SEND_TRIES ticks). 0 or the error.
static int send_raw(const void *buf, int len, const int *caps, int ncaps)
{
  int r = -E_AGAIN;
  for (int i = 0; i < SEND_TRIES && r == -E_AGAIN; i++) {
    struct chanmsg m;
    memset(&m, 0, sizeof(m));
    m.buf = (void *)buf;
    m.len = len;
    m.flags = CHAN_NONBLOCK;
    m.ncaps = ncaps;
    for (int c = 0; c < ncaps && c < CHAN_MAXCAPS; c++)
      m.caps[c] = caps[c];
    if ((r = chan_send(kv.req, &m)) == -E_AGAIN)
      sleep(1);
  }
  return r;
}

// Wait up to WAIT ticks on the receive end of a reply channel: the reply's
// length (into *rep), -E_PEER (dropped unanswered) or -E_AGAIN (none).
static int await_reply(int end, struct kvmsg *rep)
{
  int r = -E_AGAIN;
  for (int t = 0; t < WAIT && r == -E_AGAIN; t++) {
    struct chanmsg m;
    memset(&m, 0, sizeof(m));
    m.buf = rep;
    m.len = sizeof(*rep);
    m.flags = CHAN_NONBLOCK;
    if ((r = chan_recv(end, &m)) == -E_AGAIN)
      sleep(1);
  }
  return r;
}

// A call with a fresh reply channel, len bytes of msg (extra capabilities
// after the reply's). The send blocks, as an honest client's does (a
// blocked sender gets the next free place before the spinning ones). The
// result as a word into out, and the ticks it took into *ticks.
static int call(const void *msg, int len, const int *extra, int nextra, struct kvmsg *rep,
                char *out, int *ticks)
{
  int ends[2], r;
  int t0 = uptime();
  memset(rep, 0, sizeof(*rep));
  if ((r = chan_create(ends)) < 0) {
    snprintf(out, 32, "senderr %d", r);
    return r;
  }
  struct chanmsg m;
  memset(&m, 0, sizeof(m));
  m.buf = (void *)msg;
  m.len = len;
  m.caps[0] = ends[1];
  for (int i = 0; i < nextra; i++)
    m.caps[1 + i] = extra[i];
  m.ncaps = 1 + nextra;
  r = chan_send(kv.req, &m);
  close(ends[1]);
  if (r == 0)
    r = await_reply(ends[0], rep);
  else
    r = r == -E_AGAIN ? -E_INVAL : r;   // (a blocking send never says AGAIN)
  close(ends[0]);
  if (ticks)
    *ticks = uptime() - t0;
  if (r >= 0)
    snprintf(out, 32, "status %d", r >= (int)sizeof(struct svchdr) ? rep->h.status : 1);
  else if (r == -E_PEER)
    snprintf(out, 32, "dropped");
  else if (r == -E_AGAIN)
    snprintf(out, 32, "none");
  else
    snprintf(out, 32, "senderr %d", r);
  return r;
}

static void kvreq(struct kvmsg *req, uint32 op, const char *key, const char *val)
{
  memset(req, 0, sizeof(*req));
  svc_header(&req->h, op, 0, kv.gen, 0);
  if (key)
    strcpy(req->key, key);
  if (val)
    strcpy(req->val, val);
}

// An honest request: "status N" (and the value for a get).
static void honest(const char *group, const char *what, uint32 op, const char *key,
                   const char *val)
{
  static struct kvmsg req, rep;
  char res[32];
  kvreq(&req, op, key, val);
  call(&req, sizeof(req), 0, 0, &rep, res, 0);
  rep.val[KV_VALLEN - 1] = 0;
  const char *v = op != KV_GET ? val : rep.h.status == 0 ? rep.val : 0;
  OBS("%s %s key=%s -> %s val=%s", group, what, key ? key : "-", res, v && v[0] ? v : "-");
}

static void name(char *buf, const char *prefix)
{
  snprintf(buf, 24, "%s%d", prefix, below(100000));
}

// Messages that do not make a request: shorter than a header, with more
// capabilities than one, an op nobody serves, a length that does not fit
// the op, and ones the kernel refuses to carry at all.
static void malformed(void)
{
  static struct kvmsg req, rep;
  char key[24], val[24], other[24], res[32];
  name(key, "k");
  name(val, "v");
  name(other, "c");
  honest("malformed", "put", KV_PUT, key, val);
  for (int i = 0; i < 3; i++) {
    // kv's buffer now holds a KV_LIST (a request any length passes), and
    // the short message starts like one
    honest("malformed", "list", KV_LIST, 0, 0);
    int len = i == 0 ? 0 : i == 1 ? 1 + below(3) : 4 + below(sizeof(struct svchdr) - 4);
    kvreq(&req, KV_LIST, 0, 0);
    call(&req, len, 0, 0, &rep, res, 0);
    OBS("malformed short len=%d -> %s", len, res);
  }
  int p[6];   // (our table has room for three pipes and a reply channel)
  for (int i = 0; i < 3; i++)
    if (pipe(p + 2 * i) < 0)
      p[2 * i] = p[2 * i + 1] = NCAP - 1;
  int ncaps = 2 + below(6);   // the reply's, then pipe ends
  kvreq(&req, KV_PUT, other, val);
  call(&req, sizeof(req), p, ncaps - 1, &rep, res, 0);
  OBS("malformed caps n=%d -> %s", ncaps, res);
  for (int i = 0; i < 6; i++)
    close(p[i]);
  honest("malformed", "caps-get", KV_GET, other, 0);
  uint32 op = 200 + below(100000);
  kvreq(&req, op, key, val);
  call(&req, sizeof(req), 0, 0, &rep, res, 0);
  OBS("malformed badop op=%d -> %s", (int)op, res);
  kvreq(&req, KV_PUT, 0, 0);
  call(&req, sizeof(struct svchdr), 0, 0, &rep, res, 0);
  OBS("malformed header-only op=%d len=%d -> %s", KV_PUT, (int)sizeof(struct svchdr), res);
  static char junk[2 * CHAN_MAXBYTES];
  for (int i = 0; i < (int)sizeof(junk); i++)
    junk[i] = next();
  ((struct svchdr *)junk)->op = 200 + below(100000);
  call(junk, CHAN_MAXBYTES, 0, 0, &rep, res, 0);
  OBS("malformed junk len=%d -> %s", CHAN_MAXBYTES, res);
  // The kernel's part: too long, too many capabilities, an empty slot.
  int empty = NCAP - 1;
  int toolong = CHAN_MAXBYTES + 1 + below(CHAN_MAXBYTES);
  OBS("malformed toolong len=%d -> senderr %d", toolong, send_raw(junk, toolong, 0, 0));
  struct chanmsg m;
  memset(&m, 0, sizeof(m));
  m.buf = junk;
  m.len = 8;
  m.ncaps = CHAN_MAXCAPS + 1;
  m.flags = CHAN_NONBLOCK;
  OBS("malformed ncaps n=%d -> senderr %d", CHAN_MAXCAPS + 1, chan_send(kv.req, &m));
  OBS("malformed badslot slot=%d -> senderr %d", empty, send_raw(&req, sizeof(req), &empty, 1));
  honest("malformed", "get", KV_GET, key, 0);
}

// Reply capabilities that are missing, of the wrong kind, revoked, or
// whose channel nobody reads.
static void replycap(void)
{
  static struct kvmsg req, rep;
  char key[24], val[24];
  name(key, "n");
  name(val, "w");
  kvreq(&req, KV_PUT, key, val);   // one way: served, not answered
  OBS("replycap nocap key=%s val=%s -> senderr %d", key, val, send_raw(&req, sizeof(req), 0, 0));
  honest("replycap", "nocap-get", KV_GET, key, 0);
  int p[2];
  if (pipe(p) < 0)
    p[0] = p[1] = NCAP - 1;
  int n = 300 + below(150), sent = 0;
  kvreq(&req, KV_GET, key, 0);
  for (int i = 0; i < n; i++)
    sent += send_raw(&req, sizeof(req), &p[1], 1) == 0;
  close(p[0]);
  close(p[1]);
  OBS("replycap pipes n=%d -> sent %d", n, sent);
  // Reply capabilities revoked in flight: kv is kept busy for 200 ticks (a
  // test hook, one way) so that they wait in its queue behind it, even on
  // several harts; they arrive as a negative slot.
  struct svchdr slow;
  svc_header(&slow, SVC_HOOK_SLOW, 0, kv.gen, 200);
  send_raw(&slow, sizeof(slow), 0, 0);
  // All sent and revoked before any is waited for: a revoked capability
  // still in a queue may keep its channel open until kv takes it. They
  // are PUTs of a key of their own: the client's authority to hear the
  // answer was withdrawn, so kv must drop them, not serve them one way.
  static struct kvmsg put;
  char rkey[24], rval[24];
  name(rkey, "r");
  name(rval, "x");
  kvreq(&put, KV_PUT, rkey, rval);
  int revoked = 2 + below(4), reader[5], sendr[5];
  for (int i = 0; i < revoked; i++) {
    int ends[2];
    reader[i] = -1;
    if (chan_create(ends) < 0)
      continue;
    reader[i] = ends[0];
    sendr[i] = send_raw(&put, sizeof(put), &ends[1], 1);
    cap_revoke(ends[1]);   // the copy in flight
    close(ends[1]);
  }
  for (int i = 0; i < revoked; i++) {
    int r = reader[i] < 0 ? -E_CAPFULL : sendr[i] < 0 ? sendr[i] : await_reply(reader[i], &rep);
    if (reader[i] >= 0)
      close(reader[i]);
    OBS("replycap revoked i=%d -> %s", i,
        r >= 0 ? "status" : r == -E_PEER ? "dropped" : r == -E_AGAIN ? "none" : "senderr");
  }
  honest("replycap", "revoked-get", KV_GET, rkey, 0);   // not in the store
  int gone = 2 + below(5);
  for (int i = 0; i < gone; i++) {   // the client let go of the receive end
    int ends[2];
    if (chan_create(ends) < 0)
      break;
    close(ends[0]);
    sent = send_raw(&req, sizeof(req), &ends[1], 1);
    close(ends[1]);
  }
  OBS("replycap noreader n=%d -> senderr %d", gone, sent);
  sleep(450);   // two of the supervisor's anomaly samples
  honest("replycap", "get", KV_GET, key, 0);
}

// Flood kv for `until` ticks: child 0 with requests whose reply is a pipe
// end, child 1 with short messages carrying a reply channel it never reads.
static int flooder(int which, int until)
{
  static struct kvmsg req;
  kvreq(&req, KV_GET, "flood", 0);
  int p[2], ends[2];
  if (pipe(p) < 0 || chan_create(ends) < 0)
    exit(1);
  int cap = which == 0 ? p[1] : ends[1];
  while (uptime() < until) {
    struct chanmsg m;
    memset(&m, 0, sizeof(m));
    m.buf = &req;
    m.len = which == 0 ? (int)sizeof(req) : 1 + (uptime() & 3);
    m.caps[0] = cap;
    m.ncaps = 1;
    m.flags = CHAN_NONBLOCK;
    if (chan_send(kv.req, &m) == -E_PEER)
      break;
  }
  exit(0);
}

// A reply channel that fills and is never read; then a flood. Honest calls
// all along, each timed.
static void unread(void)
{
  static struct kvmsg req, rep;
  char key[24], val[24], res[32];
  name(key, "u");
  name(val, "x");
  honest("unread", "put", KV_PUT, key, val);
  int ends[2];
  if (chan_create(ends) < 0)
    ends[0] = ends[1] = NCAP - 1;
  int n = CHAN_QLEN + 4 + below(20), sent = 0;
  kvreq(&req, KV_GET, key, 0);
  for (int i = 0; i < n; i++)
    sent += send_raw(&req, sizeof(req), &ends[1], 1) == 0;
  OBS("unread requests n=%d -> sent %d", n, sent);
  for (int i = 0; i < 4; i++) {
    int ticks;
    kvreq(&req, KV_GET, key, 0);
    call(&req, sizeof(req), 0, 0, &rep, res, &ticks);
    OBS("unread honest i=%d -> %s ticks=%d", i, res, ticks);
    sleep(10);
  }
  close(ends[0]);
  close(ends[1]);
  int until = uptime() + 200 + below(150);
  int pids[2];
  for (int f = 0; f < 2; f++)
    if ((pids[f] = fork()) == 0)
      flooder(f, until);
  int calls = 0, answered = 0, worst = 0;
  while (uptime() < until) {
    int ticks;
    kvreq(&req, KV_GET, key, 0);
    call(&req, sizeof(req), 0, 0, &rep, res, &ticks);
    calls++;
    answered += strcmp(res, "status 0") == 0 && strcmp(rep.val, val) == 0;
    worst = ticks > worst ? ticks : worst;
    sleep(10);
  }
  for (int f = 0; f < 2; f++)
    if (pids[f] > 0)
      wait(0);
  OBS("unread flood calls=%d answered=%d -> maxticks %d", calls, answered, worst);
  honest("unread", "get", KV_GET, key, 0);
}

// The audit's counts that a leak would move.
static void audit(int *c)
{
  struct capaudit a;
  memset(&a, 0, sizeof(a));
  cap_audit(&a);
  c[0] = a.records;
  c[1] = a.slots;
  c[2] = a.inflight;
}

// The same reading twice in a row, 20 ticks apart (nothing in motion), or
// the last one after `ticks`; equal to want[] if given, as soon as it is.
static void settled_audit(int *c, const int *want, int ticks)
{
  int prev[3] = {-1, -1, -1};
  for (int t = 0; t < ticks; t += 20) {
    audit(c);
    if (want ? memcmp(c, want, sizeof(prev)) == 0 : memcmp(c, prev, sizeof(prev)) == 0)
      return;
    memmove(prev, c, sizeof(prev));
    sleep(20);
  }
}

// kv's state as the supervisor and the kernel see it, and the slots kv
// says it holds (SVC_HOOK_CAPS); the audit's counts into c (waiting up to
// 1000 ticks for them to equal want, if given).
static void snapshot(const char *when, const int *want, int *c)
{
  struct svcstatus st;
  memset(&st, 0, sizeof(st));
  int r = svc_status("kv", &st);
  static struct svchdr req;
  static struct kvmsg rep;
  char res[32];
  svc_header(&req, SVC_HOOK_CAPS, 0, kv.gen, 0);
  call(&req, sizeof(req), 0, 0, &rep, res, 0);
  settled_audit(c, want, want ? 1000 : 200);
  OBS("%s status=%d gen=%d pid=%d state=%s hangs=%d anomalies=%d records=%d slots=%d "
      "inflight=%d kvslots=%x",
      when, r, (int)st.gen, st.pid, svc_state_name(st.state), (int)st.hangs,
      (int)st.anomalies, c[0], c[1], c[2], strcmp(res, "status 0") == 0 ? rep.h.arg : 0);
}

int main(int argc, char **argv)
{
  argc = stamp_args(argc, argv);
  if (argc < 3 || argv[1][0] < '0' || argv[1][0] > '9') {
    fprintf(2, "usage: svchostile [-n NONCE] SEED malformed|replycap|unread|all...\n");
    return 1;
  }
  state = splitmix_seed(argv[1]);
  int r = svc_connect(&kv, "kv");
  if (r < 0) {
    fprintf(2, "svchostile: kv: %s (boot with svc=on)\n", errstr(r));
    return 1;
  }
  int start[3], end[3];
  snapshot("start", 0, start);
  for (int i = 2; i < argc; i++) {
    int all = strcmp(argv[i], "all") == 0;
    if (all || strcmp(argv[i], "malformed") == 0)
      malformed();
    if (all || strcmp(argv[i], "replycap") == 0)
      replycap();
    if (all || strcmp(argv[i], "unread") == 0)
      unread();
  }
  snapshot("end", start, end);
  printf("%s %d\n", stamp("SX-END"), lines);
  svc_disconnect(&kv);
  return 0;
}
