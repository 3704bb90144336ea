// Sleep locks: long-held locks (inodes, disk buffers) that put the waiter to
// sleep instead of spinning.
#ifndef ZENITH_SLEEPLOCK_H
#define ZENITH_SLEEPLOCK_H

#include "lib/spinlock.h"

struct sleeplock {
  uint locked;          // held?
  struct spinlock lk;   // protects locked and pid
  const char *name;
  int pid;              // holder
};

void initsleeplock(struct sleeplock *lk, const char *name);
void acquiresleep(struct sleeplock *lk);
void releasesleep(struct sleeplock *lk);
int holdingsleep(struct sleeplock *lk);

#endif
