// Spinlocks: mutual exclusion between harts for short critical sections.
// Holding one disables interrupts on this hart (nested via push_off/pop_off).
#ifndef ZENITH_SPINLOCK_H
#define ZENITH_SPINLOCK_H

#include "types.h"

struct cpu;

struct spinlock {
  uint locked;        // 0 = free, 1 = held
  const char *name;   // for debugging
  struct cpu *cpu;    // the hart holding it
  ushort cls;         // its class, from the name (lib/lockstat.h): counters, lockdep
};

void initlock(struct spinlock *lk, const char *name);
void acquire(struct spinlock *lk);
void release(struct spinlock *lk);
int holding(struct spinlock *lk);
void push_off(void);
void pop_off(void);

#endif
