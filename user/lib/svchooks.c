// What every service shares around its request loop (svcserve.h): starting
// up, heartbeats to the supervisor, and the test hooks. The loop itself, and
// how it defends against clients, is in svcserve.c (lab 6, stage 2).
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
void svc_kick_watchdog(void)
{
  if (svc_self.hb > 0 && uptime() - last_beat >= svc_self.hb / 2)
    svc_alive();
}

void svc_start(int argc, char **argv)
{
  if (argc < 5) {
    fprintf(2, "%s: started by the supervisor only (NAME GEN HB HOOKS)\n", argv[0]);
    exit(1);
  }
  strncpy(svc_self.name, argv[1], SVC_NAMELEN - 1);
  svc_self.gen = atoi(argv[2]);
  svc_self.hb = atoi(argv[3]);
  svc_self.hooks = atoi(argv[4]);
  tell_supervisor(SUP_READY, getpid());
}

int svc_hook(const struct svchdr *req, struct svchdr *reply, int rslot)
{
  if (!svc_self.hooks)
    return 0;
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
      svc_kick_watchdog();
    }
    return 1;
  }
  case SVC_HOOK_SPIN: {       // on the CPU for arg ticks, alive
    int until = uptime() + (int)req->arg;
    while (uptime() < until) {
      for (volatile int i = 0; i < 10000; i++)
        ;
      svc_kick_watchdog();
    }
    return 1;
  }
  case SVC_HOOK_LEAK: {       // a slow leak: a page every arg ticks, alive
    for (;;) {
      int next = uptime() + (int)req->arg;
      while (uptime() < next) {
        sleep(5);
        svc_kick_watchdog();
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
