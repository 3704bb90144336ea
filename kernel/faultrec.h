// Fault records: what the kernel tells a cell's supervisor when one of the
// cell's processes dies of a fault. Shared by the kernel (fault.c) and user
// programs ("kernel/faultrec.h").
#ifndef ZENITH_FAULTREC_H
#define ZENITH_FAULTREC_H

#include "types.h"

// What happened (faultrec.cause).
#define FAULT_EXCEPTION 1   // bad access, illegal instruction, ...: scause says which
#define FAULT_NOMEM     2   // the machine had no page left for a demand-zero page
#define FAULT_QUOTA     3   // killed by a quota: its cell's page quota refused
                            // a demand-zero page

struct faultrec {
  uint64 seq;        // 1, 2, 3, ... over the whole system: gaps mean records lost
  uint64 time;       // clock ticks since boot (TICK_HZ per second)
  uint64 pc;         // user pc of the faulting instruction
  uint64 addr;       // faulting address (stval), 0 if none
  uint64 cell;       // id of the process's cell
  uint32 cause;      // FAULT_*
  uint32 scause;     // the RISC-V exception code (FAULT_EXCEPTION)
  int pid;
  char name[16];     // process name
  char text[36];     // the cause in words, e.g. "store page fault"
};

#endif
