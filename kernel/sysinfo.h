#if LAB >= 2
// What the sysinfo() system call reports: a snapshot of the machine.
// Shared with user programs ("kernel/sysinfo.h").
#ifndef ZENITH_SYSINFO_H
#define ZENITH_SYSINFO_H

#include "types.h"

struct sysinfo {
  uint64 freepages;   // free physical pages (what nfree() returns)
  uint64 nproc;       // process slots in use (any state but UNUSED)
  uint64 uptime;      // timer ticks since boot (what uptime() returns)
  uint64 harts;       // harts that have finished booting
};

#endif
#endif
