// The service table: what the supervisor runs and how it treats each
// service. One line per service, '#' starts a comment:
//
//   NAME PROGRAM key=value ...
//
//   caps=LIST        capabilities granted besides the request channel and
//                    the supervisor's inbox (heartbeats): console (the
//                    console, as slot 2) or none
//   pages= procs= slots= cpu=    the cell's quotas (cellinfo.h)
//   restart=always|on-failure|never
//   limit=N window=T hold the service after N restarts within T ticks
//   backoff=B maxbackoff=M   delay before the k-th restart in a window:
//                    0 for the first, then B, 2B, 4B, ... up to M ticks
//   hb=P miss=N      heartbeat period P ticks (0: none); a hang is declared
//                    after N periods without a heartbeat and one more
//                    period after a last probe
//   anomaly=restart|quarantine|log   what an anomaly (cell counters) does
//   core=yes         its hold is fatal: the supervisor halts the machine
//   hooks=yes        it answers the test hooks (crash, hang, ...)
//
// Parsing never trusts the file: a bad line is reported with its number
// and skipped.
#ifndef ZENITH_SVCTAB_H
#define ZENITH_SVCTAB_H

#include "kernel/types.h"
#include "user/lib/svcproto.h"

#define RESTART_ALWAYS    0
#define RESTART_ONFAILURE 1
#define RESTART_NEVER     2

#define ANOMALY_RESTART    0
#define ANOMALY_QUARANTINE 1
#define ANOMALY_LOG        2

#define GRANT_CONSOLE 1

#define SVC_MAXLIMIT 32   // largest crash-loop limit (restart history kept)

struct svcpolicy {
  int restart;        // RESTART_*
  int limit;          // restarts within window before the hold
  int window;         // ticks
  int backoff;        // ticks: base delay
  int maxbackoff;     // ticks: largest delay
};

struct svcconf {
  char name[SVC_NAMELEN];
  char prog[32];
  int grants;                  // GRANT_* bits
  uint32 pages, procs, slots, cpu;
  struct svcpolicy policy;
  int hb, miss;                // heartbeat period (ticks, 0 = none), periods missed
  int anomaly;                 // ANOMALY_*
  int core, hooks;
};

// Parse the table in text (modified in place). Fills up to max entries,
// returns how many; bad lines are reported on fd 2 as "PROG: FILE:LINE: why".
int svctab_parse(char *text, struct svcconf *out, int max, const char *who, const char *file);
// Read and parse a file. Returns the count or a negative error code.
int svctab_load(const char *path, struct svcconf *out, int max, const char *who);

#endif
