// Processes: the process table, creation (fork), exit and wait, sleep and
// wakeup, kill, and each hart's scheduler loop. Which runnable process runs
// next is the policy's choice (sched.h); this file is the mechanism.
//
// Locks: p->lock protects a process's state, chan, killed, xstate and pid and
// is held across the switch into and out of it. wait_lock protects every
// p->parent and makes exit's wakeup of a parent atomic with the parent's
// check in wait(). Order: wait_lock, then p->lock, then the run-queue lock.
#include "types.h"
#include "param.h"
#include "riscv.h"
#include "memlayout.h"
#include "errno.h"
#include "lib/spinlock.h"
#include "lib/lockdep.h"
#include "lib/klib.h"
#include "lib/printf.h"
#include "mm/kalloc.h"
#include "mm/vm.h"
#include "trap/trap.h"
#include "fs.h"
#include "fs/log.h"
#include "file.h"
#include "proc/exec.h"
#include "procinfo.h"
#include "dev/timer.h"
#include "proc/proc.h"
#include "cap/pcap.h"
#include "syscall/syssched.h"
#include "sysctl.h"
#include "fs/dircap.h"
#include "cell/cell.h"
#include "cellinfo.h"
#if LAB >= 3
#include "mm/lazymap.h"
#endif
#if LAB >= 7
#include "mm/cow.h"
#include "sched/sched.h"
#endif

struct cpu cpus[NCPU];
struct proc proc[NPROC];

static struct proc *initproc;
static struct spinlock pid_lock;   // protects nextpid
static int nextpid = 1;
static struct spinlock wait_lock;  // see the top of the file

extern char trampoline[];
static void forkret(void);

int cpuid(void)
{
  return (int)r_tp();
}

struct cpu *mycpu(void)
{
  return &cpus[cpuid()];
}

struct proc *myproc(void)
{
  push_off();
  struct proc *p = mycpu()->proc;
  pop_off();
  return p;
}

void procinit(void)
{
  initlock(&pid_lock, "nextpid");
  initlock(&wait_lock, "wait_lock");
  for (int i = 0; i < NPROC; i++) {
    struct proc *p = &proc[i];
    initlock(&p->lock, "proc");
    p->state = UNUSED;
    p->slot = i;
    p->kstack = KSTACK(i);
    p->last_cpu = -1;
  }
}

static int allocpid(void)
{
  acquire(&pid_lock);
  int pid = nextpid++;
  release(&pid_lock);
  return pid;
}

pagetable_t proc_pagetable(struct proc *p)
{
  pagetable_t pt = uvmcreate();
  if (!pt)
    return 0;
  if (mappages(pt, TRAMPOLINE, PGSIZE, (uint64)trampoline, PTE_R | PTE_X) < 0 ||
      mappages(pt, TRAPFRAME, PGSIZE, (uint64)p->trapframe, PTE_R | PTE_W) < 0) {
    uvmunmap(pt, TRAMPOLINE, 1, 0);
    uvmfree(pt, 0);
    return 0;
  }
  return pt;
}

void proc_freepagetable(pagetable_t pt, uint64 sz)
{
  uvmunmap(pt, TRAMPOLINE, 1, 0);
  uvmunmap(pt, TRAPFRAME, 1, 0);
  uvmfree(pt, sz);
}

// Give back everything a process slot holds. p->lock must be held.
static void freeproc(struct proc *p)
{
  pcap_forget(p);   // before the pid goes: no capability may outlive it
#if LAB >= 3
  if (p->pagetable)
    lazy_drop(p, p->pagetable);
  p->lazy_npages = 0;
#endif
#if LAB >= 8
  // exit took the mappings apart already; only a child of fork that never
  // ran still has some (its parent holds the same files: nothing sleeps).
  vma_discard_all(p, p->pagetable);
#endif
  if (p->pagetable)
    proc_freepagetable(p->pagetable, p->sz);
  if (p->trapframe)
    kfree(p->trapframe);
  p->pagetable = 0;
  p->trapframe = 0;
  p->sz = 0;
  p->pid = 0;
  p->parent = 0;
  p->name[0] = 0;
  p->chan = 0;
  p->killed = 0;
  p->xstate = 0;
  p->cputime = 0;
  memset(&p->tally, 0, sizeof(p->tally));
  p->wrote_pipe = 0;
  memset(&p->se, 0, sizeof(p->se));
  p->last_cpu = -1;
#if LAB >= 2
  memset(&p->alarm, 0, sizeof(p->alarm));
#endif
  if (p->cell)
    cell_proc_uncharge(p->cell);   // last: its pages went back above
  p->cell = p->charge = 0;
  p->page_refused = 0;
  p->state = UNUSED;
}

// Find a free slot in cell c and set it up to start in forkret(). Returns
// it with p->lock held, or 0 with *err set.
static struct proc *allocproc(struct cell *c, int *err)
{
  struct proc *p;
  for (p = proc; p < &proc[NPROC]; p++) {
    acquire(&p->lock);
    if (p->state == UNUSED)
      break;
    release(&p->lock);
  }
  if (p == &proc[NPROC]) {
    *err = -E_PROCLIM;
    return 0;
  }
  if ((*err = cell_proc_charge(c)) < 0) {
    release(&p->lock);
    return 0;
  }
  p->cell = p->charge = c;
  p->pid = allocpid();
  p->state = USED;
  p->trapframe = kalloc();
  if (p->trapframe)
    memset(p->trapframe, 0, sizeof(*p->trapframe));
  if (!p->trapframe || !(p->pagetable = proc_pagetable(p))) {
    freeproc(p);
    release(&p->lock);
    *err = -E_NOMEM;
    return 0;
  }
  memset(&p->caps, 0, sizeof(p->caps));
  memset(&p->context, 0, sizeof(p->context));
  p->context.ra = (uint64)forkret;
  p->context.sp = p->kstack + PGSIZE;
  return p;
}

// Make p runnable and hand it to the policy (sched_enqueue chooses the
// hart's queue and wakes that hart if it idles). p->lock must be held.
static void make_runnable(struct proc *p)
{
  p->state = RUNNABLE;
  sched_enqueue(p);
}

// The first process. It has no memory yet: forkret() mounts the file
// system and execs /init in it.
void userinit(void)
{
  int err;
  struct proc *p = allocproc(cell_root(), &err);
  if (!p)
    panic("userinit: no process slot");
  initproc = p;
  if (cell_install(p, cell_root(), CELL_ROOT_SLOT) < 0)
    panic("userinit: root cell capability");
  safestrcpy(p->name, "init", sizeof(p->name));
  schedctl_give_init(p);
  sysctl_give_init(p);
  sched_fork(0, p);
  make_runnable(p);
  release(&p->lock);
}

int growproc(int n)
{
  struct proc *p = myproc();
  uint64 sz = p->sz;
  if (n > 0) {
    if (sz + n > USERTOP || (sz = uvmalloc(p->pagetable, sz, sz + n, PTE_W)) == 0)
      return -E_NOMEM;
  } else if (n < 0) {
    if ((uint64)(-(int64)n) > sz)
      return -E_INVAL;
    sz = uvmdealloc(p->pagetable, sz, sz + n);
  }
  p->sz = sz;
  return 0;
}

int fork(void)
{
  struct proc *p = myproc();
  int err;
  p->page_refused = 0;
  struct proc *np = allocproc(p->cell, &err);
  if (!np)
    return err == -E_NOMEM && p->page_refused ? -E_QUOTA : err;
  // Copy the memory without np->lock: holding a spinlock keeps interrupts
  // off, and copying a few hundred KB takes milliseconds, long enough to
  // lose timer ticks (sleep() and uptime() would fall behind the clock) and
  // to keep a woken process off the hart. Nobody else touches a USED slot.
  release(&np->lock);
#if LAB >= 7
  uint64 i0 = instret_insns();   // the fork figure (book 3.9, sysinfo)
  int copied = uvmcopy(p->pagetable, np->pagetable, p->sz);
  __atomic_add_fetch(&cowstat.forks, 1, __ATOMIC_RELAXED);
  __atomic_add_fetch(&cowstat.fork_insns, instret_insns() - i0, __ATOMIC_RELAXED);
  if (copied < 0) {
#else
  if (uvmcopy(p->pagetable, np->pagetable, p->sz) < 0) {
#endif
    proc_discard(np);
    return p->page_refused ? -E_QUOTA : -E_NOMEM;
  }
#if LAB >= 3
  if (lazy_fork(p, np) < 0) {
    proc_discard(np);
    return p->page_refused ? -E_QUOTA : -E_NOMEM;
  }
#endif
#if LAB >= 8
  if ((err = mmap_fork(p, np)) < 0) {
    proc_discard(np);   // freeproc drops what the child got of the mappings
    return err == -E_NOMEM && p->page_refused ? -E_QUOTA : err;
  }
#endif
  acquire(&np->lock);
  np->sz = p->sz;
  *np->trapframe = *p->trapframe;
  np->trapframe->regs[REG_A0] = 0;   // fork returns 0 in the child
  // Our capability for the child and its copies of ours (freeproc drops
  // them all again if the rest fails), then its slots, derived from ours.
  if ((err = pcap_fork(p, np)) < 0 || (err = cap_inherit(np, p)) < 0) {
    freeproc(np);
    release(&np->lock);
    return err;
  }
  safestrcpy(np->name, p->name, sizeof(np->name));
  int pid = np->pid;
  release(&np->lock);
  proc_start(np, p);
  return pid;
}

struct proc *proc_alloc_blank(struct cell *c, int *err)
{
  struct proc *np = allocproc(c, err);
  if (np)
    release(&np->lock);   // allocproc emptied its table: no cwd, no root
  return np;
}

void proc_discard(struct proc *np)
{
  acquire(&np->lock);
  freeproc(np);
  release(&np->lock);
}

void proc_start(struct proc *np, struct proc *parent)
{
  parent->tally.children++;   // (fork and spawn run in the parent's thread)
  acquire(&wait_lock);
  np->parent = parent;
  release(&wait_lock);

  acquire(&np->lock);
  sched_fork(parent, np);
  make_runnable(np);
  release(&np->lock);
}

// Hand p's children to init, with a wait-only capability for each so init
// can reap them (wait needs one). wait_lock must be held. The record pool
// has room for a full table per process, so pcap_give cannot fail; if it
// ever did, the orphan would stay a zombie, so say so.
static void reparent(struct proc *p)
{
  for (struct proc *pp = proc; pp < &proc[NPROC]; pp++) {
    if (pp->parent == p) {
      pp->parent = initproc;
      if (pcap_give(initproc, pp, CAP_R_WAIT) < 0)
        printf("reparent: no wait capability for pid %d\n", pp->pid);
      wakeup(initproc);
    }
  }
}

void exit(int status)
{
  struct proc *p = myproc();
  if (p == initproc) {
    printf("init exited with status %d\n", status);
    panic("init exiting");
  }
#if LAB >= 8
  mmap_exit(p, p->pagetable);          // writes shared pages back to their files
  vma_discard_all(p, p->pagetable);    // anything mmap_exit left
#endif
  cap_close_all(p);   // slots, cwd and root, process capabilities

  acquire(&wait_lock);
  reparent(p);
  wakeup(p->parent);
  acquire(&p->lock);
  p->xstate = status;
  p->state = ZOMBIE;
  release(&wait_lock);
  sched();
  panic("zombie exit");
}

// A reaped child's work becomes part of its parent's.
static void tally_add(struct proctally *to, const struct proctally *from)
{
  to->children += from->children;
  to->pipe_writes += from->pipe_writes;
  to->pipe_writers += from->pipe_writers;
  to->pipe_reads += from->pipe_reads;
}

// Reap a child that has exited. Only children the caller holds a process
// capability with CAP_R_WAIT for count (fork gives the parent one; init
// gets one for every orphan): -E_CHILD if there are no children at all,
// -E_NOCAP / -E_NORIGHT if there are some but none it may wait for.
int wait(uint64 status_addr)
{
  struct proc *p = myproc();
  acquire(&wait_lock);
  for (;;) {
    int have_kids = 0, no_right = -E_CHILD;
    for (struct proc *pp = proc; pp < &proc[NPROC]; pp++) {
      if (pp->parent != p)
        continue;
      acquire(&pp->lock);
      int r = pcap_holds(p, pp->pid, CAP_R_WAIT);   // p->lock, then caplock
      if (r < 0) {
        if (no_right != -E_NORIGHT)
          no_right = r;
        release(&pp->lock);
        continue;
      }
      have_kids = 1;
      if (pp->state == ZOMBIE) {
        int pid = pp->pid;
        if (status_addr && copyout(p->pagetable, status_addr, &pp->xstate, sizeof(int)) < 0) {
          release(&pp->lock);   // the child stays a zombie: nothing is lost
          release(&wait_lock);
          return -E_FAULT;
        }
        tally_add(&p->tally, &pp->tally);
        freeproc(pp);
        release(&pp->lock);
        release(&wait_lock);
        return pid;
      }
      release(&pp->lock);
    }
    if (!have_kids) {
      release(&wait_lock);
      return no_right;
    }
    if (killed(p)) {
      release(&wait_lock);
      return -E_KILLED;
    }
    sleep(p, &wait_lock);
  }
}

// Each hart's scheduler loop: ask the policy for a process, run it until it
// gives the hart back, repeat. Sleeps in wfi when nothing is runnable.
void scheduler(void)
{
  struct cpu *c = mycpu();
  c->proc = 0;
  for (;;) {
    intr_on();   // let devices wake processes while we look
    // Idle from before the look: a process put in this hart's queue after
    // it sends an IPI (sched.c kick_hart), which makes the wfi below
    // return at once.
    c->idle = 1;
    __sync_synchronize();
    struct proc *p = sched_pick_next(cpuid());
    if (!p) {
      uint64 t0 = r_time();
      asm volatile("wfi");
      c->idle_time += r_time() - t0;
      continue;
    }
    c->idle = 0;
    acquire(&p->lock);
    if (p->state == RUNNABLE) {
      p->state = RUNNING;
      p->run_start = r_time();
      p->last_cpu = cpuid();
      c->proc = p;
      sched_running(p, cpuid());
      swtch(&c->context, &p->context);
      c->proc = 0;
    }
    release(&p->lock);
  }
}

// Give up the hart. The caller holds p->lock (only) and has already changed
// p->state. Charges the exact time run since the switch in, tells the
// policy, and switches to this hart's scheduler loop.
void sched(void)
{
  struct proc *p = myproc();
  if (!holding(&p->lock))
    panic("sched: p->lock not held");
  if (mycpu()->noff != 1) {
    lockdep_report_sleep();   // names them
    panic("sched: other locks held");
  }
  if (p->state == RUNNING)
    panic("sched: still running");
  if (intr_get())
    panic("sched: interrupts on");

  uint64 ran = r_time() - p->run_start;
  p->cputime += ran;
  cell_cpu_charge(p->cell, ran);
  if (p->state == RUNNABLE)
    sched_preempt(p, ran);
  else if (p->state == SLEEPING)
    sched_block(p, ran);
  else if (p->state == ZOMBIE)
    sched_exit(p, ran);

  int intena = mycpu()->intena;
  swtch(&p->context, &mycpu()->context);
  mycpu()->intena = intena;
}

void yield(void)
{
  struct proc *p = myproc();
  acquire(&p->lock);
  p->state = RUNNABLE;
  sched();
  release(&p->lock);
}

// A new process's first kernel code, entered from scheduler() via swtch()
// with p->lock held. The very first process also mounts the root file
// system and execs /init (both sleep, so they can't run in kmain).
static void forkret(void)
{
  static int first = 1;
  struct proc *p = myproc();
  release(&p->lock);
  if (first) {
    first = 0;
    fsinit(ROOTDEV);
    __sync_synchronize();
    dircap_boot(p);   // the root capabilities: everything flows from here
    char *argv[] = { "init", 0 };
    int r = exec("/init", argv);
    if (r < 0) {
      printf("exec /init failed: error %d\n", r);
      panic("no init");
    }
    p->trapframe->regs[REG_A0] = r;
  }
  usertrapret();
}

void sleep(void *chan, struct spinlock *lk)
{
  struct proc *p = myproc();
  acquire(&p->lock);   // wakeup() needs it too, so no wakeup is missed
  release(lk);
  p->chan = chan;
  p->state = SLEEPING;
  sched();
  p->chan = 0;
  release(&p->lock);
  acquire(lk);
}

void wakeup(void *chan)
{
  struct proc *me = myproc();
  for (struct proc *p = proc; p < &proc[NPROC]; p++) {
    if (p == me)
      continue;
    acquire(&p->lock);
    if (p->state == SLEEPING && p->chan == chan) {
      p->state = RUNNABLE;
      sched_wake(p);
    }
    release(&p->lock);
  }
}

// Mark pid killed; it exits at its next return to user mode. A sleeping
// process is woken so it notices. The caller needs a process capability
// for pid with CAP_R_KILL (pcap.h): -E_NOCAP if it holds none for that
// pid (whether or not such a process exists), -E_NORIGHT if it lacks the
// right. No process holds one for init, which the system needs.
int kill(int pid)
{
  int err;
  struct proc *p = pcap_lookup(myproc(), pid, CAP_R_KILL, &err);
  if (p == 0)
    return err;
  acquire(&p->lock);
  if (p->pid != pid || p->state == UNUSED || p == initproc) {
    release(&p->lock);   // reaped since the lookup
    return -E_SRCH;
  }
  p->killed = 1;
  if (p->state == SLEEPING) {
    p->state = RUNNABLE;
    sched_wake(p);
  }
  release(&p->lock);
  return 0;
}

void setkilled(struct proc *p)
{
  acquire(&p->lock);
  p->killed = 1;
  release(&p->lock);
}

int killed(struct proc *p)
{
  acquire(&p->lock);
  int k = p->killed;
  release(&p->lock);
  return k;
}

int either_copyout(int user_dst, uint64 dst, void *src, uint64 len)
{
  if (user_dst)
    return copyout(myproc()->pagetable, dst, src, len);
  memmove((void *)dst, src, len);
  return 0;
}

int either_copyin(void *dst, int user_src, uint64 src, uint64 len)
{
  if (user_src)
    return copyin(myproc()->pagetable, dst, src, len);
  memmove(dst, (void *)src, len);
  return 0;
}

uint64 proc_cputime(struct proc *p)
{
  uint64 t = p->cputime;
  if (p->state == RUNNING)
    t += r_time() - p->run_start;
  return t;
}

static void fill_procinfo(struct proc *p, struct procinfo *pi)
{
  pi->pid = p->pid;
  pi->ppid = p->parent ? p->parent->pid : 0;   // racy read: fine for a listing
  pi->state = p->state;
  pi->cpu = p->last_cpu;
  pi->size = p->sz;
  pi->cputime = proc_cputime(p);
  safestrcpy(pi->name, p->name, sizeof(pi->name));
  pi->tally = p->tally;
}

// Copy up to max procinfo records of live processes to user_buf.
int procinfo_collect(uint64 user_buf, int max)
{
  if (max < 0)
    return -E_INVAL;
  int n = 0;
  for (struct proc *p = proc; p < &proc[NPROC] && n < max; p++) {
    struct procinfo pi;
    acquire(&p->lock);
    int live = p->state != UNUSED;
    if (live)
      fill_procinfo(p, &pi);
    release(&p->lock);
    if (!live)
      continue;
    if (copyout(myproc()->pagetable, user_buf + n * sizeof(pi), &pi, sizeof(pi)) < 0)
      return -E_FAULT;
    n++;
  }
  return n;
}

// ^P on the console: list processes. Takes no sleeping locks.
void procdump(void)
{
  static const char *names[] = PROC_STATE_NAMES;
  printf("\nPID  STATE   CPU  CPUTIME(us)  NAME\n");
  for (struct proc *p = proc; p < &proc[NPROC]; p++) {
    if (p->state == UNUSED)
      continue;
    struct procinfo pi;
    fill_procinfo(p, &pi);
    printf("%d  %s  %d  %lu  %s\n", pi.pid, names[pi.state], pi.cpu,
           pi.cputime * 1000000 / timebase_hz(), pi.name);
  }
  for (int i = 0; i < NCPU; i++)
    if (cpus[i].started)
      printf("hart %d idle %lu us\n", i, cpus[i].idle_time * 1000000 / timebase_hz());
}
