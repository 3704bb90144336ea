// System calls on processes, time and the machine (sysproc.c), and the
// handlers the labs add (each in its own file, named below).
#ifndef ZENITH_SYSPROC_H
#define ZENITH_SYSPROC_H

#include "types.h"

uint64 sys_fork(void);
uint64 sys_exit(void);
uint64 sys_wait(void);
uint64 sys_kill(void);
uint64 sys_exec(void);
uint64 sys_getpid(void);
uint64 sys_sbrk(void);
uint64 sys_sleep(void);
uint64 sys_uptime(void);
uint64 sys_halt(void);
uint64 sys_procinfo(void);
uint64 sys_bootargs(void);
uint64 sys_cputime(void);
uint64 sys_nfree(void);
#if LAB >= 2
uint64 sys_kbacktrace(void);   // sysproc.c
uint64 sys_sysinfo(void);      // sysinfo.c
uint64 sys_alarm(void);        // alarm.c
uint64 sys_alarmret(void);
#endif
#if LAB >= 3
uint64 sys_pgdump(void);       // pgdump.c
uint64 sys_mprotect(void);     // mprotect.c
uint64 sys_lazymap(void);      // lazymap.c
#endif
#if LAB >= 8
uint64 sys_mmap(void);         // sysmmap.c
uint64 sys_munmap(void);
#endif

#endif
