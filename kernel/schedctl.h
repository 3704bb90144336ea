// The scheduler-control API, shared by the kernel (syssched.c) and user
// programs ("kernel/schedctl.h"): policy ids, the capability that controls
// the scheduler, and what sched_stats() reports. The trace record is in
// schedtrace.h.
//
// The capability: a capability slot naming the scheduler-control object
// (capinfo type CAPT_SCHEDCTL). Its rights mean:
//   CAP_R_READ   read the trace and the statistics (sched_trace, sched_stats)
//   CAP_R_WRITE  switch the policy (sched_setpolicy) and set any process's
//                weight (sched_setweight)
//   CAP_R_DUP / CAP_R_TRANSFER / CAP_R_REVOKE   as for every capability
// The kernel gives init one, with all of these, in slot SCHEDCTL_SLOT before
// init starts; nobody else can create one. init keeps it and its shell
// inherits it; the shell closes it in every child except the programs that
// need it (`sched`, `schedtest`, `schedbench`, `schedlat`: user/cmd/sh.c). Anyone can read
// the active policy's name (sched_policy) without a capability.
//
// System calls (user/user.h):
//   sched_trace(slot, struct sched_event *buf, max)      -> records copied
//   sched_stats(slot, struct schedstat *st, struct schedproc *procs, max)
//                                                        -> processes copied
//   sched_setpolicy(slot, name)                          -> new policy id
//   sched_setweight(pid, weight, slot)                   -> 0
//   sched_policy(char *buf, len)                         -> active policy id
// Errors: -E_BADCAP / -E_NORIGHT (slot), -E_NOPOLICY (unknown policy name),
// -E_INVAL (weight out of range, bad max), -E_NOCAP (no capability for the
// pid), -E_SRCH, -E_FAULT.
#ifndef ZENITH_SCHEDCTL_H
#define ZENITH_SCHEDCTL_H

#include "types.h"
#include "param.h"   // NCPU: one schedhart per possible hart

// The slot init finds its scheduler-control capability in.
#define SCHEDCTL_SLOT 15

// Policy ids, in the order of sched.c's table.
#define SCHED_POLICY_RR        0
#define SCHED_POLICY_MLFQ      1
#define SCHED_POLICY_FAIR      2
#define SCHED_POLICY_ADAPTIVE  3
#define SCHED_POLICY_LEARNED   4   // adaptive with a trained class table (sched_learned.c)
#define SCHED_MAXPOLICY        8   // room for more (the learned policy)
#define SCHED_NAME_LEN        12

// Weights (fair and adaptive): a process's share of the CPU is its weight
// over the sum of the weights of the runnable processes.
#define SCHED_WEIGHT_DEFAULT 1024
#define SCHED_WEIGHT_MIN        1
#define SCHED_WEIGHT_MAX    65536
// sched_setweight with a process capability (CAP_R_KILL for the pid) may
// only set weights up to the default (a holder can slow down a process it
// controls, or restore it, never favour it); with the scheduler-control
// capability (CAP_R_WRITE) any weight in range.

// What the adaptive policy knows about each process, updated in O(1)
// integer arithmetic at every event (kernel/sched/sched_score.c says exactly
// how). Times are in rdtime units (100 ns on QEMU virt); "fractions" are
// out of 1024. The learned policy (S2: kernel/sched/sched_learned.c, trained by
// tools/sched_learn.py) reads the same struct: bucket each field by log2.
struct sched_features {
  uint32 run_avg;      // decaying average CPU burst (run time between sleeps)
  uint32 sleep_avg;    // decaying average voluntary sleep
  uint32 sleep_frac;   // decaying average of sleep / (sleep + burst), /1024
  uint32 woken_frac;   // decaying average: woken by a process (1024) or an
                       // interrupt/timer (0)
  uint32 wakes_avg;    // decaying average of wakeups it did per burst, x256
  uint32 burst;        // CPU time of the burst in progress
  uint32 burst_wakes;  // wakeups done in the burst in progress
  uint32 bursts;       // bursts completed (saturates)
  int64 lag;           // lag behind its fair share, rdtime units (+ = owed)
};

// Per-policy decision counters.
struct schedpolstat {
  char name[SCHED_NAME_LEN];
  uint32 pad;
  uint64 picks;         // pick_next calls (decisions)
  uint64 pick_time;     // rdtime units spent in pick_next (incl. the lock)
  uint64 pick_instret;  // instructions retired in the policy's pick_next:
                        // exact under QEMU -icount (any shift: the kernel
                        // divides by instret_per_insn); not instructions
                        // without -icount
  uint64 hook_calls;    // every other hook (enqueue, wake, tick, block, ...)
  uint64 hook_instret;  // their instructions
  uint64 share_instret; // instructions of the decisions outside pick_next
                        // (the SandCells' CPU-share check, sched.c)
};

// Per-hart counts, kept by the kernel (sched.c) under the hart's run-queue
// lock, except migrations (written only by its own hart, with interrupts
// off) and the IPIs received (atomic adds by the sender). They are
// counts, not times, so that they mean the same on a loaded host: a hart the
// host does not run takes fewer ticks, but each tick still says what the
// hart was doing. Each hart has its own run queue
// (book 7.9.2): a process waits in one hart's queue, its "home". Book 7.9.1.
struct schedhart {
  uint64 ticks;              // timer ticks this hart took
  uint64 idle_ticks;         // of them, idle: its last look at the run queue
                             // found nothing (not: between two processes)
  uint64 idle_waiting_ticks; // of those, with some process runnable and waiting
                             // (in any hart's queue): work waited while this hart
                             // idled, the measure of balance
  uint64 waiting_ticks;      // sum over its ticks of the processes waiting in
                             // this hart's queue
  uint64 picks;              // pick_next found a process for this hart
  uint64 idle_picks;         // pick_next found nothing
  uint64 migrations;         // a process ran here that last ran on another hart
  uint64 preempt_ipis_sent;  // wake-up preemptions this hart sent by IPI
  uint64 preempt_ipis_rcvd;  // of all harts' preemption IPIs, those sent here
  uint64 kicks_sent;         // IPIs this hart sent to wake an idle hart
  uint64 kicks_rcvd;         // of all harts' kicks, those sent here
  uint64 steals;             // processes this hart took from another's queue
                             // because its own was empty (before idling)
  uint64 balanced;           // processes the periodic balance moved into this
                             // hart's queue (from the busiest one)
};

struct schedstat {
  int policy;             // active policy id
  int npolicies;          // entries used in pol[]
  uint64 now;               // rdtime when the snapshot was taken
  uint64 timebase_hz;       // rdtime units per second
  uint64 switches;          // policy switches since boot
  uint64 preempt_ipis;      // wake-up preemptions sent to other harts
  uint64 trace_lost;        // trace records overwritten before being read
  uint64 boosts;            // mlfq priority boosts
  struct schedpolstat pol[SCHED_MAXPOLICY];
  uint64 instret_per_insn;  // instret units per instruction the kernel measured
                            // at boot (2^shift under -icount; the *_instret
                            // figures above are already divided by it)
  int nharts;               // hart[0..nharts-1] may be in use (highest started id + 1)
  int pad2;
  struct schedhart hart[NCPU];   // indexed by hart id; a hart never started is all 0
};

struct schedproc {
  int pid;
  int state;              // enum procstate (procinfo.h names)
  int cls;                // SCLASS_* (schedtrace.h)
  int weight;
  int level;              // mlfq level (0 = top)
  int hart;               // the hart whose run queue it is in (or runs on,
                          // or last ran on if asleep)
  uint64 cputime;           // exact CPU time, rdtime units
  int64 vruntime;           // fair/adaptive virtual runtime (relative)
  struct sched_features feat;
  char name[16];
};

#endif
