#if LAB >= 8
// The table of file mappings each process has (p->vma) and the capability
// each mapping holds: the part of lab 8 that is given (mmap.h). Only the
// process's own thread uses its table (and fork, before the child runs), so
// it needs no lock.
#include "types.h"
#include "riscv.h"
#include "errno.h"
#include "mman.h"
#include "caprights.h"
#include "file.h"
#include "fs.h"
#include "lib/klib.h"
#include "mm/vm.h"
#include "proc/proc.h"
#include "cap/cap.h"
#include "cap/capnode.h"
#include "mm/mmap.h"

struct mmapstat mmapstat;

struct vma *vma_find(struct proc *p, uint64 va)
{
  for (struct vma *v = p->vma; v < p->vma + NVMA; v++)
    if (v->start && va >= v->start && va - v->start < v->len)
      return v;
  return 0;
}

struct vma *vma_alloc(struct proc *p)
{
  for (struct vma *v = p->vma; v < p->vma + NVMA; v++)
    if (v->start == 0)
      return v;
  return 0;
}

// Does [a, a + len) overlap a mapping of p?
static int overlaps(struct proc *p, uint64 a, uint64 len)
{
  for (struct vma *v = p->vma; v < p->vma + NVMA; v++)
    if (v->start && a < v->start + v->len && v->start < a + len)
      return 1;
  return 0;
}

int64 vma_place(struct proc *p, uint64 addr, uint64 len)
{
  if (addr) {
    if (addr < MMAPBASE || addr >= LAZYBASE || len > LAZYBASE - addr)
      return -E_INVAL;
    return overlaps(p, addr, len) ? -E_EXIST : (int64)addr;
  }
  // First fit: the window's start, or just after the end of a mapping.
  for (int i = -1; i < NVMA; i++) {
    uint64 a = i < 0 ? MMAPBASE : p->vma[i].start + p->vma[i].len;
    if (i >= 0 && p->vma[i].start == 0)
      continue;
    if (len <= LAZYBASE - a && !overlaps(p, a, len))
      return a;
  }
  return -E_NOMEM;
}

int vma_take_cap(struct proc *p, int fd, uint32 need, struct vma *v)
{
  int err;
  struct capnode *n = cap_derive_mapped(p, fd, need, &err);
  if (!n)
    return err;
  struct file *f = n->file;
  if (f->type != FD_INODE || f->ip->type != T_FILE) {
    cap_drop_held(n);   // not the last reference: the slot holds f
    return -E_INVAL;
  }
  v->cap = n;
  return 0;
}

int vma_share_cap(struct vma *from, struct vma *to)
{
  int err;
  to->cap = cap_derive_mapped_below(from->cap, &err);
  return to->cap ? 0 : err;
}

int vma_live(struct vma *v)
{
  return cap_live(v->cap);
}

struct inode *vma_inode(struct vma *v)
{
  return v->cap->file->ip;
}

int vma_pte_perm(struct vma *v)
{
  return PTE_U | PTE_R | ((v->prot & PROT_WRITE) ? PTE_W : 0);
}

void vma_release(struct vma *v)
{
  struct capnode *n = v->cap;
  memset(v, 0, sizeof(*v));
  if (n)
    cap_drop_held(n);
}

void vma_discard_all(struct proc *p, pagetable_t pt)
{
  for (struct vma *v = p->vma; v < p->vma + NVMA; v++) {
    if (v->start == 0)
      continue;
    if (pt)
      uvmunmap(pt, v->start, v->len / PGSIZE, 1);   // skips pages never loaded
    vma_release(v);
  }
}
#endif
