// The loop every service runs (svcserve.h): take a request from the
// service's channel, answer it, and never let a client stop us serving the
// others. Lab 6, stage 2 (docs/labs/selfheal.md): the service's side of the
// protocol, robust against clients that break it.
#include "kernel/types.h"
#include "kernel/errno.h"
#include "kernel/chan.h"
#include "user/user.h"
#include "user/lib/svcserve.h"

#if SOL >= 6
// An error reply to a request too short to hold a header: there is no op
// to echo, only the verdict.
static void refuse_short(int rslot);

// Receive the next request worth serving into buf (max bytes): its length,
// at least a whole header; *rslot = the slot of its reply capability, a
// live send end of a channel, or -1 if it came without one. Everything a
// client can get wrong is settled here, without blocking on it and
// without it counting as our own capability error.
static int next_request(char *buf, int max, int *rslot)
{
  for (;;) {
    struct chanmsg m;
    memset(&m, 0, sizeof(m));
    m.buf = buf;
    m.len = max;
    m.ncaps = 1;
    // More than one capability (or more than our cell's slot quota has
    // room for): the kernel drops the message and its capabilities
    // instead of leaving it at the head of the queue for ever.
    m.flags = CHAN_DISCARD;
    int n = chan_recv(SVC_REQ_SLOT, &m);
    // Dropping requests is still serving: while clients keep the queue
    // full the supervisor's pings may find no room, so we heartbeat
    // ourselves every half period.
    svc_kick_watchdog();
    if (n == -E_TOOBIG || n == -E_CAPFULL || n == -E_QUOTA)
      continue;
    if (n < 0)
      exit(n == -E_PEER ? 0 : 1);   // nobody can reach us any more
    // caps[0] < 0 (m.ncaps still counts it): the client revoked its reply
    // capability while the request was in flight. Its authority to hear
    // the answer was withdrawn, so the request goes too: only one sent
    // with no capability at all (m.ncaps 0) is served one way.
    if (m.ncaps == 1 && m.caps[0] < 0)
      continue;
    int slot = m.ncaps == 1 ? m.caps[0] : -1;
    if (slot >= 0 && !svc_reply_ok(slot)) {
      close(slot);   // a pipe end, a revoked or restarted channel: no answer
      continue;
    }
    if (n < (int)sizeof(struct svchdr)) {
      // Our buffer still holds the previous request: serving this one
      // would replay that. Say it is malformed.
      refuse_short(slot);
      continue;
    }
    *rslot = slot;
    return n;
  }
}

// Send a reply on rslot without ever waiting for the client: an honest
// client's reply channel is fresh for each call and never full, so a full
// one belongs to a client that does not read, and its reply is dropped.
// Then let go of rslot (every path closes it: a slot kept per request
// would fill our table).
static void answer(int rslot, struct svchdr *reply, int len)
{
  if (rslot < 0)
    return;
  struct chanmsg m;
  memset(&m, 0, sizeof(m));
  m.buf = reply;
  m.len = len;
  m.flags = CHAN_NONBLOCK;
  chan_send(rslot, &m);   // -E_AGAIN (not reading), -E_PEER (gone): dropped
  close(rslot);
}

static void refuse_short(int rslot)
{
  struct svchdr rep;
  memset(&rep, 0, sizeof(rep));
  rep.status = -E_INVAL;
  rep.gen = svc_self.gen;
  answer(rslot, &rep, sizeof(rep));
}
#else
// Stub: trusts every client. Whatever arrives is served, even a message
// shorter than a header (the rest of buf is the previous request's), a
// message the receive cannot take ends the service, and the reply is sent
// on whatever the client passed, waiting as long as the client makes it.
static int next_request(char *buf, int max, int *rslot)
{
  struct chanmsg m;
  memset(&m, 0, sizeof(m));
  m.buf = buf;
  m.len = max;
  m.ncaps = 1;
  int n = chan_recv(SVC_REQ_SLOT, &m);
  if (n < 0)
    exit(n == -E_PEER ? 0 : 1);
  *rslot = m.ncaps == 1 ? m.caps[0] : -1;
  return n;
}

static void answer(int rslot, struct svchdr *reply, int len)
{
  if (rslot < 0)
    return;
  struct chanmsg m;
  memset(&m, 0, sizeof(m));
  m.buf = reply;
  m.len = len;
  chan_send(rslot, &m);
  close(rslot);
}
#endif

void svc_serve(int argc, char **argv, svc_handler handler)
{
  static char reqbuf[SVC_MSGMAX], repbuf[SVC_MSGMAX];
  svc_start(argc, argv);
  for (;;) {
    int rslot;
    int n = next_request(reqbuf, sizeof(reqbuf), &rslot);
    svc_kick_watchdog();
    struct svchdr *req = (struct svchdr *)reqbuf, *rep = (struct svchdr *)repbuf;
    if (req->op == SVC_PING) {   // the supervisor's: a heartbeat is the answer
      svc_alive();
      if (rslot >= 0)
        close(rslot);
      continue;
    }
    // The whole reply buffer, not just its header: a handler that fills
    // only part of the body (a miss answers with a status only) would
    // otherwise send the previous client's reply bytes to this one.
    memset(repbuf, 0, sizeof(repbuf));
    rep->op = req->op;
    rep->gen = svc_self.gen;
    int len = sizeof(*rep);
    if (req->op == SVC_HOOK_EXIT && svc_self.hooks) {
      answer(rslot, rep, len);
      exit(req->arg);
    }
    if (!svc_hook(req, rep, rslot))
      len = handler(req, n, rep, sizeof(repbuf));
    rep->gen = svc_self.gen;
    answer(rslot, rep, len);
  }
}
