// The case runner of user/lib/capcase.h.
#include "kernel/types.h"
#include "kernel/param.h"
#include "kernel/capinfo.h"
#include "user/user.h"
#include "user/lib/capcase.h"
#include "user/lib/stamp.h"

char ct_why[160];

#define MAXKIDS 64
static int kids[MAXKIDS];   // children of the running case (ct_fork, ct_track)
static int nkids;

void ct_track(int pid)
{
  if (pid > 0 && nkids < MAXKIDS)
    kids[nkids++] = pid;
}

int ct_fork(void)
{
  int pid = fork();
  ct_track(pid);
  if (pid == 0)
    nkids = 0;   // a child's own children are its business
  return pid;
}

int ct_info(int slot, struct capinfo *ci)
{
  memset(ci, 0, sizeof(*ci));
  return cap_info(slot, ci);
}

int ct_is_live(int slot)
{
  struct capinfo ci;
  return ct_info(slot, &ci) == 0;
}

int ct_wait_for(int pid)
{
  int st = -1000;
  if (wait(&st) != pid)
    return -1000;
  return st;
}

static int wanted(const char *name, int argc, char **argv)
{
  if (argc < 2)
    return 1;
  for (int i = 1; i < argc; i++)
    if (strcmp(argv[i], name) == 0)
      return 1;
  return 0;
}

static int same_counts(const struct capaudit *a, const struct capaudit *b)
{
  return a->records == b->records && a->slots == b->slots && a->files == b->files &&
         a->revoked == b->revoked && a->pcaps == b->pcaps && a->inflight == b->inflight &&
         a->channels == b->channels && a->dircaps == b->dircaps;
}

// Runs one case; checks that it left no slot open and that the audit
// counts are back where they were. Returns 1 if it passed.
static int run_one(const char *tag, const struct ctcase *c)
{
  int live_before[NCAP];
  struct capaudit a0, a1;
  for (int s = 0; s < NCAP; s++)
    live_before[s] = ct_is_live(s);
  int err = cap_audit(&a0);
  if (err < 0) {
    printf("%s %s FAIL cap_audit: %s (the suite needs the system-control capability)\n",
           stamp(tag), c->name, errstr(err));
    return 0;
  }
  ct_why[0] = 0;
  nkids = 0;
  int ok = c->fn();
  // Reap anything a failed case left behind, then close its slots.
  for (int i = 0; i < nkids; i++)
    kill(kids[i]);
  while (wait(0) > 0)
    ;
  for (int s = 0; s < NCAP; s++) {
    if (!live_before[s] && cap_delete(s) == 0 && ok) {
      ok = 0;
      snprintf(ct_why, sizeof(ct_why), "left slot %d open", s);
    }
  }
  // An orphan a case left (it belongs to init now) may still be exiting:
  // give the counts a while to settle.
  for (int tries = 0; tries < 300; tries++) {
    cap_audit(&a1);
    if (same_counts(&a0, &a1))
      break;
    sleep(1);
  }
  if (ok && !same_counts(&a0, &a1)) {
    ok = 0;
    snprintf(ct_why, sizeof(ct_why), "leak: records %d->%d slots %d->%d pcaps %d->%d "
             "files %d->%d revoked %d->%d inflight %d->%d channels %d->%d dircaps %d->%d",
             a0.records, a1.records, a0.slots, a1.slots, a0.pcaps, a1.pcaps,
             a0.files, a1.files, a0.revoked, a1.revoked, a0.inflight, a1.inflight,
             a0.channels, a1.channels, a0.dircaps, a1.dircaps);
  }
  if (ok && a1.bad != 0) {
    ok = 0;
    snprintf(ct_why, sizeof(ct_why), "audit found %d inconsistencies", a1.bad);
  }
  if (ok && a1.queued != a1.inflight) {
    ok = 0;
    snprintf(ct_why, sizeof(ct_why), "audit: %d records in flight, %d in channel queues",
             a1.inflight, a1.queued);
  }
  if (ok)
    printf("%s %s PASS\n", stamp(tag), c->name);
  else
    printf("%s %s FAIL %s\n", stamp(tag), c->name, ct_why[0] ? ct_why : "(no reason)");
  return ok;
}

int ct_run(const char *tag, const struct ctcase *cases, int n, int argc, char **argv)
{
  int passed = 0, failed = 0;
  argc = stamp_args(argc, argv);
  for (int i = 0; i < n; i++) {
    if (!wanted(cases[i].name, argc, argv))
      continue;
    if (run_one(tag, &cases[i]))
      passed++;
    else
      failed++;
  }
  char summary[24];
  snprintf(summary, sizeof(summary), "%s-SUMMARY", tag);
  printf("%s passed=%d failed=%d\n", stamp(summary), passed, failed);
  return failed;
}
