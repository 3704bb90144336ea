// Traps: system calls, exceptions and interrupts from user and kernel mode.
#ifndef ZENITH_TRAP_H
#define ZENITH_TRAP_H

#include "types.h"

void trapinit(void);
void trapinithart(void);
void usertrapret(void) __attribute__((noreturn));
extern uint64 ticks;   // timer ticks since boot (hart 0's count)
extern struct spinlock tickslock;

#endif
