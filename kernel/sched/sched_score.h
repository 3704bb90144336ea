// The adaptive policy's arithmetic: how each event updates a process's
// signals (struct sched_features, schedctl.h) and how the signals give a
// class. Pure integer functions with no kernel state, so the same file is
// compiled into the kernel (sched_adaptive.c) and into a user test
// program (user/labs/schedscore.c checks exact values). Every step is O(1).
//
// Units: times in rdtime units (100 ns on QEMU virt, 10 MHz); fractions
// out of 1024. The decaying average of x is
//     avg' = avg - avg/4 + x/4          (unsigned integer division)
// so each new sample has weight 1/4 and old history fades by 3/4 per event.
#ifndef ZENITH_SCHED_SCORE_H
#define ZENITH_SCHED_SCORE_H

#include "types.h"
#include "schedctl.h"

// Classification thresholds (see score_classify).
#define SCORE_RUN_LATENCY      5000   // 0.5 ms
#define SCORE_RUN_INTERACTIVE 20000   // 2 ms
#define SCORE_RUN_BATCH       80000   // 8 ms
#define SCORE_SLEEP_LATENCY     768   // 75 % of the time asleep
#define SCORE_SLEEP_INTERACTIVE 512   // 50 %
#define SCORE_SLEEP_BATCH       128   // 12.5 %

// avg - avg/4 + x/4.
uint32 score_ewma(uint32 avg, uint32 x);
// p ran d more units (tick, preemption or block): burst += d, saturating
// at 0xffffffff.
void score_run(struct sched_features *f, uint64 d);
// p did a wakeup of another process: burst_wakes += 1 (saturating at
// 0xffffffff).
void score_woke_other(struct sched_features *f);
// p goes to sleep: its burst is over.
//   run_avg   = ewma(run_avg, burst)
//   wakes_avg = ewma(wakes_avg, min(burst_wakes, 1000) * 256)
//   bursts   += 1 (saturating at 0xffffffff)
// burst itself is kept (score_wake needs it) and burst_wakes set to 0.
void score_block(struct sched_features *f);
// p wakes after sleeping `slept` units, woken by a process (by_process 1)
// or an interrupt (0):
//   sleep_avg  = ewma(sleep_avg, min(slept, 0xffffffff))
//   sleep_frac = ewma(sleep_frac, s * 1024 / (s + b))  with s = min(slept,
//                2^32-1), b = burst; 0 when s + b == 0
//   woken_frac = ewma(woken_frac, by_process ? 1024 : 0)
//   burst = 0
void score_wake(struct sched_features *f, uint64 slept, int by_process);
// The class, from run = max(run_avg, burst) (a burst in progress counts at
// once, so a process that stops sleeping loses its class within
// SCORE_RUN_BATCH of CPU time) and sleep_frac:
//   run >= SCORE_RUN_BATCH or sleep_frac < SCORE_SLEEP_BATCH     -> BATCH
//   run < SCORE_RUN_LATENCY and sleep_frac >= SCORE_SLEEP_LATENCY -> LATENCY
//   run < SCORE_RUN_INTERACTIVE and sleep_frac >= SCORE_SLEEP_INTERACTIVE
//                                                                -> INTERACTIVE
//   otherwise                                                    -> IO
// checked in that order.
int score_classify(const struct sched_features *f);

#endif
