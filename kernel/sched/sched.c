// The scheduling-policy switchboard: holds the table of policies, picks one
// at boot from sched=<name> on the kernel command line, switches at run
// time (sched_switch), keeps one run queue per hart and wraps every hook
// in the lock of the queue it works on, so policies need no locking of
// their own; it places runnable processes, steals and balances between the
// queues. It also records each event in the trace (schedtrace.c), counts
// what the policies' decisions cost, and delivers wake-up preemption to
// other harts with an IPI.
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

// ---- Per-hart run queues (book 7.9.2).
//
// Each hart has its own queue and its own lock: the policy's state for that
// queue (kept by the policy, indexed by sched_rq()), the sched_entity of
// every process whose se.rq names it, and the counts below. active_id is
// read under any queue's lock and changed only with all of them held.
//
// Lock order: p->lock before a queue's lock; two queues' locks in hart
// order (lower id first: lock_two); sched_switch takes all of them, in
// hart order. Each queue's lock has a class of its own ("runqueue0", ...)
// so the lock-order checker sees the hart order and lockstat shows each
// queue's contention. A process moves between queues (migrate) only with
// both locks held, so holding the lock se.rq names pins it there.
//
// Where a process goes (place): a process that becomes runnable (woken or
// new) waits in the queue of the hart it last ran on (a new one: its
// parent's), unless that hart is much busier than the least loaded one:
// busy while another hart has nothing at all, or at least two processes
// more. A hart's load is its waiting processes plus the one it runs. If
// the chosen hart idles it gets an IPI; if it runs a process the woken one
// should preempt (the policy's preempts), it gets an IPI to reschedule.
// A hart whose queue is empty steals the next process of the busiest
// queue before it idles; every BALANCE_TICKS ticks each hart moves work
// from the busiest queue to the least loaded while they differ by more
// than one.
#define BALANCE_TICKS 4

struct runq {
  struct spinlock lock;
  int nwaiting;        // processes waiting in this queue (runnable, not running;
                       // those parked for their cell's share included)
  int busy;            // the hart runs a process (picked, not switched out yet)
  int looked_empty;    // the hart's last look found nothing: it idles (in wfi or
                       // about to be) until a pick finds a process. A hart between
                       // two processes is not idle: on a loaded host its next tick
                       // is often already due when it switches out.
  // Processes of this queue held back for their cell's CPU share (below).
  struct proc *parked[NPROC];
  int nparked;
  uint64 parked_window;
  struct schedpolstat polstat[SCHED_MAXPOLICY];   // cost of the hooks run on it
  struct schedhart stat;                          // schedctl.h, book 7.9.1
};
static struct runq rqs[NCPU];

// One lock class per queue, in hart order (lockclass keeps the pointer).
static const char *const rq_lock_names[] = {
  "runqueue0", "runqueue1", "runqueue2", "runqueue3",
  "runqueue4", "runqueue5", "runqueue6", "runqueue7",
};
_Static_assert(NELEM(rq_lock_names) == NCPU, "a lock name per hart");

// The queue the hooks called by hart h work on (sched_rq, inline in sched.h).
int sched_hook_rq[NCPU];

static uint64 nswitches, npreempt_ipis, nboosts;   // atomic adds

void sched_count_boost(void)
{
  __atomic_add_fetch(&nboosts, 1, __ATOMIC_RELAXED);
}

// Take queue q's lock and point the hooks at q.
static void lock_rq(int q)
{
  acquire(&rqs[q].lock);
  sched_hook_rq[cpuid()] = q;
}

static void unlock_rq(int q)
{
  release(&rqs[q].lock);
}

// Both queues' locks, lower hart first (a == b: one lock).
static void lock_two(int a, int b)
{
  int lo = a < b ? a : b, hi = a < b ? b : a;
  acquire(&rqs[lo].lock);
  if (hi != lo)
    acquire(&rqs[hi].lock);
}

static void unlock_two(int a, int b)
{
  if (a != b)
    release(&rqs[b].lock);
  release(&rqs[a].lock);
}

static int rq_of(struct proc *p)
{
  return __atomic_load_n(&p->se.rq, __ATOMIC_RELAXED);
}

// Lock the queue p belongs to and point the hooks at it. Another hart may
// move p (steal, balance) until we hold the lock, so look again then.
static int lock_rq_of(struct proc *p)
{
  for (;;) {
    int q = rq_of(p);
    acquire(&rqs[q].lock);
    if (p->se.rq == q) {
      sched_hook_rq[cpuid()] = q;
      return q;
    }
    release(&rqs[q].lock);
  }
}

// p became runnable and waits in its queue: count it there. Its queue's lock.
static void count_waiting(struct proc *p)
{
  if (p->se.waiting)
    return;
  p->se.waiting = 1;
  rqs[p->se.rq].nwaiting++;
}

// p stops waiting: picked to run, or taken out of the queue. Its queue's lock.
static void count_not_waiting(struct proc *p)
{
  if (!p->se.waiting)
    return;
  p->se.waiting = 0;
  rqs[p->se.rq].nwaiting--;
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
  for (int q = 0; q < NCPU; q++)
    initlock(&rqs[q].lock, rq_lock_names[q]);
  strace_init();
  calibrate_instret();
  if (bootarg("sched", name, sizeof(name))) {
    int id = sched_policy_lookup(name);
    if (id >= 0)
      active_id = id;
    else
      printf("sched: unknown policy '%s', using %s\n", name, active->name);
  }
  for (int q = 0; q < NCPU; q++) {
    lock_rq(q);
    active->init();
    unlock_rq(q);
  }
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

// Start counting a hook's instructions (its queue's lock held).
static uint64 hook_begin(void)
{
  return r_instret();
}

static void hook_end(int q, uint64 i0)
{
  struct schedpolstat *s = &rqs[q].polstat[active_id];
  s->hook_instret += r_instret() - i0;
  s->hook_calls++;
}

// ---- SandCell CPU shares (cell.h), on top of whichever policy is active.
// A process whose cell has used its share of the current window is taken
// out of the policy's hands ("parked" in its queue) when the policy picks
// it, and given back with enqueue() at the first pick of the next window
// (or when a cell dies: sched_cells_changed). If the policy has nothing
// else to run on that hart, the parked processes go back to it at once and
// it picks among them as usual: a share limits a cell only while others
// want the CPU. Policies never see any of this; all of it is under the
// queue's lock.
static void unpark_all(int q)
{
  struct runq *rq = &rqs[q];
  sched_hook_rq[cpuid()] = q;
  for (int i = 0; i < rq->nparked; i++)
    active->enqueue(rq->parked[i], 0);
  rq->nparked = 0;
}

void sched_cells_changed(void)
{
  for (int q = 0; q < NCPU; q++) {
    lock_rq(q);
    unpark_all(q);
    unlock_rq(q);
  }
}

// A killed process only has to exit, and a destroyed cell's processes must
// not wait out the window: neither is held back for its cell's share. The
// read of killed is a hint without p->lock (set once, never cleared while
// the process lives); a process killed just after the look runs next window.
static int is_killed_hint(struct proc *p)
{
  return __atomic_load_n(&p->killed, __ATOMIC_RELAXED);
}

static void unpark_killed(struct runq *rq)
{
  int kept = 0;
  for (int i = 0; i < rq->nparked; i++) {
    if (is_killed_hint(rq->parked[i]))
      active->enqueue(rq->parked[i], 0);
    else
      rq->parked[kept++] = rq->parked[i];
  }
  rq->nparked = kept;
}

// The policy's pick_next on queue q, counting its instructions in *instr.
static struct proc *policy_pick(int q, uint64 *instr)
{
  uint64 i0 = r_instret();
  struct proc *p = active->pick_next(q);
  *instr += r_instret() - i0;
  return p;
}

// The policy's choice for queue q, passed through the cells' CPU shares.
// q's lock held. *instr counts the instructions spent in pick_next.
static struct proc *pick_within_shares(int q, uint64 *instr)
{
  struct runq *rq = &rqs[q];
  uint64 now = r_time();
  sched_hook_rq[cpuid()] = q;
  if (rq->nparked && cell_cpu_window(now) != rq->parked_window)
    unpark_all(q);
  if (rq->nparked)
    unpark_killed(rq);
  struct proc *p;
  while ((p = policy_pick(q, instr)) && !is_killed_hint(p) && cell_cpu_over(p->cell, now, 0)) {
    rq->parked[rq->nparked++] = p;
    rq->parked_window = cell_cpu_window(now);
  }
  if (!p && rq->nparked) {
    // Nobody else here wants the CPU: give them all back and let the
    // policy choose among them as it always would (its fairness, not ours).
    unpark_all(q);
    p = policy_pick(q, instr);
  }
  return p;
}

// ---- Moving processes between queues.

// Move p (runnable, not running; queued in `from` or just taken from it by
// pick_next) to queue `to`. Both locks held.
static void migrate(struct proc *p, int from, int to)
{
  int waiting = p->se.waiting;
  count_not_waiting(p);
  sched_hook_rq[cpuid()] = from;
  if (active->depart)
    active->depart(p);
  else
    active->dequeue(p);
  __atomic_store_n(&p->se.rq, to, __ATOMIC_RELAXED);
  sched_hook_rq[cpuid()] = to;
  if (active->arrive)
    active->arrive(p);
  else
    active->enqueue(p, 0);
  if (waiting)
    count_waiting(p);
}

// Move the process queue `from` would run next to queue `to` (a cell's
// parked processes stay). Both locks held. Returns it, or 0.
static struct proc *pull_one(int from, int to)
{
  sched_hook_rq[cpuid()] = from;
  struct proc *p = active->pick_next(from);
  if (p)
    migrate(p, from, to);
  return p;
}

// Hart h's load: processes waiting in its queue and the one it runs. Read
// without h's lock, it is a hint (placement); with it, exact.
static int load_of(int h)
{
  return __atomic_load_n(&rqs[h].nwaiting, __ATOMIC_RELAXED) +
         __atomic_load_n(&rqs[h].busy, __ATOMIC_RELAXED);
}

static int total_waiting(void)
{
  int n = 0;
  for (int h = 0; h < NCPU; h++)
    n += __atomic_load_n(&rqs[h].nwaiting, __ATOMIC_RELAXED);
  return n;
}

// The queue a process that becomes runnable waits in: that of `home`, the
// hart it last ran on, unless home is much busier than the least loaded
// hart (busy while that one has nothing, or two processes more).
static int place(int home)
{
  int best = home, lhome = load_of(home), lbest = lhome;
  for (int h = 0; h < NCPU; h++) {
    if (h == home || !cpus[h].started)
      continue;
    int l = load_of(h);
    if (l < lbest) {
      best = h;
      lbest = l;
    }
  }
  if ((lbest == 0 && lhome > 0) || lhome - lbest > 1)
    return best;
  return home;
}

// The other hart with the most processes waiting in its queue, or -1.
static int busiest_waiting(int me)
{
  int best = -1, most = 0;
  for (int h = 0; h < NCPU; h++) {
    int n = __atomic_load_n(&rqs[h].nwaiting, __ATOMIC_RELAXED);
    if (h != me && cpus[h].started && n > most) {
      best = h;
      most = n;
    }
  }
  return best;
}

// Wake hart t from wfi with an IPI if it idles. 1 if one was sent.
static int kick_hart(int t)
{
  int me = cpuid();
  if (t == me || !cpus[t].idle)
    return 0;
  cpus[t].idle = 0;   // one IPI is enough until it looks again
  __atomic_add_fetch(&rqs[me].stat.kicks_sent, 1, __ATOMIC_RELAXED);
  __atomic_add_fetch(&rqs[t].stat.kicks_rcvd, 1, __ATOMIC_RELAXED);
  sbi_send_ipi(1UL << t, 0);
  return 1;
}

// Every BALANCE_TICKS ticks of each hart: while the busiest queue's load
// exceeds the least loaded one's by more than one, move its next process
// there. No lock held on entry.
static void balance(void)
{
  int b = -1, l = -1, lb = 0, ll = 0;
  for (int h = 0; h < NCPU; h++) {
    if (!cpus[h].started)
      continue;
    int n = load_of(h);
    if (b < 0 || n > lb) {
      b = h;
      lb = n;
    }
    if (l < 0 || n < ll) {
      l = h;
      ll = n;
    }
  }
  if (b < 0 || lb - ll <= 1)
    return;
  lock_two(b, l);
  int moved = 0;
  while (load_of(b) - load_of(l) > 1 && pull_one(b, l))
    moved++;
  rqs[l].stat.balanced += moved;
  unlock_two(b, l);
  if (moved)
    kick_hart(l);
}

// ---- The hooks.

int sched_switch(int id)
{
  if (id < 0 || id >= NPOLICY)
    return -E_NOPOLICY;
  struct proc *queued[NPROC];
  int n = 0;
  for (int q = 0; q < NCPU; q++)   // hart order
    acquire(&rqs[q].lock);
  int me = cpuid();
  int old = active_id;
  // Empty each of the old policy's queues in its own order, so processes
  // keep their relative places; then let the new one set up every process
  // (against its own queue) and take the runnable ones back into the same
  // queues. Running processes come to it at their next switch out,
  // sleeping ones when they wake.
  struct proc *p;
  for (int q = 0; q < NCPU; q++) {
    sched_hook_rq[me] = q;
    while (n < NPROC && (p = active->pick_next(q)) != 0)
      queued[n++] = p;
  }
  active_id = id;
  for (int q = 0; q < NCPU; q++) {
    sched_hook_rq[me] = q;
    active->init();
  }
  for (p = proc; p < &proc[NPROC]; p++) {
    p->se.cls = SCLASS_NONE;
    sched_hook_rq[me] = p->se.rq;
    active->attach(p);
  }
  for (int i = 0; i < n; i++) {
    sched_hook_rq[me] = queued[i]->se.rq;
    queued[i]->se.on_queue = 0;
    active->enqueue(queued[i], 0);
  }
  for (int q = 0; q < NCPU; q++)
    unpark_all(q);   // processes held back for their cell's share, too
  __atomic_add_fetch(&nswitches, 1, __ATOMIC_RELAXED);
  for (int q = NCPU - 1; q >= 0; q--)
    release(&rqs[q].lock);
  strace_emit(SEV_POLICY, myproc(), old, id);
  return id;
}

void sched_set_weight(struct proc *p, int weight)
{
  int q = lock_rq_of(p);
  uint64 i0 = hook_begin();
  if (active->reweight)
    active->reweight(p, weight);
  else
    p->se.weight = weight;
  hook_end(q, i0);
  unlock_rq(q);
}

void sched_fork(struct proc *parent, struct proc *child)
{
  int q = cpuid();   // the parent's hart: sched_enqueue places the child
  child->se.rq = q;
  lock_rq(q);
  uint64 i0 = hook_begin();
  child->se.weight = parent ? parent->se.weight : SCHED_WEIGHT_DEFAULT;
  child->se.cls = parent ? parent->se.cls : SCLASS_NONE;
  child->se.last_hart = -1;
  child->se.waiting = 0;
  active->fork(parent, child);
  hook_end(q, i0);
  unlock_rq(q);
  strace_emit(SEV_FORK, child, parent ? parent->pid : 0, 0);
  strace_name(child);
}

// Ask hart h to reschedule: a flag it checks on its way out of the trap,
// and an IPI so that trap happens now.
static void resched_hart(int h)
{
  int me = cpuid();
  cpus[h].need_resched = 1;
  if (h != me) {
    __atomic_add_fetch(&npreempt_ipis, 1, __ATOMIC_RELAXED);
    __atomic_add_fetch(&rqs[me].stat.preempt_ipis_sent, 1, __ATOMIC_RELAXED);
    __atomic_add_fetch(&rqs[h].stat.preempt_ipis_rcvd, 1, __ATOMIC_RELAXED);
    sbi_send_ipi(1UL << h, 0);
  }
}

// p, just woken into hart t's queue: if t runs something p should preempt,
// make t reschedule. t's lock held (the running process's sched_entity is
// under it). cpus[t].proc is read without its owner's lock: a stale read
// costs one extra pick, no more.
static void wake_preempt(struct proc *p, int t)
{
  struct proc *r = cpus[t].proc;
  sched_hook_rq[cpuid()] = t;
  if (r && r != p && r->state == RUNNING && r->se.rq == t && active->preempts(p, r))
    resched_hart(t);
}

void sched_enqueue(struct proc *p)
{
  int q = rq_of(p);   // new: nobody else can move it yet
  int t = place(q);
  lock_two(q, t);
  sched_hook_rq[cpuid()] = q;
  uint64 i0 = hook_begin();
  p->se.runnable_since = r_time();
  active->enqueue(p, 0);
  count_waiting(p);
  hook_end(q, i0);
  if (t != q)
    migrate(p, q, t);
  kick_hart(t);
  unlock_two(q, t);
}

void sched_preempt(struct proc *p, uint64 ran)
{
  int q = lock_rq_of(p);   // this hart's
  uint64 i0 = hook_begin();
  int old_cls = p->se.cls;
  p->se.runnable_since = r_time();
  active->enqueue(p, ran);
  count_waiting(p);
  rqs[q].busy = 0;
  int cls = p->se.cls;
  hook_end(q, i0);
  unlock_rq(q);
  strace_emit(SEV_PREEMPT, p, 0, ran);
  if (cls != old_cls)
    strace_emit(SEV_CLASS, p, old_cls, 0);
}

void sched_block(struct proc *p, uint64 ran)
{
  int q = lock_rq_of(p);
  uint64 i0 = hook_begin();
  p->se.slept_at = r_time();
  active->block(p, ran);
  rqs[q].busy = 0;
  hook_end(q, i0);
  unlock_rq(q);
  strace_emit(SEV_BLOCK, p, 0, ran);
}

void sched_exit(struct proc *p, uint64 ran)
{
  int q = lock_rq_of(p);
  uint64 i0 = hook_begin();
  active->exit(p, ran);
  rqs[q].busy = 0;
  hook_end(q, i0);
  unlock_rq(q);
  strace_emit(SEV_EXIT, p, 0, ran);
}

void sched_dequeue(struct proc *p)
{
  int q = lock_rq_of(p);
  uint64 i0 = hook_begin();
  active->dequeue(p);
  count_not_waiting(p);
  hook_end(q, i0);
  unlock_rq(q);
}

// cpu's queue had nothing: take the next process of the busiest queue
// (another hart's), if one waits there, and pick again. Called and returns
// with cpu's lock held.
static struct proc *steal(int cpu, uint64 *instr)
{
  int b = busiest_waiting(cpu);
  if (b < 0)
    return 0;
  unlock_rq(cpu);
  lock_two(cpu, b);
  struct proc *p = pick_within_shares(cpu, instr);   // one may have come meanwhile
  if (!p && pull_one(b, cpu)) {
    rqs[cpu].stat.steals++;
    p = pick_within_shares(cpu, instr);
  }
  release(&rqs[b].lock);
  sched_hook_rq[cpuid()] = cpu;
  return p;
}

struct proc *sched_pick_next(int cpu)
{
  uint64 t0 = r_time();
  struct runq *rq = &rqs[cpu];
  lock_rq(cpu);
  uint64 i0 = r_instret(), in_policy = 0;
  struct proc *p = pick_within_shares(cpu, &in_policy);
  if (!p)
    p = steal(cpu, &in_policy);
  uint64 i1 = r_instret();
  struct schedpolstat *s = &rq->polstat[active_id];
  if (p) {   // an empty look is not a decision
    s->picks++;
    s->pick_instret += in_policy;
    s->share_instret += i1 - i0 - in_policy;
    count_not_waiting(p);
    rq->stat.picks++;
  } else {
    rq->stat.idle_picks++;
  }
  rq->looked_empty = p == 0;
  rq->busy = p != 0;
  if (p)
    s->pick_time += r_time() - t0;
  unlock_rq(cpu);
  return p;
}

void sched_running(struct proc *p, int cpu)
{
  p->se.charged = 0;
  cpus[cpu].need_resched = 0;
  // p->lock held and interrupts off: only this hart writes its migrations.
  if (p->se.last_hart >= 0 && p->se.last_hart != cpu)
    rqs[cpu].stat.migrations++;
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
  int q = lock_rq_of(p);
  uint64 i0 = hook_begin();
  int old_cls = p->se.cls;
  int preempt = active->tick(p, ran);
  preempt |= cell_cpu_over(p->cell, r_time(), ran);   // its cell's share is used up
  int cls = p->se.cls;
  hook_end(q, i0);
  unlock_rq(q);
  if (cls != old_cls)
    strace_emit(SEV_CLASS, p, old_cls, 0);
  return preempt;
}

void sched_hart_tick(void)
{
  int me = cpuid();
  struct runq *rq = &rqs[me];
  lock_rq(me);
  struct schedhart *h = &rq->stat;
  h->ticks++;
  if (rq->looked_empty) {
    h->idle_ticks++;
    if (total_waiting() > 0)
      h->idle_waiting_ticks++;
  }
  h->waiting_ticks += rq->nwaiting;
  int balance_now = h->ticks % BALANCE_TICKS == 0;
  unlock_rq(me);
  if (balance_now)
    balance();
}

void sched_wake(struct proc *p)
{
  struct proc *waker = mycpu()->in_intr ? 0 : myproc();
  int q = rq_of(p);   // asleep: nobody moves it
  int t = place(q);
  lock_two(q, t);
  sched_hook_rq[cpuid()] = q;
  uint64 i0 = hook_begin();
  int old_cls = p->se.cls;
  p->se.runnable_since = r_time();
  active->wake(p, waker);
  count_waiting(p);
  int cls = p->se.cls;
  hook_end(q, i0);
  if (t != q)   // put in its home queue by the policy, then moved
    migrate(p, q, t);
  if (!kick_hart(t) && active->preempts)
    wake_preempt(p, t);
  unlock_two(q, t);
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

void sched_fill_stats(struct schedstat *st)
{
  memset(st, 0, sizeof(*st));
  st->npolicies = NPOLICY;
  for (int i = 0; i < NPOLICY; i++)
    safestrcpy(st->pol[i].name, policies[i]->name, SCHED_NAME_LEN);
  for (int h = 0; h < NCPU; h++) {
    lock_rq(h);
    st->policy = active_id;
    st->hart[h] = rqs[h].stat;
    for (int i = 0; i < NPOLICY; i++) {
      struct schedpolstat *a = &st->pol[i], *b = &rqs[h].polstat[i];
      a->picks += b->picks;
      a->pick_time += b->pick_time;
      a->pick_instret += b->pick_instret / instret_per_insn;
      a->hook_calls += b->hook_calls;
      a->hook_instret += b->hook_instret / instret_per_insn;
      a->share_instret += b->share_instret / instret_per_insn;
    }
    unlock_rq(h);
    if (cpus[h].started)
      st->nharts = h + 1;
  }
  st->switches = __atomic_load_n(&nswitches, __ATOMIC_RELAXED);
  st->preempt_ipis = __atomic_load_n(&npreempt_ipis, __ATOMIC_RELAXED);
  st->boosts = __atomic_load_n(&nboosts, __ATOMIC_RELAXED);
  st->instret_per_insn = instret_per_insn;
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
  int q = lock_rq_of(p);
  sp->hart = q;
  sp->cls = p->se.cls;
  sp->weight = p->se.weight;
  sp->level = p->se.level;
  sp->vruntime = p->se.vruntime;
  sp->feat = p->se.feat;
  unlock_rq(q);
}
