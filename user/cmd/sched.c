// sched: look at and control the scheduler (kernel/schedctl.h).
//   sched                     active policy and every process's class/signals
//   sched set POLICY          switch policy (rr, mlfq, fair, adaptive)
//   sched weight PID W        set a process's weight (fair, adaptive)
//   sched stats               decisions and their cost, per policy; per-hart
//                             counts (ticks, idle, waiting, migrations, IPIs)
//   sched trace [N]           drain up to N trace records (default all) and
//                             print one line each (tools/sched_trace.py reads them)
//   sched trace drop          drain the trace, print only how many records
//                             were dropped (start a measurement from empty rings)
// Everything but the first form's policy name needs the scheduler-control
// capability, which the shell passes to this program in slot SCHEDCTL_SLOT.
#include "kernel/types.h"
#include "kernel/param.h"
#include "kernel/procinfo.h"
#include "kernel/schedctl.h"
#include "kernel/schedtrace.h"
#include "kernel/errno.h"
#include "user/user.h"
#include "user/lib/util.h"
#include "user/manifest.h"

ZENITH_MANIFEST("schedctl", "proc:all");

static struct schedproc procs[NPROC];
static struct schedstat st;
static const char *const class_names[] = SCLASS_NAMES;
static const char *const state_names[] = PROC_STATE_NAMES;

#define UNITS_PER_US 10   // rdtime counts 100 ns units on QEMU virt

static int usage(void)
{
  fprintf(2, "usage: sched [set POLICY | weight PID W | stats | trace [N | drop]]\n");
  return 2;
}

static const char *class_name(int c)
{
  return c >= 0 && c < SCLASS_N ? class_names[c] : "?";
}

static int show(void)
{
  char name[SCHED_NAME_LEN];
  int id = sched_policy(name, sizeof(name));
  if (id < 0)
    return complain("sched", "policy", id);
  printf("policy %s\n", name);
  int n = sched_stats(SCHEDCTL_SLOT, &st, procs, NPROC);
  if (n < 0)   // without the capability the policy name is all we may see
    return complain("sched", "stats", n);
  printf("PID  STATE  HART CLASS       WEIGHT LVL CPU(ms) RUNAVG(us) SLEEPAVG(us) SLEEP%% NAME\n");
  for (int i = 0; i < n; i++) {
    struct schedproc *p = &procs[i];
    const char *state = p->state >= 0 && p->state <= 5 ? state_names[p->state] : "?";
    printf("%-4d %-6s %-4d %-11s %-6d %-3d %-7lu %-10u %-12u %-6u %s\n", p->pid, state,
           p->hart, class_name(p->cls), p->weight, p->level, p->cputime / (UNITS_PER_US * 1000),
           p->feat.run_avg / UNITS_PER_US, p->feat.sleep_avg / UNITS_PER_US,
           p->feat.sleep_frac * 100 / 1024, p->name);
  }
  return 0;
}

static int stats(void)
{
  int r = sched_stats(SCHEDCTL_SLOT, &st, 0, 0);
  if (r < 0)
    return complain("sched", "stats", r);
  printf("policy %s switches %lu preempt-ipis %lu boosts %lu trace-lost %lu "
         "instret-per-insn %lu\n", st.pol[st.policy].name, st.switches, st.preempt_ipis,
         st.boosts, st.trace_lost, st.instret_per_insn);
  printf("POLICY     PICKS      PICK-INSTR/PICK PICK-TIME/PICK(ns) HOOKS      HOOK-INSTR/CALL\n");
  for (int i = 0; i < st.npolicies; i++) {
    struct schedpolstat *s = &st.pol[i];
    uint64 picks = s->picks ? s->picks : 1, calls = s->hook_calls ? s->hook_calls : 1;
    printf("%-10s %-10lu %-15lu %-18lu %-10lu %lu\n", s->name, s->picks,
           s->pick_instret / picks, s->pick_time * 100 / picks, s->hook_calls,
           s->hook_instret / calls);
  }
  // Per-hart counts (book 7.9.1): what a per-hart design is judged by.
  printf("HART TICKS      IDLE       IDLE-WAITING WAITING    PICKS      IDLE-PICKS "
         "MIGRATIONS STEALS   BALANCED PREEMPT-IPI-OUT/IN KICK-OUT/IN\n");
  for (int h = 0; h < st.nharts && h < NCPU; h++) {
    struct schedhart *c = &st.hart[h];
    printf("%-4d %-10lu %-10lu %-12lu %-10lu %-10lu %-10lu %-10lu %-8lu %-8lu %lu/%lu %lu/%lu\n",
           h, c->ticks, c->idle_ticks, c->idle_waiting_ticks, c->waiting_ticks, c->picks,
           c->idle_picks, c->migrations, c->steals, c->balanced, c->preempt_ipis_sent,
           c->preempt_ipis_rcvd,
           c->kicks_sent, c->kicks_rcvd);
  }
  return 0;
}

// "EVNAME pid name" for every live process: the trace names a process
// only when it forks or execs, which may be before the oldest record kept.
static void print_names(void)
{
  static struct schedproc procs[NPROC];
  int n = sched_stats(SCHEDCTL_SLOT, 0, procs, NPROC);
  for (int i = 0; i < n; i++)
    if (procs[i].name[0])
      printf("EVNAME %d %s\n", procs[i].pid, procs[i].name);
}

// Drains the trace (up to max records; max < 0: all there are) into memory
// first, then prints one line per record, "EV time hart type pid aux arg
// cls policy seq", and "EV-END count". Printing makes new records (a
// write may sleep): they stay for the next reader.
static int trace(int max)
{
  int cap = NCPU * SCHEDTRACE_RING;
  if (max >= 0 && max < cap)
    cap = max;
  struct sched_event *ev = malloc(cap * sizeof(*ev) + 1);
  if (ev == 0)
    return complain("sched", "trace buffer", -E_NOMEM);
  int total = 0;
  while (total < cap) {
    int n = sched_trace(SCHEDCTL_SLOT, ev + total, cap - total);
    if (n < 0)
      return complain("sched", "trace", n);
    if (n == 0)
      break;
    total += n;
  }
  for (int i = 0; i < total; i++) {
    struct sched_event *e = &ev[i];
    printf("EV %lu %d %d %d %d %lu %d %d %u\n", e->time, e->hart, e->type, e->pid,
           e->aux, e->arg, e->cls, e->policy, e->seq);
  }
  printf("EV-END %d\n", total);
  free(ev);
  print_names();
  return 0;
}

// Drain every ring without printing (printing would make new records).
static int drop(void)
{
  static struct sched_event ev[64];
  int total = 0, n;
  while ((n = sched_trace(SCHEDCTL_SLOT, ev, 64)) > 0)
    total += n;
  if (n < 0)
    return complain("sched", "trace", n);
  printf("EV-DROPPED %d\n", total);
  return 0;
}

int main(int argc, char **argv)
{
  if (argc == 1)
    return show();
  if (strcmp(argv[1], "set") == 0 && argc == 3) {
    int r = sched_setpolicy(SCHEDCTL_SLOT, argv[2]);
    if (r < 0)
      return complain("sched", argv[2], r);
    printf("policy %s\n", argv[2]);
    return 0;
  }
  if (strcmp(argv[1], "weight") == 0 && argc == 4) {
    int r = sched_setweight(atoi(argv[2]), atoi(argv[3]), SCHEDCTL_SLOT);
    return r < 0 ? complain("sched", "weight", r) : 0;
  }
  if (strcmp(argv[1], "stats") == 0 && argc == 2)
    return stats();
  if (strcmp(argv[1], "trace") == 0 && argc == 3 && strcmp(argv[2], "drop") == 0)
    return drop();
  if (strcmp(argv[1], "trace") == 0 && argc <= 3)
    return trace(argc == 3 ? atoi(argv[2]) : -1);
  return usage();
}
