// The 1 ms timer tick: Sstc stimecmp when the hart has it, SBI TIME otherwise.
#ifndef ZENITH_TIMER_H
#define ZENITH_TIMER_H

#include "types.h"

#define TIMEBASE_HZ 10000000UL   // rdtime frequency on QEMU virt (from the DT)

void timerinit(void);            // detect Sstc (once, boot hart)
void timer_start_hart(void);     // arm the first tick on this hart
void timer_next(void);           // arm the next tick
uint64 timebase_hz(void);
int timer_uses_sstc(void);      // for the boot banner

#endif
