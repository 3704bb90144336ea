// The virtual-time core shared by the fair policy (sched_fair.c) and the
// adaptive policy (sched_adaptive.c), which differ only in each process's
// slice and in when a wake-up preempts. Kernel-internal; every function
// works on the run queue sched_rq() names, with its lock held.
#ifndef ZENITH_SCHED_FAIR_H
#define ZENITH_SCHED_FAIR_H

#include "types.h"

struct proc;

void vt_init(void);
// Set up p with lag 0 (switch, first process).
void vt_attach(struct proc *p);
// child starts at the average virtual time, lag 0.
void vt_fork(struct proc *child);
// Charge d rdtime units of CPU time to p (virtual time advances d*1024/w).
void vt_charge(struct proc *p, uint64 d);
// p joins the competition again after a sleep, with the debt it left with.
void vt_wake(struct proc *p);
// p leaves the competition (sleep or exit); its debt (lag < 0) is kept
// for vt_wake, a credit dropped.
void vt_leave(struct proc *p);
// Insert p in the queue (by deadline), joining the competition if needed.
void vt_enqueue(struct proc *p);
void vt_dequeue(struct proc *p);
// Remove and return the eligible process with the earliest deadline.
struct proc *vt_pick(void);
// Is p eligible (lag >= 0: it has received no more than its share)?
int vt_eligible(struct proc *p);
// Has p used up its slice? If so, give it a new deadline and return 1.
int vt_slice_done(struct proc *p);
// Anyone waiting in the queue?
int vt_queued(void);
// The queue, by deadline (linked through se.next); to look at, not to change.
struct proc *vt_head(void);
// p's lag behind its fair share, in rdtime units (+ = owed CPU).
int64 vt_lag(struct proc *p);
void vt_reweight(struct proc *p, int w);
// p (runnable, not running) moves to another hart's queue: vt_depart takes
// it out of this queue's competition with its lag, vt_arrive (hooks on the
// new queue) puts it in with the same lag.
void vt_depart(struct proc *p);
void vt_arrive(struct proc *p);

#endif
