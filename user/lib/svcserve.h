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

// Read argv, tell the supervisor we are ready, then serve forever
// (svcserve.c, lab 6 stage 2). Clients are not trusted; whatever one sends:
//  - a message with more than one capability, or one our slot quota has no
//    room for: dropped (the kernel discards it), never a stall or an exit;
//  - a reply capability that is not a live channel send end (svc_reply_ok:
//    a pipe end, revoked, restarted): the request dropped unanswered, and
//    never counted as our own capability error; one revoked while in
//    flight (a negative slot in m.caps) drops its request too, unserved;
//  - no capability at all: served one way (nothing to answer on);
//  - shorter than a header: answered with status -E_INVAL (never served:
//    the rest of the buffer would be the previous request);
//  - a reply channel the client does not read: the reply is dropped at
//    once, never waited for (CHAN_NONBLOCK);
//  - and every reply capability received is closed once answered or
//    dropped (a leaked slot per request would soon fill our table).
// Everything else goes to the handler, which checks its own op's length
// and answers -E_INVAL for an op it does not know.
void svc_serve(int argc, char **argv, svc_handler handler) __attribute__((noreturn));
// Kick the watchdog during long work: a heartbeat to the supervisor.
void svc_alive(void);

// The rest of the service library (svchooks.c), used by svc_serve.
// Read argv into svc_self and tell the supervisor we are ready.
void svc_start(int argc, char **argv);
// A heartbeat if half a period has passed since the last one.
void svc_kick_watchdog(void);
// Serve req if it is a test hook and hooks are on: 1 (reply filled), else 0.
// rslot is the caller's reply slot (not ours to count in SVC_HOOK_CAPS).
int svc_hook(const struct svchdr *req, struct svchdr *reply, int rslot);

#endif
