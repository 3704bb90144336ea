// System calls on capabilities (syscap.c).
#ifndef ZENITH_SYSCAP_H
#define ZENITH_SYSCAP_H

#include "types.h"

uint64 sys_cap_dup(void);
uint64 sys_cap_restrict(void);
uint64 sys_cap_delete(void);
uint64 sys_cap_revoke(void);
uint64 sys_cap_info(void);
uint64 sys_cap_audit(void);

#endif
