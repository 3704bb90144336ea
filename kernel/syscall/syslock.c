// lockstat() and lockcheck(): the kernel's lock counters and the self-checks
// the locks lab's tests ask for (kernel/lockstat.h, book 4.16). Lock names
// and counts are no secret: reading them needs no capability. Making the
// lock-order checker report its test pair does: the report counts for the
// rest of the boot, and tests treat any report since boot as a failure.
#include "types.h"
#include "errno.h"
#include "lockstat.h"
#include "lib/lockclass.h"
#include "lib/lockdep.h"
#include "lib/lockslow.h"
#include "mm/vm.h"
#include "proc/proc.h"
#include "fs/bio.h"
#include "caprights.h"
#include "sysctl.h"
#include "syscall/syscall_args.h"
#include "syscall/syslock.h"

// The fields of struct lockstat_report before cls[], laid out the same: the
// whole report (3 KiB) would not fit on a one-page kernel stack.
struct report_head {
  uint nclass, lockdep;
  uint64 inversions, sleeps;
};
_Static_assert(sizeof(struct report_head) == __builtin_offsetof(struct lockstat_report, cls) &&
               __builtin_offsetof(struct report_head, sleeps) ==
               __builtin_offsetof(struct lockstat_report, sleeps),
               "report_head must match the start of struct lockstat_report");

// lockstat(struct lockstat_report *r): fill *r; returns the number of classes.
uint64 sys_lockstat(void)
{
  uint64 dst = argaddr(0);
  pagetable_t pt = myproc()->pagetable;
  struct report_head head = {
    .lockdep = lockdep_enabled(),
    .inversions = lockdep_inversions(),
    .sleeps = lockdep_sleeps(),
  };
  struct lockstat_class c;
  uint n = 0;
  for (int i = 1; lockstat_class_read(i, &c); i++, n++)
    if (copyout(pt, dst + __builtin_offsetof(struct lockstat_report, cls[n]), (char *)&c,
                sizeof(c)) < 0)
      return -E_FAULT;
  head.nclass = n;
  if (copyout(pt, dst, (char *)&head, sizeof(head)) < 0)
    return -E_FAULT;
  return n;
}

#define BCACHE_SLOW_WAIT 1000   // rdtime units (10 MHz): 100 us per acquire

// lockcheck(op): LOCKCHECK_BCACHE returns how many blocks are cached twice
// now, LOCKCHECK_BCACHE_SEEN how many disk transfers since boot found one;
// LOCKCHECK_SLOW_BCACHE slows the caller's own block-cache lock acquires;
// LOCKCHECK_INVERT makes the lock-order checker report a test pair: 0, or
// the system-control capability's error (sysctl.h: -E_NOCAP when the caller
// holds none, -E_NORIGHT without CAP_R_WRITE), or -E_INVAL when the checker
// is off.
uint64 sys_lockcheck(void)
{
  switch (argint(0)) {
  case LOCKCHECK_BCACHE:
    return bcache_cached_twice();
  case LOCKCHECK_BCACHE_SEEN:
    return bcache_twice_in_use();
  case LOCKCHECK_SLOW_BCACHE:   // slows only the caller: no capability needed
    lockslow_me("bcache", BCACHE_SLOW_WAIT);
    return 0;
  case LOCKCHECK_INVERT: {
    int err = sysctl_check(myproc(), CAP_R_WRITE);
    if (err < 0)
      return err;
    if (!lockdep_enabled())
      return -E_INVAL;
    lockdep_selftest();
    return 0;
  }
  }
  return -E_INVAL;
}
