// Talking to services (client side): connect by name through the
// supervisor, call a service, and survive its restarts. Protocol in
// svcproto.h.
//
// Every call makes a fresh reply channel and hands its send end to the
// service, keeping only the receive end; so if the incarnation dies with
// the call in flight, the last holder of the send end is gone and the
// client's receive wakes with -E_PEER at once: a call never hangs on a
// dead service. svc_call then asks the supervisor for the service again;
// if it finds a new generation it returns -E_RESTARTED with conn->gen set
// to it (the caller decides whether to repeat the request: the new
// incarnation starts with a clean state).
#ifndef ZENITH_SVCCLIENT_H
#define ZENITH_SVCCLIENT_H

#include "kernel/types.h"
#include "user/lib/svcproto.h"

struct svcconn {
  char name[SVC_NAMELEN];
  uint32 gen;      // generation of the incarnation we talk to
  int req;         // slot: send end of its request channel, -1 if none
  int restarts;    // -E_RESTARTED returned so far (statistics)
};

// One request and its reply: send msg (len bytes) on slot with caps
// [fresh reply send end, extra...], wait for the reply (up to max bytes;
// at most one capability accepted: its new slot in *cap, else -1).
// Returns the reply's length or a negative error code.
int svc_rpc(int slot, const void *msg, int len, const int *extra, int nextra,
            void *reply, int max, int *cap);
// Connect to the service name; 0, -E_NOENT (no such service), -E_PEER
// (stopped, held or quarantined), -E_AGAIN (still restarting after a long
// wait), or the channel errors (-E_BADCAP: no service directory).
int svc_connect(struct svcconn *c, const char *name);
void svc_disconnect(struct svcconn *c);
// A request to the service (the header's gen is filled in): the reply's
// length, -E_RESTARTED (reconnected to a new generation, conn->gen), or an
// error.
int svc_call(struct svcconn *c, void *req, int len, void *reply, int max);
// A control request to the supervisor carrying the control key. The
// reply's length or an error (-E_NORIGHT: refused; -E_BADCAP: no key).
int svc_control(int op, const char *name, void *reply, int max);
// The supervisor's status of one service (a control request). 0, or the
// errors of svc_control, or -E_NOENT.
int svc_status(const char *name, struct svcstatus *out);
// Fill a header.
void svc_header(struct svchdr *h, uint32 op, const char *name, uint32 gen, uint32 arg);

#endif
