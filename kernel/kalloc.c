// Physical page allocator. Free pages form a linked list threaded through the
// pages themselves; everything from the end of the kernel image to the end of
// RAM (from the device tree) is free at boot.
#include "types.h"
#include "riscv.h"
#include "memlayout.h"
#include "spinlock.h"
#include "klib.h"
#include "printf.h"
#include "kalloc.h"

extern char end[];   // first address after the kernel image (kernel.ld)

struct run {
  struct run *next;
};

static struct {
  struct spinlock lock;   // protects freelist and nfree
  struct run *freelist;
  uint64 nfree;
} kmem;

static uint64 ram_top;

void kinit(uint64 ram_end)
{
  initlock(&kmem.lock, "kmem");
  ram_top = ram_end;
  for (uint64 pa = PGROUNDUP((uint64)end); pa + PGSIZE <= ram_end; pa += PGSIZE)
    kfree((void *)pa);
}

void kfree(void *pa)
{
  uint64 a = (uint64)pa;
  if (a % PGSIZE != 0 || a < (uint64)end || a >= ram_top)
    panic("kfree: bad page address");
  memset(pa, 0x5a, PGSIZE);   // junk, to expose use after free
  struct run *r = pa;
  acquire(&kmem.lock);
  r->next = kmem.freelist;
  kmem.freelist = r;
  kmem.nfree++;
  release(&kmem.lock);
}

void *kalloc(void)
{
  acquire(&kmem.lock);
  struct run *r = kmem.freelist;
  if (r) {
    kmem.freelist = r->next;
    kmem.nfree--;
  }
  release(&kmem.lock);
  if (r)
    memset(r, 0xa5, PGSIZE);   // junk, to expose reads of uninitialised memory
  return r;
}

uint64 kfree_count(void)
{
  acquire(&kmem.lock);
  uint64 n = kmem.nfree;
  release(&kmem.lock);
  return n;
}
