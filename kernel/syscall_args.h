// Fetching system-call arguments from the trap frame, with checks.
#ifndef ZENITH_SYSCALL_ARGS_H
#define ZENITH_SYSCALL_ARGS_H

#include "types.h"

void syscall(void);
int argint(int n);
uint64 argaddr(int n);
int argstr(int n, char *buf, int max);           // length or negative error
int fetchaddr(uint64 addr, uint64 *ip);          // 0 or -E_FAULT
int fetchstr(uint64 addr, char *buf, int max);   // length or negative error

#endif
