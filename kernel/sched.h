// The scheduling-policy interface. proc.c calls these hooks at every event;
// a policy decides which runnable process a hart runs next. All hooks are
// called with the run-queue lock held (sched_lock) and must be O(1) or close.
//
// Policies register in sched.c's table and are chosen at boot with
// sched=<name> on the kernel command line. Round robin (sched_rr.c) is the
// first one; later policies add fields to struct sched_entity as they need.
#ifndef ZENITH_SCHED_H
#define ZENITH_SCHED_H

#include "types.h"

struct proc;

// Per-process state owned by the active policy.
struct sched_entity {
  struct proc *next;     // run-queue link
  int on_queue;          // in the run queue now?
};

struct sched_policy {
  const char *name;
  void (*init)(void);
  void (*enqueue)(struct proc *p);             // p became runnable (new, yielded)
  void (*dequeue)(struct proc *p);             // p leaves the queue without running
  struct proc *(*pick_next)(int cpu);          // remove and return next, or 0
  int (*tick)(struct proc *p, uint64 ran);     // timer tick on a running p; non-zero = preempt
  void (*wake)(struct proc *p);                // p woke from sleep
  void (*block)(struct proc *p, uint64 ran);   // p is going to sleep after running `ran`
};

void sched_init(void);   // reads sched=<name> from the boot arguments
const char *sched_policy_name(void);
// Hooks called by proc.c; each takes the run-queue lock itself.
void sched_enqueue(struct proc *p);
void sched_dequeue(struct proc *p);
struct proc *sched_pick_next(int cpu);
int sched_tick(struct proc *p, uint64 ran);
void sched_wake(struct proc *p);
void sched_block(struct proc *p, uint64 ran);
// Wake one idle hart (other than this one) with an IPI so a process that just
// became runnable need not wait for that hart's next tick.
void sched_kick_idle(void);

extern const struct sched_policy sched_rr;

#endif
