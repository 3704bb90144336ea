#if LAB >= 3
// mprotect(addr, len, prot): change the access rights of the caller's pages
// [addr, addr+len) to prot (kernel/mman.h). Every argument is checked and
// every page is checked before any is changed, so a failed call changes
// nothing. Only ordinary memory below p->sz qualifies; the stack guard page
// (no user access) cannot be opened up this way.
#include "types.h"
#include "riscv.h"
#include "errno.h"
#include "mm/vm.h"
#include "proc/proc.h"
#include "mman.h"
#include "syscall/syscall_args.h"
#include "syscall/sysproc.h"
#if LAB >= 7
#include "mm/cow.h"
#endif

#if SOL >= 3
// PTE rights for prot, or -1 if prot is not allowed. Sv39 has no
// write-only or execute-only-with-write pages we want: R is required.
static int pte_rights(int prot)
{
  if (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC) || !(prot & PROT_READ))
    return -1;
  int perm = PTE_R;
  if (prot & PROT_WRITE)
    perm |= PTE_W;
  if (prot & PROT_EXEC)
    perm |= PTE_X;
  return perm;
}
#endif

uint64 sys_mprotect(void)
{
#if SOL >= 3
  struct proc *p = myproc();
  uint64 addr = argaddr(0);
  int len = argint(1);
  int perm = pte_rights(argint(2));
  if (addr % PGSIZE != 0 || len <= 0 || perm < 0)
    return -E_INVAL;
  if (addr >= p->sz || PGROUNDUP((uint64)len) > p->sz - addr)
    return -E_FAULT;
  uint64 end = addr + PGROUNDUP((uint64)len);
  for (uint64 va = addr; va < end; va += PGSIZE) {
    pte_t *pte = walk(p->pagetable, va, 0);
    if (!pte || (*pte & (PTE_V | PTE_U)) != (PTE_V | PTE_U))
      return -E_FAULT;
  }
  for (uint64 va = addr; va < end; va += PGSIZE) {
    pte_t *pte = walk(p->pagetable, va, 0);
#if LAB >= 7
    cow_protect(pte, perm);   // a page shared copy-on-write stays shared
#else
    *pte = (*pte & ~(uint64)(PTE_R | PTE_W | PTE_X)) | perm;
#endif
  }
  // No TLB flush needed here: userret flushes when it switches to p's table.
  return 0;
#else
  return -E_NOSYS;
#endif
}
#endif
