// Service side of the self-healing protocol: the loop every service runs
// (receive a request, answer the supervisor's pings and the test hooks,
// hand the rest to the service's handler, send the reply). A service is
// started by the supervisor as
//
//   PROGRAM NAME GEN HB HOOKS     (HB: heartbeat period in ticks, 0 none;
//                                  HOOKS: 1 if the test hooks are on)
//
// holding exactly: slot 0 its request channel (receive end), slot 1 the
// supervisor's inbox (send end), then its declared capabilities (the
// console as slot 2 if granted: print with fprintf(2, ...)).
#ifndef ZENITH_SVCSERVE_H
#define ZENITH_SVCSERVE_H

#include "kernel/types.h"
#include "user/lib/svcproto.h"

// The service's handler: req is the request (len bytes, at least a
// header); fill reply (max bytes, header included: op, status) and
// return its length.
typedef int (*svc_handler)(const struct svchdr *req, int len, struct svchdr *reply, int max);

struct svcself {
  char name[SVC_NAMELEN];
  uint32 gen;
  int hb;       // heartbeat period, ticks
  int hooks;    // answer SVC_HOOK_*
};

extern struct svcself svc_self;

// Read argv, tell the supervisor we are ready, then serve forever.
void svc_serve(int argc, char **argv, svc_handler handler) __attribute__((noreturn));
// Kick the watchdog during long work: a heartbeat to the supervisor.
void svc_alive(void);

#endif
