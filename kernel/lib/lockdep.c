// The lock-order checker. Each hart keeps the classes of the spinlocks it
// holds, in a short stack; acquire() records "class b taken while class a
// held" in a matrix shared by all harts, and when the opposite entry is
// already there, two harts taking the two locks at the same time, each in
// its own order, would wait for each other forever: the checker prints both
// names and the hart and counts the pair (once). It sees pairs, not longer
// cycles (a->b, b->c, c->a goes unreported: book 4.16, exercise).
//
// Two locks of one class held at once (two "kmem" locks of a per-hart
// allocator) are reported too: the matrix cannot tell their order apart, so
// code must not nest them.
//
// The check runs before acquire() waits, so an inversion is reported even on
// the run that would deadlock. Cost: a loop over the few classes this hart
// holds and a byte of the matrix each, on every acquire.
#include "types.h"
#include "param.h"
#include "lib/spinlock.h"
#include "lib/lockclass.h"
#include "lib/lockdep.h"
#include "lib/printf.h"
#include "lib/klib.h"
#include "proc/proc.h"

#define HELD_MAX 16   // deeper nesting is not checked (none in the kernel today)

// What one hart holds; only that hart touches it, with interrupts off.
struct held_classes {
  ushort held[HELD_MAX];   // classes, innermost last
  int n;                   // locks held (may exceed HELD_MAX: those are not checked)
  int reporting;           // printing a report: its own locks are not checked
};
static struct held_classes harts[NCPU];

static uchar after[LOCKSTAT_MAX][LOCKSTAT_MAX];      // [a][b]: b taken holding a
static uint reported[LOCKSTAT_MAX][LOCKSTAT_MAX];   // [lo][hi]: pair reported (amoswap.w)
static int enabled = 1;
static uint64 inversions, sleeps;

static struct spinlock test_guard, test_a, test_b;

void lockdep_enable(int on)
{
  initlock(&test_guard, "lockdep test");
  initlock(&test_a, "lockdep test a");
  initlock(&test_b, "lockdep test b");
  enabled = on;
}

int lockdep_enabled(void)
{
  return enabled;
}

uint64 lockdep_inversions(void)
{
  return __atomic_load_n(&inversions, __ATOMIC_RELAXED);
}

uint64 lockdep_sleeps(void)
{
  return __atomic_load_n(&sleeps, __ATOMIC_RELAXED);
}

// Report the pair (held, taking) once.
static void report(int hart, ushort held, ushort taking)
{
  ushort lo = held < taking ? held : taking, hi = held < taking ? taking : held;
  if (__atomic_exchange_n(&reported[lo][hi], 1, __ATOMIC_RELAXED))
    return;
  __atomic_add_fetch(&inversions, 1, __ATOMIC_RELAXED);
  harts[hart].reporting = 1;
  if (held == taking)
    printf("lockdep: hart %d: took a second '%s' lock while holding one: the order of "
           "two locks of one class cannot be checked, and two harts nesting them the "
           "other way round deadlock\n", hart, lockclass_name(held));
  else
    printf("lockdep: hart %d: lock order inversion: took '%s' while holding '%s', but "
           "'%s' was taken while holding '%s' before: two harts can deadlock\n",
           hart, lockclass_name(taking), lockclass_name(held), lockclass_name(held),
           lockclass_name(taking));
  harts[hart].reporting = 0;
}

void lockdep_acquire(struct spinlock *lk)
{
  ushort c = lk->cls;
  if (!enabled || c == 0)
    return;
  int hart = cpuid();
  struct held_classes *h = &harts[hart];
  if (!h->reporting) {
    for (int i = 0; i < h->n && i < HELD_MAX; i++) {
      ushort a = h->held[i];
      if (a == c) {
        report(hart, a, c);
        continue;
      }
      if (!after[a][c])
        after[a][c] = 1;
      if (after[c][a])
        report(hart, a, c);
    }
  }
  if (h->n < HELD_MAX)
    h->held[h->n] = c;
  h->n++;
}

void lockdep_release(struct spinlock *lk)
{
  ushort c = lk->cls;
  if (!enabled || c == 0)
    return;
  struct held_classes *h = &harts[cpuid()];
  // Locks need not be let go in the order taken: drop the latest entry of c.
  int top = (h->n < HELD_MAX ? h->n : HELD_MAX) - 1;
  for (int i = top; i >= 0; i--) {
    if (h->held[i] == c) {
      for (int j = i; j < top; j++)
        h->held[j] = h->held[j + 1];
      h->n--;
      return;
    }
  }
  if (h->n > HELD_MAX)
    h->n--;   // it was one of the unrecorded deep ones
}

void lockdep_report_sleep(void)
{
  int hart = cpuid();
  struct held_classes *h = &harts[hart];
  __atomic_add_fetch(&sleeps, 1, __ATOMIC_RELAXED);
  h->reporting = 1;
  for (int i = 0; i < h->n && i < HELD_MAX; i++)
    if (strncmp(lockclass_name(h->held[i]), "proc", 5) != 0)
      printf("lockdep: hart %d: going to sleep holding spinlock '%s'\n", hart,
             lockclass_name(h->held[i]));
  h->reporting = 0;
}

void lockdep_selftest(void)
{
  acquire(&test_guard);   // two callers at once would really deadlock
  acquire(&test_a);
  acquire(&test_b);
  release(&test_b);
  release(&test_a);
  acquire(&test_b);
  acquire(&test_a);   // the inversion: reported here, once per boot
  release(&test_a);
  release(&test_b);
  release(&test_guard);
}
