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
#if LAB >= 7
  // Since boot (lab 7, copy-on-write fork; kernel/cow.h):
  uint64 forks;        // fork() calls
  uint64 fork_copies;  // pages fork copied (0 per fork with copy-on-write)
  uint64 fork_insns;   // instructions fork spent giving children memory
                       // (uvmcopy; exact under -icount shift=0)
  uint64 cow_faults;   // stores to copy-on-write pages the kernel served
#endif
#if LAB >= 8
  // Since boot (lab 8, file mappings; kernel/mm/mmap.h):
  uint64 mmap_faults;  // page faults that loaded a page of a mapped file
#endif
};

#endif
#endif
