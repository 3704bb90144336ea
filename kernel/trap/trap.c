// Traps. From user mode, uservec (trampoline.S) saves the registers and
// jumps to usertrap(); from supervisor mode, kernelvec.S calls kerneltrap().
// Both sort the cause into: system call, device interrupt (PLIC), timer
// tick, software interrupt, or exception. A user exception kills only that
// process, with a message; a kernel exception is a kernel bug and panics.
#include "types.h"
#include "riscv.h"
#include "memlayout.h"
#include "lib/spinlock.h"
#include "proc/proc.h"
#include "lib/printf.h"
#include "dev/plic.h"
#include "dev/uart.h"
#include "dev/virtio_blk.h"
#include "dev/timer.h"
#include "proc/tickwait.h"
#include "dev/dtb.h"
#include "syscall/syscall_args.h"
#include "faultrec.h"
#include "cell/fault.h"
#include "trap/trap.h"
#if LAB >= 2
#include "trap/alarm.h"
#endif
#if LAB >= 3
#include "mm/lazymap.h"
#endif
#if LAB >= 7
#include "mm/cow.h"
#endif
#if LAB >= 8
#include "mm/mmap.h"
#endif

struct spinlock tickslock;   // protects ticks
uint64 ticks;

extern char trampoline[], uservec[], userret[];
void kernelvec(void);
void usertrap(void);

_Static_assert(TRAPFRAME == 0x3fffffe000, "trampoline.S hard-codes TRAPFRAME");
_Static_assert(__builtin_offsetof(struct trapframe, regs) == 40, "trampoline.S offsets");

void trapinit(void)
{
  initlock(&tickslock, "ticks");
}

void trapinithart(void)
{
  csr_write(stvec, (uint64)kernelvec);
  csr_set(sie, SIE_SEIE | SIE_SSIE);
  csr_write(scounteren, 2);   // user mode may read the time CSR
}

enum intr_kind { NOT_INTERRUPT, DEVICE, TIMER };

static const char *cause_name(uint64 scause)
{
  switch (scause) {
  case EXC_INST_MISALIGNED: return "misaligned instruction";
  case EXC_INST_ACCESS: return "instruction access fault";
  case EXC_ILLEGAL_INST: return "illegal instruction";
  case EXC_BREAKPOINT: return "breakpoint";
  case EXC_LOAD_MISALIGNED: return "misaligned load";
  case EXC_LOAD_ACCESS: return "load access fault";
  case EXC_STORE_MISALIGNED: return "misaligned store";
  case EXC_STORE_ACCESS: return "store access fault";
  case EXC_INST_PAGE_FAULT: return "instruction page fault";
  case EXC_LOAD_PAGE_FAULT: return "load page fault";
  case EXC_STORE_PAGE_FAULT: return "store page fault";
  default: return "unknown exception";
  }
}

static void clock_tick(void)
{
  sched_hart_tick();   // what this hart was doing, before the tick wakes anyone
  if (cpuid() == platform.harts[0] || platform.nharts == 0) {
    acquire(&tickslock);
    ticks++;
    tick_expire(ticks);   // only the timed sleepers now due
    release(&tickslock);
  }
  timer_next();
}

static enum intr_kind dispatch_intr(uint64 scause);

// Handle an interrupt if scause is one. Returns what it was. While it runs,
// wakeups come from "an interrupt", not from the process it interrupted
// (the scheduler's signals care: sched_wake).
static enum intr_kind devintr(uint64 scause)
{
  struct cpu *c = mycpu();
  c->in_intr++;
  enum intr_kind kind = dispatch_intr(scause);
  c->in_intr--;
  return kind;
}

static enum intr_kind dispatch_intr(uint64 scause)
{
  if (!(scause & SCAUSE_INTR))
    return NOT_INTERRUPT;
  uint64 code = scause & ~SCAUSE_INTR;
  if (code == IRQ_S_EXT) {
    int irq = plic_claim();
    if (irq == platform.uart_irq)
      uartintr();
    else if (irq && irq == virtio_blk_irq)
      virtio_blk_intr();
    if (irq)
      plic_complete(irq);
    return DEVICE;
  }
  if (code == IRQ_S_TIMER) {
    clock_tick();
    return TIMER;
  }
  if (code == IRQ_S_SOFT) {
    csr_clear(sip, SIE_SSIE);   // SBI IPIs leave SSIP for us to clear
    return DEVICE;
  }
  return DEVICE;   // unknown interrupt: ignore
}

// Timer tick on a hart running p: ask the policy whether p's turn is over
// (or whether a process this tick woke should preempt it).
static void tick_running(struct proc *p)
{
  if (sched_tick(p, r_time() - p->run_start) || sched_should_resched())
    yield();
}

// An exception in user code. A page fault that the lazymap() region
// serves (or, from lab 7, a store to a copy-on-write page) is fixed up;
// anything else kills the process, with a message and a fault record for
// its cell's supervisor (fault.h).
static void user_exception(struct proc *p, uint64 scause)
{
  uint64 stval = csr_read(stval);
#if LAB >= 3
  if (lazy_fault(p, scause, stval) == 0)
    return;   // the instruction runs again
#endif
#if LAB >= 7
  if (cow_fault(p, scause, stval) == 0) {
    __atomic_add_fetch(&cowstat.cow_faults, 1, __ATOMIC_RELAXED);
    return;
  }
#endif
#if LAB >= 8
  if (vma_find(p, stval)) {
    intr_on();   // loading a page of a mapped file waits for the disk
    if (mmap_fault(p, scause, stval) == 0) {
      __atomic_add_fetch(&mmapstat.faults, 1, __ATOMIC_RELAXED);
      return;
    }
  }
#endif
  fault_report(p, FAULT_EXCEPTION, scause, stval, cause_name(scause));
}

void usertrap(void)
{
  if (csr_read(sstatus) & SSTATUS_SPP)
    panic("usertrap: not from user mode");
  csr_write(stvec, (uint64)kernelvec);   // traps now go to the kernel handler

  struct proc *p = myproc();
  p->trapframe->epc = csr_read(sepc);
  uint64 scause = csr_read(scause);
  enum intr_kind kind = NOT_INTERRUPT;

  if (scause == EXC_ECALL_U) {
    if (killed(p))
      exit(-1);
    p->trapframe->epc += 4;   // return past the ecall
    intr_on();
    syscall();
  } else if ((kind = devintr(scause)) == NOT_INTERRUPT) {
    user_exception(p, scause);
  }

  if (killed(p))
    exit(-1);
  if (kind == TIMER) {
#if LAB >= 2
    alarm_tick(p);
#endif
    tick_running(p);
  } else if (sched_should_resched()) {
    yield();   // a process woken by this trap (or an IPI) preempts us
  }
  usertrapret();
}

void usertrapret(void)
{
  struct proc *p = myproc();
  intr_off();   // until sret: a trap now would land in uservec with kernel state
  csr_write(stvec, TRAMPOLINE + (uservec - trampoline));

  p->trapframe->kernel_satp = csr_read(satp);
  p->trapframe->kernel_sp = p->kstack + PGSIZE;
  p->trapframe->kernel_trap = (uint64)usertrap;
  p->trapframe->kernel_hartid = r_tp();

  uint64 s = csr_read(sstatus);
  s &= ~SSTATUS_SPP;   // sret to user mode
  s |= SSTATUS_SPIE;   // with interrupts on
  csr_write(sstatus, s);
  csr_write(sepc, p->trapframe->epc);

  uint64 satp = MAKE_SATP(p->pagetable);
  void (*ret)(uint64) = (void (*)(uint64))(TRAMPOLINE + (userret - trampoline));
  ret(satp);
  __builtin_unreachable();
}

void kerneltrap(void)
{
  uint64 sepc = csr_read(sepc);
  uint64 sstatus = csr_read(sstatus);
  uint64 scause = csr_read(scause);

  if (!(sstatus & SSTATUS_SPP))
    panic("kerneltrap: not from supervisor mode");
  if (intr_get())
    panic("kerneltrap: interrupts enabled");

  enum intr_kind kind = devintr(scause);
  if (kind == NOT_INTERRUPT) {
    printf("kernel trap: %s (scause %p) at sepc %p stval %p\n", cause_name(scause),
           (void *)scause, (void *)sepc, (void *)csr_read(stval));
    panic("kernel trap");
  }
  struct proc *p = myproc();
  if (kind == TIMER && p && p->state == RUNNING)
    tick_running(p);
  else if (p && p->state == RUNNING && sched_should_resched())
    yield();

  // yield() may have run other code that trapped: restore what sret needs.
  csr_write(sepc, sepc);
  csr_write(sstatus, sstatus);
}
