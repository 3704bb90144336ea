#if LAB >= 7
// Copy-on-write fork (cow.c): per-page reference counts and the hooks that
// kalloc, fork (uvmcopy), the trap handler, copyout and mprotect call.
//
// A user page fork shares is mapped read-only in both processes; PTE_COW, one of
// the two bits Sv39 leaves to software (RSW), marks a page that is shared
// but *logically writable*: the first store to it faults, and the fault
// handler gives the writer a private copy (or the page itself when no one
// else holds it any more) with W set and PTE_COW cleared. A shared page
// without PTE_COW is really read-only (text, mprotect(PROT_READ)).
#ifndef ZENITH_COW_H
#define ZENITH_COW_H

#include "types.h"
#include "riscv.h"

struct proc;

#define PTE_COW (1L << 8)   // RSW bit 0: shared, copy before writing

// Reference counts (the counter of a page is *kpage_ref(pa), kalloc.c).
void pageref_new(uint64 pa);    // kalloc: a fresh page has one holder
void pageref_add(uint64 pa);    // one more holder (a fork shares the page)
int pageref_drop(uint64 pa);    // kfree: one holder less; the holders left
int pageref_count(uint64 pa);

// fork (uvmcopy): give the child page va of the parent, whose PTE is *pte.
// 0, -E_QUOTA or -E_NOMEM (the caller unmaps what the child got).
int cow_fork_page(pagetable_t child, uint64 va, pte_t *pte);
// A user exception: 0 if it was a store to a copy-on-write page and was
// served (or the process was killed for lack of memory), -1 if not ours.
int cow_fault(struct proc *p, uint64 scause, uint64 va);
// The kernel is about to write to user page va (copyout): if it is a
// copy-on-write page, make it private and writable first. 0 (also when
// there is nothing to do), or -E_NOMEM.
int cow_unshare(pagetable_t pt, uint64 va);
// mprotect: set the R, W and X bits of *pte to perm without ever making a
// shared page writable.
void cow_protect(pte_t *pte, int perm);

// Counters for the fork figure (sysinfo).
struct cowstat {
  uint64 forks;         // fork() calls (proc.c)
  uint64 fork_copies;   // pages fork copied (vm.c: count_copy, however made)
  uint64 fork_insns;    // instructions fork spent in uvmcopy (exact under -icount)
  uint64 cow_faults;    // user page faults cow_fault served
};
extern struct cowstat cowstat;

#endif
#endif
