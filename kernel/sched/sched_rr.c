// Round robin: a FIFO run queue per hart; a process runs until it blocks
// or has used a quantum of RR_QUANTUM_MS, then goes to the back.
// This is the baseline every other policy is measured against.
#include "types.h"
#include "param.h"
#include "dev/timer.h"
#include "lib/printf.h"
#include "proc/proc.h"
#include "sched/sched.h"

#define RR_QUANTUM_MS 10

// Each hart's run queue (its lock in sched.c); hooks use sched_rq()'s.
static struct rr_queue {
  struct proc *head, *tail;
} queues[NCPU];

static void rr_init(void)
{
  struct rr_queue *q = &queues[sched_rq()];
  q->head = q->tail = 0;
}

static void rr_enqueue(struct proc *p, uint64 ran)
{
  (void)ran;
  struct rr_queue *q = &queues[sched_rq()];
  if (p->se.on_queue)
    panic("rr: enqueue of a queued process");
  p->se.next = 0;
  p->se.on_queue = 1;
  if (q->tail)
    q->tail->se.next = p;
  else
    q->head = p;
  q->tail = p;
}

static void rr_dequeue(struct proc *p)
{
  struct rr_queue *q = &queues[sched_rq()];
  struct proc **pp = &q->head, *prev = 0;
  while (*pp && *pp != p) {
    prev = *pp;
    pp = &(*pp)->se.next;
  }
  if (!*pp)
    return;
  *pp = p->se.next;
  if (q->tail == p)
    q->tail = prev;
  p->se.next = 0;
  p->se.on_queue = 0;
}

static struct proc *rr_pick_next(int cpu)
{
  struct proc *p = queues[cpu].head;
  if (p)
    rr_dequeue(p);
  return p;
}

static int rr_tick(struct proc *p, uint64 ran)
{
  (void)p;
  return ran >= timebase_hz() / 1000 * RR_QUANTUM_MS;
}

static void rr_wake(struct proc *p, struct proc *waker)
{
  (void)waker;
  rr_enqueue(p, 0);
}

static void rr_block(struct proc *p, uint64 ran)
{
  (void)p;
  (void)ran;
}

// Nothing to set up: a process is just a link in the queue.
static void rr_attach(struct proc *p)
{
  (void)p;
}

static void rr_fork(struct proc *parent, struct proc *child)
{
  (void)parent;
  (void)child;
}

static void rr_exit(struct proc *p, uint64 ran)
{
  (void)p;
  (void)ran;
}

const struct sched_policy sched_rr = {
  .name = "rr",
  .init = rr_init,
  .enqueue = rr_enqueue,
  .dequeue = rr_dequeue,
  .pick_next = rr_pick_next,
  .tick = rr_tick,
  .wake = rr_wake,
  .block = rr_block,
  .attach = rr_attach,
  .fork = rr_fork,
  .exit = rr_exit,
  .preempts = 0,   // no wake-up preemption: a woken process waits its turn
};
