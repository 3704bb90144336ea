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
#define CAPT_PROC    6   // a process (process capabilities, pcap.c)
// SandCells (kernel/cellinfo.h)
#define CAPT_CELL    8   // a sandcell
#define CAPT_SVC     9   // reserved: a supervised service
// System control (kernel/sysctl.h)
#define CAPT_SYSCTL  10  // the machine: power off, list every process

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

// setdir(which, slot): which directory capability to set.
#define DIRCAP_CWD  0    // the current directory: relative paths start here
#define DIRCAP_ROOT 1    // the root: absolute paths start here

// cap_list(pid, buf, max): one entry per capability a process holds.
#define CAPE_SLOT  0     // a slot (file descriptor); index = slot number
#define CAPE_CWD   1     // its current-directory capability
#define CAPE_ROOT  2     // its root-directory capability
#define CAPE_PROC  3     // a process capability; index = the process's pid
struct capent {
  int kind;         // CAPE_*
  int index;        // slot number (CAPE_SLOT) or pid (CAPE_PROC), else 0
  uint32 type;      // CAPT_*
  uint32 rights;    // CAP_R_* bits
  uint64 badge;
  uint64 object;    // object id (open file), or the pid for a process
  uint64 id;        // record id
  int revoked;      // 1 if revoked (still in the table, every use fails)
  int pad;
};
#define CAPF_RESTARTED 1   // channel: the cell serving it was destroyed;
                           // calls on it fail with -E_RESTARTED

// cap_audit(&audit): the kernel walks every capability table and record,
// checks them against each other and against the open-file reference
// counts (each held by a capability record or by a cell, for its supervisor
// channel), and reports. Exact when no other process is opening or closing
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
  int dircaps;      // cwd and root capabilities held, all processes
  int kept;         // records kept for a cell after their holder let go of
                    // them, because something derived from them lives
                    // (counted in records; destroying the cell revokes it)
};

#endif
