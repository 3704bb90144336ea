// Rights checking and attenuation (lab 4, stage A): the two rules every
// capability operation goes through.
//
//   cap_check          using a capability: it must be live and carry every
//                      right the operation needs (read, write, a directory's
//                      lookup or create, a process's kill, ...)
//   cap_derive_rights  making a new capability from one (cap_dup, a
//                      restriction, a spawned child's list): the source must
//                      carry the meta-right of that path (CAP_R_DUP,
//                      CAP_R_TRANSFER), and the new rights must be a subset
//                      of the source's. Asking for more is an error, never
//                      a silent mask.
//
// Callers: cap.c (cap_lookup_badge on every read, write and channel call,
// cap_dup, cap_restrict, cap_revoke), captransfer.c (transfer, spawn),
// dircap.c (the directory a path walk starts from: lookup, create, exec,
// ...) and pcap.c (a process capability: kill, wait, inspect).
// They hold caplock, except cap_lookup_badge (see capcheck.h); nothing
// here sleeps.
#include "types.h"
#include "param.h"
#include "errno.h"
#include "lib/spinlock.h"
#include "cap/capnode.h"
#include "cap/capcheck.h"

int cap_check(const struct capnode *n, uint32 need)
{
#if SOL >= 4
  if (!cap_live(n))
    return -E_BADCAP;
  if ((n->rights & need) != need)
    return -E_NORIGHT;
  return 0;
#else
  // Stub: any live capability may do anything.
  return cap_live(n) ? 0 : -E_BADCAP;
#endif
}

int cap_derive_rights(const struct capnode *src, uint32 meta, uint32 want, uint32 *rights)
{
#if SOL >= 4
  int err = cap_check(src, meta);
  if (err < 0)
    return err;
  if (want & ~src->rights)
    return -E_RIGHTS;
  *rights = want;
  return 0;
#else
  // Stub: no meta-right needed, and the new capability gets whatever
  // rights were asked for.
  if (!cap_live(src))
    return -E_BADCAP;
  *rights = want;
  return 0;
#endif
}
