// The self-healing protocol: messages between the supervisor, the services
// it runs and their clients, all carried over channels (kernel/chan.h).
// docs/book/08-sandcells-and-self-healing.md describes the whole design.
//
// Every message starts with a struct svchdr. Who talks to whom:
//
//   client -> supervisor inbox   SUP_CONNECT name, caps [reply send end]
//       reply on it: status, gen, caps [send end of the service's request
//       channel]. status -E_AGAIN: the service is between incarnations
//       (retry soon); -E_PEER: it is stopped, held after a crash loop or
//       quarantined; -E_NOENT: no such service.
//   svc -> supervisor inbox      SUP_CTL_* name, caps [reply send end,
//       control key]. Refused (-E_NORIGHT) unless the second capability is
//       the control key (same object as the supervisor's).
//   service -> supervisor inbox  SUP_READY / SUP_HEARTBEAT: "I am alive"
//   keeper -> supervisor inbox   SUP_STARTED / SUP_EXITED (the keeper is
//       the supervisor's child that spawned one incarnation and waits for it)
//   ticker -> supervisor inbox   SUP_TICK: time passes (timers, heartbeats,
//       anomaly sampling)
//   supervisor -> service        SVC_PING on its request channel, answered
//       by a SUP_HEARTBEAT on the inbox.
//   client -> service            the service's own ops (kvproto.h,
//       logproto.h) and the shared test hooks SVC_HOOK_*, each with caps
//       [reply send end]; the reply carries the service's generation.
//
// Who sent a message to the inbox is never taken from the message: each
// party holds its own send end of the inbox, badged (cap_badge) with who
// it is, and the kernel stamps that badge on every message it sends
// (SUP_BADGE below). The supervisor accepts each kind of message only
// from its rightful sender: ticks from the ticker, STARTED/EXITED from the
// keeper of that service and generation, READY/HEARTBEAT from that
// incarnation of the service, CONNECT and CTL_* from clients (the service
// directory init hands out). Anything else, and anything too short, too
// big or carrying too many capabilities, is dropped without blocking and
// counted (struct supcounters, in `svc status`). A request whose reply
// capability is not the send end of a channel is dropped unanswered, by
// the supervisor and by every service alike: it is the client's mistake,
// never counted against the service (book 8.12). A service's whole
// contract with untrusted clients is in svcserve.h.
#ifndef ZENITH_SVCPROTO_H
#define ZENITH_SVCPROTO_H

#include "kernel/types.h"

// Slots every process that talks to the supervisor finds its capabilities
// in (init holds them; sh passes them on only to the programs that need
// them: the grant policy user/files/syscaps.conf).
#define SVC_DIR_SLOT 12   // send end of the supervisor's inbox: reach services by name
#define SVC_CTL_SLOT 13   // the control key: svc status|restart|stop|start

// Slots of a service process (cell_spawn gives exactly these).
#define SVC_REQ_SLOT   0  // receive end of its request channel
#define SVC_INBOX_SLOT 1  // send end of the supervisor's inbox (heartbeats)
#define SVC_FIRST_GRANT 2 // declared capabilities from here on (console first)

#define SVC_NAMELEN 16
#define SVC_MSGMAX 512    // largest message (CHAN_MAXBYTES)
#define SVC_MAXSVC   3    // services in one table: of the supervisor's 16 slots,
                          // 7 are fixed, 2 per service (cell, request channel),
                          // and a start needs 4 more while a request holds 1

// Badges of the inbox's send ends: who holds it (SUP_FROM_*), and for a
// keeper or a service which one (its index in the table) and which
// incarnation (generation). An unbadged end (badge 0) is the supervisor's
// own, from which it derives the others; nothing is accepted through it.
#define SUP_FROM_CLIENT  1   // the service directory (SVC_DIR_SLOT)
#define SUP_FROM_TICKER  2
#define SUP_FROM_KEEPER  3
#define SUP_FROM_SERVICE 4
#define SUP_BADGE(from, svc, gen) \
  (((uint64)(from) << 56) | ((uint64)((svc) & 0xff) << 32) | (uint32)(gen))
#define SUP_BADGE_FROM(b) ((int)((b) >> 56))
#define SUP_BADGE_SVC(b)  ((int)(((b) >> 32) & 0xff))
#define SUP_BADGE_GEN(b)  ((uint32)(b))

struct svchdr {
  uint32 op;
  int status;           // replies: 0 or a negative error code
  uint32 gen;             // generation of the incarnation concerned
  uint32 arg;             // op-specific number
  char name[SVC_NAMELEN]; // service name (supervisor messages)
};

// Supervisor inbox ops.
// (The name and gen in a message from a keeper or a service are not
// used: its badge says which service and incarnation it speaks for.)
#define SUP_CONNECT    1
#define SUP_READY      2   // arg = pid
#define SUP_HEARTBEAT  3
#define SUP_STARTED    4   // arg = pid, or status < 0: the spawn failed
#define SUP_EXITED     5   // arg = exit status; followed by a faultrec if status says so
#define SUP_TICK       6
#define SUP_CTL_STATUS  10 // reply: struct supstatusrep, arg = count
#define SUP_CTL_RESTART 11
#define SUP_CTL_STOP    12 // a core service cannot be stopped: -E_BUSY
#define SUP_CTL_START   13
#define SUP_CTL_DIE     14 // test hook: the supervisor itself faults (fatal path)
#define SUP_CTL_STALL   15 // test hook: the supervisor stops draining its inbox
                           // (init's watch runs the fatal path)

// Ops every service answers (svcserve.c, svchooks.c), after its own ops.
#define SVC_PING         100  // from the supervisor: answer with a heartbeat
#define SVC_HOOK_CRASH   101  // fault at once (store to address 0)
#define SVC_HOOK_HANG    102  // spin forever without heartbeats
#define SVC_HOOK_SLOW    103  // work arg ticks, kicking the watchdog: slow but live
#define SVC_HOOK_CAPERR  104  // make arg system calls on an empty slot
#define SVC_HOOK_CAPS    105  // reply arg = bitmask of the slots it holds
#define SVC_HOOK_EXIT    106  // exit with status arg
#define SVC_HOOK_GROW    107  // allocate arg pages and keep them (memory growth)
#define SVC_HOOK_FORKS   108  // fork arg children that exit at once (fork storm)
#define SVC_HOOK_SPIN    109  // compute for arg ticks, kicking the watchdog: CPU
                              // beyond its share, yet live
#define SVC_HOOK_LEAK    110  // one more page every arg ticks, kicking the
                              // watchdog, until one is refused: steady growth

// Anomalies the supervisor detects (svcstatus.anomaly: the last one).
#define SVC_ANOM_CAPERR  1   // capability-error storm
#define SVC_ANOM_FORKS   2   // fork storm
#define SVC_ANOM_CPU     3   // CPU beyond its share
#define SVC_ANOM_MEMQUOTA 4  // memory growth up to its page quota
#define SVC_ANOM_GROWTH  5   // steady memory growth

// Service states (svcstatus.state).
#define SVC_DOWN        0   // not started yet, or exited and left down (policy)
#define SVC_STARTING    1   // spawned, not ready yet
#define SVC_RUNNING     2
#define SVC_BACKOFF     3   // waiting to restart
#define SVC_HELD        4   // crash-loop limit reached: held until `svc start`
#define SVC_STOPPED     5   // `svc stop`
#define SVC_QUARANTINED 6   // an anomaly with policy quarantine

struct svcstatus {
  char name[SVC_NAMELEN];
  int state;
  uint32 gen;
  int pid;
  uint32 restarts;        // incarnations started after the first
  uint32 faults;          // crashes seen (fault records)
  uint32 exits;           // exits without a fault
  uint32 hangs;           // hangs detected (heartbeats stopped)
  uint32 anomalies;       // anomalies detected (cell counters)
  uint32 holds;           // times the crash-loop limit held it
  uint32 backoff;         // ticks of the last backoff delay
  uint32 limit, window;   // its crash-loop limit: restarts within window ticks
  uint64 cell;            // id of its current cell, 0 if none
  uint64 detect_ticks;    // last crash: fault (kernel tick) to supervisor notice
  uint64 restart_time;    // last restart: notice to the new incarnation ready (rdtime units)
  uint64 restart_cpu;     // supervisor CPU (rdtime units) spent on all restarts
  uint32 anomaly;         // the last anomaly detected (SVC_ANOM_*), 0 if none
};

// What the supervisor dropped since it started (SUP_CTL_STATUS).
struct supcounters {
  uint32 refused;     // a kind of message from a sender not allowed to send it
  uint32 malformed;   // too short, unknown op, too big or too many capabilities
  uint32 badreply;    // requests whose reply capability is not a channel's send end
};

// The reply to SUP_CTL_STATUS: the header (arg = count), count entries
// (the rest zero), the counters.
struct supstatusrep {
  struct svchdr h;
  struct svcstatus st[SVC_MAXSVC];
  struct supcounters sup;
};

const char *svc_state_name(int state);
// May a reply be sent on slot: is it a live send end of a channel
// (svcreply.c)? Checked without counting as a capability error.
int svc_reply_ok(int slot);

#endif
