#if LAB >= 8
// File mappings (lab 8; docs/labs/mmap.md, book 3.12). A process has up to
// NVMA mappings, each a struct vma in its own table (p->vma). vma.c (given)
// keeps the table, places mappings and holds their capabilities; mmap.c
// (the lab) makes a mapping, loads its pages on first touch, writes shared
// pages back and takes mappings apart (munmap, exit, exec), and gives a
// child of fork its parent's mappings.
//
// A mapping holds a capability record of its own (cap_derive_mapped),
// derived from the one its file descriptor named, with exactly the rights
// it needs: CAP_R_READ, plus CAP_R_WRITE for a writable MAP_SHARED mapping.
// Closing the descriptor leaves the mapping alone; revoking any ancestor of
// the record (cap_revoke, cell destruction) cuts the mapping off its file.
#ifndef ZENITH_MMAP_H
#define ZENITH_MMAP_H

#include "types.h"
#include "riscv.h"

struct proc;
struct inode;
struct capnode;

#define NVMA 8   // mappings per process

struct vma {
  uint64 start;          // page aligned; 0 = a free entry
  uint64 len;            // bytes, a multiple of PGSIZE
  uint64 off;            // the file offset of start, page aligned
  int prot;              // PROT_READ, or PROT_READ | PROT_WRITE (mman.h)
  int flags;             // MAP_SHARED or MAP_PRIVATE
  struct capnode *cap;   // the mapping's capability record (held by the kernel)
};

// ---- vma.c: the table and the capability (given; the lab does not change it)

// The mapping of p that contains va, or 0.
struct vma *vma_find(struct proc *p, uint64 va);
// A free entry of p's table, or 0 (all NVMA in use).
struct vma *vma_alloc(struct proc *p);
// Where a mapping of len bytes goes: addr itself if it is non-zero (it must
// lie in [MMAPBASE, LAZYBASE) and overlap no mapping of p), else the lowest
// free place in the window. The address, or -E_INVAL (addr outside the
// window), -E_EXIST (overlaps a mapping), -E_NOMEM (no room left).
int64 vma_place(struct proc *p, uint64 addr, uint64 len);
// Give v a capability record derived from p's slot fd with exactly the
// rights `need`: 0, or -E_BADCAP (bad or revoked slot), -E_NORIGHT (the
// slot lacks a right in need), -E_INVAL (not an ordinary file: a
// directory, device, pipe, channel...), -E_CAPPOOL.
int vma_take_cap(struct proc *p, int fd, uint32 need, struct vma *v);
// fork: give `to` (a copy of `from`) a record derived from from's, so a
// revoke that reaches the parent's mapping reaches the child's too.
// 0 or -E_CAPPOOL.
int vma_share_cap(struct vma *from, struct vma *to);
// May the mapping still use its file (its record is not revoked)?
int vma_live(struct vma *v);
// The mapping's file.
struct inode *vma_inode(struct vma *v);
// The PTE bits of a page of v (PTE_U, PTE_R and, if writable, PTE_W).
int vma_pte_perm(struct vma *v);
// Drop v's record and empty the entry (its pages must be gone). May sleep.
void vma_release(struct vma *v);
// Take every mapping of p out of page table pt without writing anything
// back: the pages are freed, the records dropped. For exit and freeproc
// after mmap_exit (a mapping it left would keep its pages and file), and
// for a child of fork that never ran (its parent holds the same files, so
// nothing sleeps).
void vma_discard_all(struct proc *p, pagetable_t pt);

// Counted by the trap handler, outside the lab's code (sysinfo).
struct mmapstat {
  uint64 faults;   // page faults mmap_fault served
};
extern struct mmapstat mmapstat;

// ---- mmap.c: the lab

// The heart of mmap() once sys_mmap checked the arguments (len > 0, a
// multiple of PGSIZE, at most MMAP_MAXLEN; addr and off page aligned; prot
// and flags valid): decide the rights the mapping needs, and set up an entry
// of p's table. Nothing is read from the file yet. The address, or an error.
int64 mmap_create(struct proc *p, uint64 addr, uint64 len, int prot, int flags, int fd,
                  uint64 off);
// A user exception with this scause at va: 0 if it was a load or store to a
// page of a mapping that is not loaded yet and was served (the page read from
// the file), or the process was killed for it (no memory; a revoked
// mapping), -1 if it is not ours (the caller kills the process).
int mmap_fault(struct proc *p, uint64 scause, uint64 va);
// munmap(addr, len), checked by sys_munmap (addr page aligned, len > 0 and
// rounded up to pages): the range must lie in one mapping and reach its start
// or its end (or both). Shared pages that were written go back to the file
// first. 0, or -E_INVAL.
int mmap_unmap(struct proc *p, uint64 addr, uint64 len);
// fork: give child a copy of every mapping of parent. Shared pages stay
// shared (both map the same page); private ones are shared copy-on-write.
// 0, or an error (the child is then discarded: vma_discard_all).
int mmap_fork(struct proc *parent, struct proc *child);
// exit and exec: take every mapping of p out of page table pt, writing
// shared pages back as munmap does.
void mmap_exit(struct proc *p, pagetable_t pt);

#endif
#endif
