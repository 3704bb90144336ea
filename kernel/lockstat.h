// Lock statistics and the lock-order checker, as user programs see them
// (lockstat(), lockcheck(); kernel/lib/lockstat.c, kernel/lib/lockdep.c,
// book 4.16). Shared with user programs ("kernel/lockstat.h").
//
// Every spinlock belongs to a class, named by the string given to
// initlock(): the NPROC locks "proc" are one class, each per-hart "kmem"
// lock of the locks lab too. The kernel counts, per class, events rather
// than time, so that the figures mean the same on a loaded host.
#ifndef ZENITH_LOCKSTAT_H
#define ZENITH_LOCKSTAT_H

#include "types.h"

#define LOCKSTAT_MAX   64   // classes the kernel keeps (a full table shares "other")
#define LOCKSTAT_NAME  20   // bytes of a class name, with the terminating 0

struct lockstat_class {
  char name[LOCKSTAT_NAME];
  uint inits;          // initlock() calls with this name (locks of the class)
  uint64 acquires;     // acquire() calls that got the lock
  uint64 contended;    // of those, how many found it held at the first try
  uint64 spins;        // failed tries while waiting, summed over all acquires
};

struct lockstat_report {
  uint nclass;         // entries filled in cls[]
  uint lockdep;        // 1 when the lock-order checker runs (boot arg lockdep=off stops it)
  uint64 inversions;   // pairs of classes the checker saw taken in both orders
  uint64 sleeps;       // times a process went to sleep holding a spinlock
  struct lockstat_class cls[LOCKSTAT_MAX];
};

// lockcheck(op): self-checks a test program asks for.
#define LOCKCHECK_BCACHE 1   // number of disk blocks cached in two buffers at once
                             // (call it when no file I/O runs: it reads without locks)
#define LOCKCHECK_INVERT 2   // take two test locks in both orders, one after the
                             // other: the checker must report the pair (no deadlock:
                             // one hart, never both held the other way at once).
                             // Needs the system-control capability with
                             // CAP_R_WRITE (kernel/sysctl.h; the grant policy
                             // gives it to lockstat): else -E_NOCAP/-E_NORIGHT
#define LOCKCHECK_BCACHE_SEEN 3   // disk transfers since boot that found their block
                                  // in another buffer in use (kernel/fs/bufcheck.c):
                                  // a block cached twice, caught while both copies
                                  // were in use
#define LOCKCHECK_SLOW_BCACHE 4   // from now on the caller's own acquires of
                                  // "bcache*" locks each wait 100 us first: wider
                                  // race windows in the block cache (a test aid,
                                  // kernel/lib/lockslow.c; returns 0)

#endif
