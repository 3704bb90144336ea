// Physical page allocator. The free pages themselves are kept by the pool
// (pagepool.c, the locks lab's file: one list, or one per hart); everything
// from the end of the kernel image to the end of RAM (from the device tree)
// is free at boot.
//
// Every page handed out in a process's name is charged to a SandCell
// (cell.h): kalloc() asks the cell of the calling kernel thread and refuses
// the page when the cell's quota is used up; the page remembers its cell
// (one byte per page, in pages taken at boot), so kfree() gives it back to
// that cell whoever frees it.
#if LAB >= 7
//
// Copy-on-write fork shares pages between processes, so a page is free only
// when its last holder lets go: each page has a 32-bit counter (refs[], in
// pages taken at boot like the owner map) whose meaning cow.c defines
// (pageref_*); kfree() frees the page only when pageref_drop() says nobody
// holds it. Quotas (book 3.9): in a child cell every holder is charged for
// a shared page, as if it had a copy of its own (kpage_share charges once
// more, kfree of a page others still hold gives one charge back, and
// kpage_copy moves the holder's charge to its copy), so a store never
// fails for the quota there; in the root cell, whose quota is the machine,
// a page is charged once, and a copy is a new charge.
#endif
#include "types.h"
#include "riscv.h"
#include "memlayout.h"
#include "lib/klib.h"
#include "lib/printf.h"
#include "cell/cell.h"
#include "mm/kalloc.h"
#include "mm/pagepool.h"
#if LAB >= 7
#include "errno.h"
#include "mm/cow.h"
#endif

extern char end[];   // first address after the kernel image (kernel.ld)

// No lock: a page's entries are written only by whoever holds the page alone
// (kalloc taking it from the pool, the last holder freeing it) and read by
// its holders, while nobody writes them.
static struct {
  uchar *owner;           // per page from base: cell index charged, 0 = none
  uint64 base;
#if LAB >= 7
  uint *refs;             // per page from base: holders (cow.c), 0 = free
#endif
} kmem;

static uint64 ram_top;
static void free_page(void *pa, int uncharge);

void kinit(uint64 ram_end)
{
  pool_init();
  ram_top = ram_end;
  kmem.base = PGROUNDUP((uint64)end);
  uint64 npages = (ram_end - kmem.base) / PGSIZE;
  kmem.owner = (uchar *)kmem.base;   // the first pages hold the owner map
  memset(kmem.owner, 0, npages);
  uint64 first = PGROUNDUP(kmem.base + npages);
#if LAB >= 7
  kmem.refs = (uint *)first;         // then the reference counts
  memset(kmem.refs, 0, npages * sizeof(uint));
  first = PGROUNDUP(first + npages * sizeof(uint));
#endif
  for (uint64 pa = first; pa + PGSIZE <= ram_end; pa += PGSIZE)
    free_page((void *)pa, 0);
}

static void check_page(uint64 a)
{
  if (a % PGSIZE != 0 || a < (uint64)end || a >= ram_top)
    panic("kfree: bad page address");
}

#if LAB >= 7
uint *kpage_ref(uint64 pa)
{
  check_page(pa);
  return &kmem.refs[(pa - kmem.base) / PGSIZE];
}

// The cell index page a is charged to (0: none). The caller holds a.
static int owner_of(uint64 a)
{
  return __atomic_load_n(&kmem.owner[(a - kmem.base) / PGSIZE], __ATOMIC_RELAXED);
}

// Is a page charged to cell index `cell` charged once per holder? Every
// cell's but the root's (cells[0], index 1; cell.c).
static int per_holder(int cell)
{
  return cell > 1;
}

int kpage_share(uint64 pa)
{
  check_page(pa);
  int cell = owner_of(pa);
  if (per_holder(cell) && cell_page_charge_index(cell) < 0)
    return -E_QUOTA;
  pageref_add(pa);
  return 0;
}
#endif

void kfree(void *pa)
{
  check_page((uint64)pa);
#if LAB >= 7
  if (pageref_drop((uint64)pa) > 0) {   // others still hold it
    int cell = owner_of((uint64)pa);
    if (per_holder(cell))
      cell_page_uncharge(cell);   // the charge of our hold
    return;
  }
#endif
  free_page(pa, 1);
}

// Put a page on the free list and (if uncharge) give it back to the cell it
// was charged to.
static void free_page(void *pa, int uncharge)
{
  uint64 a = (uint64)pa;
  memset(pa, 0x5a, PGSIZE);   // junk, to expose use after free
  uchar *own = &kmem.owner[(a - kmem.base) / PGSIZE];
  int cell = *own;
  __atomic_store_n(own, 0, __ATOMIC_RELAXED);
  pool_put(pa);
  if (cell && uncharge)
    cell_page_uncharge(cell);
}

// A page off the free list, recorded as charged to cell index `cell` (the
// caller has charged it). 0 if none is free.
static void *take_page(int cell)
{
  void *r = pool_take();
  if (r)
    __atomic_store_n(&kmem.owner[((uint64)r - kmem.base) / PGSIZE], (uchar)cell,
                     __ATOMIC_RELAXED);
  return r;
}

#if LAB >= 7
void *kpage_copy(uint64 pa)
{
  check_page(pa);
  int cell = owner_of(pa);
  if (!per_holder(cell) && cell && cell_page_charge_index(cell) < 0)
    return 0;   // the root cell's quota: the machine is full
  void *mem = take_page(cell);   // per holder: our charge moves with us
  if (!mem) {
    if (!per_holder(cell) && cell)
      cell_page_uncharge(cell);
    return 0;
  }
  memmove(mem, (void *)pa, PGSIZE);   // copy first, then let go of pa
  pageref_new((uint64)mem);
  if (pageref_drop(pa) == 0)
    free_page((void *)pa, !per_holder(cell));   // per holder: the others' went with them
  return mem;
}
#endif

void *kalloc(void)
{
  int cell = cell_page_charge(cell_current_charge());
  if (cell < 0)
    return 0;   // the cell's page quota is used up
  void *r = take_page(cell);
  if (r) {
    memset(r, 0xa5, PGSIZE);   // junk, to expose reads of uninitialised memory
#if LAB >= 7
    pageref_new((uint64)r);
#endif
  } else if (cell) {
    cell_page_uncharge(cell);
  }
  return r;
}

uint64 kfree_count(void)
{
  return pool_count();
}
