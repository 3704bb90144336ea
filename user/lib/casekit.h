// A small driver for in-guest test programs (systest, vmtest): a table of
// named cases, run by name from the command line, one machine-readable
// result line each: "<TAG> <case> PASS" or "<TAG> <case> FAIL <reason>".
#ifndef ZENITH_CASEKIT_H
#define ZENITH_CASEKIT_H

struct testcase {
  const char *name;
  int (*run)(void);   // 1 = pass; on failure return why(...)
};

extern char case_reason[320];

// Records why the case failed; returns 0 so cases can `return why(...)`.
#define why(...) (snprintf(case_reason, sizeof(case_reason), __VA_ARGS__), 0)

// Run the cases named in argv[1..] ("all" = every case; a leading
// "-n NONCE -s SEED" stamps the lines, user/lib/stamp.h), print
// "<TAG>-SUMMARY passed=N failed=M" and return the exit status: 0 when all
// passed. With `isolate`, each case runs in its own
// child process, so one case's state (or death) cannot touch the next.
int run_cases(const char *prog, const char *tag, const struct testcase *cases, int n,
              int isolate, int argc, char **argv);

// The free-page count (nfree()) once it has stopped moving, or (want >= 0)
// once it is back to want, for at most 200 ticks: on several harts the
// processes around a case (the shell, a child still being reaped) free and
// take pages of their own while it counts.
int nfree_settled(int want);

#endif
