// Fair scheduling in virtual time, after EEVDF (Stoica and Abdel-Wahab,
// "Earliest Eligible Virtual Deadline First", 1995; Linux 6.6 adopted it).
//
// Each process has a weight w (default 1024) and a virtual runtime v that
// grows by (CPU time) * 1024 / w as it runs, charged exactly from rdtime.
// V is the weighted average of v over the processes competing for the CPU
// (runnable or running). A process's lag, V - v, is how far it is behind
// its fair share; it is *eligible* when its lag is >= 0. Each process asks
// for a slice of CPU time at a time, which gives it a virtual deadline
// v + slice * 1024 / w; the scheduler runs the eligible process with the
// earliest deadline. Eligibility bounds everyone's lag, so no process
// starves and shares follow the weights; short slices give early
// deadlines, hence low latency, without a larger share.
//
// A sleeping process leaves the competition with its debt (negative lag,
// clamped to one slice) and comes back with it (vt_wake compensates for its
// own weight moving the average); a credit (positive lag) is dropped, so a
// sleeper comes back at V, eligible at once. So sleeping erases no debt and
// banks no credit, and a crowd of sleepers waking at one tick cannot drag
// V down and hand the others a bonus (measured: with credits kept, a task
// running 0.9 ms of every 1 ms tick got 82 % of the CPU against a hog). A new process starts
// at V (lag 0).
//
// Each hart has its own queue and its own competition (its own V): a list
// sorted by deadline, insertion O(n) in its runnable processes (n <= NPROC
// = 64), a pick walks to the first eligible one (usually the first or
// second), the average is kept incrementally in O(1) (sum_w, sum_wv). A
// process moved to another hart's queue keeps its lag against the new
// queue's V (vt_depart, vt_arrive): a move neither rewards nor punishes it.
#include "types.h"
#include "param.h"
#include "riscv.h"
#include "dev/timer.h"
#include "lib/printf.h"
#include "proc/proc.h"
#include "sched/sched.h"
#include "sched/sched_fair.h"

#define FAIR_SLICE_US 3000   // every process's slice in the fair policy

// Each hart's run queue and competition (its lock in sched.c); hooks use
// sched_rq()'s.
static struct vt_queue {
  struct proc *head;   // runnable, by deadline
#if SOL >= 5
  // The competition: sum of weights and of w * (v - v0). v0 is moved now
  // and then so the products stay far from overflow.
  int64 v0, sum_w, sum_wv;
  int64 last_v;        // V when nobody competes
#endif
} queues[NCPU];

static struct vt_queue *this_queue(void)
{
  return &queues[sched_rq()];
}

void vt_dequeue(struct proc *p)
{
  struct vt_queue *q = this_queue();
  struct proc **pp = &q->head;
  while (*pp && *pp != p)
    pp = &(*pp)->se.next;
  if (!*pp)
    return;
  *pp = p->se.next;
  p->se.next = 0;
  p->se.on_queue = 0;
}

int vt_queued(void)
{
  struct vt_queue *q = this_queue();
  return q->head != 0;
}

struct proc *vt_head(void)
{
  struct vt_queue *q = this_queue();
  return q->head;
}

#if SOL >= 5
static int64 to_virtual(struct proc *p, uint64 t)
{
  return (int64)(t * SCHED_WEIGHT_DEFAULT / (uint64)p->se.weight);
}

static int64 avg_v(void)
{
  struct vt_queue *q = this_queue();
  if (q->sum_w > 0)
    q->last_v = q->v0 + q->sum_wv / q->sum_w;
  return q->last_v;
}

static void join(struct proc *p)
{
  struct vt_queue *q = this_queue();
  p->se.in_avg = 1;
  q->sum_w += p->se.weight;
  q->sum_wv += p->se.weight * (p->se.vruntime - q->v0);
}

static void leave(struct proc *p)
{
  struct vt_queue *q = this_queue();
  p->se.in_avg = 0;
  q->sum_w -= p->se.weight;
  q->sum_wv -= p->se.weight * (p->se.vruntime - q->v0);
}

static void new_deadline(struct proc *p)
{
  p->se.slice_used = 0;
  p->se.deadline = p->se.vruntime + to_virtual(p, p->se.slice);
}

void vt_init(void)
{
  struct vt_queue *q = this_queue();
  q->head = 0;
  q->v0 = q->sum_w = q->sum_wv = q->last_v = 0;
}

void vt_attach(struct proc *p)
{
  p->se.in_avg = 0;
  p->se.on_queue = 0;
  p->se.next = 0;
  p->se.vruntime = avg_v();
  p->se.vlag = 0;
  new_deadline(p);
}

void vt_fork(struct proc *child)
{
  vt_attach(child);
}

void vt_charge(struct proc *p, uint64 d)
{
  struct vt_queue *q = this_queue();
  int64 dv = to_virtual(p, d);
  p->se.vruntime += dv;
  if (p->se.in_avg)
    q->sum_wv += p->se.weight * dv;
  p->se.slice_used += d;
}

void vt_leave(struct proc *p)
{
  if (!p->se.in_avg)
    return;
  int64 limit = to_virtual(p, p->se.slice);
  int64 lag = avg_v() - p->se.vruntime;
  p->se.vlag = lag > 0 ? 0 : lag < -limit ? -limit : lag;

  leave(p);
}

// Joining moves V towards p's vruntime: placing p at V - lag would leave
// it with only lag * W / (W + w) (W: the others' weights), and a process
// sleeping often would see its debt shrink at every wake. So place it
// at V - lag * (W + w) / W, which leaves exactly `lag` after joining.
void vt_wake(struct proc *p)
{
  struct vt_queue *q = this_queue();
  if (p->se.in_avg)
    return;
  int64 lag = p->se.vlag;
  if (q->sum_w > 0)
    lag = lag * (q->sum_w + p->se.weight) / q->sum_w;
  p->se.vruntime = avg_v() - lag;

  new_deadline(p);
  join(p);
}

void vt_enqueue(struct proc *p)
{
  struct vt_queue *q = this_queue();
  if (p->se.on_queue)
    panic("fair: enqueue of a queued process");
  if (!p->se.in_avg)
    join(p);
  struct proc **pp = &q->head;
  while (*pp && (*pp)->se.deadline <= p->se.deadline)
    pp = &(*pp)->se.next;
  p->se.next = *pp;
  *pp = p;
  p->se.on_queue = 1;
}

int vt_eligible(struct proc *p)
{
  struct vt_queue *q = this_queue();
  return q->sum_w == 0 || (p->se.vruntime - q->v0) * q->sum_w <= q->sum_wv;
}

struct proc *vt_pick(void)
{
  struct vt_queue *q = this_queue();
  // Keep v0 near V so w * (v - v0) stays small.
  int64 v = avg_v();
  if (v - q->v0 > (1L << 30) || q->v0 - v > (1L << 30)) {
    q->sum_wv -= q->sum_w * (v - q->v0);
    q->v0 = v;
  }
  struct proc *p = q->head;
  while (p && !vt_eligible(p))
    p = p->se.next;
  if (!p)
    p = q->head;   // rounding left nobody eligible: earliest deadline
  if (p)
    vt_dequeue(p);
  return p;
}

int vt_slice_done(struct proc *p)
{
  if (p->se.slice_used < p->se.slice)
    return 0;
  new_deadline(p);
  return 1;
}

int64 vt_lag(struct proc *p)
{
  int64 lag = p->se.in_avg ? avg_v() - p->se.vruntime : p->se.vlag;
  return lag * p->se.weight / SCHED_WEIGHT_DEFAULT;
}

void vt_reweight(struct proc *p, int w)
{
  int in = p->se.in_avg;
  if (in)
    leave(p);
  p->se.weight = w;
  if (in)
    join(p);
}

#else
// Lab 5 (docs/labs/sched.md): virtual time, eligibility and deadlines, as
// described at the top of this file. Until then the core is a FIFO queue
// with a slice per turn: round robin, weights ignored.
void vt_init(void)
{
  struct vt_queue *q = this_queue();
  q->head = 0;
}

void vt_attach(struct proc *p)
{
  p->se.on_queue = 0;
  p->se.next = 0;
  p->se.slice_used = 0;
}

void vt_fork(struct proc *child)
{
  vt_attach(child);
}

void vt_charge(struct proc *p, uint64 d)
{
  p->se.slice_used += d;
}

void vt_leave(struct proc *p)
{
  (void)p;
}

void vt_wake(struct proc *p)
{
  (void)p;
}

void vt_enqueue(struct proc *p)
{
  struct vt_queue *q = this_queue();
  if (p->se.on_queue)
    panic("fair: enqueue of a queued process");
  struct proc **pp = &q->head;
  while (*pp)
    pp = &(*pp)->se.next;
  p->se.next = 0;
  *pp = p;
  p->se.on_queue = 1;
}

int vt_eligible(struct proc *p)
{
  (void)p;
  return 1;
}

struct proc *vt_pick(void)
{
  struct vt_queue *q = this_queue();
  struct proc *p = q->head;
  if (p)
    vt_dequeue(p);
  return p;
}

int vt_slice_done(struct proc *p)
{
  if (p->se.slice_used < p->se.slice)
    return 0;
  p->se.slice_used = 0;
  return 1;
}

int64 vt_lag(struct proc *p)
{
  (void)p;
  return 0;
}

void vt_reweight(struct proc *p, int w)
{
  p->se.weight = w;
}

#endif

// ---- Moving to another hart's queue (sched.c migrate), written with the
// core above: p leaves this queue's competition with its exact lag (not
// clamped, a credit kept) and joins the new one with it (vt_wake places it
// so), keeping how far its deadline is ahead and what it used of its slice.
void vt_depart(struct proc *p)
{
  int in = p->se.in_avg;
  int64 lag = vt_lag(p) * SCHED_WEIGHT_DEFAULT / p->se.weight;   // virtual, V - v
  vt_dequeue(p);
  vt_leave(p);
  if (in)
    p->se.vlag = lag;
  p->se.deadline -= p->se.vruntime;   // relative, until vt_arrive
}

void vt_arrive(struct proc *p)
{
  int64 ahead = p->se.deadline;
  uint64 used = p->se.slice_used;
  vt_wake(p);
  p->se.deadline = p->se.vruntime + ahead;
  p->se.slice_used = used;
  vt_enqueue(p);
}

// ---- The fair policy: the core above with one slice for everyone.

static void fair_init(void)
{
  vt_init();
}

static void fair_attach(struct proc *p)
{
  p->se.slice = timebase_hz() / 1000000 * FAIR_SLICE_US;
  vt_attach(p);
}

static void fair_fork(struct proc *parent, struct proc *child)
{
  (void)parent;
  fair_attach(child);
}

static void fair_enqueue(struct proc *p, uint64 ran)
{
  vt_charge(p, sched_uncharged(p, ran));
  vt_slice_done(p);
  vt_enqueue(p);
}

static struct proc *fair_pick_next(int cpu)
{
  (void)cpu;
  return vt_pick();
}

static int fair_tick(struct proc *p, uint64 ran)
{
  vt_charge(p, sched_uncharged(p, ran));
  return vt_slice_done(p) && vt_queued();
}

static void fair_wake(struct proc *p, struct proc *waker)
{
  (void)waker;
  vt_wake(p);
  vt_enqueue(p);
}

static void fair_block(struct proc *p, uint64 ran)
{
  vt_charge(p, sched_uncharged(p, ran));
  vt_leave(p);
}

static void fair_exit(struct proc *p, uint64 ran)
{
  fair_block(p, ran);
}

// A woken process preempts one whose deadline is later, if it is eligible.
static int fair_preempts(struct proc *w, struct proc *r)
{
  return vt_eligible(w) && w->se.deadline < r->se.deadline;
}

const struct sched_policy sched_fair = {
  .name = "fair",
  .init = fair_init,
  .attach = fair_attach,
  .fork = fair_fork,
  .enqueue = fair_enqueue,
  .dequeue = vt_dequeue,
  .pick_next = fair_pick_next,
  .tick = fair_tick,
  .wake = fair_wake,
  .block = fair_block,
  .exit = fair_exit,
  .preempts = fair_preempts,
  .reweight = vt_reweight,
  .depart = vt_depart,
  .arrive = vt_arrive,
};
