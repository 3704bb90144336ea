#if LAB >= 3
// lazymap(npages): reserve npages of demand-zero memory at LAZYBASE
// (kernel/mman.h) and return that address. Nothing is allocated at first:
// the first load or store to a page of the region page-faults, and
// lazy_fault() maps a zeroed page there and lets the instruction run again.
// fork copies the touched pages (lazy_fork), exit and exec free them
// (lazy_drop). If no memory is left for a fault, only the faulting process
// dies, with a message. The kernel never touches a page on a system call's
// behalf: copyin/copyout to an untouched page fail with -E_FAULT, as for any
// unmapped address. One region per process; the state is p->lazy_npages.
#include "types.h"
#include "riscv.h"
#include "errno.h"
#include "lib/klib.h"
#include "lib/printf.h"
#include "mm/kalloc.h"
#include "mm/vm.h"
#include "proc/proc.h"
#include "mman.h"
#include "syscall/syscall_args.h"
#include "syscall/sysproc.h"
#include "faultrec.h"
#include "cell/fault.h"
#include "mm/lazymap.h"

#if SOL >= 3
static uint64 region_end(struct proc *p)
{
  return LAZYBASE + p->lazy_npages * PGSIZE;
}

// The first mapped leaf PTE for an address in [*va, end), with *va set to
// that address; 0 if none. Skips a missing L1 or L0 table in one step, so
// walking a huge, mostly untouched region costs little.
static pte_t *next_leaf(pagetable_t pt, uint64 *va, uint64 end)
{
  uint64 a = *va;
  while (a < end) {
    pte_t l2 = pt[PX(2, a)];
    if (!(l2 & PTE_V)) {
      a = (a | ((1UL << PXSHIFT(2)) - 1)) + 1;   // next 1 GiB block
      continue;
    }
    pte_t l1 = ((pagetable_t)PTE2PA(l2))[PX(1, a)];
    if (!(l1 & PTE_V)) {
      a = (a | ((1UL << PXSHIFT(1)) - 1)) + 1;   // next 2 MiB block
      continue;
    }
    pte_t *l0 = &((pagetable_t)PTE2PA(l1))[PX(0, a)];
    if (*l0 & PTE_V) {
      *va = a;
      return l0;
    }
    a += PGSIZE;
  }
  return 0;
}
#endif

uint64 sys_lazymap(void)
{
#if SOL >= 3
  struct proc *p = myproc();
  int n = argint(0);
  if (n <= 0 || n > LAZY_MAXPAGES)
    return -E_INVAL;
  if (p->lazy_npages != 0)
    return -E_EXIST;
  if (p->sz > LAZYBASE)   // would need 128 GiB of RAM: sbrk memory is real
    return -E_NOMEM;
  p->lazy_npages = n;
  return LAZYBASE;
#else
  return -E_NOSYS;
#endif
}

int lazy_fault(struct proc *p, uint64 scause, uint64 va)
{
#if SOL >= 3
  if (scause != EXC_LOAD_PAGE_FAULT && scause != EXC_STORE_PAGE_FAULT)
    return -1;
  if (p->lazy_npages == 0 || va < LAZYBASE || va >= region_end(p))
    return -1;
  uint64 page = PGROUNDDOWN(va);
  pte_t *pte = walk(p->pagetable, page, 0);
  if (pte && (*pte & PTE_V))
    return -1;   // mapped already: not ours to fix
  p->page_refused = 0;
  char *mem = kalloc();
  if (mem) {
    memset(mem, 0, PGSIZE);
    if (mappages(p->pagetable, page, PGSIZE, (uint64)mem, PTE_R | PTE_W | PTE_U) == 0)
      return 0;
    kfree(mem);
  }
  fault_report_nomem(p, scause, va);   // in the machine or in its cell: it dies
  return 0;
#else
  return -1;
#endif
}

int lazy_fork(struct proc *parent, struct proc *child)
{
#if SOL >= 3
  child->lazy_npages = parent->lazy_npages;
  uint64 end = region_end(parent);
  uint64 va = LAZYBASE;
  pte_t *pte;
  while ((pte = next_leaf(parent->pagetable, &va, end)) != 0) {
    char *mem = kalloc();
    if (!mem)
      return -E_NOMEM;
    memmove(mem, (void *)PTE2PA(*pte), PGSIZE);
    if (mappages(child->pagetable, va, PGSIZE, (uint64)mem,
                 PTE_FLAGS(*pte) & ~(PTE_A | PTE_D | PTE_V)) != 0) {
      kfree(mem);
      return -E_NOMEM;
    }
    va += PGSIZE;
  }
#endif
  return 0;
}

void lazy_drop(struct proc *p, pagetable_t pt)
{
#if SOL >= 3
  uint64 end = region_end(p);
  uint64 va = LAZYBASE;
  pte_t *pte;
  while ((pte = next_leaf(pt, &va, end)) != 0) {
    kfree((void *)PTE2PA(*pte));
    *pte = 0;
    va += PGSIZE;
  }
  p->lazy_npages = 0;
#endif
}
#endif
