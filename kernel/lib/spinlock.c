// Spinlocks. acquire() turns interrupts off on this hart first (push_off), so
// an interrupt handler can never spin on a lock its own hart already holds.
// Every acquire is counted for its class (lockstat.c: acquires, and for one
// that had to wait, the failed tries), and shown to the lock-order checker
// (lockdep.c) before it waits.
#include "lib/spinlock.h"
#include "lib/lockclass.h"
#include "lib/lockdep.h"
#include "lib/lockslow.h"
#include "riscv.h"
#include "proc/proc.h"
#include "lib/printf.h"

void initlock(struct spinlock *lk, const char *name)
{
  lk->name = name;
  lk->locked = 0;
  lk->cpu = 0;
  lk->cls = lockclass_of(name);
}

void acquire(struct spinlock *lk)
{
  lockslow_maybe_wait(lk);   // a test's widened race window (lockslow.c); usually nothing
  push_off();
  if (holding(lk))
    panic(lk->name);   // recursive acquire: a kernel bug
  lockdep_acquire(lk);
  uint64 spins = 0;
  while (__sync_lock_test_and_set(&lk->locked, 1) != 0)
    spins++;
  __sync_synchronize();   // critical section's accesses stay after the acquire
  lk->cpu = mycpu();
  if (lk->cls)
    lockstat_count(lk->cls, spins);
}

void release(struct spinlock *lk)
{
  if (!holding(lk))
    panic("release of a lock not held");
  lockdep_release(lk);
  lk->cpu = 0;
  __sync_synchronize();   // and before the release
  __sync_lock_release(&lk->locked);
  pop_off();
}

// Does this hart hold lk? Interrupts must be off.
int holding(struct spinlock *lk)
{
  return lk->locked && lk->cpu == mycpu();
}

// Interrupts off, counting nesting; the outermost pop_off restores the state
// that the outermost push_off found.
void push_off(void)
{
  int was_on = intr_get();
  intr_off();
  struct cpu *c = mycpu();
  if (c->noff == 0)
    c->intena = was_on;
  c->noff++;
}

void pop_off(void)
{
  struct cpu *c = mycpu();
  if (intr_get())
    panic("pop_off with interrupts on");
  if (c->noff < 1)
    panic("pop_off without push_off");
  c->noff--;
  if (c->noff == 0 && c->intena)
    intr_on();
}
