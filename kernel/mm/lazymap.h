#if LAB >= 3
// Demand-zero memory (lazymap.c): the hooks that the trap handler, fork,
// exit (freeproc) and exec call. The region's size is p->lazy_npages.
#ifndef ZENITH_LAZYMAP_H
#define ZENITH_LAZYMAP_H

#include "types.h"
#include "riscv.h"

struct proc;

// A user exception with this scause at address va: 0 if it was handled
// (a page was mapped, or the process was killed for lack of memory),
// -1 if it is not a fault in the region and must kill the process.
int lazy_fault(struct proc *p, uint64 scause, uint64 va);
// fork: give child the parent's region and a copy of every touched page.
// 0 or -E_NOMEM (the caller frees the child, lazy_drop included).
int lazy_fork(struct proc *parent, struct proc *child);
// Free the touched pages of p's region in page table pt; p has no region after.
void lazy_drop(struct proc *p, pagetable_t pt);

#endif
#endif
