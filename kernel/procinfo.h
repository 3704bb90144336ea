// What procinfo() reports about each process (used by ps and ^P).
// Shared with user programs ("kernel/procinfo.h").
#ifndef ZENITH_PROCINFO_H
#define ZENITH_PROCINFO_H

#include "types.h"

#define PROC_NAME_LEN 16

struct procinfo {
  int pid;
  int ppid;
  int state;            // enum procstate value, see PROC_STATE_NAMES
  int cpu;              // hart it last ran on, -1 if never
  uint64 size;          // user memory in bytes
  uint64 cputime;       // CPU time used, rdtime units (100 ns on QEMU virt)
  char name[PROC_NAME_LEN];
};

// Index by procinfo.state.
#define PROC_STATE_NAMES { "unused", "used", "sleep", "runble", "run", "zombie" }

#endif
