// System calls of the scheduler (syssched.c; the API is in schedctl.h).
#ifndef ZENITH_SYSSCHED_H
#define ZENITH_SYSSCHED_H

#include "types.h"

struct proc;

uint64 sys_sched_trace(void);
uint64 sys_sched_stats(void);
uint64 sys_sched_setpolicy(void);
uint64 sys_sched_setweight(void);
uint64 sys_sched_policy(void);
// userinit: give process 1 the scheduler-control capability in slot
// SCHEDCTL_SLOT. Panics if it cannot (no file or record at boot).
void schedctl_give_init(struct proc *p);

#endif
