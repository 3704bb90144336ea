// SandCells as user programs see them: the quotas given at cell_create(),
// what cell_info() reports, and which capability rights mean what on a cell
// capability. Shared by the kernel (cell.c, syscell.c) and user programs
// ("kernel/cellinfo.h"). See docs/book/08-sandcells-and-self-healing.md.
#ifndef ZENITH_CELLINFO_H
#define ZENITH_CELLINFO_H

#include "types.h"
#include "param.h"
#include "caprights.h"

// A cell's limits. The pages, procs and slots of a child cell are set
// aside out of its parent's quota when it is created (so a child can always
// use all of its own quota) and given back when the child is gone; cpu is a
// cap that must not exceed the parent's.
struct cellquota {
  uint32 pages;   // physical pages its processes hold: user memory, page
                  // tables, trap frames, kernel stacks, and the kernel
                  // pages they cause (pipes they create, exec's argument
                  // copies)
  uint32 procs;   // processes at once (a zombie counts until it is reaped)
  uint32 slots;   // capability slots in use, all its processes together
  uint32 cpu;     // percent of the machine's CPU time (all harts) per
                  // CELL_CPU_WINDOW_MS window, 1..100; enforced only while
                  // processes outside the cell want the CPU
};

#define CELL_CPU_WINDOW_MS 100
#define CELL_MAXDEPTH 4   // the root cell is depth 0

// The rights of a cell capability reuse the generic bits:
#define CELL_R_CREATE  CAP_R_CREATE    // create a child cell inside it
#define CELL_R_SPAWN   CAP_R_EXEC      // start a process in it (cell_spawn)
#define CELL_R_DESTROY CAP_R_KILL      // destroy it (cell_destroy)
#define CELL_R_INFO    CAP_R_STAT      // read usage of it and its subtree
#define CELL_R_FAULTS  CAP_R_RECEIVE   // take its fault records (cell_faults)
#define CELL_RIGHTS (CELL_R_CREATE | CELL_R_SPAWN | CELL_R_DESTROY | CELL_R_INFO | \
                     CELL_R_FAULTS | CAP_R_DUP | CAP_R_TRANSFER | CAP_R_REVOKE)

// init starts holding the root cell's capability in this slot (the last
// one is the scheduler's, kernel/schedctl.h); sh passes it on only to the
// programs that need it (user/cmd/sh.c).
#define CELL_ROOT_SLOT (NCAP - 2)

// cell_info(slot, buf, max) fills one of these for the cell and for each
// live cell below it.
struct cellinfo {
  uint64 id;             // never reused; the root cell is 1
  uint64 parent;         // parent's id, 0 for the root
  int depth;             // 0 for the root
  int dead;              // destroyed: its processes are being ended
  struct cellquota quota;
  struct cellquota used;      // pages, procs, slots of its own processes;
                              // cpu = percent of the machine it used in
                              // the last complete window
  struct cellquota reserved;  // set aside for its child cells (cpu: 0)
  uint32 peak_pages;     // most pages its processes ever held at once
  uint32 children;       // live child cells
  uint64 cputime;        // CPU time of its processes, rdtime units (exact)
  // Anomaly counters, since the cell was created (never reset):
  uint32 throttled;      // windows in which it used up its CPU share
  uint32 mem_denied;     // page allocations refused by its page quota
  uint32 proc_denied;    // process creations refused by its process quota
  uint32 slot_denied;    // slot installs refused by its slot quota
  uint32 caperrs;        // system calls (but cap_info) that returned
                         // -E_BADCAP or -E_NORIGHT
  uint32 forks;          // processes created in it (fork and cell_spawn)
  uint32 faults;         // processes killed by a fault (each sent a record)
  uint32 faults_lost;    // fault records dropped: nobody took them in time
};

#endif
