#if LAB >= 7
// Copy-on-write fork (docs/labs/cow.md, book 3.9). fork shares the parent's
// pages with the child instead of copying them: both map the same physical
// page read-only, a writable one marked PTE_COW (cow.h), and each page
// counts its holders (pageref_*; the counter lives in kalloc.c, which frees
// a page only when pageref_drop() says nobody holds it). The first store to
// a PTE_COW page faults; cow_fault() gives the writer a copy, or, when it is
// the last holder, the page itself. The kernel writes to user memory only
// through copyout(), which calls cow_unshare() first, so it never writes
// through a page another process still sees.
//
// Quotas: in a child cell every holder of a shared page is charged for it,
// as if it had its own copy (kpage_share, kalloc.c), so the cell's quota
// means what it meant with a copying fork: fork fails with -E_QUOTA where it
// did before, and a copy-on-write fault there never needs quota (kpage_copy
// moves the holder's charge to its copy). The root cell's quota is the
// machine: there a shared page is charged once, fork of a large process
// succeeds, and a fault that finds no page kills only the faulting process
// ("out of memory"). Book 3.9 says why.
#include "types.h"
#include "riscv.h"
#include "errno.h"
#include "lib/klib.h"
#include "lib/printf.h"
#include "mm/kalloc.h"
#include "mm/vm.h"
#include "proc/proc.h"
#include "faultrec.h"
#include "cell/fault.h"
#include "mm/cow.h"

struct cowstat cowstat;

#if SOL >= 7
void pageref_new(uint64 pa)
{
  __atomic_store_n(kpage_ref(pa), 1, __ATOMIC_RELAXED);
}

void pageref_add(uint64 pa)
{
  __atomic_add_fetch(kpage_ref(pa), 1, __ATOMIC_RELAXED);
}

int pageref_drop(uint64 pa)
{
  uint was = __atomic_fetch_sub(kpage_ref(pa), 1, __ATOMIC_ACQ_REL);
  if (was == 0)
    panic("kfree: page already free");
  return (int)was - 1;
}

int pageref_count(uint64 pa)
{
  return (int)__atomic_load_n(kpage_ref(pa), __ATOMIC_ACQUIRE);
}

// Give the holder of *pte a page it may write: the shared page itself when
// no one else holds it any more, else a private copy (kpage_copy copies
// before it lets go of the shared page, so the page is never read after
// another holder could have taken it over). 0 or -E_NOMEM.
static int make_private(pte_t *pte)
{
  uint64 pa = PTE2PA(*pte);
  uint64 flags = (PTE_FLAGS(*pte) & ~PTE_COW) | PTE_W;
  if (pageref_count(pa) == 1) {   // only we hold it, and only we could share it
    *pte = PA2PTE(pa) | flags;
    return 0;
  }
  void *mem = kpage_copy(pa);
  if (!mem)
    return -E_NOMEM;
  *pte = PA2PTE((uint64)mem) | flags;
  return 0;
}

// The PTE of a user copy-on-write page at va, or 0.
static pte_t *cow_pte(pagetable_t pt, uint64 va)
{
  if (va >= MAXVA)
    return 0;
  pte_t *pte = walk(pt, PGROUNDDOWN(va), 0);
  if (!pte || (*pte & (PTE_V | PTE_U | PTE_COW)) != (PTE_V | PTE_U | PTE_COW))
    return 0;
  return pte;
}
#else
// Without copy-on-write every page has one holder; kfree frees at once.
void pageref_new(uint64 pa)
{
}

void pageref_add(uint64 pa)
{
}

int pageref_drop(uint64 pa)
{
  return 0;
}

int pageref_count(uint64 pa)
{
  return 1;
}
#endif

int cow_fork_page(pagetable_t child, uint64 va, pte_t *pte)
{
#if SOL >= 7
  uint64 pa = PTE2PA(*pte);
  uint64 flags = PTE_FLAGS(*pte) & ~(PTE_A | PTE_D | PTE_V);
  // A page user mode can write becomes copy-on-write in both. One it cannot
  // reach (the stack guard page) keeps its rights: nothing writes there,
  // copyout refuses it like mprotect does.
  if ((flags & (PTE_W | PTE_U)) == (PTE_W | PTE_U))
    flags = (flags & ~PTE_W) | PTE_COW;
  int err = kpage_share(pa);   // one more holder (kalloc.c charges it)
  if (err < 0)
    return err;
  if (mappages(child, va, PGSIZE, pa, flags) != 0) {
    kfree((void *)pa);   // that hold again
    return -E_NOMEM;
  }
  if (flags & PTE_COW)
    *pte = (*pte & ~PTE_W) | PTE_COW;   // the parent must copy too
  return 0;
#else
  return uvmcopy_page(child, va, *pte);   // fork copies every page
#endif
}

int cow_fault(struct proc *p, uint64 scause, uint64 va)
{
#if SOL >= 7
  if (scause != EXC_STORE_PAGE_FAULT)
    return -1;
  pte_t *pte = cow_pte(p->pagetable, va);
  if (!pte)
    return -1;   // a real protection fault: the caller kills p
  p->page_refused = 0;
  if (make_private(pte) == 0)
    return 0;   // the store runs again
  fault_report_nomem(p, scause, va);   // the machine (root cell quota) is full
  return 0;
#else
  return -1;
#endif
}

int cow_unshare(pagetable_t pt, uint64 va)
{
#if SOL >= 7
  pte_t *pte = cow_pte(pt, va);
  if (!pte)
    return 0;   // not shared: copyout's own checks decide
  return make_private(pte);
#else
  return 0;
#endif
}

void cow_protect(pte_t *pte, int perm)
{
#if SOL >= 7
  if ((perm & PTE_W) && pageref_count(PTE2PA(*pte)) > 1)
    perm = (perm & ~PTE_W) | PTE_COW;   // writable, once it has its own copy
  *pte = (*pte & ~(uint64)(PTE_R | PTE_W | PTE_X | PTE_COW)) | perm;
#else
  *pte = (*pte & ~(uint64)(PTE_R | PTE_W | PTE_X)) | perm;
#endif
}

#endif
