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
// Copy the user's argv array at uargv (string pointers ending in 0) into
// argv[MAXARG + 1], one kernel page per string. 0 or -E_TOOBIG (more than
// MAXARG), -E_FAULT, -E_NOMEM. Call free_argv(argv) afterwards, either way.
int fetch_argv(uint64 uargv, char **argv);
void free_argv(char **argv);

#endif
