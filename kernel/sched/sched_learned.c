// The learned policy: everything the adaptive policy does (signals,
// virtual time, slices, wake-up preemption), except that the class comes
// from a lookup table trained on the host from labelled workloads
// (tools/sched_learn.py -> sched_learned_table.h) instead of the
// hand-written thresholds of score_classify.
//
// The table is indexed by buckets of three signals:
//   run   = max(run_avg, burst)   LEARN_RUN_B buckets of log2(run)
//   sleep = sleep_frac (/1024)    LEARN_SLEEP_B equal buckets of 128 (linear: log2
//                                 buckets put 512-1023 in one, across the 768
//                                 that parts latency from interactive)
//   woken = woken_frac >= 512     2 buckets (woken mostly by processes?)
// A lookup is a few compares and shifts: well under 200 instructions.
#include "types.h"
#include "proc/proc.h"
#include "sched/sched.h"
#include "schedtrace.h"
#include "sched/sched_learned.h"
#include "sched/sched_learned_table.h"

// floor(log2(x)) for x > 0, 0 for x == 0, by binary search (no clz on rv64gc).
static int log2_floor(uint32 x)
{
  int n = 0;
  if (x >= 1u << 16) { n += 16; x >>= 16; }
  if (x >= 1u << 8) { n += 8; x >>= 8; }
  if (x >= 1u << 4) { n += 4; x >>= 4; }
  if (x >= 1u << 2) { n += 2; x >>= 2; }
  if (x >= 1u << 1) { n += 1; }
  return n;
}

static int bucket(uint32 x, int lowest, int nbuckets)
{
  int b = (x ? log2_floor(x) + 1 : 0) - lowest;
  return b < 0 ? 0 : b >= nbuckets ? nbuckets - 1 : b;
}

int learned_classify(const struct sched_features *f)
{
  uint32 run = f->run_avg > f->burst ? f->run_avg : f->burst;
  int r = bucket(run, LEARN_RUN_LOW, LEARN_RUN_B);
  int s = (int)(f->sleep_frac >> LEARN_SLEEP_SHIFT);
  if (s >= LEARN_SLEEP_B)
    s = LEARN_SLEEP_B - 1;
  int w = f->woken_frac >= 512;
  return learned_table[r][s][w];
}

// The hooks are the adaptive policy's; only init differs (it swaps the
// classifier in, and adaptive's own init swaps it back).
static void learned_init(void)
{
  sched_adaptive.init();
  adaptive_classify = learned_classify;
}

static void learned_attach(struct proc *p) { sched_adaptive.attach(p); }
static void learned_fork(struct proc *parent, struct proc *child)
{
  sched_adaptive.fork(parent, child);
}
static void learned_enqueue(struct proc *p, uint64 ran) { sched_adaptive.enqueue(p, ran); }
static void learned_dequeue(struct proc *p) { sched_adaptive.dequeue(p); }
static struct proc *learned_pick_next(int cpu) { return sched_adaptive.pick_next(cpu); }
static int learned_tick(struct proc *p, uint64 ran) { return sched_adaptive.tick(p, ran); }
static void learned_wake(struct proc *p, struct proc *waker) { sched_adaptive.wake(p, waker); }
static void learned_block(struct proc *p, uint64 ran) { sched_adaptive.block(p, ran); }
static void learned_exit(struct proc *p, uint64 ran) { sched_adaptive.exit(p, ran); }
static int learned_preempts(struct proc *w, struct proc *r) { return sched_adaptive.preempts(w, r); }
static void learned_reweight(struct proc *p, int w) { sched_adaptive.reweight(p, w); }
static void learned_depart(struct proc *p) { sched_adaptive.depart(p); }
static void learned_arrive(struct proc *p) { sched_adaptive.arrive(p); }

const struct sched_policy sched_learned = {
  .name = "learned",
  .init = learned_init,
  .attach = learned_attach,
  .fork = learned_fork,
  .enqueue = learned_enqueue,
  .dequeue = learned_dequeue,
  .pick_next = learned_pick_next,
  .tick = learned_tick,
  .wake = learned_wake,
  .block = learned_block,
  .exit = learned_exit,
  .preempts = learned_preempts,
  .reweight = learned_reweight,
  .depart = learned_depart,
  .arrive = learned_arrive,
};
