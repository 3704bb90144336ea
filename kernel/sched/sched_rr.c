// Round robin: one FIFO run queue shared by all harts; a process runs until
// it blocks or has used a quantum of RR_QUANTUM_MS, then goes to the back.
// This is the baseline every other policy is measured against.
#include "types.h"
#include "param.h"
#include "dev/timer.h"
#include "lib/printf.h"
#include "proc/proc.h"
#include "sched/sched.h"

#define RR_QUANTUM_MS 10

static struct proc *head, *tail;   // the run queue (rq_lock in sched.c)

static void rr_init(void)
{
  head = tail = 0;
}

static void rr_enqueue(struct proc *p, uint64 ran)
{
  (void)ran;
  if (p->se.on_queue)
    panic("rr: enqueue of a queued process");
  p->se.next = 0;
  p->se.on_queue = 1;
  if (tail)
    tail->se.next = p;
  else
    head = p;
  tail = p;
}

static void rr_dequeue(struct proc *p)
{
  struct proc **pp = &head, *prev = 0;
  while (*pp && *pp != p) {
    prev = *pp;
    pp = &(*pp)->se.next;
  }
  if (!*pp)
    return;
  *pp = p->se.next;
  if (tail == p)
    tail = prev;
  p->se.next = 0;
  p->se.on_queue = 0;
}

static struct proc *rr_pick_next(int cpu)
{
  (void)cpu;
  struct proc *p = head;
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
