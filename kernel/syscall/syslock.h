// System calls of the lock statistics and checks (syslock.c; kernel/lockstat.h).
#ifndef ZENITH_SYSLOCK_H
#define ZENITH_SYSLOCK_H

#include "types.h"

uint64 sys_lockstat(void);
uint64 sys_lockcheck(void);

#endif
