#if LAB >= 8
// File mappings (docs/labs/mmap.md, book 3.12): mmap() reserves a range of
// addresses for a file and reads nothing; the first load or store to a page
// faults, and mmap_fault() reads that page of the file into a fresh page.
// Stores to a MAP_SHARED mapping go back to the file when the page is
// unmapped (munmap, exit, exec), and only if the page was written (the
// dirty bit PTE_D, which the hardware sets on a store and copyout sets on
// the kernel's); the file never grows: bytes past its end are zeros that
// are never written. A MAP_PRIVATE mapping is the process's own copy.
//
// The capability decides what the mapping may do: every mapping needs
// CAP_R_READ, a writable shared one CAP_R_WRITE too; a writable private
// mapping of a read-only file is fine (its stores reach no file). The
// mapping keeps a record of its own (vma_take_cap), so closing the
// descriptor changes nothing; once the record is revoked the mapping never
// touches the file again: a fault on a page not loaded kills the process
// ("revoked mapping"), and written pages are not written back.
#include "types.h"
#include "riscv.h"
#include "errno.h"
#include "mman.h"
#include "caprights.h"
#include "fs.h"
#include "fs/log.h"
#include "lib/klib.h"
#include "mm/kalloc.h"
#include "mm/vm.h"
#include "mm/cow.h"
#include "proc/proc.h"
#include "faultrec.h"
#include "cell/fault.h"
#include "mm/mmap.h"

#if SOL >= 8
int64 mmap_create(struct proc *p, uint64 addr, uint64 len, int prot, int flags, int fd,
                  uint64 off)
{
  // Reading the file is always needed; writing it only when stores reach it.
  uint32 need = CAP_R_READ;
  if ((flags & MAP_SHARED) && (prot & PROT_WRITE))
    need |= CAP_R_WRITE;
  struct vma *v = vma_alloc(p);
  if (!v)
    return -E_NOMEM;
  int64 start = vma_place(p, addr, len);
  if (start < 0)
    return start;
  int err = vma_take_cap(p, fd, need, v);
  if (err < 0)
    return err;
  v->start = start;
  v->len = len;
  v->off = off;
  v->prot = prot;
  v->flags = flags;
  return start;
}

// Fill mem with the page of v at va: the file's bytes, zeros past its end.
static int load_page(struct vma *v, uint64 va, char *mem)
{
  memset(mem, 0, PGSIZE);
  struct inode *ip = vma_inode(v);
  ilock(ip);
  int r = readi(ip, 0, (uint64)mem, v->off + (va - v->start), PGSIZE);
  iunlock(ip);
  return r < 0 ? r : 0;
}

// Map page pa at va in pt, clean: mappages sets D, and here D must mean
// "stored to since it was mapped" (the hardware sets it on a store).
static int map_clean(pagetable_t pt, uint64 va, uint64 pa, int perm)
{
  if (mappages(pt, va, PGSIZE, pa, perm) != 0)
    return -E_NOMEM;
  *walk(pt, va, 0) &= ~PTE_D;
  return 0;
}

// A fresh page of v at va in page table pt, read from the file. 0, or
// -E_NOMEM (nothing mapped), or a read error.
static int map_loaded(pagetable_t pt, struct vma *v, uint64 va)
{
  char *mem = kalloc();
  if (!mem)
    return -E_NOMEM;
  int err = load_page(v, va, mem);
  if (err == 0)
    err = map_clean(pt, va, (uint64)mem, vma_pte_perm(v));
  if (err < 0)
    kfree(mem);
  return err;
}

int mmap_fault(struct proc *p, uint64 scause, uint64 va)
{
  if (scause != EXC_LOAD_PAGE_FAULT && scause != EXC_STORE_PAGE_FAULT)
    return -1;
  struct vma *v = vma_find(p, va);
  if (!v)
    return -1;
  uint64 page = PGROUNDDOWN(va);
  pte_t *pte = walk(p->pagetable, page, 0);
  if (pte && (*pte & PTE_V))
    return -1;   // loaded already: a store to a read-only page
  if (scause == EXC_STORE_PAGE_FAULT && !(v->prot & PROT_WRITE))
    return -1;
  if (!vma_live(v)) {
    fault_report(p, FAULT_EXCEPTION, scause, va, "revoked mapping");
    return 0;
  }
  p->page_refused = 0;
  int err = map_loaded(p->pagetable, v, page);
  if (err == -E_NOMEM)
    fault_report_nomem(p, scause, va);
  else if (err < 0)
    fault_report(p, FAULT_EXCEPTION, scause, va, "unreadable mapping");
  return 0;
}

// Write page va of v (its PTE is pte) back to the file: the bytes the file
// has there, so it never grows.
static void write_back(struct vma *v, uint64 va, pte_t pte)
{
  struct inode *ip = vma_inode(v);
  uint64 off = v->off + (va - v->start);
  begin_op();
  ilock(ip);
  if (off < ip->size) {
    uint64 n = ip->size - off < PGSIZE ? ip->size - off : PGSIZE;
    writei(ip, 0, PTE2PA(pte), off, n);
  }
  iunlock(ip);
  end_op();
}

// Unmap the pages of v in [va, end) from pt, writing back the written pages
// of a shared writable mapping whose capability is still live.
static void unmap_pages(pagetable_t pt, struct vma *v, uint64 va, uint64 end)
{
  int shared = (v->flags & MAP_SHARED) && (v->prot & PROT_WRITE);
  for (; va < end; va += PGSIZE) {
    pte_t *pte = walk(pt, va, 0);
    if (!pte || !(*pte & PTE_V))
      continue;   // never loaded
    if (shared && (*pte & PTE_D) && vma_live(v))
      write_back(v, va, *pte);
    kfree((void *)PTE2PA(*pte));   // the last holder frees it (fork shares pages)
    *pte = 0;
  }
}

int mmap_unmap(struct proc *p, uint64 addr, uint64 len)
{
  struct vma *v = vma_find(p, addr);
  if (!v || len > v->start + v->len - addr)
    return -E_INVAL;   // not all in one mapping
  uint64 end = addr + len, vend = v->start + v->len;
  if (addr != v->start && end != vend)
    return -E_INVAL;   // a hole in the middle would make two mappings
  unmap_pages(p->pagetable, v, addr, end);
  if (addr == v->start && end == vend) {
    vma_release(v);
  } else if (addr == v->start) {
    v->start = end;   // the front went
    v->off += len;
    v->len -= len;
  } else {
    v->len -= len;    // the back went
  }
  return 0;
}

void mmap_exit(struct proc *p, pagetable_t pt)
{
  for (struct vma *v = p->vma; v < p->vma + NVMA; v++) {
    if (v->start == 0)
      continue;
    unmap_pages(pt, v, v->start, v->start + v->len);
    vma_release(v);
  }
}

// fork, a shared mapping: parent and child map the same page, loaded in the
// parent first if it was not (two later faults would give two pages).
static int share_page(struct proc *parent, struct proc *child, struct vma *v, uint64 va)
{
  pte_t *pte = walk(parent->pagetable, va, 0);
  if (!pte || !(*pte & PTE_V)) {
    if (!vma_live(v))
      return 0;   // cut off: the child's fault kills it, as the parent's would
    int err = map_loaded(parent->pagetable, v, va);
    if (err < 0)
      return err;
    pte = walk(parent->pagetable, va, 0);
  }
  uint64 pa = PTE2PA(*pte);
  int err = kpage_share(pa);
  if (err < 0)
    return err;
  if (map_clean(child->pagetable, va, pa, PTE_FLAGS(*pte) & ~(PTE_A | PTE_D | PTE_V)) != 0) {
    kfree((void *)pa);   // that hold again
    return -E_NOMEM;
  }
  return 0;   // the parent's D stays: its stores go back at its unmap
}

int mmap_fork(struct proc *parent, struct proc *child)
{
  for (int i = 0; i < NVMA; i++) {
    struct vma *v = &parent->vma[i], *c = &child->vma[i];
    if (v->start == 0)
      continue;
    *c = *v;
    int err = vma_share_cap(v, c);
    for (uint64 va = v->start; err == 0 && va < v->start + v->len; va += PGSIZE) {
      if (v->flags & MAP_SHARED) {
        err = share_page(parent, child, v, va);
      } else {
        pte_t *pte = walk(parent->pagetable, va, 0);
        if (pte && (*pte & PTE_V))
          err = cow_fork_page(child->pagetable, va, pte);   // private: copy-on-write
      }
    }
    if (err < 0)
      return err;   // the caller discards the child, its mappings with it
  }
  return 0;
}
#else
// The stubs: no mapping is ever made, so there is nothing to load, unmap,
// write back or inherit (docs/labs/mmap.md says what each must do).
int64 mmap_create(struct proc *p, uint64 addr, uint64 len, int prot, int flags, int fd,
                  uint64 off)
{
  return -E_NOSYS;   // stage 1
}

int mmap_fault(struct proc *p, uint64 scause, uint64 va)
{
  return -1;   // stage 1: not ours, the process dies as before
}

int mmap_unmap(struct proc *p, uint64 addr, uint64 len)
{
  return -E_NOSYS;   // stage 2
}

int mmap_fork(struct proc *parent, struct proc *child)
{
  return 0;   // stage 3
}

void mmap_exit(struct proc *p, pagetable_t pt)
{
  // stage 2 (exit and exec then sweep up with vma_discard_all)
}
#endif
#endif
