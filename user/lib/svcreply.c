// Checking a client's reply capability before answering (svcproto.h): a
// server that sends on whatever slot a client handed it would fail with
// -E_NORIGHT on a pipe end, and its cell would count the client's mistake
// as its own capability error (a storm of them gets a service restarted).
// cap_info is how a program asks what a slot holds: it counts as no error.
#include "kernel/types.h"
#include "kernel/capinfo.h"
#include "kernel/caprights.h"
#include "user/user.h"
#include "user/lib/svcproto.h"

int svc_reply_ok(int slot)
{
  struct capinfo ci;
  return slot >= 0 && cap_info(slot, &ci) == 0 && ci.type == CAPT_CHANNEL &&
         (ci.rights & CAP_R_SEND) && !(ci.flags & CAPF_RESTARTED);
}
