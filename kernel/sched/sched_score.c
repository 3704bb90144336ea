// The adaptive policy's arithmetic (sched_score.h says exactly what each
// function computes). No kernel state and no kernel calls: user/labs/schedscore.c
// compiles this same file to check it.
#include "types.h"
#include "schedctl.h"
#include "schedtrace.h"
#include "sched/sched_score.h"

#if SOL >= 5
#define SAT32 0xffffffffUL

uint32 score_ewma(uint32 avg, uint32 x)
{
  return avg - avg / 4 + x / 4;
}

void score_run(struct sched_features *f, uint64 d)
{
  uint64 b = (uint64)f->burst + d;
  f->burst = b > SAT32 ? SAT32 : b;
}

void score_woke_other(struct sched_features *f)
{
  if (f->burst_wakes < SAT32)
    f->burst_wakes++;
}

void score_block(struct sched_features *f)
{
  uint32 w = f->burst_wakes < 1000 ? f->burst_wakes : 1000;
  f->run_avg = score_ewma(f->run_avg, f->burst);
  f->wakes_avg = score_ewma(f->wakes_avg, w * 256);
  if (f->bursts < SAT32)
    f->bursts++;
  f->burst_wakes = 0;
}

void score_wake(struct sched_features *f, uint64 slept, int by_process)
{
  uint64 s = slept > SAT32 ? SAT32 : slept;
  uint64 total = s + f->burst;
  uint32 frac = total ? (uint32)(s * 1024 / total) : 0;
  f->sleep_avg = score_ewma(f->sleep_avg, (uint32)s);
  f->sleep_frac = score_ewma(f->sleep_frac, frac);
  f->woken_frac = score_ewma(f->woken_frac, by_process ? 1024 : 0);
  f->burst = 0;
}

int score_classify(const struct sched_features *f)
{
  uint32 run = f->run_avg > f->burst ? f->run_avg : f->burst;
  if (run >= SCORE_RUN_BATCH || f->sleep_frac < SCORE_SLEEP_BATCH)
    return SCLASS_BATCH;
  if (run < SCORE_RUN_LATENCY && f->sleep_frac >= SCORE_SLEEP_LATENCY)
    return SCLASS_LATENCY;
  if (run < SCORE_RUN_INTERACTIVE && f->sleep_frac >= SCORE_SLEEP_INTERACTIVE)
    return SCLASS_INTERACTIVE;
  return SCLASS_IO;
}
#else
// Lab 5 (docs/labs/sched.md): compute exactly what sched_score.h says.
// Until then the signals stay at zero and nobody is classified.
uint32 score_ewma(uint32 avg, uint32 x)
{
  (void)x;
  return avg;
}

void score_run(struct sched_features *f, uint64 d)
{
  (void)f;
  (void)d;
}

void score_woke_other(struct sched_features *f)
{
  (void)f;
}

void score_block(struct sched_features *f)
{
  (void)f;
}

void score_wake(struct sched_features *f, uint64 slept, int by_process)
{
  (void)f;
  (void)slept;
  (void)by_process;
}

int score_classify(const struct sched_features *f)
{
  (void)f;
  return SCLASS_NONE;
}
#endif
