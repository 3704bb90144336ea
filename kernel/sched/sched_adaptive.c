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
// *how much*, and nobody starves. No class changes a weight: a process
// gets more than an equal share only if someone with the right to (the
// scheduler-control capability) gave it a larger weight. CPU time is
// charged exactly (the rdtime `ran` the hooks get), so running between
// ticks and sleeping across tick edges earns nothing, and a sleeper keeps
// its debt (keep_debt, repay_debt): no sleep/run pattern gets more than
// its weighted share while the CPU is contended (book 7.8.2). A forked
// child inherits its parent's signals, but a
// burst in progress counts at once (score_classify), so a child (or any
// process) that stops sleeping loses an interactive class within
// SCORE_RUN_INTERACTIVE of CPU time and is batch after SCORE_RUN_BATCH.
//
// Costs: as the fair policy (O(n) sorted insert, n <= NPROC), plus O(1)
// per event for the signals. Each hart's queue has its own competition and
// counts (struct adaptive_queue).
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
// competing_w is the sum of their weights and debtors_w that of the
// sleepers in debt (repay_debt); nwoken counts the queued processes that
// woke and have not run since (adaptive_tick).
// All of them per hart's run queue (its lock in sched.c; sched_rq()'s).
static struct adaptive_queue {
  int ncompeting, ncompeting_rank[SCLASS_N];
  int64 competing_w, debtors_w;
  int nwoken;
} queues[NCPU];

static struct adaptive_queue *this_queue(void)
{
  return &queues[sched_rq()];
}

static void mark_woken(struct proc *p, int on)
{
  struct adaptive_queue *q = this_queue();
  if (p->se.woken != on) {
    p->se.woken = on;
    q->nwoken += on ? 1 : -1;
  }
}

static void compete(struct proc *p, int on)
{
  struct adaptive_queue *q = this_queue();
  if (p->se.competing != on) {
    p->se.competing = on;
    q->ncompeting += on ? 1 : -1;
    q->ncompeting_rank[rank(p->se.cls)] += on ? 1 : -1;
    q->competing_w += on ? p->se.weight : -p->se.weight;
  }
}

// Is any competing process more urgent than rank r?
static int urgent_than(int r)
{
  struct adaptive_queue *q = this_queue();
  for (int k = SCLASS_LATENCY; k < r; k++)
    if (q->ncompeting_rank[k])
      return 1;
  return 0;
}

// A batch process's slice: long while few compete (fewer switches), but
// each of N hogs should get its turn within about BATCH_ROUND_US, so the
// shares stay even over short windows when many compete (60 hogs with
// 12 ms slices: Jain 0.96 over 3 s). Never below the fair policy's 3 ms.
#define BATCH_ROUND_US 48000
#define BATCH_MIN_US 3000

// Any other class asks for its class's slice, or for its usual burst and
// a quarter if that is longer (below 8 ms, a batch burst): a video frame
// of 4 ms (I/O class, 4 ms slice) was otherwise cut just before its end
// and, in debt, waited for the others before its last instructions. The
// slice sets the order (a later deadline) and how long a turn lasts, not
// the share: eligibility and the kept debt bound that.
static uint64 slice_us(int cls, uint32 run_avg)
{
  struct adaptive_queue *q = this_queue();
  if (cls != SCLASS_BATCH) {
    uint64 per_us = timebase_hz() / 1000000;   // rdtime units per us
    uint64 us = (uint64)run_avg * 5 / 4 / per_us;
    uint64 cap = SCORE_RUN_BATCH / per_us;
    us = us > cap ? cap : us;
    return us > class_slice_us[cls] ? us : class_slice_us[cls];
  }
  if (q->ncompeting <= 1)
    return class_slice_us[cls];
  uint64 us = BATCH_ROUND_US / (uint64)q->ncompeting;
  return us < BATCH_MIN_US ? BATCH_MIN_US : us > class_slice_us[cls] ? class_slice_us[cls] : us;
}

static void set_class(struct proc *p, int cls)
{
  struct adaptive_queue *q = this_queue();
  if (p->se.competing) {
    q->ncompeting_rank[rank(p->se.cls)]--;
    q->ncompeting_rank[rank(cls)]++;
  }
  p->se.cls = cls;
  p->se.slice = timebase_hz() / 1000000 * slice_us(cls, p->se.feat.run_avg);
}

// The classifier the hooks use: score_classify, or the learned policy's
// table while that policy is active (sched_learned.c sets it in its init).
int (*adaptive_classify)(const struct sched_features *f) = score_classify;

// A sleeper's debt. The fair core keeps a sleeper's debt (negative lag)
// but only up to one slice, and the slice grows with the class as a burst
// goes on, so some debt would be forgiven at each sleep; here a sleeper
// keeps all of it, and repays it while it sleeps at the rate it would have
// by waiting (repay_debt). Credit (positive lag) is still dropped.
//
// Before (issue 15): a process asleep at least half the time competed
// with double weight and came back from each sleep without its debt, so
// a task working 3 ms and sleeping 3 ticks amid 3 hogs got 1.44x its
// share (1.5 ms + 2 ticks of spinning on the clock: 1.52x).
static void keep_debt(struct proc *p)
{
  struct adaptive_queue *q = this_queue();
  if (!p->se.in_avg)
    return;
  int64 lag = vt_lag(p) * SCHED_WEIGHT_DEFAULT / p->se.weight;   // virtual, V - v
  vt_leave(p);
  if (lag < 0) {
    p->se.vlag = lag;
    p->se.asleep_in_debt = 1;
    q->debtors_w += p->se.weight;
  }
}

// Had p stayed in the competition while asleep, the average virtual time
// would have moved by slept * 1024 / (W + w), and p's debt would have
// shrunk by as much (EEVDF's "delayed dequeue", Linux 6.12): W is the
// weight competing now plus that of the other sleepers in debt (they
// would have stayed in the competition too), and the rate is one hart's
// (on more harts V moves faster): both err towards keeping debt. So a
// process that uses less than its share (an echo: 50 us every 10 ms)
// comes back owing nothing, eligible, and can preempt at once; one that
// uses more comes back still in debt and waits its turn. Nothing is
// repaid beyond the debt.
static void repay_debt(struct proc *p, uint64 slept)
{
  struct adaptive_queue *q = this_queue();
  if (!p->se.asleep_in_debt)
    return;
  p->se.asleep_in_debt = 0;
  q->debtors_w -= p->se.weight;
  uint64 w = (uint64)(q->competing_w + q->debtors_w + p->se.weight);
  uint64 repaid = slept * SCHED_WEIGHT_DEFAULT / w;
  p->se.vlag = repaid >= (uint64)-p->se.vlag ? 0 : p->se.vlag + (int64)repaid;
}

static void reclassify(struct proc *p)
{
  set_class(p, adaptive_classify(&p->se.feat));   // the slice follows the signals
}

static void adaptive_reweight(struct proc *p, int w)
{
  struct adaptive_queue *q = this_queue();
  if (p->se.competing)
    q->competing_w += w - p->se.weight;
  if (p->se.asleep_in_debt)
    q->debtors_w += w - p->se.weight;
  vt_reweight(p, w);
}

static void charge(struct proc *p, uint64 ran)
{
  uint64 d = sched_uncharged(p, ran);
  score_run(&p->se.feat, d);
  vt_charge(p, d);
}

static void adaptive_init(void)
{
  struct adaptive_queue *q = this_queue();
  adaptive_classify = score_classify;
  q->ncompeting = 0;
  q->competing_w = q->debtors_w = 0;
  q->nwoken = 0;
  memset(q->ncompeting_rank, 0, sizeof(q->ncompeting_rank));
  vt_init();
}

static void adaptive_attach(struct proc *p)
{
  memset(&p->se.feat, 0, sizeof(p->se.feat));
  p->se.competing = 0;
  p->se.woken = 0;
  p->se.asleep_in_debt = 0;
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
  child->se.woken = 0;
  child->se.asleep_in_debt = 0;
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

// p is about to run: it is no longer a woken process waiting.
static struct proc *ran_now(struct proc *p)
{
  mark_woken(p, 0);
  return p;
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
    return ran_now(p);
  // Those queued before p (earlier deadlines) were not eligible: skip them.
  struct proc *q = vt_head();
  while (q && q->se.deadline <= p->se.deadline)
    q = q->se.next;
  int n = 0;
  for (; q && n < PICK_SCAN; q = q->se.next, n++)
    if (rank(q->se.cls) < r && vt_eligible(q))
      break;
  if (!q || n == PICK_SCAN)
    return ran_now(p);
  vt_dequeue(q);
  vt_enqueue(p);   // back in its place
  return ran_now(q);
}

static void adaptive_dequeue(struct proc *p)
{
  mark_woken(p, 0);
  vt_dequeue(p);
}

// A batch slice is long only while no woken process waits: then it is
// cut to the fair policy's 3 ms. Otherwise a task that needs more than
// its share, once late, runs frames back to back, is classed batch, and
// after each short sleep waits out a hog's whole 10-12 ms slice: amid 4
// hogs a periodic task needing 1.6x its share met fewer deadlines than
// under fair (issue 15, "overload collapse"; schedtest adaptive_overload).
static int adaptive_tick(struct proc *p, uint64 ran)
{
  struct adaptive_queue *q = this_queue();
  charge(p, ran);
  reclassify(p);
  if (vt_slice_done(p))
    return vt_queued();
  uint64 min_slice = timebase_hz() / 1000000 * BATCH_MIN_US;
  return p->se.cls == SCLASS_BATCH && q->nwoken > 0 && p->se.slice_used >= min_slice;
}

static void adaptive_wake(struct proc *p, struct proc *waker)
{
  // Bring the average up to date before placing p: the process running on
  // this hart (the one the timer interrupt found, when a tick wakes p) has
  // run since its last charge. Placed against the stale average, a task
  // woken by a tick gained a quarter of that tick amid 3 hogs at every
  // wake (1 ms + 2 ticks got 1.20x its share). Other harts' running
  // processes are charged at their own ticks (at most one tick behind),
  // and so is this one if p wakes in another hart's queue (its competition
  // is not this one's).
  struct proc *cur = myproc();
  if (cur && cur != p && cur->state == RUNNING && cur->se.competing && cur->se.rq == sched_rq())
    charge(cur, r_time() - cur->run_start);
  uint64 slept = r_time() - p->se.slept_at;
  score_wake(&p->se.feat, slept, waker != 0);
  if (waker)
    score_woke_other(&waker->se.feat);
  repay_debt(p, slept);
  compete(p, 1);
  mark_woken(p, 1);
  reclassify(p);
  vt_wake(p);
  vt_enqueue(p);
  p->se.feat.lag = vt_lag(p);
}

static void adaptive_block(struct proc *p, uint64 ran)
{
  charge(p, ran);
  score_block(&p->se.feat);
  compete(p, 0);
  keep_debt(p);
  p->se.feat.lag = vt_lag(p);
}

static void adaptive_exit(struct proc *p, uint64 ran)
{
  charge(p, ran);
  compete(p, 0);
  vt_leave(p);
}

// p moves to another hart's queue (sched.c): it leaves this queue's counts
// and competition and joins the new one's as it was (woken or not, same
// lag); its slice follows the new queue's count of competitors.
static void adaptive_depart(struct proc *p)
{
  struct adaptive_queue *q = this_queue();
  if (p->se.woken)
    q->nwoken--;   // the flag stays: adaptive_arrive counts it there
  compete(p, 0);
  vt_depart(p);
}

static void adaptive_arrive(struct proc *p)
{
  struct adaptive_queue *q = this_queue();
  if (p->se.woken)
    q->nwoken++;
  compete(p, 1);
  set_class(p, p->se.cls);
  vt_arrive(p);
  p->se.feat.lag = vt_lag(p);
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
  .dequeue = adaptive_dequeue,
  .pick_next = adaptive_pick_next,
  .tick = adaptive_tick,
  .wake = adaptive_wake,
  .block = adaptive_block,
  .exit = adaptive_exit,
  .preempts = adaptive_preempts,
  .reweight = adaptive_reweight,
  .depart = adaptive_depart,
  .arrive = adaptive_arrive,
};
