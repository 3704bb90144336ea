// Processes and harts: the process table, per-hart state, and the calls that
// create, switch, sleep, wake and end processes. The scheduling *decision*
// (which runnable process goes next) lives behind the policy interface in
// sched.h; proc.c owns the mechanism (states, locks, context switch).
#ifndef ZENITH_PROC_H
#define ZENITH_PROC_H

#include "types.h"
#include "param.h"
#include "riscv.h"
#include "lib/spinlock.h"
#include "cap/cap.h"
#include "sched/sched.h"
#include "procinfo.h"
#if LAB >= 8
#include "mm/mmap.h"
#endif

// Callee-saved registers saved by swtch() when a kernel thread gives up the hart.
struct context {
  uint64 ra;
  uint64 sp;
  uint64 s[12];   // s0..s11
};

// Per-hart state.
struct cpu {
  struct proc *proc;        // process running here, or 0
  struct context context;   // swtch() here to enter this hart's scheduler loop
  int noff;                 // depth of push_off() nesting
  int intena;               // were interrupts enabled before push_off()?
  int started;              // hart has finished its boot
  uint64 idle_time;         // rdtime units spent with nothing to run
  volatile int idle;        // looking for work or in wfi: kick with an IPI
  volatile int need_resched;  // a wake-up preempts the process here (sched.c)
  int in_intr;              // handling a device or timer interrupt (trap.c)
};

// Saved user state. One page per process, mapped at TRAPFRAME in the user
// address space; trampoline.S saves registers here on a trap from user mode.
// regs[] is indexed by register number (regs[10] is a0); regs[0] is unused.
// The offsets are used by trampoline.S: keep them in step.
struct trapframe {
  uint64 kernel_satp;    //   0: kernel page table
  uint64 kernel_sp;      //   8: top of this process's kernel stack
  uint64 kernel_trap;    //  16: address of usertrap()
  uint64 epc;            //  24: user pc
  uint64 kernel_hartid;  //  32: hart id, restored into tp
  uint64 regs[32];       //  40: x0..x31
};

#define REG_RA 1
#define REG_SP 2
#define REG_A0 10
#define REG_A1 11
#define REG_A7 17

#if LAB >= 2
// State of the alarm() timer callback (alarm.c). Only the process itself
// uses it (in its system calls and its own timer traps), so no lock.
struct alarm {
  int interval;             // timer ticks between calls; 0 = off
  int elapsed;              // ticks counted since the last call
  uint64 handler;           // user address of the handler
  int in_handler;           // 1 from the call until alarmret()
  struct trapframe saved;   // user registers when the handler was called
};
#endif

enum procstate { UNUSED, USED, SLEEPING, RUNNABLE, RUNNING, ZOMBIE };

struct inode;
struct cell;

struct proc {
  struct spinlock lock;

  // p->lock must be held to use these:
  enum procstate state;
  void *chan;                // sleeping on chan, if non-zero
  int killed;                // has been killed
  int xstate;                // exit status for the parent's wait
  int pid;

  // wait_lock must be held to use this:
  struct proc *parent;

  // The SandCell (cell.h) the process belongs to: set by allocproc() under
  // p->lock, fixed for the process's life, cleared by freeproc().
  struct cell *cell;

  // Scheduler bookkeeping; owned by the policy under the run-queue lock.
  struct sched_entity se;

  // Private to the process (or its creator before it first runs):
  int slot;                  // index in proc[]; fixes the kernel stack address
  uint64 kstack;             // kernel stack virtual address
  uint64 sz;                 // bytes of user memory
  pagetable_t pagetable;
  struct trapframe *trapframe;
  struct context context;    // swtch() here to run the process
  struct captable caps;      // capability table: fds are its slots; the
                             // cwd and root are directory capabilities in it
  char name[16];
  struct cell *charge;       // cell its kernel thread's kalloc()s are
                             // charged to: its cell, or the target cell
                             // while it builds a process there
  int page_refused;          // a kalloc() of its thread hit a cell quota

  // CPU accounting, exact: charged from rdtime at every switch.
  uint64 cputime;            // total rdtime units run

  // Its own and its reaped children's work (procinfo.h); only the
  // process's own thread changes it (fork, spawn, pipes, wait).
  struct proctally tally;
  int wrote_pipe;            // it made a pipe write itself (counted a writer)
  uint64 run_start;          // rdtime when it last got a hart
  int last_cpu;              // hart it last ran on, -1 if never
#if LAB >= 2
  struct alarm alarm;        // private: alarm() callback state
#endif
#if LAB >= 3
  uint64 lazy_npages;        // private: pages in the lazymap() region, 0 if none
#endif
#if LAB >= 8
  struct vma vma[NVMA];      // private: file mappings (mm/mmap.h); start 0 = free
#endif
};

extern struct cpu cpus[NCPU];
extern struct proc proc[NPROC];

int cpuid(void);
struct cpu *mycpu(void);
struct proc *myproc(void);

void procinit(void);
void userinit(void);
void scheduler(void) __attribute__((noreturn));
void sched(void);
void yield(void);
int fork(void);
// For spawn (spawn.c): a new process with an empty address space, no
// capabilities and no cwd, not runnable, unlocked (0 and *err if none is
// free); give it back with proc_discard (after emptying its table) if
// setting it up fails, or make it parent's runnable child with proc_start.
struct proc *proc_alloc_blank(struct cell *c, int *err);   // in cell c (cell.h)
void proc_discard(struct proc *np);
void proc_start(struct proc *np, struct proc *parent);
void exit(int status) __attribute__((noreturn));
int wait(uint64 status_addr);
int kill(int pid);
void setkilled(struct proc *p);
int killed(struct proc *p);
void sleep(void *chan, struct spinlock *lk);
void wakeup(void *chan);
int growproc(int n);
pagetable_t proc_pagetable(struct proc *p);
void proc_freepagetable(pagetable_t pt, uint64 sz);
void procdump(void);
int procinfo_collect(uint64 user_buf, int max);
// CPU time p has used up to now, its current run included (rdtime units).
// The caller holds p->lock, or is p with interrupts off: cputime(), ps and
// sched_stats all read it here, so they agree.
uint64 proc_cputime(struct proc *p);
int either_copyout(int user_dst, uint64 dst, void *src, uint64 len);
int either_copyin(void *dst, int user_src, uint64 src, uint64 len);

void swtch(struct context *old, struct context *new);

#endif
