// The lock-order checker (book 4.16): it remembers, for every pair of lock
// classes, whether one was taken while the other was held, and reports a
// pair taken in both orders, which two harts could deadlock on.
#ifndef ZENITH_LIB_LOCKDEP_H
#define ZENITH_LIB_LOCKDEP_H

#include "types.h"

struct spinlock;

// Once, at boot (main.c): on unless the boot args say lockdep=off.
void lockdep_enable(int on);
int lockdep_enabled(void);
// acquire() calls this before it waits for lk, release() before it lets go.
void lockdep_acquire(struct spinlock *lk);
void lockdep_release(struct spinlock *lk);
// sched() found spinlocks held besides p->lock: name them (then it panics).
void lockdep_report_sleep(void);
uint64 lockdep_inversions(void);
uint64 lockdep_sleeps(void);
// The test trigger (lockcheck LOCKCHECK_INVERT): two locks of their own,
// taken a-then-b and later b-then-a on this hart. Never deadlocks.
void lockdep_selftest(void);

#endif
