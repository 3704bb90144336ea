// A test aid for races in code under spinlocks (lockslow.c).
#ifndef ZENITH_LIB_LOCKSLOW_H
#define ZENITH_LIB_LOCKSLOW_H

#include "types.h"

struct spinlock;

// From now on, each acquire() by the calling process of a lock whose name
// starts with prefix first waits `wait` rdtime units.
void lockslow_me(const char *prefix, uint64 wait);
// Called by acquire() before it turns interrupts off: the wait, if asked for.
void lockslow_maybe_wait(struct spinlock *lk);

#endif
