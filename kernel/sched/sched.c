// The scheduling-policy switchboard: holds the table of policies, picks one
// at boot from sched=<name> on the kernel command line, switches at run
// time (sched_switch), and wraps every hook in the run-queue lock so
// policies need no locking of their own. It also records each event in the
// trace (schedtrace.c), counts what the policies' decisions cost, and
// delivers wake-up preemption to other harts with an IPI.
#include "types.h"
#include "param.h"
#include "riscv.h"
#include "errno.h"
#include "lib/spinlock.h"
#include "lib/klib.h"
#include "lib/printf.h"
#include "dev/dtb.h"
#include "dev/sbi.h"
#include "dev/timer.h"
#include "proc/proc.h"
#include "cell/cell.h"
#include "schedtrace.h"
#include "sched/sched.h"

// Indexed by the ids of schedctl.h.
static const struct sched_policy *const policies[] = {
  [SCHED_POLICY_RR] = &sched_rr,
  [SCHED_POLICY_MLFQ] = &sched_mlfq,
  [SCHED_POLICY_FAIR] = &sched_fair,
  [SCHED_POLICY_ADAPTIVE] = &sched_adaptive,
  [SCHED_POLICY_LEARNED] = &sched_learned,
};
#define NPOLICY ((int)NELEM(policies))

static int active_id = SCHED_POLICY_RR;
#define active policies[active_id]

// Protects the active policy's queues, active_id, the counters below and
// the sched_entity of every process. Lock order: p->lock before rq_lock.
static struct spinlock rq_lock;

// Cost counters, per policy (rq_lock).
static struct schedpolstat polstat[SCHED_MAXPOLICY];
static uint64 nswitches, npreempt_ipis;
uint64 sched_boosts;

// Per-hart counts (schedctl.h, book 7.9.1), rq_lock. nwaiting counts the
// processes runnable and not running, waiting_at[h] those of them whose
// home is hart h (the hart they last ran on).
static struct schedhart hartstat[NCPU];
static int nwaiting, waiting_at[NCPU];
// Hart h's last look at the queue found nothing: it idles (in wfi or about
// to be) until a pick finds a process. A hart between two processes is not
// idle: on a loaded host its next tick is often already due when it
// switches out, and that tick must not count as idle.
static int looked_empty[NCPU];

// p became runnable and waits for a hart: count it at its home. rq_lock.
static void count_waiting(struct proc *p)
{
  if (p->se.waiting)
    return;
  int home = p->se.last_hart >= 0 ? p->se.last_hart : cpuid();
  p->se.waiting = 1;
  p->se.waiting_home = home;
  waiting_at[home]++;
  nwaiting++;
}

// p stops waiting: picked to run, or taken out of the queue. rq_lock.
static void count_not_waiting(struct proc *p)
{
  if (!p->se.waiting)
    return;
  p->se.waiting = 0;
  waiting_at[p->se.waiting_home]--;
  nwaiting--;
}

// The instret counter. Under QEMU -icount it counts virtual nanoseconds,
// 2^shift per instruction (shift=1: 2), not instructions; without -icount
// it is a host counter with no fixed meaning.
static inline uint64 r_instret(void)
{
  uint64 x;
  asm volatile("rdinstret %0" : "=r"(x));
  return x;
}

// instret units per instruction, measured at boot on 1024 nops: exactly
// 2^shift under -icount (so the statistics report instructions whatever
// the shift); a rough host ratio otherwise. sched_stats divides by it.
static uint64 instret_per_insn = 1;

// Instructions retired so far on this hart (exact under -icount): for the
// cost figures of other subsystems (fork, vm.c).
uint64 instret_insns(void)
{
  return r_instret() / instret_per_insn;
}

static void calibrate_instret(void)
{
  uint64 a = r_instret();
  asm volatile(".rept 1024\n nop\n .endr");
  uint64 b = r_instret();
  uint64 per = (b - a) / 1024;   // the rdinstret itself adds under 1/1024
  instret_per_insn = per > 0 ? per : 1;
}

void sched_init(void)
{
  char name[16];
  initlock(&rq_lock, "runqueue");
  strace_init();
  calibrate_instret();
  if (bootarg("sched", name, sizeof(name))) {
    int id = sched_policy_lookup(name);
    if (id >= 0)
      active_id = id;
    else
      printf("sched: unknown policy '%s', using %s\n", name, active->name);
  }
  active->init();
}

const char *sched_policy_name(void)
{
  return active->name;
}

int sched_policy_id(void)
{
  return active_id;
}

int sched_policy_lookup(const char *name)
{
  for (int i = 0; i < NPOLICY; i++)
    if (strncmp(policies[i]->name, name, SCHED_NAME_LEN) == 0)
      return i;
  return -E_NOPOLICY;
}

// Take rq_lock and start counting a hook's instructions.
static uint64 hook_begin(void)
{
  acquire(&rq_lock);
  return r_instret();
}

static void hook_end(uint64 i0)
{
  polstat[active_id].hook_instret += r_instret() - i0;
  polstat[active_id].hook_calls++;
  release(&rq_lock);
}

// ---- SandCell CPU shares (cell.h), on top of whichever policy is active.
// A process whose cell has used its share of the current window is taken
// out of the policy's hands ("parked") when the policy picks it, and given
// back with enqueue() at the first pick of the next window (or when a cell
// dies: sched_cells_changed). If the policy has nothing else to run, the
// parked processes go back to it at once and it picks among them as usual:
// a share limits a cell only while others want the CPU. Policies never see
// any of this; all of it is under rq_lock.
static struct proc *parked[NPROC];
static int nparked;
static uint64 parked_window;   // the window in which they were parked

static void unpark_all(void)
{
  for (int i = 0; i < nparked; i++)
    active->enqueue(parked[i], 0);
  nparked = 0;
}

void sched_cells_changed(void)
{
  acquire(&rq_lock);
  unpark_all();
  release(&rq_lock);
}

int sched_switch(int id)
{
  if (id < 0 || id >= NPOLICY)
    return -E_NOPOLICY;
  struct proc *queued[NPROC];
  int n = 0;
  acquire(&rq_lock);
  int old = active_id;
  // Empty the old policy's queue in its own order, so processes keep their
  // relative places; then let the new one set up every process and take
  // the runnable ones. Running processes come to it at their next switch
  // out, sleeping ones when they wake.
  struct proc *p;
  while (n < NPROC && (p = active->pick_next(cpuid())) != 0)
    queued[n++] = p;
  active_id = id;
  active->init();
  for (p = proc; p < &proc[NPROC]; p++) {
    p->se.cls = SCLASS_NONE;
    active->attach(p);
  }
  for (int i = 0; i < n; i++) {
    queued[i]->se.on_queue = 0;
    active->enqueue(queued[i], 0);
  }
  unpark_all();   // processes held back for their cell's share, too
  nswitches++;
  release(&rq_lock);
  strace_emit(SEV_POLICY, myproc(), old, id);
  return id;
}

void sched_set_weight(struct proc *p, int weight)
{
  uint64 i0 = hook_begin();
  if (active->reweight)
    active->reweight(p, weight);
  else
    p->se.weight = weight;
  hook_end(i0);
}

void sched_fork(struct proc *parent, struct proc *child)
{
  uint64 i0 = hook_begin();
  child->se.weight = parent ? parent->se.weight : SCHED_WEIGHT_DEFAULT;
  child->se.cls = parent ? parent->se.cls : SCLASS_NONE;
  child->se.last_hart = -1;
  child->se.waiting = 0;
  active->fork(parent, child);
  hook_end(i0);
  strace_emit(SEV_FORK, child, parent ? parent->pid : 0, 0);
  strace_name(child);
}

void sched_enqueue(struct proc *p)
{
  uint64 i0 = hook_begin();
  p->se.runnable_since = r_time();
  active->enqueue(p, 0);
  count_waiting(p);
  hook_end(i0);
}

void sched_preempt(struct proc *p, uint64 ran)
{
  uint64 i0 = hook_begin();
  int old_cls = p->se.cls;
  p->se.runnable_since = r_time();
  active->enqueue(p, ran);
  count_waiting(p);
  int cls = p->se.cls;
  hook_end(i0);
  strace_emit(SEV_PREEMPT, p, 0, ran);
  if (cls != old_cls)
    strace_emit(SEV_CLASS, p, old_cls, 0);
}

void sched_block(struct proc *p, uint64 ran)
{
  uint64 i0 = hook_begin();
  p->se.slept_at = r_time();
  active->block(p, ran);
  hook_end(i0);
  strace_emit(SEV_BLOCK, p, 0, ran);
}

void sched_exit(struct proc *p, uint64 ran)
{
  uint64 i0 = hook_begin();
  active->exit(p, ran);
  hook_end(i0);
  strace_emit(SEV_EXIT, p, 0, ran);
}

void sched_dequeue(struct proc *p)
{
  uint64 i0 = hook_begin();
  active->dequeue(p);
  count_not_waiting(p);
  hook_end(i0);
}

// The policy's pick_next, counting its instructions in *instr.
static struct proc *policy_pick(int cpu, uint64 *instr)
{
  uint64 i0 = r_instret();
  struct proc *p = active->pick_next(cpu);
  *instr += r_instret() - i0;
  return p;
}

// A killed process only has to exit, and a destroyed cell's processes must
// not wait out the window: neither is held back for its cell's share. The
// read of killed is a hint without p->lock (set once, never cleared while
// the process lives); a process killed just after the look runs next window.
static int is_killed_hint(struct proc *p)
{
  return __atomic_load_n(&p->killed, __ATOMIC_RELAXED);
}

static void unpark_killed(void)
{
  int kept = 0;
  for (int i = 0; i < nparked; i++) {
    if (is_killed_hint(parked[i]))
      active->enqueue(parked[i], 0);
    else
      parked[kept++] = parked[i];
  }
  nparked = kept;
}

// The policy's choice, passed through the cells' CPU shares. rq_lock held.
// *instr counts the instructions spent in the policy's pick_next.
static struct proc *pick_within_shares(int cpu, uint64 *instr)
{
  uint64 now = r_time();
  if (nparked && cell_cpu_window(now) != parked_window)
    unpark_all();
  if (nparked)
    unpark_killed();
  struct proc *p;
  while ((p = policy_pick(cpu, instr)) && !is_killed_hint(p) && cell_cpu_over(p->cell, now, 0)) {
    parked[nparked++] = p;
    parked_window = cell_cpu_window(now);
  }
  if (!p && nparked) {
    // Nobody else wants the CPU: give them all back and let the policy
    // choose among them as it always would (its fairness, not ours).
    unpark_all();
    p = policy_pick(cpu, instr);
  }
  return p;
}

struct proc *sched_pick_next(int cpu)
{
  uint64 t0 = r_time();
  acquire(&rq_lock);
  uint64 i0 = r_instret(), in_policy = 0;
  struct proc *p = pick_within_shares(cpu, &in_policy);
  uint64 i1 = r_instret();
  struct schedpolstat *s = &polstat[active_id];
  if (p) {   // an empty look is not a decision
    s->picks++;
    s->pick_instret += in_policy;
    s->share_instret += i1 - i0 - in_policy;
    count_not_waiting(p);
    hartstat[cpu].picks++;
  } else {
    hartstat[cpu].idle_picks++;
  }
  looked_empty[cpu] = p == 0;
  release(&rq_lock);
  if (p)
    s->pick_time += r_time() - t0;   // racy add of a statistic: fine
  return p;
}

void sched_running(struct proc *p, int cpu)
{
  p->se.charged = 0;
  cpus[cpu].need_resched = 0;
  // p->lock held and interrupts off: only this hart writes its migrations.
  if (p->se.last_hart >= 0 && p->se.last_hart != cpu)
    hartstat[cpu].migrations++;
  p->se.last_hart = cpu;
  strace_emit(SEV_RUN, p, 0, p->run_start - p->se.runnable_since);
}

uint64 sched_uncharged(struct proc *p, uint64 ran)
{
  uint64 d = ran > p->se.charged ? ran - p->se.charged : 0;
  p->se.charged = ran > p->se.charged ? ran : p->se.charged;
  return d;
}

int sched_tick(struct proc *p, uint64 ran)
{
  uint64 i0 = hook_begin();
  int old_cls = p->se.cls;
  int preempt = active->tick(p, ran);
  preempt |= cell_cpu_over(p->cell, r_time(), ran);   // its cell's share is used up
  int cls = p->se.cls;
  hook_end(i0);
  if (cls != old_cls)
    strace_emit(SEV_CLASS, p, old_cls, 0);
  return preempt;
}

void sched_hart_tick(void)
{
  int me = cpuid();
  struct schedhart *h = &hartstat[me];
  acquire(&rq_lock);
  h->ticks++;
  if (looked_empty[me]) {
    h->idle_ticks++;
    if (nwaiting > 0)
      h->idle_waiting_ticks++;
  }
  h->waiting_ticks += waiting_at[me];
  release(&rq_lock);
}

// Ask hart h to reschedule: a flag it checks on its way out of the trap,
// and an IPI so that trap happens now. Returns 1.
static int resched_hart(int h)
{
  cpus[h].need_resched = 1;
  if (h != cpuid()) {
    npreempt_ipis++;
    hartstat[cpuid()].preempt_ipis_sent++;
    hartstat[h].preempt_ipis_rcvd++;
    sbi_send_ipi(1UL << h, 0);
  }
  return 1;
}

// After p woke: if no hart is idle, find a hart running something p should
// preempt (this hart first: no IPI needed). rq_lock held. cpus[h].proc is
// read without its owner's lock: a stale read costs one extra pick, no more.
static void wake_preempt(struct proc *p)
{
  int me = cpuid();
  struct proc *r = cpus[me].proc;
  if (r && r != p && r->state == RUNNING && active->preempts(p, r)) {
    resched_hart(me);
    return;
  }
  for (int h = 0; h < NCPU; h++) {
    if (h == me || !cpus[h].started)
      continue;
    r = cpus[h].proc;
    if (r && r != p && active->preempts(p, r)) {
      resched_hart(h);
      return;
    }
  }
}

void sched_wake(struct proc *p)
{
  struct proc *waker = mycpu()->in_intr ? 0 : myproc();
  uint64 i0 = hook_begin();
  int old_cls = p->se.cls;
  p->se.runnable_since = r_time();
  active->wake(p, waker);
  count_waiting(p);
  int cls = p->se.cls;
  int kicked = sched_kick_idle();
  if (!kicked && active->preempts)
    wake_preempt(p);
  hook_end(i0);
  strace_emit(SEV_WAKE, p, waker ? waker->pid : 0, p->se.runnable_since - p->se.slept_at);
  if (cls != old_cls)
    strace_emit(SEV_CLASS, p, old_cls, 0);
}

int sched_should_resched(void)
{
  struct cpu *c = mycpu();
  if (!c->need_resched)
    return 0;
  c->need_resched = 0;
  return 1;
}

int sched_kick_idle(void)
{
  int me = cpuid();
  for (int i = 0; i < NCPU; i++) {
    if (i != me && cpus[i].started && cpus[i].idle) {
      cpus[i].idle = 0;   // one IPI is enough until it looks again
      // Not always under rq_lock (make_runnable calls this without it).
      __atomic_add_fetch(&hartstat[me].kicks_sent, 1, __ATOMIC_RELAXED);
      __atomic_add_fetch(&hartstat[i].kicks_rcvd, 1, __ATOMIC_RELAXED);
      sbi_send_ipi(1UL << i, 0);
      return 1;
    }
  }
  return 0;
}

void sched_fill_stats(struct schedstat *st)
{
  memset(st, 0, sizeof(*st));
  acquire(&rq_lock);
  st->policy = active_id;
  st->npolicies = NPOLICY;
  st->switches = nswitches;
  st->preempt_ipis = npreempt_ipis;
  st->boosts = sched_boosts;
  for (int i = 0; i < NPOLICY; i++) {
    st->pol[i] = polstat[i];
    st->pol[i].pick_instret /= instret_per_insn;
    st->pol[i].hook_instret /= instret_per_insn;
    st->pol[i].share_instret /= instret_per_insn;
    safestrcpy(st->pol[i].name, policies[i]->name, SCHED_NAME_LEN);
  }
  st->instret_per_insn = instret_per_insn;
  for (int h = 0; h < NCPU; h++) {
    st->hart[h] = hartstat[h];
    if (cpus[h].started)
      st->nharts = h + 1;
  }
  release(&rq_lock);
  st->trace_lost = strace_lost();
  st->now = r_time();
  st->timebase_hz = timebase_hz();
}

// The caller holds p->lock and has checked p is in use.
void sched_fill_proc(struct proc *p, struct schedproc *sp)
{
  memset(sp, 0, sizeof(*sp));
  sp->pid = p->pid;
  sp->state = p->state;
  sp->cputime = proc_cputime(p);
  safestrcpy(sp->name, p->name, sizeof(sp->name));
  acquire(&rq_lock);
  sp->cls = p->se.cls;
  sp->weight = p->se.weight;
  sp->level = p->se.level;
  sp->vruntime = p->se.vruntime;
  sp->feat = p->se.feat;
  release(&rq_lock);
}
