// lockstat: print the kernel's lock counters, one line per lock class, the
// most contended first (kernel/lockstat.h, book 4.16).
//   lockstat               counts since boot
//   lockstat CMD ARGS...   run CMD and print only what it (and everything
//                          else running meanwhile) added
//   lockstat -t            test the lock-order checker: the kernel takes two
//                          locks of its own in both orders (one after the
//                          other, no deadlock), which it must report. Needs
//                          the system-control capability (kernel/sysctl.h):
//                          the grant policy (user/files/syscaps.conf) gives
//                          it to lockstat, and lockstat drops it before it
//                          runs CMD, which gets only what the shell would give.
// Columns: acquires, contended acquires (the lock was held at the first
// try), spins (failed tries while waiting), contended per thousand acquires
// and spins per acquire, and how many locks (initlock calls) the class has.
#include "kernel/types.h"
#include "kernel/errno.h"
#include "kernel/lockstat.h"
#include "user/user.h"
#include "user/manifest.h"
#include "user/lib/powerbox.h"

ZENITH_MANIFEST("root:all", "cwd:all", "proc:all", "sysctl");

static struct lockstat_report before, after;

static int read_counts(struct lockstat_report *r)
{
  int n = lockstat(r);
  if (n < 0) {
    fprintf(2, "lockstat: %s\n", errstr(n));
    exit(1);
  }
  return n;
}

// after -= before, class by class (classes only ever get added, in order).
static void subtract(void)
{
  for (uint i = 0; i < after.nclass && i < before.nclass; i++) {
    after.cls[i].acquires -= before.cls[i].acquires;
    after.cls[i].contended -= before.cls[i].contended;
    after.cls[i].spins -= before.cls[i].spins;
  }
  after.inversions -= before.inversions;
}

static int busier(const struct lockstat_class *a, const struct lockstat_class *b)
{
  if (a->contended != b->contended)
    return a->contended > b->contended;
  return a->acquires > b->acquires;
}

static void print_sorted(struct lockstat_report *r)
{
  static struct lockstat_class *order[LOCKSTAT_MAX];
  uint n = r->nclass;
  for (uint i = 0; i < n; i++) {
    uint j = i;
    for (; j > 0 && busier(&r->cls[i], order[j - 1]); j--)
      order[j] = order[j - 1];
    order[j] = &r->cls[i];
  }
  printf("%-18s %10s %9s %11s %6s %8s %5s\n", "class", "acquires", "contended", "spins",
         "c/1000", "spin/acq", "locks");
  for (uint i = 0; i < n; i++) {
    struct lockstat_class *c = order[i];
    if (c->acquires == 0)
      continue;
    printf("%-18s %10lu %9lu %11lu %6lu %8lu %5u\n", c->name, c->acquires, c->contended,
           c->spins, c->contended * 1000 / c->acquires, c->spins / c->acquires, c->inits);
  }
  printf("lockdep: %s, %lu order inversion(s), %lu sleep(s) holding a spinlock\n",
         r->lockdep ? "on" : "off", r->inversions, r->sleeps);
}

int main(int argc, char **argv)
{
  if (argc == 2 && strcmp(argv[1], "-t") == 0) {
    int err = lockcheck(LOCKCHECK_INVERT);
    if (err < 0) {
      fprintf(2, "lockstat: lockcheck: %s (%s)\n", errstr(err), err == -E_INVAL ?
              "the checker is off: boot argument lockdep=off?" :
              "-t needs the system-control capability, which the shell gives lockstat "
              "by the grant policy /syscaps.conf");
      return 1;
    }
    read_counts(&after);
    print_sorted(&after);
    return 0;
  }
  if (argc < 2) {
    read_counts(&after);
    print_sorted(&after);
    return 0;
  }
  read_counts(&before);
  int pid = fork();
  if (pid < 0) {
    fprintf(2, "lockstat: fork: %s\n", errstr(pid));
    return 1;
  }
  if (pid == 0) {
    pb_drop_syscaps();   // CMD is not granted what lockstat is
    int err = exec(argv[1], argv + 1);
    fprintf(2, "lockstat: exec %s: %s\n", argv[1], errstr(err));
    exit(1);
  }
  int st;
  wait(&st);
  read_counts(&after);
  subtract();
  print_sorted(&after);
  return st;
}
