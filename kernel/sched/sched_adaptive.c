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
// picked or preempt, so the class changes who goes *first*, not who gets
// *how much*, and nobody starves. The one exception is bounded: a process
// asleep at least half the time competes with double weight (update_boost),
// which leaves anyone else at least half its fair share. CPU time is charged exactly (the rdtime
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
#include "dev/timer.h"
#include "lib/printf.h"
#include "lib/klib.h"
#include "proc/proc.h"
#include "schedtrace.h"
#include "sched/sched.h"
#include "sched/sched_fair.h"
#include "sched/sched_score.h"
#include "sched/sched_learned.h"

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

// Processes competing for the CPU (runnable or running) under this policy,
// in all and by rank (so a pick need not look for an urgent one that is
// not there).
static int ncompeting, ncompeting_rank[SCLASS_N];

static void compete(struct proc *p, int on)
{
  if (p->se.competing != on) {
    p->se.competing = on;
    ncompeting += on ? 1 : -1;
    ncompeting_rank[rank(p->se.cls)] += on ? 1 : -1;
  }
}

// Is any competing process more urgent than rank r?
static int urgent_than(int r)
{
  for (int k = SCLASS_LATENCY; k < r; k++)
    if (ncompeting_rank[k])
      return 1;
  return 0;
}

// A batch process's slice: long while few compete (fewer switches), but
// each of N hogs should get its turn within about BATCH_ROUND_US, so the
// shares stay even over short windows when many compete (60 hogs with
// 12 ms slices: Jain 0.96 over 3 s). Never below the fair policy's 3 ms.
#define BATCH_ROUND_US 48000
#define BATCH_MIN_US 3000

static uint64 slice_us(int cls)
{
  if (cls != SCLASS_BATCH || ncompeting <= 1)
    return class_slice_us[cls];
  uint64 us = BATCH_ROUND_US / (uint64)ncompeting;
  return us < BATCH_MIN_US ? BATCH_MIN_US : us > class_slice_us[cls] ? class_slice_us[cls] : us;
}

static void set_class(struct proc *p, int cls)
{
  if (p->se.competing) {
    ncompeting_rank[rank(p->se.cls)]--;
    ncompeting_rank[rank(cls)]++;
  }
  p->se.cls = cls;
  p->se.slice = timebase_hz() / 1000000 * slice_us(cls);
}

// The classifier the hooks use: score_classify, or the learned policy's
// table while that policy is active (sched_learned.c sets it in its init).
int (*adaptive_classify)(const struct sched_features *f) = score_classify;

// A process asleep at least half the time (and not batch now: a burst in
// progress counts) competes with double weight: a periodic task needing
// more than an equal share while it runs (video: 4 ms of every 16.7 ms
// amid 4 jobs, whose equal share is 1/5) gets it, and can still use at
// most what it does not sleep. N boosted tasks leave a hog 1/(2N+1) of
// the CPU against a fair 1/(N+1): never less than half its fair share.
// A boosted process also comes back from a sleep without its debt (the
// fair core keeps a sleeper's debt, up to one slice, so that sleeping
// across tick edges earns nothing): otherwise a video frame's 4 ms left
// a debt that kept the next frame waiting several ms, and 2 to 15 % of the
// frames missed. Its share is still bounded by the time it sleeps.
#define BOOST_SLEEP_FRAC SCORE_SLEEP_INTERACTIVE   // 50 %

static void update_boost(struct proc *p)
{
  int want = p->se.cls != SCLASS_BATCH && p->se.feat.sleep_frac >= BOOST_SLEEP_FRAC;
  if (want == p->se.boosted)
    return;
  int base = sched_base_weight(p);
  p->se.boosted = want;
  vt_reweight(p, want ? 2 * base : base);
}

static void reclassify(struct proc *p)
{
  int cls = adaptive_classify(&p->se.feat);
  if (cls != p->se.cls || cls == SCLASS_BATCH)   // a batch slice follows ncompeting
    set_class(p, cls);
  update_boost(p);
}

static void adaptive_reweight(struct proc *p, int w)
{
  vt_reweight(p, p->se.boosted ? 2 * w : w);
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
  ncompeting = 0;
  memset(ncompeting_rank, 0, sizeof(ncompeting_rank));
  vt_init();
}

static void adaptive_attach(struct proc *p)
{
  memset(&p->se.feat, 0, sizeof(p->se.feat));
  p->se.competing = 0;
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
  child->se.competing = 0;
  set_class(child, adaptive_classify(&child->se.feat));
  vt_fork(child);
}

static void adaptive_enqueue(struct proc *p, uint64 ran)
{
  compete(p, 1);
  charge(p, ran);
  reclassify(p);
  vt_slice_done(p);
  vt_enqueue(p);
  p->se.feat.lag = vt_lag(p);
}

// Queued processes looked at per decision for a more urgent one (O(1)).
#define PICK_SCAN 2

// EEVDF's choice (the eligible process with the earliest deadline), unless
// an eligible process of a more urgent class waits among the first
// PICK_SCAN of the queue: then the first such goes first. A batch process
// near the end of its long slice has an earlier deadline than a
// latency-critical one just woken (whose deadline is a short slice past
// the average); without this it would keep the hart for the rest of its
// slice after the wake-up took it away. Only eligible processes are
// candidates, so the order changes, never the shares. The look is skipped
// when no competing process is more urgent (the counts by rank).
static struct proc *adaptive_pick_next(int cpu)
{
  (void)cpu;
  struct proc *p = vt_pick();
  if (!p)
    return p;
  int r = rank(p->se.cls);
  if (!urgent_than(r))
    return p;
  // Those queued before p (earlier deadlines) were not eligible: skip them.
  struct proc *q = vt_head();
  while (q && q->se.deadline <= p->se.deadline)
    q = q->se.next;
  int n = 0;
  for (; q && n < PICK_SCAN; q = q->se.next, n++)
    if (rank(q->se.cls) < r && vt_eligible(q))
      break;
  if (!q || n == PICK_SCAN)
    return p;
  vt_dequeue(q);
  vt_enqueue(p);   // back in its place
  return q;
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
  compete(p, 1);
  reclassify(p);
  if (p->se.boosted)
    p->se.vlag = 0;   // comes back at the average: see update_boost
  vt_wake(p);
  vt_enqueue(p);
  p->se.feat.lag = vt_lag(p);
}

static void adaptive_block(struct proc *p, uint64 ran)
{
  charge(p, ran);
  score_block(&p->se.feat);
  compete(p, 0);
  vt_leave(p);
  p->se.feat.lag = vt_lag(p);
}

static void adaptive_exit(struct proc *p, uint64 ran)
{
  charge(p, ran);
  compete(p, 0);
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
  .reweight = adaptive_reweight,
};
