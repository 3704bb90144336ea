// Timed waits: sleep(n) as a wait that is woken once, when it is due,
// instead of at every tick (book 4.6, "Sleeping for a time").
#ifndef ZENITH_TICKWAIT_H
#define ZENITH_TICKWAIT_H

#include "types.h"

// Sleep until n ticks have passed: 0, or -E_KILLED if killed first.
int tick_sleep(uint64 n);
// Called by the tick's owner with tickslock held, after ticks++: wake
// every timed sleeper that is now due.
void tick_expire(uint64 now);

#endif
