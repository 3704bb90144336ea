#if LAB >= 5
// schedlat: measure wake-to-run latency from the scheduler's trace
// (kernel/schedtrace.h). Lab 5, stage 1 (docs/labs/sched.md).
//   schedlat selftest    check latencies() on a made-up trace; prints
//                        "SL selftest PASS" or "SL selftest FAIL <why>"
//   schedlat [HOGS]      run a periodic task (sleep a tick, work 100 us, 200
//                        times) among HOGS CPU hogs (default 2) under the
//                        current policy, then print the periodic task's
//                        wake-to-run latencies measured from the trace:
//                          LAT n=<count> mean=<us> max=<us> kernel=<us>
//                        kernel= is the mean of the waits the kernel itself
//                        recorded in those SEV_RUN records (their arg):
//                        the two must agree.
// Needs the scheduler-control capability (the shell passes it: user/cmd/sh.c).
#include "kernel/types.h"
#include "kernel/param.h"
#include "kernel/errno.h"
#include "kernel/schedctl.h"
#include "kernel/schedtrace.h"
#include "user/user.h"
#include "user/lib/util.h"
#include "user/manifest.h"

ZENITH_MANIFEST("schedctl");

#define US 10   // rdtime units per microsecond
#define MAXLAT 1024

// For each SEV_WAKE of pid in ev[0..n) (sorted by time), the time from it
// to pid's next SEV_RUN (on any hart): out[k] = run.time - wake.time, in
// order, at most max of them. A SEV_RUN with no SEV_WAKE before it since
// pid's previous run (a preempted process running again) gives nothing;
// a second SEV_WAKE before the run replaces the first. If runs[] is not 0,
// runs[k] = the index in ev of the SEV_RUN that ended latency k. Returns
// the number of latencies written, or -E_NOSYS if not implemented.
static int latencies(const struct sched_event *ev, int n, int pid, uint64 *out, int *runs,
                     int max)
{
#if SOL >= 5
  int k = 0, waiting = 0;
  uint64 woke = 0;
  for (int i = 0; i < n && k < max; i++) {
    if (ev[i].pid != pid)
      continue;
    if (ev[i].type == SEV_WAKE) {
      waiting = 1;
      woke = ev[i].time;
    } else if (ev[i].type == SEV_RUN && waiting) {
      if (runs)
        runs[k] = i;
      out[k++] = ev[i].time - woke;
      waiting = 0;
    }
  }
  return k;
#else
  (void)ev;
  (void)n;
  (void)pid;
  (void)out;
  (void)runs;
  (void)max;
  return -E_NOSYS;
#endif
}

// Records come out of the kernel hart by hart: merge them by time
// (insertion sort: the input is a few sorted runs).
static void sort_by_time(struct sched_event *ev, int n)
{
  for (int i = 1; i < n; i++) {
    struct sched_event e = ev[i];
    int j = i;
    while (j > 0 && ev[j - 1].time > e.time) {
      ev[j] = ev[j - 1];
      j--;
    }
    ev[j] = e;
  }
}

static struct sched_event *mk(struct sched_event *e, uint64 time, int hart, int type, int pid)
{
  memset(e, 0, sizeof(*e));
  e->time = time;
  e->hart = hart;
  e->type = type;
  e->pid = pid;
  return e + 1;
}

static int selftest(void)
{
  struct sched_event ev[16], *e = ev;
  // Hart 0's records, then hart 1's, as the kernel returns them.
  e = mk(e, 100, 0, SEV_WAKE, 5);
  e = mk(e, 150, 0, SEV_RUN, 5);      // 50
  e = mk(e, 170, 0, SEV_PREEMPT, 5);
  e = mk(e, 400, 0, SEV_RUN, 5);      // no wake before: nothing
  e = mk(e, 450, 0, SEV_BLOCK, 5);
  e = mk(e, 1010, 0, SEV_WAKE, 6);
  e = mk(e, 1300, 0, SEV_RUN, 5);     // 300 (woken on hart 1 at 1000)
  e = mk(e, 2000, 0, SEV_WAKE, 5);
  e = mk(e, 1000, 1, SEV_WAKE, 5);
  e = mk(e, 1020, 1, SEV_RUN, 6);
  e = mk(e, 1990, 1, SEV_BLOCK, 5);
  e = mk(e, 2100, 1, SEV_WAKE, 5);    // replaces the wake at 2000
  e = mk(e, 2107, 1, SEV_RUN, 5);     // 7
  int n = e - ev;
  sort_by_time(ev, n);
  uint64 out[8];
  int runs[8];
  static const uint64 want[] = { 50, 300, 7 };
  int k = latencies(ev, n, 5, out, runs, 8);
  if (k == -E_NOSYS) {
    printf("SL selftest FAIL latencies() is not implemented\n");
    return 1;
  }
  if (k != 3) {
    printf("SL selftest FAIL pid 5: %d latencies, expected 3\n", k);
    return 1;
  }
  for (int i = 0; i < 3; i++) {
    if (out[i] != want[i] || ev[runs[i]].type != SEV_RUN || ev[runs[i]].pid != 5) {
      printf("SL selftest FAIL pid 5 latency %d: %lu (run record %d), expected %lu\n", i,
             out[i], runs[i], want[i]);
      return 1;
    }
  }
  if ((k = latencies(ev, n, 5, out, 0, 1)) != 1 || out[0] != 50) {
    printf("SL selftest FAIL with max 1: %d latencies (first %lu), expected 1 (50)\n", k,
           out[0]);
    return 1;
  }
  if ((k = latencies(ev, n, 6, out, 0, 8)) != 1 || out[0] != 10) {
    printf("SL selftest FAIL pid 6: %d latencies (first %lu), expected 1 (10)\n", k, out[0]);
    return 1;
  }
  printf("SL selftest PASS\n");
  return 0;
}

static void periodic(void)
{
  for (int i = 0; i < 200; i++) {
    sleep(1);
    uint64 t0 = rdtime();
    while (rdtime() - t0 < 100 * US)
      ;
  }
  exit(0);
}

static int measure(int nhogs)
{
  int cap = NCPU * SCHEDTRACE_RING;
  struct sched_event *ev = malloc(cap * sizeof(*ev));
  uint64 *lat = malloc(MAXLAT * sizeof(*lat));
  int *runs = malloc(MAXLAT * sizeof(*runs));
  if (!ev || !lat || !runs)
    return complain("schedlat", "malloc", -E_NOMEM);
  int hogs[8], n = 0;
  while (sched_trace(SCHEDCTL_SLOT, ev, cap) > 0)   // start from an empty trace
    ;
  for (int i = 0; i < nhogs && i < 8; i++) {
    if ((hogs[i] = fork()) == 0)
      for (;;)
        ;
  }
  int pid = fork();
  if (pid == 0)
    periodic();
  wait(0);   // the periodic task (hogs never exit by themselves)
  for (int r; n < cap && (r = sched_trace(SCHEDCTL_SLOT, ev + n, cap - n)) > 0;)
    n += r;
  for (int i = 0; i < nhogs && i < 8; i++)
    kill(hogs[i]);
  for (int i = 0; i < nhogs && i < 8; i++)
    wait(0);
  sort_by_time(ev, n);
  int k = latencies(ev, n, pid, lat, runs, MAXLAT);
  if (k < 0)
    return complain("schedlat", "latencies", k);
  uint64 sum = 0, max = 0, ksum = 0;
  for (int i = 0; i < k; i++) {
    sum += lat[i];
    max = lat[i] > max ? lat[i] : max;
    ksum += ev[runs[i]].arg;
  }
  int d = k ? k : 1;
  printf("LAT n=%d mean=%lu max=%lu kernel=%lu\n", k, sum / d / US, max / US, ksum / d / US);
  return 0;
}

int main(int argc, char **argv)
{
  if (argc == 2 && strcmp(argv[1], "selftest") == 0)
    return selftest();
  if (argc > 2) {
    fprintf(2, "usage: schedlat [selftest | HOGS]\n");
    return 2;
  }
  return measure(argc == 2 ? atoi(argv[1]) : 2);
}
#endif
