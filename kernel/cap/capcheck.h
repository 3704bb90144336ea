// Rights checking and attenuation (capcheck.c; lab 4, stage A). Both take
// a capability record (0 for an empty slot) and need caplock held, except
// on the read/write path: cap_lookup_badge (cap.c) calls cap_check without
// it, which is safe because only the caller changes its own slots and the
// one field another hart may change, `revoked`, is read by cap_live
// atomically.
#ifndef ZENITH_CAPCHECK_H
#define ZENITH_CAPCHECK_H

#include "types.h"

struct capnode;

// May capability n be used for an operation needing every right in need?
// 0, -E_BADCAP (n is 0 or revoked) or -E_NORIGHT (a right is missing).
int cap_check(const struct capnode *n, uint32 need);
// May a capability with rights `want` be derived from src along a path
// that needs the meta-right(s) `meta` (CAP_R_DUP for cap_dup, CAP_R_TRANSFER
// for a spawned child's list, 0 for restricting src itself)? On success
// *rights = want and 0. Errors, checked in this order: -E_BADCAP (src is 0
// or revoked), -E_NORIGHT (src lacks a right in meta), -E_RIGHTS (want has
// a right src lacks).
int cap_derive_rights(const struct capnode *src, uint32 meta, uint32 want, uint32 *rights);

#endif
