// Virtual memory. The kernel page table maps RAM and devices at their
// physical addresses, plus the trampoline and the kernel stacks at the top.
// Each process has its own page table: user memory from 0, then (not user
// accessible) the trap frame and the trampoline.
//
// The copy routines are the only way the kernel touches user memory: they
// walk the process's page table in software and refuse any address that is
// not mapped, not user-accessible or (for copyout) not writable, so a bad
// pointer from a system call becomes -E_FAULT and never a kernel fault.
#if LAB >= 7
// copyout gives a copy-on-write page its own copy before writing to it
// (cow_unshare), exactly as a store from user mode would.
#endif
#include "types.h"
#include "riscv.h"
#include "memlayout.h"
#include "errno.h"
#include "lib/klib.h"
#include "lib/printf.h"
#include "mm/kalloc.h"
#include "dev/dtb.h"
#include "proc/proc.h"
#include "mm/vm.h"
#if LAB >= 7
#include "mm/cow.h"
#endif

pagetable_t kernel_pagetable;

extern char etext[];
extern char trampoline[];

static void *zalloc_page(void)
{
  void *p = kalloc();
  if (p)
    memset(p, 0, PGSIZE);
  return p;
}

void kvmmap(pagetable_t kpt, uint64 va, uint64 pa, uint64 sz, int perm)
{
  if (mappages(kpt, va, sz, pa, perm) != 0)
    panic("kvmmap");
}

// Kernel stacks, one per process slot, each below an unmapped guard page.
static void map_kernel_stacks(pagetable_t kpt)
{
  for (int i = 0; i < NPROC; i++) {
    char *pa = kalloc();
    if (!pa)
      panic("out of memory for kernel stacks");
    kvmmap(kpt, KSTACK(i), (uint64)pa, PGSIZE, PTE_R | PTE_W);
  }
}

void kvminit(void)
{
  pagetable_t kpt = zalloc_page();
  uint64 ram_end = platform.ram_base + platform.ram_size;

  kvmmap(kpt, platform.uart_base, platform.uart_base, PGSIZE, PTE_R | PTE_W);
  for (int i = 0; i < platform.nvirtio; i++)
    kvmmap(kpt, platform.virtio_base[i], platform.virtio_base[i], PGSIZE, PTE_R | PTE_W);
  kvmmap(kpt, platform.plic_base, platform.plic_base, 0x400000, PTE_R | PTE_W);
  kvmmap(kpt, platform.testdev_base, platform.testdev_base, PGSIZE, PTE_R | PTE_W);
  kvmmap(kpt, KERNBASE, KERNBASE, (uint64)etext - KERNBASE, PTE_R | PTE_X);
  kvmmap(kpt, (uint64)etext, (uint64)etext, ram_end - (uint64)etext, PTE_R | PTE_W);
  kvmmap(kpt, TRAMPOLINE, (uint64)trampoline, PGSIZE, PTE_R | PTE_X);
  map_kernel_stacks(kpt);
  kernel_pagetable = kpt;
}

void kvminithart(void)
{
  sfence_vma();
  csr_write(satp, MAKE_SATP(kernel_pagetable));
  sfence_vma();
}

// The PTE for va, creating intermediate tables if alloc. 0 if va is out of
// range or a table could not be allocated.
pte_t *walk(pagetable_t pt, uint64 va, int alloc)
{
  if (va >= MAXVA)
    return 0;
  for (int level = 2; level > 0; level--) {
    pte_t *pte = &pt[PX(level, va)];
    if (*pte & PTE_V) {
      pt = (pagetable_t)PTE2PA(*pte);
    } else {
      if (!alloc || (pt = zalloc_page()) == 0)
        return 0;
      *pte = PA2PTE(pt) | PTE_V;
    }
  }
  return &pt[PX(0, va)];
}

uint64 walkaddr(pagetable_t pt, uint64 va)
{
  pte_t *pte = walk(pt, va, 0);
  if (!pte || !(*pte & PTE_V) || !(*pte & PTE_U))
    return 0;
  return PTE2PA(*pte);
}

// Map [va, va+size) to [pa, ...). 0, or -E_NOMEM if a table page ran out.
int mappages(pagetable_t pt, uint64 va, uint64 size, uint64 pa, int perm)
{
  if (size == 0)
    panic("mappages: size 0");
  uint64 a = PGROUNDDOWN(va), last = PGROUNDDOWN(va + size - 1);
  for (;; a += PGSIZE, pa += PGSIZE) {
    pte_t *pte = walk(pt, a, 1);
    if (!pte)
      return -E_NOMEM;
    if (*pte & PTE_V)
      panic("mappages: remap");
    *pte = PA2PTE(pa) | perm | PTE_V | PTE_A | PTE_D;
    if (a == last)
      break;
  }
  return 0;
}

// Unmap npages from va (page aligned), freeing the memory if do_free.
// Pages that are not mapped are skipped.
void uvmunmap(pagetable_t pt, uint64 va, uint64 npages, int do_free)
{
  if (va % PGSIZE)
    panic("uvmunmap: not aligned");
  for (uint64 a = va; a < va + npages * PGSIZE; a += PGSIZE) {
    pte_t *pte = walk(pt, a, 0);
    if (!pte || !(*pte & PTE_V))
      continue;
    if (PTE_FLAGS(*pte) == PTE_V)
      panic("uvmunmap: not a leaf");
    if (do_free)
      kfree((void *)PTE2PA(*pte));
    *pte = 0;
  }
}

pagetable_t uvmcreate(void)
{
  return zalloc_page();
}

// Grow user memory from oldsz to newsz with fresh zeroed pages.
// Returns newsz, or 0 (with nothing left allocated) when memory runs out.
uint64 uvmalloc(pagetable_t pt, uint64 oldsz, uint64 newsz, int xperm)
{
  if (newsz < oldsz)
    return oldsz;
  if (newsz > USERTOP)
    return 0;
  for (uint64 a = PGROUNDUP(oldsz); a < newsz; a += PGSIZE) {
    char *mem = zalloc_page();
    if (!mem || mappages(pt, a, PGSIZE, (uint64)mem, PTE_R | PTE_U | xperm) != 0) {
      if (mem)
        kfree(mem);
      uvmdealloc(pt, a, oldsz);
      return 0;
    }
  }
  return newsz;
}

// Shrink user memory from oldsz to newsz. Returns the new size.
uint64 uvmdealloc(pagetable_t pt, uint64 oldsz, uint64 newsz)
{
  if (newsz >= oldsz)
    return oldsz;
  uint64 from = PGROUNDUP(newsz), to = PGROUNDUP(oldsz);
  if (from < to)
    uvmunmap(pt, from, (to - from) / PGSIZE, 1);
  return newsz;
}

// Free a page-table tree whose leaves are already unmapped.
static void freewalk(pagetable_t pt)
{
  for (int i = 0; i < 512; i++) {
    pte_t pte = pt[i];
    if ((pte & PTE_V) && PTE_FLAGS(pte) == PTE_V) {
      freewalk((pagetable_t)PTE2PA(pte));
      pt[i] = 0;
    } else if (pte & PTE_V) {
      panic("freewalk: leaf still mapped");
    }
  }
  kfree(pt);
}

void uvmfree(pagetable_t pt, uint64 sz)
{
  if (sz > 0)
    uvmunmap(pt, 0, PGROUNDUP(sz) / PGSIZE, 1);
  freewalk(pt);
}

// Give a child a private copy of the parent's page va, whose PTE is pte.
// 0 or -E_NOMEM.
int uvmcopy_page(pagetable_t child, uint64 va, pte_t pte)
{
  char *mem = kalloc();
  if (!mem)
    return -E_NOMEM;
  memmove(mem, (void *)PTE2PA(pte), PGSIZE);
  uint64 flags = PTE_FLAGS(pte) & ~(PTE_A | PTE_D | PTE_V);
#if LAB >= 7
  if (flags & PTE_COW)
    flags = (flags & ~PTE_COW) | PTE_W;   // a private copy may be written
#endif
  if (mappages(child, va, PGSIZE, (uint64)mem, flags) != 0) {
    kfree(mem);
    return -E_NOMEM;
  }
  return 0;
}

#if LAB >= 7
// fork's copy counter (sysinfo fork_copies): a page the child got at
// another physical address than the parent's is a copy, whoever made it.
// Counted here, outside the lab's file, so that a fork that copies by hand
// (not through uvmcopy_page) is seen too.
static void count_copy(pagetable_t child, uint64 va, const pte_t *parent)
{
  pte_t *pte = walk(child, va, 0);
  if (pte && (*pte & PTE_V) && PTE2PA(*pte) != PTE2PA(*parent))
    __atomic_add_fetch(&cowstat.fork_copies, 1, __ATOMIC_RELAXED);
}
#endif

#if LAB >= 7
// Give a child the parent's memory: shared copy-on-write (cow.c) when
// `share`, else a copy of every page. 0, or -E_NOMEM with the child's
// partial copy freed.
#else
// Give a child a copy of the parent's memory (`share`: from lab 7). 0, or
// -E_NOMEM with the child's partial copy freed.
#endif
static int copy_space(pagetable_t old, pagetable_t new, uint64 sz, int share)
{
  int err = 0;
  for (uint64 a = 0; a < sz && err == 0; a += PGSIZE) {
    pte_t *pte = walk(old, a, 0);
    if (!pte || !(*pte & PTE_V))
      continue;
#if LAB >= 7
    err = share ? cow_fork_page(new, a, pte) : uvmcopy_page(new, a, *pte);
    if (err == 0)
      count_copy(new, a, pte);
#else
    err = uvmcopy_page(new, a, *pte);
#endif
  }
  if (err)
    uvmunmap(new, 0, PGROUNDUP(sz) / PGSIZE, 1);
  return err;
}

int uvmcopy(pagetable_t old, pagetable_t new, uint64 sz)
{
  return copy_space(old, new, sz, 1);
}

#if LAB >= 7
int uvmcopy_private(pagetable_t old, pagetable_t new, uint64 sz)
{
  return copy_space(old, new, sz, 0);
}
#endif

// Make a page inaccessible to user mode (the stack guard page).
void uvmclear(pagetable_t pt, uint64 va)
{
  pte_t *pte = walk(pt, va, 0);
  if (!pte)
    panic("uvmclear");
  *pte &= ~PTE_U;
}

// The physical address of user page va if it has all of `need`, else 0.
static uint64 user_page(pagetable_t pt, uint64 va, int need)
{
  pte_t *pte = walk(pt, va, 0);
  if (!pte || (*pte & (PTE_V | PTE_U | need)) != (uint64)(PTE_V | PTE_U | need))
    return 0;
  return PTE2PA(*pte);
}

int copyout(pagetable_t pt, uint64 dstva, const void *src, uint64 len)
{
  if (dstva + len < dstva)
    return -E_FAULT;
  while (len > 0) {
    uint64 va0 = PGROUNDDOWN(dstva);
#if LAB >= 7
    int err = cow_unshare(pt, va0);   // never write through a shared page
    if (err < 0)
      return err;
#endif
    uint64 pa0 = user_page(pt, va0, PTE_W);
    if (!pa0)
      return -E_FAULT;
#if LAB >= 8
    *walk(pt, va0, 0) |= PTE_A | PTE_D;   // written, as a user store would mark it (mmap.c)
#endif
    uint64 n = PGSIZE - (dstva - va0);
    if (n > len)
      n = len;
    memmove((void *)(pa0 + (dstva - va0)), src, n);
    len -= n;
    src = (const char *)src + n;
    dstva = va0 + PGSIZE;
  }
  return 0;
}

int copyin(pagetable_t pt, void *dst, uint64 srcva, uint64 len)
{
  if (srcva + len < srcva)
    return -E_FAULT;
  while (len > 0) {
    uint64 va0 = PGROUNDDOWN(srcva);
    uint64 pa0 = user_page(pt, va0, PTE_R);
    if (!pa0)
      return -E_FAULT;
    uint64 n = PGSIZE - (srcva - va0);
    if (n > len)
      n = len;
    memmove(dst, (void *)(pa0 + (srcva - va0)), n);
    len -= n;
    dst = (char *)dst + n;
    srcva = va0 + PGSIZE;
  }
  return 0;
}

// Copy a NUL-terminated string of at most max bytes (NUL included).
// Returns its length, -E_FAULT, or -E_NAMETOOLONG if no NUL within max.
int copyinstr(pagetable_t pt, char *dst, uint64 srcva, uint64 max)
{
  uint64 got = 0;
  while (got < max) {
    uint64 va0 = PGROUNDDOWN(srcva);
    uint64 pa0 = user_page(pt, va0, PTE_R);
    if (!pa0)
      return -E_FAULT;
    const char *p = (const char *)(pa0 + (srcva - va0));
    uint64 n = PGSIZE - (srcva - va0);
    for (; n > 0 && got < max; n--, got++, srcva++) {
      dst[got] = *p++;
      if (dst[got] == 0)
        return (int)got;
    }
  }
  return -E_NAMETOOLONG;
}
