// The system-control capability, shared by the kernel (sysctl.c) and user
// programs ("kernel/sysctl.h"): the authority over the machine as a whole
// that a process would otherwise have ambiently.
//
// The capability: a capability slot naming the system-control object
// (capinfo type CAPT_SYSCTL). Its rights mean:
//   CAP_R_READ   list every process (procinfo, used by `ps`), read the
//                kernel command line (bootargs)
//   CAP_R_WRITE  power the machine off (halt); make the lock-order checker
//                report its test pair (lockcheck(LOCKCHECK_INVERT),
//                kernel/lockstat.h: the report counts until the next boot)
//   CAP_R_DUP / CAP_R_TRANSFER / CAP_R_REVOKE   as for every capability
// The kernel gives init one, with all of these, in slot SYSCTL_SLOT before
// init starts; nobody else can create one. init and its shell keep it; the
// powerbox passes it only to programs whose manifest says "sysctl" (`ps`,
// `halt`, `lockstat`, the test suites), in the same slot.
//
// halt and procinfo keep their xv6 signatures: they look for the
// capability in slot SYSCTL_SLOT of the caller. Errors: -E_NOCAP (the slot
// is empty or holds something else: the process has no system-control
// capability), -E_BADCAP (it was revoked), -E_NORIGHT (it lacks the
// right).
#ifndef ZENITH_SYSCTL_H
#define ZENITH_SYSCTL_H

#include "types.h"

#define SYSCTL_SLOT 11

// Kernel side (sysctl.c).
struct proc;
// Put init's capability in its slot SYSCTL_SLOT (boot; panics on failure).
void sysctl_give_init(struct proc *p);
// 0 if p holds a system-control capability with every right in need in
// slot SYSCTL_SLOT; else -E_NOCAP, -E_BADCAP or -E_NORIGHT (above).
int sysctl_check(struct proc *p, uint32 need);

#endif
