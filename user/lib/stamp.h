// Report stamps for in-guest test programs (casekit, capcase).
//
// The grader runs a test program as `prog -n NONCE [-s SEED] CASE...`, with
// a fresh random NONCE each time. Every result line then begins with
// "<TAG>:<NONCE>:<SEQ>" instead of "<TAG>", SEQ counting 1, 2, ... in the
// order the lines are printed, and grade/guest.py accepts a run only if its
// lines carry that nonce, in sequence, each case once, summary last. A line
// printed by anything else (kernel code forging a verdict) has to know the
// nonce and the count. SEED lets a case draw its fixtures (a call depth, a
// size) from the grader's seed, so the grader can compute what to expect.
// Without -n the lines are plain "<TAG> ..." as before, for people.
#ifndef ZENITH_STAMP_H
#define ZENITH_STAMP_H

#include "kernel/types.h"

extern uint64 stamp_seed;   // -s SEED, 0 without it

// Takes a leading "-n NONCE" and "-s SEED" out of argv (argv[0] is kept in
// front); returns the new argc. A malformed option is left in place.
int stamp_args(int argc, char **argv);

// The tag to print at the start of the next result line: "TAG" without a
// nonce, else "TAG:NONCE:SEQ" with the next SEQ (in a static buffer).
const char *stamp(const char *tag);

// A child process printed n lines with this process's stamps: advance past them.
void stamp_skip(int n);

#endif
