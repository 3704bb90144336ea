// What cap_info() and cap_audit() report. Shared by the kernel (syscap.c)
// and user programs ("kernel/capinfo.h").
#ifndef ZENITH_CAPINFO_H
#define ZENITH_CAPINFO_H

#include "types.h"

// Object types a capability can name.
#define CAPT_FILE    1   // a regular file (open inode)
#define CAPT_DIR     2   // a directory (open inode)
#define CAPT_PIPE    3   // one end of a pipe
#define CAPT_DEVICE  4   // a device file (the console)
#define CAPT_CHANNEL 5   // one end of a channel (kernel/chan.h): the rights say which
// Scheduler (kernel/schedctl.h)
#define CAPT_SCHEDCTL 7   // scheduler control: trace, statistics, policy
// SandCells (kernel/cellinfo.h)
#define CAPT_CELL    8   // a sandcell
#define CAPT_SVC     9   // reserved: a supervised service

// cap_info(slot, &info): one live capability.
struct capinfo {
  uint32 type;      // CAPT_*
  uint32 rights;    // CAP_R_* bits (kernel/caprights.h)
  uint64 badge;     // tag carried by the capability (0 until channels set it)
  uint64 object;    // id of the object (open file); never reused
  uint64 id;        // id of this capability record; never reused
  uint64 parent;    // id of the record it was derived from, 0 for a root
  // SandCells (docs/book/08-sandcells-and-self-healing.md):
  uint64 gen;       // a channel end: its generation, the id of the cell
                    // serving it (0: none); a cell: the cell's id
  uint32 flags;     // CAPF_* below
};

#define CAPF_RESTARTED 1   // channel: the cell serving it was destroyed;
                           // calls on it fail with -E_RESTARTED

// cap_audit(&audit): the kernel walks every capability table and record,
// checks them against each other and against the open-file reference
// counts, and reports. Exact when no other process is opening or closing
// at the same moment (the counts are a snapshot).
struct capaudit {
  int records;      // capability records in use (live and revoked):
                    // one per slot in use and per process capability
  int revoked;      // of which revoked
  int pool;         // size of the record pool
  int slots;        // capability slots in use, all processes
  int files;        // open-file objects in use
  int bad;          // inconsistencies found (0 in a healthy kernel)
  int pcaps;        // process capabilities held, all processes
  int inflight;     // records in channel messages not yet received (counted in
                    // records, not in slots)
  int queued;       // records the channel queues hold, counted apart: equals
                    // inflight when no message is moving at the same moment
  int channels;     // channels in use
};

#endif
