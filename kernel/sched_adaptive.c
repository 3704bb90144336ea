// The adaptive policy: infer what each process is for from cheap signals,
// and serve it accordingly, on top of the fair policy's virtual time.
//
// Signals (struct sched_features, updated in O(1) by sched_score.c at
// every event): the decaying average CPU burst and sleep, the fraction of
// time asleep, whether wakeups come from other processes or interrupts,
// how many wakeups it does per burst, its lag behind its fair share.
// They give a class (score_classify): latency-critical, interactive, I/O
// or batch. The class sets
//   - the slice the process asks for: short for latency-critical and
//     interactive work (an early virtual deadline: picked first when
//     eligible), long for batch work (fewer switches);
//   - wake-up preemption: a woken process takes a hart, any hart (IPI),
//     from one running a less urgent class, if it is eligible.
// The fairness floor is the virtual-time core (sched_fair.h): only an
// eligible process (one that has not had more than its share) can be
// picked or preempt, so heuristics change who goes *first*, never who gets
// *how much*, and nobody starves. CPU time is charged exactly (the rdtime
// `ran` the hooks get), so running between ticks and sleeping across tick
// edges earns nothing. A forked child inherits its parent's signals, but a
// burst in progress counts at once (score_classify), so a child (or any
// process) that stops sleeping loses an interactive class within
// SCORE_RUN_INTERACTIVE of CPU time and is batch after SCORE_RUN_BATCH.
//
// Costs: as the fair policy (O(n) sorted insert, n <= NPROC), plus O(1)
// per event for the signals.
#include "types.h"
#include "param.h"
#include "riscv.h"
#include "timer.h"
#include "printf.h"
#include "klib.h"
#include "proc.h"
#include "schedtrace.h"
#include "sched.h"
#include "sched_fair.h"
#include "sched_score.h"
#include "sched_learned.h"

// Slice asked for, per class (microseconds).
static const uint64 class_slice_us[SCLASS_N] = {
  [SCLASS_NONE] = 3000,
  [SCLASS_LATENCY] = 1000,
  [SCLASS_INTERACTIVE] = 2000,
  [SCLASS_IO] = 4000,
  [SCLASS_BATCH] = 12000,
};

// Urgency for wake-up preemption: lower goes first.
static int rank(int cls)
{
  return cls == SCLASS_NONE ? SCLASS_IO : cls;
}

static void set_class(struct proc *p, int cls)
{
  p->se.cls = cls;
  p->se.slice = timebase_hz() / 1000000 * class_slice_us[cls];
}

// The classifier the hooks use: score_classify, or the learned policy's
// table while that policy is active (sched_learned.c sets it in its init).
int (*adaptive_classify)(const struct sched_features *f) = score_classify;

static void reclassify(struct proc *p)
{
  int cls = adaptive_classify(&p->se.feat);
  if (cls != p->se.cls)
    set_class(p, cls);
}

static void charge(struct proc *p, uint64 ran)
{
  uint64 d = sched_uncharged(p, ran);
  score_run(&p->se.feat, d);
  vt_charge(p, d);
}

static void adaptive_init(void)
{
  adaptive_classify = score_classify;
  vt_init();
}

static void adaptive_attach(struct proc *p)
{
  memset(&p->se.feat, 0, sizeof(p->se.feat));
  set_class(p, adaptive_classify(&p->se.feat));
  vt_attach(p);
}

// The child inherits the parent's signals (and so its class) with no burst
// in progress; its own behaviour takes over from its first tick.
static void adaptive_fork(struct proc *parent, struct proc *child)
{
  if (parent) {
    child->se.feat = parent->se.feat;
    child->se.feat.burst = 0;
    child->se.feat.burst_wakes = 0;
    child->se.feat.bursts = 0;
  } else {
    memset(&child->se.feat, 0, sizeof(child->se.feat));
  }
  set_class(child, adaptive_classify(&child->se.feat));
  vt_fork(child);
}

static void adaptive_enqueue(struct proc *p, uint64 ran)
{
  charge(p, ran);
  reclassify(p);
  vt_slice_done(p);
  vt_enqueue(p);
  p->se.feat.lag = vt_lag(p);
}

// Queued processes looked at per decision for a more urgent one (O(1)).
#define PICK_SCAN 8

// EEVDF's choice (the eligible process with the earliest deadline), unless
// an eligible process of a more urgent class waits among the first
// PICK_SCAN of the queue: then the most urgent of those goes first. A
// batch process near the end of its long slice has an earlier deadline than
// a latency-critical one just woken (whose deadline is a short slice past
// the average); without this it would keep the hart for the rest of its
// slice after the wake-up took it away. Only eligible processes are
// candidates, so the order changes, never the shares.
static struct proc *adaptive_pick_next(int cpu)
{
  (void)cpu;
  struct proc *p = vt_pick();
  if (!p || rank(p->se.cls) == SCLASS_LATENCY)
    return p;
  struct proc *best = 0;
  int n = 0;
  for (struct proc *q = vt_head(); q && n < PICK_SCAN; q = q->se.next, n++) {
    int r = rank(q->se.cls);
    if (r < rank((best ? best : p)->se.cls) && vt_eligible(q)) {
      best = q;
      if (r == SCLASS_LATENCY)
        break;
    }
  }
  if (!best)
    return p;
  vt_dequeue(best);
  vt_enqueue(p);   // back in its place
  return best;
}

static int adaptive_tick(struct proc *p, uint64 ran)
{
  charge(p, ran);
  reclassify(p);
  return vt_slice_done(p) && vt_queued();
}

static void adaptive_wake(struct proc *p, struct proc *waker)
{
  score_wake(&p->se.feat, r_time() - p->se.slept_at, waker != 0);
  if (waker)
    score_woke_other(&waker->se.feat);
  reclassify(p);
  vt_wake(p);
  vt_enqueue(p);
  p->se.feat.lag = vt_lag(p);
}

static void adaptive_block(struct proc *p, uint64 ran)
{
  charge(p, ran);
  score_block(&p->se.feat);
  vt_leave(p);
  p->se.feat.lag = vt_lag(p);
}

static void adaptive_exit(struct proc *p, uint64 ran)
{
  charge(p, ran);
  vt_leave(p);
}

// An eligible woken process preempts a less urgent class, or the same
// class with a later deadline.
static int adaptive_preempts(struct proc *w, struct proc *r)
{
  if (!vt_eligible(w))
    return 0;
  int a = rank(w->se.cls), b = rank(r->se.cls);
  return a < b || (a == b && a != SCLASS_BATCH && w->se.deadline < r->se.deadline);
}

const struct sched_policy sched_adaptive = {
  .name = "adaptive",
  .init = adaptive_init,
  .attach = adaptive_attach,
  .fork = adaptive_fork,
  .enqueue = adaptive_enqueue,
  .dequeue = vt_dequeue,
  .pick_next = adaptive_pick_next,
  .tick = adaptive_tick,
  .wake = adaptive_wake,
  .block = adaptive_block,
  .exit = adaptive_exit,
  .preempts = adaptive_preempts,
  .reweight = vt_reweight,
};
