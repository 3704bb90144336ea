// Client side of the self-healing protocol (svcclient.h).
#include "kernel/types.h"
#include "kernel/errno.h"
#include "kernel/chan.h"
#include "user/user.h"
#include "user/lib/svcclient.h"

// The client's own generation check. Clients (svc, kv, the test program
// selfheal) must not link the lab's svcpolicy.c: a program that links the
// code it judges can be made to print its verdict (grade/labs/
// test_selfheal.py). Only the supervisor runs the lab's svc_gen_current.
static int same_generation(uint32 known, uint32 got)
{
  return known == got;
}

#define CONNECT_TRIES 400   // x 5 ticks: how long a restart is waited for

void svc_header(struct svchdr *h, uint32 op, const char *name, uint32 gen, uint32 arg)
{
  memset(h, 0, sizeof(*h));
  h->op = op;
  h->gen = gen;
  h->arg = arg;
  if (name)
    strncpy(h->name, name, SVC_NAMELEN - 1);
}

int svc_rpc(int slot, const void *msg, int len, const int *extra, int nextra,
            void *reply, int max, int *cap)
{
  int ends[2];
  int r = chan_create(ends);
  if (r < 0)
    return r;
  struct chanmsg m;
  memset(&m, 0, sizeof(m));
  m.buf = (void *)msg;
  m.len = len;
  m.caps[0] = ends[1];
  for (int i = 0; i < nextra && i + 1 < CHAN_MAXCAPS; i++)
    m.caps[i + 1] = extra[i];
  m.ncaps = 1 + nextra;
  r = chan_send(slot, &m);
  close(ends[1]);   // the service now holds the only send end
  if (r < 0) {
    close(ends[0]);
    return r;
  }
  memset(&m, 0, sizeof(m));
  m.buf = reply;
  m.len = max;
  m.ncaps = cap ? 1 : 0;
  r = chan_recv(ends[0], &m);
  close(ends[0]);
  if (cap)
    *cap = (r >= 0 && m.ncaps == 1 && m.caps[0] >= 0) ? m.caps[0] : -1;
  return r;
}

int svc_connect(struct svcconn *c, const char *name)
{
  struct svchdr h, rep;
  strncpy(c->name, name, SVC_NAMELEN - 1);
  c->name[SVC_NAMELEN - 1] = 0;
  c->req = -1;
  for (int tries = 0;; tries++) {
    svc_header(&h, SUP_CONNECT, name, 0, 0);
    int slot;
    int r = svc_rpc(SVC_DIR_SLOT, &h, sizeof(h), 0, 0, &rep, sizeof(rep), &slot);
    if (r >= 0 && r < (int)sizeof(rep))
      r = -E_INVAL;
    if (r >= 0)
      r = rep.status;
    if (r == 0 && slot < 0)
      r = -E_INVAL;
    if (r == 0) {
      c->req = slot;
      c->gen = rep.gen;
      return 0;
    }
    if (slot >= 0)
      close(slot);
    if (r != -E_AGAIN || tries == CONNECT_TRIES)
      return r;
    sleep(5);   // between incarnations: wait for the restart
  }
}

void svc_disconnect(struct svcconn *c)
{
  if (c->req >= 0)
    close(c->req);
  c->req = -1;
}

// The incarnation we talked to is gone: find the current one. Returns
// -E_RESTARTED with c->gen updated, or an error if it cannot be reached.
static int reconnect(struct svcconn *c)
{
  uint32 old = c->gen;
  for (int tries = 0; tries < CONNECT_TRIES; tries++) {
    svc_disconnect(c);
    int r = svc_connect(c, c->name);
    if (r < 0)
      return r;
    if (!same_generation(old, c->gen)) {
      c->restarts++;
      return -E_RESTARTED;
    }
    // The supervisor has not seen the death yet: it still names the old
    // incarnation. Ask again shortly.
    sleep(1);
  }
  return -E_AGAIN;
}

int svc_call(struct svcconn *c, void *req, int len, void *reply, int max)
{
  if (c->req < 0) {
    int r = reconnect(c);
    if (r < 0)
      return r;
  }
  struct svchdr *h = req;
  h->gen = c->gen;
  int r = svc_rpc(c->req, req, len, 0, 0, reply, max, 0);
  if (r == -E_PEER || r == -E_BADCAP || r == -E_RESTARTED)
    return reconnect(c);
  if (r >= (int)sizeof(struct svchdr) && !same_generation(c->gen, ((struct svchdr *)reply)->gen)) {
    // answered by another incarnation than the one we connected to
    c->gen = ((struct svchdr *)reply)->gen;
    c->restarts++;
    return -E_RESTARTED;
  }
  return r;
}

int svc_control(int op, const char *name, void *reply, int max)
{
  struct svchdr h;
  svc_header(&h, op, name, 0, 0);
  int key = SVC_CTL_SLOT;
  int r = svc_rpc(SVC_DIR_SLOT, &h, sizeof(h), &key, 1, reply, max, 0);
  if (r >= 0 && r < (int)sizeof(struct svchdr))
    return -E_INVAL;
  if (r >= 0 && ((struct svchdr *)reply)->status < 0)
    return ((struct svchdr *)reply)->status;
  return r;
}

int svc_status(const char *name, struct svcstatus *out)
{
  static struct supstatusrep rep;
  int r = svc_control(SUP_CTL_STATUS, name, &rep, sizeof(rep));
  if (r < 0)
    return r;
  if (rep.h.arg < 1)
    return -E_NOENT;
  *out = rep.st[0];
  return 0;
}

const char *svc_state_name(int state)
{
  static const char *const names[] = {
    [SVC_DOWN] = "down", [SVC_STARTING] = "starting", [SVC_RUNNING] = "running",
    [SVC_BACKOFF] = "backoff", [SVC_HELD] = "held", [SVC_STOPPED] = "stopped",
    [SVC_QUARANTINED] = "quarantined",
  };
  if (state < 0 || state > SVC_QUARANTINED)
    return "?";
  return names[state];
}
