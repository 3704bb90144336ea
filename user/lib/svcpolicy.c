// The supervisor's restart logic (lab 6; contract in svcpolicy.h).
#include "kernel/types.h"
#include "user/user.h"
#include "user/lib/svcpolicy.h"

void svc_forget(struct restarthist *h)
{
  h->n = 0;
}

#if SOL >= 6
// Drop the restarts that are no longer within the window.
static void expire(struct restarthist *h, int now, int window)
{
  int keep = 0;
  for (int i = 0; i < h->n; i++)
    if (h->when[i] > now - window)
      h->when[keep++] = h->when[i];
  h->n = keep;
}

static void record(struct restarthist *h, int now)
{
  if (h->n == SVC_MAXLIMIT) {   // keep the newest
    memmove(h->when, h->when + 1, (SVC_MAXLIMIT - 1) * sizeof(h->when[0]));
    h->n--;
  }
  h->when[h->n++] = now;
}

int svc_decide(const struct svcpolicy *pol, struct restarthist *h, int failed, int now,
               int *delay)
{
  *delay = 0;
  if (pol->restart == RESTART_NEVER || (pol->restart == RESTART_ONFAILURE && !failed))
    return DECIDE_LEAVE;
  expire(h, now, pol->window);
  int k = h->n;
  if (k >= pol->limit)
    return DECIDE_HOLD;
  if (k > 0) {
    // backoff << (k - 1), without overflowing for a large k
    int d = pol->backoff;
    for (int i = 1; i < k && d < pol->maxbackoff; i++)
      d *= 2;
    *delay = d < pol->maxbackoff ? d : pol->maxbackoff;
  }
  record(h, now);
  return DECIDE_RESTART;
}

int svc_gen_current(uint32 current, uint32 got)
{
  return current == got;
}
#else
// Stub: never restart anything (a service that goes down stays down), and
// take every message as current.
int svc_decide(const struct svcpolicy *pol, struct restarthist *h, int failed, int now,
               int *delay)
{
  *delay = 0;
  return DECIDE_LEAVE;
}

int svc_gen_current(uint32 current, uint32 got)
{
  return 1;
}
#endif
