// splitmix64: the small generator test programs draw their fixtures from a
// grader's seed with (svcprobe, svchostile). The grader's copy is SplitMix
// in grade/labs/svcpolicy_model.py: the same seed, the same numbers.
#ifndef ZENITH_SPLITMIX_H
#define ZENITH_SPLITMIX_H

#include "kernel/types.h"

// The next number from *state (which it advances).
uint64 splitmix_next(uint64 *state);
// A number in 0..n-1 (n > 0).
int splitmix_below(uint64 *state, int n);
// SEED, a string of decimal digits, as a state (digits after the first
// non-digit are ignored).
uint64 splitmix_seed(const char *seed);

#endif
