// The pool of free physical pages (kalloc.c asks it for pages and gives them
// back). Free pages are linked through their own first word.
#if LAB >= 10
//
// The locks lab (docs/labs/locks.md, book 4.16): one list under one lock is
// what every hart fights over when several allocate at once; lockstat shows
// it as the most contended "kmem" (that is the handout's pagepool.c). The
// lab gives each hart a list and a lock of its own, so a hart allocating and
// freeing touches only its own lock; a hart whose list is empty steals a
// batch from another's.
#endif
#include "types.h"
#include "param.h"
#include "lib/spinlock.h"
#include "proc/proc.h"
#include "mm/pagepool.h"

struct run {
  struct run *next;
};

#if SOL >= 10
#define STEAL_BATCH 32   // pages a hart takes from another at once

// One list per hart. Every lock is named "kmem" (one lock class: lockstat
// adds them up; the lab's tests look for that name). Aligned so that two
// harts' pools never share a cache line.
static struct pool {
  struct spinlock lock;
  struct run *free;
  uint64 n;
} __attribute__((aligned(64))) pools[NCPU];

void pool_init(void)
{
  for (int i = 0; i < NCPU; i++)
    initlock(&pools[i].lock, "kmem");
}

void pool_put(void *pa)
{
  struct run *r = pa;
  push_off();   // stay on this hart between cpuid() and the lock
  struct pool *p = &pools[cpuid()];
  acquire(&p->lock);
  r->next = p->free;
  p->free = r;
  p->n++;
  release(&p->lock);
  pop_off();
}

// A page from another hart's list, taking up to STEAL_BATCH at once: the
// first is returned, the rest go on `mine`, which was empty. One lock at a
// time, never two: two harts stealing from each other while holding their
// own locks would deadlock (and lockdep reports two "kmem" held at once).
// 0 when every other list is empty too.
static struct run *steal(struct pool *mine)
{
  int me = mine - pools;
  for (int i = 1; i < NCPU; i++) {
    struct pool *victim = &pools[(me + i) % NCPU];
    acquire(&victim->lock);
    struct run *first = victim->free, *last = 0;
    uint64 n = 0;
    for (struct run *r = first; r && n < STEAL_BATCH; r = r->next) {
      last = r;
      n++;
    }
    if (n) {
      victim->free = last->next;
      victim->n -= n;
    }
    release(&victim->lock);
    if (n == 0)
      continue;
    if (n > 1) {
      acquire(&mine->lock);
      last->next = mine->free;   // pages freed here meanwhile stay
      mine->free = first->next;
      mine->n += n - 1;
      release(&mine->lock);
    }
    return first;
  }
  return 0;
}

void *pool_take(void)
{
  push_off();   // stay on this hart
  struct pool *p = &pools[cpuid()];
  acquire(&p->lock);
  struct run *r = p->free;
  if (r) {
    p->free = r->next;
    p->n--;
  }
  release(&p->lock);
  if (!r)
    r = steal(p);
  pop_off();
  return r;
}

uint64 pool_count(void)
{
  uint64 n = 0;
  for (int i = 0; i < NCPU; i++) {
    acquire(&pools[i].lock);
    n += pools[i].n;
    release(&pools[i].lock);
  }
  return n;
}
#else
// One list under one lock, shared by every hart.
static struct {
  struct spinlock lock;
  struct run *free;
  uint64 n;
} pool;

void pool_init(void)
{
  initlock(&pool.lock, "kmem");
}

void pool_put(void *pa)
{
  struct run *r = pa;
  acquire(&pool.lock);
  r->next = pool.free;
  pool.free = r;
  pool.n++;
  release(&pool.lock);
}

void *pool_take(void)
{
  acquire(&pool.lock);
  struct run *r = pool.free;
  if (r) {
    pool.free = r->next;
    pool.n--;
  }
  release(&pool.lock);
  return r;
}

uint64 pool_count(void)
{
  acquire(&pool.lock);
  uint64 n = pool.n;
  release(&pool.lock);
  return n;
}
#endif
