// The scheduling-policy interface. proc.c calls the sched_* wrappers below
// at every event; each takes the lock of one hart's run queue (sched.c),
// calls the active policy's hook on that queue, records a trace event
// (schedtrace.h) and counts the hook's cost. A policy decides which
// runnable process of a queue its hart runs next.
//
// Each hart has its own run queue (book 7.9.2). A policy keeps the state of
// each queue apart, in an array indexed by sched_rq(): the queue the hook
// being called works on (sched.c sets it before every call). A hook works
// on that queue only, with its lock held, and must be O(1), or O(n) in the
// number of runnable processes (at most NPROC = 64) where a policy says so.
// sched.c moves processes between queues (placement at wake-up, stealing,
// periodic balance) with the depart/arrive hooks.
//
// Policies register in sched.c's table (ids in schedctl.h), are chosen at
// boot with sched=<name> on the kernel command line, and can be switched
// at run time by a holder of the scheduler-control capability
// (sched_switch). Files: sched_rr.c, sched_mlfq.c, sched_fair.c,
// sched_adaptive.c; the adaptive policy's pure arithmetic is sched_score.c.
#ifndef ZENITH_SCHED_H
#define ZENITH_SCHED_H

#include "types.h"
#include "riscv.h"
#include "schedctl.h"

struct proc;

// Per-process scheduler state, under the lock of the run queue `rq` names
// (which changes only with both queues' locks held). The first group is
// kept by sched.c for every policy; the rest belongs to the active policy
// and is set up again by its attach() when the policy changes.
struct sched_entity {
  // Common (sched.c):
  int rq;                  // the hart whose run queue p belongs to (queued,
                           // running there, or asleep since it last ran there)
  struct proc *next;       // run-queue link (list policies)
  int on_queue;            // in the active policy's run queue now?
  int weight;              // fair share weight (SCHED_WEIGHT_*), kept across switches
  int cls;                 // SCLASS_* (adaptive; SCLASS_NONE otherwise)
  uint64 runnable_since;   // rdtime it last became runnable (wait time)
  uint64 charged;          // of the current run, time already charged by tick()
  uint64 slept_at;         // rdtime it last blocked
  int last_hart;           // hart it last ran on (-1: never ran): migrations
  int waiting;             // runnable, not running: counted in its queue's nwaiting
  // mlfq:
  int level;               // 0 = top
  uint64 allot_used;       // time used at this level since the last boost
  // fair and adaptive (virtual time, see sched_fair.c):
  int64 vruntime;          // virtual runtime: CPU time * 1024 / weight
  int64 deadline;          // virtual deadline: vruntime at request + slice * 1024 / weight
  int64 vlag;              // lag (virtual) kept while asleep
  uint64 slice;            // requested slice, rdtime units
  uint64 slice_used;       // of it, used so far
  int in_avg;              // counted in the average virtual time?
  // adaptive: competing for the CPU (runnable or running)? and the signals
  // (schedctl.h; S2's learned policy reuses them)
  int competing;
  int woken;               // woke and has not run since (adaptive)
  int asleep_in_debt;      // asleep with a debt to repay (adaptive)
  struct sched_features feat;
};

struct sched_policy {
  const char *name;
  void (*init)(void);                          // empty the queue (boot, switch)
  void (*attach)(struct proc *p);              // set up p->se's policy part (switch)
  void (*fork)(struct proc *parent, struct proc *child);  // child is new (parent 0: init)
  void (*enqueue)(struct proc *p, uint64 ran); // p runnable: new (ran 0) or preempted
                                               // after running `ran` since picked
  void (*dequeue)(struct proc *p);             // p leaves the queue without running
  struct proc *(*pick_next)(int cpu);          // remove and return next, or 0
  int (*tick)(struct proc *p, uint64 ran);     // timer tick on a running p; ran =
                                               // time since picked. Non-zero = preempt
  void (*wake)(struct proc *p, struct proc *waker);  // p woke (waker 0: interrupt)
  void (*block)(struct proc *p, uint64 ran);   // p goes to sleep after running `ran`
  void (*exit)(struct proc *p, uint64 ran);    // p exits after running `ran` (may be 0)
  // Should woken process w take the hart from running process r? (0 = no
  // wake-up preemption; may be 0.)
  int (*preempts)(struct proc *w, struct proc *r);
  // p's weight changes to w (may be 0: then sched.c just sets it).
  void (*reweight)(struct proc *p, int w);
  // p, runnable and not running, moves to another hart's queue: depart
  // takes it out of this queue (it may have been taken off the list by
  // pick_next already) and arrive puts it in the new one, as it was: a
  // move must neither reward nor punish it (fair: same lag). Either may be
  // 0: then sched.c uses dequeue and enqueue(p, 0).
  void (*depart)(struct proc *p);
  void (*arrive)(struct proc *p);
};

// The run queue (a hart id) the hook being called works on: sched.c sets
// sched_hook_rq[hart] before each call. Inline, because a policy asks for
// it in every helper: as a call (with cpuid()) it cost about 21
// instructions each time and tripled the cost of a pick (book 7.9).
extern int sched_hook_rq[];
static inline int sched_rq(void)
{
  return sched_hook_rq[r_tp()];
}
// mlfq counts its boosts here (statistics; any queue's lock).
void sched_count_boost(void);

void sched_init(void);   // reads sched=<name> from the boot arguments
uint64 instret_insns(void);   // instructions retired on this hart (exact under -icount)
const char *sched_policy_name(void);
int sched_policy_id(void);
// Policy id for a name, or -E_NOPOLICY.
int sched_policy_lookup(const char *name);
// Make policy `id` active, moving every runnable process to it. Returns id
// or -E_NOPOLICY.
int sched_switch(int id);
// Set p's weight (p->lock held).
void sched_set_weight(struct proc *p, int weight);

// Hooks called by proc.c; each takes the run-queue lock itself. The caller
// holds p->lock.
void sched_fork(struct proc *parent, struct proc *child);  // before sched_enqueue
void sched_enqueue(struct proc *p);                         // new process
void sched_preempt(struct proc *p, uint64 ran);             // still runnable, leaving the hart
void sched_block(struct proc *p, uint64 ran);
void sched_exit(struct proc *p, uint64 ran);
void sched_dequeue(struct proc *p);
struct proc *sched_pick_next(int cpu);
void sched_running(struct proc *p, int cpu);   // scheduler(): p got the hart
int sched_tick(struct proc *p, uint64 ran);
// Every timer tick on every hart, running or idle (trap.c), before the
// tick wakes anyone: counts what this hart was doing (schedstat.hart[]).
void sched_hart_tick(void);
void sched_wake(struct proc *p);
// The part of `ran` (time since picked) not yet charged by an earlier
// tick of this run; marks it charged. For policies that charge at ticks.
uint64 sched_uncharged(struct proc *p, uint64 ran);
// The running process on this hart should give up the hart (a wake-up
// preempted it): trap.c checks this on the way back from a trap.
int sched_should_resched(void);
// Statistics for sched_stats (syssched.c); caller copies them out.
void sched_fill_stats(struct schedstat *st);
void sched_fill_proc(struct proc *p, struct schedproc *sp);
// The event trace (schedtrace.c, record layout in schedtrace.h). emit
// records one event in this hart's ring (p may be 0); read drains every
// ring into a user buffer of max records and returns how many it copied.
void strace_init(void);
void strace_emit(int type, struct proc *p, int aux, uint64 arg);
void strace_name(struct proc *p);   // SEV_NAME: p's program name
int strace_read(uint64 user_buf, int max);
uint64 strace_lost(void);
// SandCell CPU shares (sched.c): a cell's quota changed or it died, so
// processes held back for it may run now.
void sched_cells_changed(void);

extern const struct sched_policy sched_rr, sched_mlfq, sched_fair, sched_adaptive, sched_learned;

#endif
