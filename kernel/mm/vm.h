// Virtual memory: Sv39 page tables for the kernel and for each process, and
// the routines that copy between kernel and user memory. The copy routines
// check every user address and length against the process's page table and
// return -E_FAULT instead of touching a bad address.
#ifndef ZENITH_VM_H
#define ZENITH_VM_H

#include "types.h"
#include "riscv.h"

extern pagetable_t kernel_pagetable;

void kvminit(void);
void kvminithart(void);
void kvmmap(pagetable_t kpt, uint64 va, uint64 pa, uint64 sz, int perm);
int mappages(pagetable_t pt, uint64 va, uint64 size, uint64 pa, int perm);
pte_t *walk(pagetable_t pt, uint64 va, int alloc);
uint64 walkaddr(pagetable_t pt, uint64 va);   // user-accessible pages only; 0 if none
pagetable_t uvmcreate(void);
uint64 uvmalloc(pagetable_t pt, uint64 oldsz, uint64 newsz, int xperm);  // 0 on failure
uint64 uvmdealloc(pagetable_t pt, uint64 oldsz, uint64 newsz);
// fork: the child gets the parent's memory. 0 or -E_NOMEM (nothing left in new).
int uvmcopy(pagetable_t old, pagetable_t new, uint64 sz);
#if LAB >= 7
// uvmcopy shares the pages copy-on-write; uvmcopy_private copies them.
int uvmcopy_private(pagetable_t old, pagetable_t new, uint64 sz);
#endif
int uvmcopy_page(pagetable_t child, uint64 va, pte_t pte);   // a private copy
void uvmfree(pagetable_t pt, uint64 sz);
void uvmunmap(pagetable_t pt, uint64 va, uint64 npages, int do_free);
void uvmclear(pagetable_t pt, uint64 va);
// copyout: 0, -E_FAULT, or (from lab 7, a copy-on-write page that could
// not be copied) -E_NOMEM.
int copyout(pagetable_t pt, uint64 dstva, const void *src, uint64 len);
int copyin(pagetable_t pt, void *dst, uint64 srcva, uint64 len);
int copyinstr(pagetable_t pt, char *dst, uint64 srcva, uint64 max);

#endif
