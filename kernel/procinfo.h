// What procinfo() reports about each process (used by ps and ^P).
// Shared with user programs ("kernel/procinfo.h").
#ifndef ZENITH_PROCINFO_H
#define ZENITH_PROCINFO_H

#include "types.h"

#define PROC_NAME_LEN 16

// What a process and the children it reaped did, counted by the kernel
// (a child's tally is added to its parent's when the parent waits for it;
// an orphan's goes to init). The grader reads these through `ps -t` to see
// how a program did its work (fanout's workers must send through pipes);
// a program cannot print its way around them.
struct proctally {
  uint32 children;       // processes created (fork, spawn)
  uint32 pipe_writes;    // pipe writes that moved at least one byte
  uint32 pipe_writers;   // processes that made at least one (itself included)
  uint32 pipe_reads;     // pipe reads that returned at least one byte
};

struct procinfo {
  int pid;
  int ppid;
  int state;            // enum procstate value, see PROC_STATE_NAMES
  int cpu;              // hart it last ran on, -1 if never
  uint64 size;          // user memory in bytes
  uint64 cputime;       // CPU time used, rdtime units (100 ns on QEMU virt)
  char name[PROC_NAME_LEN];
  struct proctally tally;   // itself and the children it reaped
};

// Index by procinfo.state.
#define PROC_STATE_NAMES { "unused", "used", "sleep", "runble", "run", "zombie" }

#endif
