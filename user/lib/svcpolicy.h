// The supervisor's restart logic (lab 6): whether and when to restart a
// service that went down, when to give up (the crash-loop hold), and the
// generation check that keeps messages of a dead incarnation from being
// taken for the living one. Used by the supervisor (restart decisions,
// stale keeper reports and heartbeats) and by svcprobe (which the grader
// uses to check the answers); no other program links it.
#ifndef ZENITH_SVCPOLICY_H
#define ZENITH_SVCPOLICY_H

#include "kernel/types.h"
#include "user/lib/svctab.h"

// When a service was restarted recently: the ticks of its last restarts,
// newest last (at most SVC_MAXLIMIT are kept).
struct restarthist {
  int n;
  int when[SVC_MAXLIMIT];
};

#define DECIDE_LEAVE   0   // leave it down (the policy says so)
#define DECIDE_RESTART 1   // restart after *delay ticks (0: at once)
#define DECIDE_HOLD    2   // crash loop: hold it (marked failed)

// A service went down at tick now; failed is 1 for a crash, a hang, an
// anomaly or a non-zero exit status, 0 for a clean exit (status 0).
// Decide per pol:
//   - restart=never: leave it; restart=on-failure and !failed: leave it;
//   - if it was already restarted pol->limit times within the last
//     pol->window ticks (restarts at ticks > now - window): hold it;
//   - otherwise restart it, after a delay that is 0 when no restart
//     happened within the window, and pol->backoff << (k - 1) ticks, at
//     most pol->maxbackoff, when k restarts did; record the restart (at
//     tick now) in h.
int svc_decide(const struct svcpolicy *pol, struct restarthist *h, int failed, int now,
               int *delay);
// Forget the history (a person restarted or started it with svc).
void svc_forget(struct restarthist *h);
// Is a message about generation got about the incarnation we know as
// current (generation current)? Messages about any other generation are
// stale: a dead incarnation's heartbeat or exit report, or (in a client) a
// sign that the service was restarted since the client connected.
int svc_gen_current(uint32 current, uint32 got);

#endif
