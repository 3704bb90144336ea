// System calls on capabilities (syscap.c), channels and spawn.
#ifndef ZENITH_SYSCAP_H
#define ZENITH_SYSCAP_H

#include "types.h"

uint64 sys_cap_dup(void);
uint64 sys_cap_restrict(void);
uint64 sys_cap_delete(void);
uint64 sys_cap_revoke(void);
uint64 sys_cap_info(void);
uint64 sys_cap_audit(void);
// Channels and spawn (syschan.c, sysspawn.c)
uint64 sys_chan_create(void);
uint64 sys_chan_send(void);
uint64 sys_chan_recv(void);
uint64 sys_spawn(void);
uint64 sys_cap_dropproc(void);
uint64 sys_cap_restrictproc(void);
uint64 sys_cap_badge(void);
uint64 sys_cap_list(void);

#endif
