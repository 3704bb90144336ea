// Physical page allocator. Free pages form a linked list threaded through the
// pages themselves; everything from the end of the kernel image to the end of
// RAM (from the device tree) is free at boot.
//
// Every page handed out in a process's name is charged to a SandCell
// (cell.h): kalloc() asks the cell of the calling kernel thread and refuses
// the page when the cell's quota is used up; the page remembers its cell
// (one byte per page, in pages taken at boot), so kfree() gives it back to
// that cell whoever frees it.
#include "types.h"
#include "riscv.h"
#include "memlayout.h"
#include "lib/spinlock.h"
#include "lib/klib.h"
#include "lib/printf.h"
#include "cell/cell.h"
#include "mm/kalloc.h"

extern char end[];   // first address after the kernel image (kernel.ld)

struct run {
  struct run *next;
};

static struct {
  struct spinlock lock;   // protects freelist, nfree and owner[]
  struct run *freelist;
  uint64 nfree;
  uchar *owner;           // per page from base: cell index charged, 0 = none
  uint64 base;
} kmem;

static uint64 ram_top;

void kinit(uint64 ram_end)
{
  initlock(&kmem.lock, "kmem");
  ram_top = ram_end;
  kmem.base = PGROUNDUP((uint64)end);
  uint64 npages = (ram_end - kmem.base) / PGSIZE;
  kmem.owner = (uchar *)kmem.base;   // the first pages hold the owner map
  memset(kmem.owner, 0, npages);
  for (uint64 pa = PGROUNDUP(kmem.base + npages); pa + PGSIZE <= ram_end; pa += PGSIZE)
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
  uchar *own = &kmem.owner[(a - kmem.base) / PGSIZE];
  int cell = *own;
  *own = 0;
  r->next = kmem.freelist;
  kmem.freelist = r;
  kmem.nfree++;
  release(&kmem.lock);
  if (cell)
    cell_page_uncharge(cell);
}

void *kalloc(void)
{
  int cell = cell_page_charge(cell_current_charge());
  if (cell < 0)
    return 0;   // the cell's page quota is used up
  acquire(&kmem.lock);
  struct run *r = kmem.freelist;
  if (r) {
    kmem.freelist = r->next;
    kmem.nfree--;
    kmem.owner[((uint64)r - kmem.base) / PGSIZE] = (uchar)cell;
  }
  release(&kmem.lock);
  if (r)
    memset(r, 0xa5, PGSIZE);   // junk, to expose reads of uninitialised memory
  else if (cell)
    cell_page_uncharge(cell);
  return r;
}

uint64 kfree_count(void)
{
  acquire(&kmem.lock);
  uint64 n = kmem.nfree;
  release(&kmem.lock);
  return n;
}
