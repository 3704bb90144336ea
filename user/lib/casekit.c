// The case driver of user/lib/casekit.h.
#include "kernel/types.h"
#include "user/user.h"
#include "user/lib/casekit.h"
#include "user/lib/stamp.h"

char case_reason[320];

static int run_here(const char *tag, const struct testcase *c)
{
  case_reason[0] = 0;
  int ok = c->run();
  if (ok)
    printf("%s %s PASS\n", stamp(tag), c->name);
  else
    printf("%s %s FAIL %s\n", stamp(tag), c->name, case_reason);
  return ok;
}

static int run_isolated(const char *tag, const struct testcase *c)
{
  int pid = fork();
  if (pid < 0) {
    printf("%s %s FAIL fork: %s\n", stamp(tag), c->name, errstr(pid));
    return 0;
  }
  if (pid == 0)
    exit(run_here(tag, c) ? 0 : 1);
  int status = -1;
  wait(&status);
  if (status == 0 || status == 1)
    stamp_skip(1);      // the child printed its one line
  else                  // (a child that printed, then died, shows as a repeated SEQ)
    printf("%s %s FAIL the test process died (status %d)\n", stamp(tag), c->name, status);
  return status == 0;
}

int run_cases(const char *prog, const char *tag, const struct testcase *cases, int n,
              int isolate, int argc, char **argv)
{
  argc = stamp_args(argc, argv);
  if (argc < 2) {
    fprintf(2, "usage: %s all | CASE...\ncases:", prog);
    for (int i = 0; i < n; i++)
      fprintf(2, " %s", cases[i].name);
    fprintf(2, "\n");
    return 1;
  }
  int passed = 0, failed = 0;
  for (int a = 1; a < argc; a++) {
    int found = 0;
    for (int i = 0; i < n; i++) {
      if (strcmp(argv[a], "all") == 0 || strcmp(argv[a], cases[i].name) == 0) {
        found = 1;
        int ok = isolate ? run_isolated(tag, &cases[i]) : run_here(tag, &cases[i]);
        passed += ok;
        failed += !ok;
      }
    }
    if (!found) {
      fprintf(2, "%s: no case %s\n", prog, argv[a]);
      failed++;
    }
  }
  char summary[24];
  snprintf(summary, sizeof(summary), "%s-SUMMARY", tag);
  printf("%s passed=%d failed=%d\n", stamp(summary), passed, failed);
  return failed != 0;
}

int nfree_settled(int want)
{
  int n = nfree();
  for (int i = 0; i < 100; i++) {
    sleep(2);
    int again = nfree();
    if (want >= 0 ? again == want : again == n)
      return again;
    n = again;
  }
  return n;
}
