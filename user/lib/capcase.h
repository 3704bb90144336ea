// The case runner of the capability suites (captest, chantest, dirtest): a
// table of named cases, each run with the kernel's audit (cap_audit) taken
// before and after; a case passes only if it returned 1, left no slot open,
// left the audit counts where they were and the audit found no
// inconsistency. Prints "<TAG> <name> PASS" or "<TAG> <name> FAIL <reason>"
// per case, then "<TAG>-SUMMARY passed=N failed=M" (stamped after a leading
// "-n NONCE": user/lib/stamp.h).
#ifndef ZENITH_CAPCASE_H
#define ZENITH_CAPCASE_H

#include "kernel/types.h"

struct capinfo;

extern char ct_why[160];   // the reason the running case failed

#define FAILF(...) do { snprintf(ct_why, sizeof(ct_why), __VA_ARGS__); return 0; } while (0)
#define CHECK(cond, ...) do { if (!(cond)) FAILF(__VA_ARGS__); } while (0)
#define EXPECT(label, expr, want) do { long _g = (long)(expr); long _w = (long)(want); \
    if (_g != _w) FAILF("%s: got %ld want %ld", (label), _g, _w); } while (0)

struct ctcase {
  const char *name;
  int (*fn)(void);   // 1 = pass; on failure FAILF(...)
};

// Run the cases named in argv[1..] (every case if none), each line tagged
// with tag ("CT", "DT"), and print the summary. Returns the number that failed.
int ct_run(const char *tag, const struct ctcase *cases, int n, int argc, char **argv);

// Helpers the cases share.
int ct_info(int slot, struct capinfo *ci);   // cap_info into a zeroed struct
int ct_is_live(int slot);                     // does slot hold a live capability?
int ct_wait_for(int pid);                     // its exit status, -1000 if wait failed
// fork, remembering the child: after the case the runner kills every
// child it remembers before reaping, so a failed case cannot leave one
// blocked forever (kill of one already reaped just fails).
int ct_fork(void);
// Remember a child started some other way (spawn), to be killed the same way.
void ct_track(int pid);

#endif
