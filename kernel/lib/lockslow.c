// A test aid for races in code under spinlocks: a process can ask that its
// own acquires of the locks whose name starts with a prefix first wait a
// while, before acquire() turns interrupts off. Every window between two
// lock operations of the code it runs then lasts at least that long, so a
// race that needs a second hart to come in between within microseconds
// shows up on a loaded host too (on one hart it still rarely does): the locks
// lab's `shared` case (user/tests/locktest.c) uses it to make two misses
// on one block meet. Only the asking process is slowed; the entry dies
// with it (a later process in its slot has another pid).
#include "types.h"
#include "param.h"
#include "riscv.h"
#include "lib/klib.h"
#include "lib/spinlock.h"
#include "lib/lockslow.h"
#include "proc/proc.h"

#define PREFIX_MAX 16

static struct {
  int pid;                  // who asked; 0 = nobody (by process slot)
  char prefix[PREFIX_MAX];
  uint64 wait;              // rdtime units
} slowed[NPROC];
static int anyone;          // until some process asks, acquire() looks no further

void lockslow_me(const char *prefix, uint64 wait)
{
  struct proc *p = myproc();
  __atomic_store_n(&slowed[p->slot].pid, 0, __ATOMIC_RELEASE);
  safestrcpy(slowed[p->slot].prefix, prefix, PREFIX_MAX);
  slowed[p->slot].wait = wait;
  __atomic_store_n(&slowed[p->slot].pid, p->pid, __ATOMIC_RELEASE);
  __atomic_store_n(&anyone, 1, __ATOMIC_RELEASE);
}

void lockslow_maybe_wait(struct spinlock *lk)
{
  if (!__atomic_load_n(&anyone, __ATOMIC_ACQUIRE))
    return;
  struct proc *p = myproc();
  if (p == 0 || __atomic_load_n(&slowed[p->slot].pid, __ATOMIC_ACQUIRE) != p->pid)
    return;
  const char *prefix = slowed[p->slot].prefix;
  if (strncmp(lk->name, prefix, strlen(prefix)) != 0)
    return;
  uint64 until = r_time() + slowed[p->slot].wait;
  while (r_time() < until)
    ;
}
