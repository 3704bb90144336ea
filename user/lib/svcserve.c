// The loop every service runs (svcserve.h), with the shared test hooks.
#include "kernel/types.h"
#include "kernel/errno.h"
#include "kernel/chan.h"
#include "kernel/capinfo.h"
#include "kernel/param.h"
#include "user/user.h"
#include "user/lib/svcserve.h"

struct svcself svc_self;

static void tell_supervisor(uint32 op, uint32 arg)
{
  struct svchdr h;
  memset(&h, 0, sizeof(h));
  h.op = op;
  h.gen = svc_self.gen;
  h.arg = arg;
  strcpy(h.name, svc_self.name);
  struct chanmsg m;
  memset(&m, 0, sizeof(m));
  m.buf = &h;
  m.len = sizeof(h);
  chan_send(SVC_INBOX_SLOT, &m);   // blocks while the inbox is full: the
                                   // supervisor never waits on a service
}

static int last_beat;   // tick of our last heartbeat

void svc_alive(void)
{
  tell_supervisor(SUP_HEARTBEAT, 0);
  last_beat = uptime();
}

// During long work: a heartbeat every half period, like kicking a
// watchdog, so the supervisor sees a slow service, not a hung one.
static void kick_watchdog(void)
{
  if (svc_self.hb > 0 && uptime() - last_beat >= svc_self.hb / 2)
    svc_alive();
}

// The test hooks (svcproto.h). Returns 1 if op was one (reply filled).
// rslot is the slot of the caller's reply channel (not ours to count).
static int hook(const struct svchdr *req, struct svchdr *reply, int rslot)
{
  switch (req->op) {
  case SVC_HOOK_CRASH:
    *(volatile int *)0 = 1;   // a store page fault: the kernel kills us
    return 1;
  case SVC_HOOK_HANG:
    for (;;)                  // no heartbeat ever again
      ;
  case SVC_HOOK_SLOW: {       // busy for arg ticks (waiting, not spinning), but alive
    int until = uptime() + (int)req->arg;
    while (uptime() < until) {
      sleep(5);
      kick_watchdog();
    }
    return 1;
  }
  case SVC_HOOK_SPIN: {       // on the CPU for arg ticks, alive
    int until = uptime() + (int)req->arg;
    while (uptime() < until) {
      for (volatile int i = 0; i < 10000; i++)
        ;
      kick_watchdog();
    }
    return 1;
  }
  case SVC_HOOK_LEAK: {       // a slow leak: a page every arg ticks, alive
    for (;;) {
      int next = uptime() + (int)req->arg;
      while (uptime() < next) {
        sleep(5);
        kick_watchdog();
      }
      char *p = sbrk(4096);
      if (p == (char *)-1) {
        reply->status = -E_NOMEM;
        return 1;
      }
      p[0] = 1;
    }
  }
  case SVC_HOOK_CAPERR: {
    char c;
    for (uint32 i = 0; i < req->arg; i++)
      read(NCAP - 1, &c, 1);   // an empty slot: -E_BADCAP, counted by the cell
    return 1;
  }
  case SVC_HOOK_CAPS: {
    struct capinfo ci;
    reply->arg = 0;
    for (int s = 0; s < NCAP; s++)
      if (s != rslot && cap_info(s, &ci) == 0)
        reply->arg |= 1u << s;
    return 1;
  }
  case SVC_HOOK_GROW: {
    char *p = sbrk(req->arg * 4096);
    if (p == (char *)-1)
      reply->status = -E_NOMEM;
    else
      for (uint32 i = 0; i < req->arg; i++)
        p[i * 4096] = 1;
    return 1;
  }
  case SVC_HOOK_FORKS:
    for (uint32 i = 0; i < req->arg; i++) {
      int pid = fork();
      if (pid == 0)
        exit(0);
      if (pid > 0)
        wait(0);
    }
    return 1;
  }
  return 0;
}

static void send_reply(int slot, struct svchdr *reply, int len)
{
  struct chanmsg m;
  memset(&m, 0, sizeof(m));
  m.buf = reply;
  m.len = len;
  m.flags = CHAN_NONBLOCK;   // a fresh channel per call: never full
  chan_send(slot, &m);
}

void svc_serve(int argc, char **argv, svc_handler handler)
{
  static char reqbuf[SVC_MSGMAX], repbuf[SVC_MSGMAX];
  if (argc < 5) {
    fprintf(2, "%s: started by the supervisor only (NAME GEN HB HOOKS)\n", argv[0]);
    exit(1);
  }
  strncpy(svc_self.name, argv[1], SVC_NAMELEN - 1);
  svc_self.gen = atoi(argv[2]);
  svc_self.hb = atoi(argv[3]);
  svc_self.hooks = atoi(argv[4]);
  tell_supervisor(SUP_READY, getpid());
  for (;;) {
    struct chanmsg m;
    memset(&m, 0, sizeof(m));
    m.buf = reqbuf;
    m.len = sizeof(reqbuf);
    m.ncaps = 1;
    // A request with more than one capability (or more than our cell's
    // slot quota has room for) is dropped by the kernel: a client cannot
    // make us stall on it, or fail.
    m.flags = CHAN_DISCARD;
    int n = chan_recv(SVC_REQ_SLOT, &m);
    if (n == -E_TOOBIG || n == -E_CAPFULL || n == -E_QUOTA)
      continue;
    if (n < 0)
      exit(n == -E_PEER ? 0 : 1);   // nobody can reach us any more
    // Serving requests is being alive: while clients keep the queue full
    // the supervisor's pings (never blocking) may find no room, so a busy
    // service heartbeats by itself every half period (also while it
    // drops requests it will not answer).
    kick_watchdog();
    int rslot = m.ncaps == 1 ? m.caps[0] : -1;
    struct svchdr *req = (struct svchdr *)reqbuf, *rep = (struct svchdr *)repbuf;
    // Too short, or a reply capability that is no channel's send end
    // (svc_reply_ok): the client's mistake, dropped unanswered and never
    // counted as our own capability error.
    if (n < (int)sizeof(*req) || (m.ncaps == 1 && !svc_reply_ok(rslot))) {
      if (rslot >= 0)
        close(rslot);
      continue;
    }
    if (req->op == SVC_PING) {
      svc_alive();
      if (rslot >= 0)
        close(rslot);
      continue;
    }
    memset(rep, 0, sizeof(*rep));
    rep->op = req->op;
    int len = sizeof(*rep);
    if (req->op == SVC_HOOK_EXIT && svc_self.hooks) {
      rep->gen = svc_self.gen;
      if (rslot >= 0)
        send_reply(rslot, rep, len);
      exit(req->arg);
    }
    if (!(svc_self.hooks && hook(req, rep, rslot)))
      len = handler(req, n, rep, sizeof(repbuf));
    rep->gen = svc_self.gen;
    if (rslot >= 0) {
      send_reply(rslot, rep, len);
      close(rslot);
    }
  }
}
