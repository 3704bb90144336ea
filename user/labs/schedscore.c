#if LAB >= 5
// schedscore: checks the adaptive policy's arithmetic (kernel/sched/sched_score.c,
// specified in kernel/sched/sched_score.h) on exact values. It compiles the very
// file the kernel uses, so what passes here is what the kernel computes.
// Lab 5, stage 4 (docs/labs/sched.md). `schedscore all` prints one line per
// case: "SS <case> PASS" or "SS <case> FAIL <why>".
#include "kernel/types.h"
#include "kernel/schedctl.h"
#include "kernel/schedtrace.h"
#include "user/user.h"
#include "user/lib/casekit.h"
#include "user/manifest.h"

ZENITH_MANIFEST("stdio");
#include "kernel/sched/sched_score.c"

static int case_ewma(void)
{
  static const uint32 in[][3] = {   // avg, x, expected
    { 0, 1000, 250 }, { 250, 1000, 438 }, { 7, 3, 6 }, { 1000, 0, 750 },
    { 0xffffffff, 0xffffffff, 0xffffffff }, { 3, 3, 3 },
  };
  for (uint i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
    uint32 got = score_ewma(in[i][0], in[i][1]);
    if (got != in[i][2])
      return why("ewma(%u, %u) = %u, expected %u", in[i][0], in[i][1], got, in[i][2]);
  }
  return 1;
}

// One burst of 5000 units with 3 wakeups of others, then a 95000-unit
// sleep ended by a process, six times over: the signals and class after
// each cycle.
static int case_cycle(void)
{
  static const uint32 want[6][7] = {
    // run_avg wakes_avg bursts sleep_avg sleep_frac woken_frac class
    { 1250, 192, 1, 23750, 243, 256, SCLASS_IO },
    { 2188, 336, 2, 41563, 426, 448, SCLASS_IO },
    { 2891, 444, 3, 54923, 563, 592, SCLASS_INTERACTIVE },
    { 3419, 525, 4, 64943, 666, 700, SCLASS_INTERACTIVE },
    { 3815, 586, 5, 72458, 743, 781, SCLASS_INTERACTIVE },
    { 4112, 632, 6, 78094, 801, 842, SCLASS_LATENCY },
  };
  struct sched_features f;
  memset(&f, 0, sizeof(f));
  for (int c = 0; c < 6; c++) {
    score_run(&f, 3000);
    score_run(&f, 2000);
    if (f.burst != 5000)
      return why("cycle %d: burst %u after running 3000 + 2000", c, f.burst);
    for (int i = 0; i < 3; i++)
      score_woke_other(&f);
    if (f.burst_wakes != 3)
      return why("cycle %d: burst_wakes %u after 3 wakeups", c, f.burst_wakes);
    score_block(&f);
    if (f.burst_wakes != 0 || f.burst != 5000)
      return why("cycle %d: after block burst_wakes %u (want 0), burst %u (want 5000)", c,
                 f.burst_wakes, f.burst);
    score_wake(&f, 95000, 1);
    uint32 got[7] = { f.run_avg, f.wakes_avg, f.bursts, f.sleep_avg, f.sleep_frac,
                      f.woken_frac, (uint32)score_classify(&f) };
    static const char *const field[7] = { "run_avg", "wakes_avg", "bursts", "sleep_avg",
                                          "sleep_frac", "woken_frac", "class" };
    for (int i = 0; i < 7; i++)
      if (got[i] != want[c][i])
        return why("cycle %d: %s = %u, expected %u", c, field[i], got[i], want[c][i]);
    if (f.burst != 0)
      return why("cycle %d: burst %u after wake, expected 0", c, f.burst);
  }
  // A burst in progress counts at once: 8 ms of running makes it batch.
  score_run(&f, 80000);
  if (score_classify(&f) != SCLASS_BATCH)
    return why("after an 8 ms burst the class is %d, expected batch", score_classify(&f));
  return 1;
}

static int case_edges(void)
{
  struct sched_features f;
  memset(&f, 0, sizeof(f));
  if (score_classify(&f) != SCLASS_BATCH)
    return why("all-zero signals: class %d, expected batch (never slept)", score_classify(&f));
  score_wake(&f, 1ul << 40, 0);   // a sleep longer than 32 bits: saturates
  if (f.sleep_avg != 1073741823 || f.sleep_frac != 256 || f.woken_frac != 0)
    return why("huge sleep: sleep_avg %u sleep_frac %u woken_frac %u, expected 1073741823 "
               "256 0", f.sleep_avg, f.sleep_frac, f.woken_frac);
  memset(&f, 0, sizeof(f));
  score_wake(&f, 0, 1);   // no sleep, no burst
  if (f.sleep_frac != 0 || f.woken_frac != 256)
    return why("empty wake: sleep_frac %u woken_frac %u, expected 0 256", f.sleep_frac,
               f.woken_frac);
  memset(&f, 0, sizeof(f));
  f.burst_wakes = 5000;   // counted up to 1000 per burst
  score_block(&f);
  if (f.wakes_avg != 64000)
    return why("5000 wakeups in a burst: wakes_avg %u, expected 64000", f.wakes_avg);
  f.burst = 0xfffffff0;
  score_run(&f, 100);
  if (f.burst != 0xffffffff)
    return why("burst %u after saturating, expected 4294967295", f.burst);
  f.burst_wakes = 0xffffffff;
  score_woke_other(&f);
  if (f.burst_wakes != 0xffffffff)
    return why("burst_wakes wrapped to %u", f.burst_wakes);
  // The thresholds, one unit either side.
  memset(&f, 0, sizeof(f));
  f.sleep_frac = SCORE_SLEEP_LATENCY;
  f.run_avg = SCORE_RUN_LATENCY - 1;
  if (score_classify(&f) != SCLASS_LATENCY)
    return why("run_avg %u sleep_frac %u: class %d, expected latency", f.run_avg,
               f.sleep_frac, score_classify(&f));
  f.run_avg = SCORE_RUN_LATENCY;
  if (score_classify(&f) != SCLASS_INTERACTIVE)
    return why("run_avg %u sleep_frac %u: class %d, expected interactive", f.run_avg,
               f.sleep_frac, score_classify(&f));
  f.sleep_frac = SCORE_SLEEP_INTERACTIVE - 1;
  if (score_classify(&f) != SCLASS_IO)
    return why("run_avg %u sleep_frac %u: class %d, expected io", f.run_avg, f.sleep_frac,
               score_classify(&f));
  f.sleep_frac = SCORE_SLEEP_BATCH - 1;
  if (score_classify(&f) != SCLASS_BATCH)
    return why("sleep_frac %u: class %d, expected batch", f.sleep_frac, score_classify(&f));
  f.sleep_frac = 1000;
  f.run_avg = SCORE_RUN_BATCH - 1;
  if (score_classify(&f) != SCLASS_IO)
    return why("run_avg %u sleep_frac 1000: class %d, expected io", f.run_avg,
               score_classify(&f));
  f.burst = SCORE_RUN_BATCH;
  if (score_classify(&f) != SCLASS_BATCH)
    return why("burst %u: class %d, expected batch", f.burst, score_classify(&f));
  return 1;
}

static const struct testcase cases[] = {
  { "ewma", case_ewma },
  { "cycle", case_cycle },
  { "edges", case_edges },
};

int main(int argc, char **argv)
{
  return run_cases("schedscore", "SS", cases, sizeof(cases) / sizeof(cases[0]), 0, argc, argv);
}
#endif
