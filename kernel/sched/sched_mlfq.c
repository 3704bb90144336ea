// Multi-level feedback queue (after Corbató's CTSS scheduler): MLFQ_LEVELS
// FIFO queues, level 0 first. A new process starts at the top. Each level
// has a quantum (how long a process runs before the next in its queue gets
// a turn) and an allotment (how much CPU time a process may use at the
// level, summed over all its runs and sleeps, before it moves down one
// level). Because the allotment survives sleeps and is charged exactly
// (rdtime, not ticks), yielding just before the quantum ends gains
// nothing. Every MLFQ_BOOST_MS all processes go back to the top, so
// nothing starves under a stream of high-priority work, and a process
// whose behaviour changed gets a fresh start. Each hart has its own
// levels and boosts its own processes (those whose se.rq names it).
//
// Costs: enqueue, wake, tick O(1); pick O(MLFQ_LEVELS); a boost walks the
// process table, O(NPROC), once per MLFQ_BOOST_MS.
#include "types.h"
#include "param.h"
#include "riscv.h"
#include "dev/timer.h"
#include "lib/printf.h"
#include "proc/proc.h"
#include "sched/sched.h"

#define MLFQ_LEVELS   4
#define MLFQ_BOOST_MS 100
#define MS(n) ((uint64)(n) * (timebase_hz() / 1000))

static const uint64 quantum_ms[MLFQ_LEVELS] = { 2, 4, 8, 16 };

// Each hart's run queue (its lock in sched.c); hooks use sched_rq()'s.
static struct mlfq_queue {
  struct {
    struct proc *head, *tail;
  } level[MLFQ_LEVELS];
  uint64 last_boost;   // rdtime of its last boost
} queues[NCPU];

static struct mlfq_queue *this_queue(void)
{
  return &queues[sched_rq()];
}

static void mlfq_init(void)
{
  struct mlfq_queue *q = this_queue();
  for (int i = 0; i < MLFQ_LEVELS; i++)
    q->level[i].head = q->level[i].tail = 0;
  q->last_boost = r_time();
}

static void put(struct proc *p)
{
  struct mlfq_queue *q = this_queue();
  if (p->se.on_queue)
    panic("mlfq: enqueue of a queued process");
  int l = p->se.level;
  p->se.next = 0;
  p->se.on_queue = 1;
  if (q->level[l].tail)
    q->level[l].tail->se.next = p;
  else
    q->level[l].head = p;
  q->level[l].tail = p;
}

static void mlfq_dequeue(struct proc *p)
{
  if (!p->se.on_queue)
    return;
  struct mlfq_queue *q = this_queue();
  int l = p->se.level;
  struct proc **pp = &q->level[l].head, *prev = 0;
  while (*pp && *pp != p) {
    prev = *pp;
    pp = &(*pp)->se.next;
  }
  if (!*pp)
    return;
  *pp = p->se.next;
  if (q->level[l].tail == p)
    q->level[l].tail = prev;
  p->se.next = 0;
  p->se.on_queue = 0;
}

#if SOL >= 5
// Time a process may use at a level before it is demoted; the bottom level
// keeps it until the next boost.
static const uint64 allot_ms[MLFQ_LEVELS] = { 8, 16, 32, 0 };

// Charge d units to p's allotment; demote it when the allotment is used up.
// Returns 1 if it was demoted.
static int charge(struct proc *p, uint64 d)
{
  int l = p->se.level;
  p->se.allot_used += d;
  if (l == MLFQ_LEVELS - 1 || p->se.allot_used < MS(allot_ms[l]))
    return 0;
  p->se.level = l + 1;
  p->se.allot_used = 0;
  return 1;
}

// Every process of this queue (queued, running on its hart, or asleep
// since it ran there) back to the top with a fresh allotment; queued ones
// keep their order, lower levels behind higher ones.
static void boost(struct mlfq_queue *q, uint64 now)
{
  q->last_boost = now;
  sched_count_boost();
  for (int l = 1; l < MLFQ_LEVELS; l++) {
    if (!q->level[l].head)
      continue;
    if (q->level[0].tail)
      q->level[0].tail->se.next = q->level[l].head;
    else
      q->level[0].head = q->level[l].head;
    q->level[0].tail = q->level[l].tail;
    q->level[l].head = q->level[l].tail = 0;
  }
  for (struct proc *p = proc; p < &proc[NPROC]; p++) {
    if (p->se.rq == sched_rq()) {
      p->se.level = 0;
      p->se.allot_used = 0;
    }
  }
}

static void maybe_boost(void)
{
  struct mlfq_queue *q = this_queue();
  uint64 now = r_time();
  if (now - q->last_boost >= MS(MLFQ_BOOST_MS))
    boost(q, now);
}

#else
// Lab 5 (docs/labs/sched.md): charge d units to p's allotment and demote
// it when the allotment of its level is used up (return 1 then); move
// every process back to the top every MLFQ_BOOST_MS. Until then this is
// round robin: nobody leaves level 0.
static int charge(struct proc *p, uint64 d)
{
  (void)p;
  (void)d;
  return 0;
}

static void maybe_boost(void)
{
}

#endif

static void mlfq_attach(struct proc *p)
{
  p->se.level = 0;
  p->se.allot_used = 0;
}

static void mlfq_fork(struct proc *parent, struct proc *child)
{
  (void)parent;
  mlfq_attach(child);   // new work starts at the top
}

static void mlfq_enqueue(struct proc *p, uint64 ran)
{
  charge(p, sched_uncharged(p, ran));
  put(p);
}

static struct proc *mlfq_pick_next(int cpu)
{
  (void)cpu;
  maybe_boost();
  struct mlfq_queue *q = this_queue();
  for (int l = 0; l < MLFQ_LEVELS; l++) {
    struct proc *p = q->level[l].head;
    if (p) {
      q->level[l].head = p->se.next;
      if (!q->level[l].head)
        q->level[l].tail = 0;
      p->se.next = 0;
      p->se.on_queue = 0;
      return p;
    }
  }
  return 0;
}

// A process waiting at a higher level than l?
static int higher_waiting(int l)
{
  struct mlfq_queue *q = this_queue();
  for (int i = 0; i < l; i++)
    if (q->level[i].head)
      return 1;
  return 0;
}

static int mlfq_tick(struct proc *p, uint64 ran)
{
  maybe_boost();
  if (charge(p, sched_uncharged(p, ran)))
    return 1;   // demoted: its turn at the old level is over
  return ran >= MS(quantum_ms[p->se.level]) || higher_waiting(p->se.level);
}

static void mlfq_wake(struct proc *p, struct proc *waker)
{
  (void)waker;
  put(p);
}

static void mlfq_block(struct proc *p, uint64 ran)
{
  charge(p, sched_uncharged(p, ran));
}

static void mlfq_exit(struct proc *p, uint64 ran)
{
  (void)p;
  (void)ran;
}

// A woken process at a higher level takes the hart at once.
static int mlfq_preempts(struct proc *w, struct proc *r)
{
  return w->se.level < r->se.level;
}

const struct sched_policy sched_mlfq = {
  .name = "mlfq",
  .init = mlfq_init,
  .attach = mlfq_attach,
  .fork = mlfq_fork,
  .enqueue = mlfq_enqueue,
  .dequeue = mlfq_dequeue,
  .pick_next = mlfq_pick_next,
  .tick = mlfq_tick,
  .wake = mlfq_wake,
  .block = mlfq_block,
  .exit = mlfq_exit,
  .preempts = mlfq_preempts,
};
