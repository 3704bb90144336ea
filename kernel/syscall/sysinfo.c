#if LAB >= 2
// sysinfo(struct sysinfo *info): fill *info with a snapshot of the machine
// (free memory, processes, uptime, running harts). The user pointer is
// checked by copyout: a bad one gives -E_FAULT.
#include "types.h"
#include "param.h"
#include "errno.h"
#include "lib/spinlock.h"
#include "mm/kalloc.h"
#include "mm/vm.h"
#include "proc/proc.h"
#include "trap/trap.h"
#include "syscall/syscall_args.h"
#include "sysinfo.h"
#include "syscall/sysproc.h"
#if LAB >= 7
#include "mm/cow.h"
#endif

#if SOL >= 2
// Process slots in use. Each p->lock is held just long enough to read state.
static uint64 count_procs(void)
{
  uint64 n = 0;
  for (struct proc *p = proc; p < &proc[NPROC]; p++) {
    acquire(&p->lock);
    if (p->state != UNUSED)
      n++;
    release(&p->lock);
  }
  return n;
}

static uint64 count_harts(void)
{
  uint64 n = 0;
  for (int i = 0; i < NCPU; i++)
    if (cpus[i].started)
      n++;
  return n;
}
#endif

uint64 sys_sysinfo(void)
{
#if SOL >= 2
  struct sysinfo info;
  info.freepages = kfree_count();
  info.nproc = count_procs();
  acquire(&tickslock);
  info.uptime = ticks;
  release(&tickslock);
  info.harts = count_harts();
#if LAB >= 7
  info.forks = __atomic_load_n(&cowstat.forks, __ATOMIC_RELAXED);
  info.fork_copies = __atomic_load_n(&cowstat.fork_copies, __ATOMIC_RELAXED);
  info.fork_insns = __atomic_load_n(&cowstat.fork_insns, __ATOMIC_RELAXED);
  info.cow_faults = __atomic_load_n(&cowstat.cow_faults, __ATOMIC_RELAXED);
#endif
#if LAB >= 8
  info.mmap_faults = __atomic_load_n(&mmapstat.faults, __ATOMIC_RELAXED);
#endif
  return copyout(myproc()->pagetable, argaddr(0), &info, sizeof(info));
#else
  return -E_NOSYS;
#endif
}
#endif
