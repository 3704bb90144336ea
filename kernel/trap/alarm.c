#if LAB >= 2
// alarm(ticks, handler): a user-level timer callback. After every `ticks`
// timer ticks that the process spends running in user mode, the kernel
// saves the user registers and returns to user mode at `handler` instead
// of where the program was. The handler ends by calling alarmret(), which
// puts every register back, so the program continues as if nothing had
// happened. No new call starts while a handler runs. alarm(0, 0) stops
// the calls. All state is private to the process (struct alarm, proc.h).
#include "types.h"
#include "riscv.h"
#include "errno.h"
#include "mm/vm.h"
#include "proc/proc.h"
#include "syscall/syscall_args.h"
#include "syscall/sysproc.h"
#include "trap/alarm.h"

#if SOL >= 2
// Is va the address of user code (mapped, user, executable, aligned)?
static int is_user_code(pagetable_t pt, uint64 va)
{
  if (va % 2 != 0)
    return 0;
  pte_t *pte = walk(pt, va, 0);
  uint64 need = PTE_V | PTE_U | PTE_X;
  return pte && (*pte & need) == need;
}
#endif

uint64 sys_alarm(void)
{
#if SOL >= 2
  struct proc *p = myproc();
  int ticks = argint(0);
  uint64 handler = argaddr(1);
  if (ticks < 0)
    return -E_INVAL;
  if (ticks > 0 && !is_user_code(p->pagetable, handler))
    return -E_FAULT;
  p->alarm.interval = ticks;
  p->alarm.handler = ticks > 0 ? handler : 0;
  p->alarm.elapsed = 0;
  return 0;
#else
  return -E_NOSYS;
#endif
}

// Returns the interrupted a0, because syscall() stores our result in a0.
uint64 sys_alarmret(void)
{
#if SOL >= 2
  struct proc *p = myproc();
  if (!p->alarm.in_handler)
    return -E_INVAL;
  *p->trapframe = p->alarm.saved;
  p->alarm.in_handler = 0;
  return p->trapframe->regs[REG_A0];
#else
  return -E_NOSYS;
#endif
}

// A timer tick arrived while p ran in user mode; its registers are in
// p->trapframe and it is about to return there.
void alarm_tick(struct proc *p)
{
#if SOL >= 2
  struct alarm *a = &p->alarm;
  if (a->interval == 0 || a->in_handler)
    return;
  if (++a->elapsed < a->interval)
    return;
  a->elapsed = 0;
  a->saved = *p->trapframe;
  a->in_handler = 1;
  p->trapframe->epc = a->handler;
#endif
}
#endif
