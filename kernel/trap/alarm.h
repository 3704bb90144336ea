#if LAB >= 2
// The alarm() user-level timer callback (alarm.c). The state lives in
// struct proc (proc.h); trap.c calls alarm_tick on each user-mode timer tick.
#ifndef ZENITH_ALARM_H
#define ZENITH_ALARM_H

struct proc;

void alarm_tick(struct proc *p);

#endif
#endif
