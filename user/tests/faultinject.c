// faultinject: a seeded fault-injection campaign against the supervised
// services, while a client workload runs.
//
//   faultinject [-n N] [-s SEED] [-q]
//   faultinject -c N
//
// A worker child talks to kv and log the whole time and checks every
// answer against what it knows it wrote (after a restart, reported as
// -E_RESTARTED, the new incarnation starts empty and so does its model);
// meanwhile the injector picks, N times, a service (kv or log) and a fault
// (crash, hang, capability-error storm), injects it through the service's
// test hooks, and waits for the supervisor to notice and for the new
// generation to answer. Injections into one service are spaced so that its
// crash-loop limit is never reached (the campaign measures recovery, not
// the hold). It prints
//
//   faultinject: injected N detected D recovered R
//   faultinject: workload ops O verified V restarts-seen S refused F wrong W
//   faultinject: leak records A->B slots ... free pages P->Q
//   faultinject: latency ...
//
// and exits 0 only if every injection was detected and recovered, the
// workload saw no wrong answer and nothing leaked: the capability audit's
// counts and the free page count are back to what they were before, and
// the audit found no inconsistency (bad = 0) before or after.
//
// With -c N it runs N restart cycles instead (no workload): each crashes one
// service (kv and log in turn), waits for the supervisor to bring it back,
// then restarts it with `svc restart`, so each cycle goes through both ways
// a service is torn down; then it prints the same leak line. Kernel panics are
// counted from outside (the machine would stop: tools/bench.py and the
// tests look at the console).
#include "kernel/types.h"
#include "kernel/errno.h"
#include "kernel/chan.h"
#include "kernel/capinfo.h"
#include "user/user.h"
#include "user/manifest.h"

ZENITH_MANIFEST("svc", "svcctl", "proc:all", "sysctl");   // sysctl: cap_audit
#include "user/lib/util.h"
#include "user/lib/svcclient.h"
#include "user/lib/kvproto.h"
#include "user/lib/logproto.h"

#define NTARGET 2
static const char *const targets[NTARGET] = {"kv", "log"};
#define NKIND 3
static const char *const kinds[NKIND] = {"crash", "hang", "caperr"};
static const uint32 kind_ops[NKIND] = {SVC_HOOK_CRASH, SVC_HOOK_HANG, SVC_HOOK_CAPERR};

#define RECOVER_WAIT 5000   // ticks an injection may take to be healed
#define NKEYS 8

static uint64 rng;
static int quiet;

static uint32 next_random(void)
{
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return (uint32)(rng >> 11);
}

// ------------------------------------------------------------ status

static uint32 detections(const struct svcstatus *s)
{
  return s->faults + s->hangs + s->anomalies;
}

// ------------------------------------------------------------ the workload

struct tally {
  int ops, verified, restarts, refused, wrong;
};

static struct svcconn kvc, logc;
static char model[NKEYS][24];    // what kv holds, as far as we know ("" = nothing)

static void kv_forget(void)
{
  for (int i = 0; i < NKEYS; i++)
    model[i][0] = 0;
}

// One kv request; a restart means the store is new and empty.
static int kv_op(struct tally *t, uint32 op, int k, const char *val, struct kvmsg *rep)
{
  static struct kvmsg req;
  svc_header(&req.h, op, 0, 0, 0);
  snprintf(req.key, sizeof(req.key), "key%d", k);
  if (val)
    strcpy(req.val, val);
  t->ops++;
  int r = svc_call(&kvc, &req, sizeof(req), rep, sizeof(*rep));
  if (r == -E_RESTARTED) {
    t->restarts++;
    kv_forget();
    return r;
  }
  if (r < 0) {
    t->refused++;
    return r;
  }
  return rep->h.status;
}

static void kv_step(struct tally *t, int i)
{
  static struct kvmsg rep;
  int k = next_random() % NKEYS;
  if (next_random() % 2) {
    char val[24];
    snprintf(val, sizeof(val), "v%d-%d", k, i);
    if (kv_op(t, KV_PUT, k, val, &rep) == 0)
      strcpy(model[k], val);
    return;
  }
  int r = kv_op(t, KV_GET, k, 0, &rep);
  if (r == -E_RESTARTED || (r < 0 && r != -E_NOENT))
    return;
  t->verified++;
  if (r == -E_NOENT ? model[k][0] != 0 : strcmp(rep.val, model[k]) != 0) {
    t->wrong++;
    fprintf(2, "faultinject: WRONG: key%d is '%s' (gen %d), expected '%s'\n", k,
            r == -E_NOENT ? "(none)" : rep.val, (int)kvc.gen, model[k]);
  }
}

// Append a line to log and read it back.
static void log_step(struct tally *t, int i)
{
  static struct logmsg req, rep;
  svc_header(&req.h, LOG_APPEND, 0, 0, 0);
  int len = sizeof(struct svchdr) + snprintf(req.text, sizeof(req.text), "line %d", i);
  t->ops++;
  int r = svc_call(&logc, &req, len, &rep, sizeof(rep));
  if (r == -E_RESTARTED) {
    t->restarts++;
    return;
  }
  if (r < 0 || rep.h.status < 0) {
    t->refused++;
    return;
  }
  uint32 seq = rep.h.arg;
  svc_header(&req.h, LOG_READ, 0, 0, seq);
  t->ops++;
  r = svc_call(&logc, &req, sizeof(req), &rep, sizeof(rep));
  if (r == -E_RESTARTED) {
    t->restarts++;
    return;
  }
  if (r < 0 || rep.h.status < 0) {
    t->refused++;
    return;
  }
  t->verified++;
  char want[40];
  snprintf(want, sizeof(want), "%d line %d\n", (int)seq, i);
  if (strncmp(rep.text, want, strlen(want)) != 0) {
    t->wrong++;
    fprintf(2, "faultinject: WRONG: log read '%s', expected '%s'\n", rep.text, want);
  }
}

// The worker: runs until a message arrives on stop (receive end), then
// writes its tally to out.
static void worker(int stop, int out)
{
  struct tally t;
  memset(&t, 0, sizeof(t));
  kv_forget();
  int r;
  if ((r = svc_connect(&kvc, "kv")) < 0 || (r = svc_connect(&logc, "log")) < 0)
    fail("faultinject", "worker: connect", r);
  for (int i = 0;; i++) {
    struct chanmsg m;
    char b;
    memset(&m, 0, sizeof(m));
    m.buf = &b;
    m.len = 1;
    m.flags = CHAN_NONBLOCK;
    if (chan_recv(stop, &m) != -E_AGAIN)
      break;
    kv_step(&t, i);
    if (i % 4 == 0)
      log_step(&t, i);
    sleep(1);
  }
  write(out, &t, sizeof(t));
  exit(0);
}

// ------------------------------------------------------------ leaks

struct snapshot {
  struct capaudit a;
  int free;
};

static void snap(struct snapshot *s)
{
  // Let dying incarnations finish going away: wait until two looks agree.
  struct snapshot prev;
  memset(&prev, 0, sizeof(prev));
  for (int i = 0; i < 50; i++) {
    sleep(20);
    memset(s, 0, sizeof(*s));
    cap_audit(&s->a);
    s->free = nfree();
    if (i > 0 && memcmp(s, &prev, sizeof(*s)) == 0)
      return;
    prev = *s;
  }
}

// Restart both services through the supervisor and wait until they answer.
static int fresh_services(void)
{
  struct svchdr rep;
  struct svcstatus st;
  for (int t = 0; t < NTARGET; t++) {
    int r = svc_control(SUP_CTL_RESTART, targets[t], &rep, sizeof(rep));
    if (r < 0)
      return complain("faultinject", targets[t], r), r;
    for (int w = 0; w < RECOVER_WAIT / 5; w++) {
      if (svc_status(targets[t], &st) == 0 && st.state == SVC_RUNNING)
        break;
      sleep(5);
    }
  }
  return 0;
}

// Compare two snapshots; print the leak line. 1 if anything leaked or the
// audit found an inconsistency.
static int report_leak(const struct snapshot *before, const struct snapshot *after)
{
  int leak = before->a.records != after->a.records || before->a.slots != after->a.slots ||
             before->a.files != after->a.files || before->a.pcaps != after->a.pcaps ||
             before->free != after->free || before->a.bad != 0 || after->a.bad != 0;
  printf("faultinject: leak records %d->%d slots %d->%d files %d->%d pcaps %d->%d "
         "free pages %d->%d audit-bad %d->%d: %s\n",
         before->a.records, after->a.records, before->a.slots, after->a.slots,
         before->a.files, after->a.files, before->a.pcaps, after->a.pcaps, before->free,
         after->free, before->a.bad, after->a.bad, leak ? "LEAK" : "none");
  return leak;
}

// ------------------------------------------------------------ injection

// Send the hook on a connection of its own (the call returns when the
// service answers or dies).
static void inject(const char *name, uint32 op, uint32 arg)
{
  struct svcconn c;
  if (svc_connect(&c, name) < 0)
    return;
  struct svchdr req, rep;
  svc_header(&req, op, 0, 0, arg);
  req.gen = c.gen;
  svc_rpc(c.req, &req, sizeof(req), 0, 0, &rep, sizeof(rep), 0);
  svc_disconnect(&c);
}

// Wait until the supervisor shows target t running a generation after gen.
static int wait_running(int t, uint32 gen)
{
  struct svcstatus st;
  for (int w = 0; w < RECOVER_WAIT / 2; w++) {
    if (svc_status(targets[t], &st) == 0 && st.gen > gen && st.state == SVC_RUNNING)
      return 1;
    sleep(2);
  }
  return 0;
}

// -c N: N restart cycles (a crash healed by the supervisor, then svc
// restart, which also clears the crash-loop history), then the leak check.
static int restart_cycles(int n)
{
  if (fresh_services() < 0)
    return 1;
  struct snapshot before, after;
  snap(&before);
  int healed = 0, restarted = 0;
  for (int i = 0; i < n; i++) {
    int t = i % NTARGET;
    struct svcstatus s0;
    struct svchdr rep;
    if (svc_status(targets[t], &s0) < 0)
      break;
    inject(targets[t], SVC_HOOK_CRASH, 0);
    if (!wait_running(t, s0.gen)) {
      printf("faultinject: cycle %d: %s crashed but did not come back\n", i + 1, targets[t]);
      continue;
    }
    healed++;
    if (svc_status(targets[t], &s0) < 0 || svc_control(SUP_CTL_RESTART, targets[t], &rep,
                                                       sizeof(rep)) < 0 ||
        !wait_running(t, s0.gen)) {
      printf("faultinject: cycle %d: svc restart %s failed\n", i + 1, targets[t]);
      continue;
    }
    restarted++;
  }
  if (fresh_services() < 0)
    return 1;
  snap(&after);
  printf("faultinject: cycles %d crashes-healed %d svc-restarts %d\n", n, healed, restarted);
  int leak = report_leak(&before, &after);
  int ok = healed == n && restarted == n && !leak;
  printf("faultinject: %s\n", ok ? "PASS" : "FAIL");
  return ok ? 0 : 1;
}

static uint64 sum_ticks, max_ticks, sum_time, max_time, sum_detect, sum_restart;
static int nlat, ncrash;
static uint64 kind_ticks[NKIND], kind_time[NKIND];   // per kind of fault, recovered ones
static int kind_n[NKIND];

int main(int argc, char **argv)
{
  int n = 20, ncycles = 0;
  rng = 88172645463325252ull;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "-n") == 0 && i + 1 < argc)
      n = atoi(argv[++i]);
    else if (strcmp(argv[i], "-s") == 0 && i + 1 < argc)
      rng ^= (uint64)atoi(argv[++i]) * 2654435761u;
    else if (strcmp(argv[i], "-q") == 0)
      quiet = 1;
    else if (strcmp(argv[i], "-c") == 0 && i + 1 < argc)
      ncycles = atoi(argv[++i]);
    else {
      fprintf(2, "usage: faultinject [-n N] [-s SEED] [-q] | faultinject -c N\n");
      return 2;
    }
  }
  if (rng == 0)
    rng = 1;
  struct svcstatus st[NTARGET];
  for (int t = 0; t < NTARGET; t++) {
    int r = svc_status(targets[t], &st[t]);
    if (r < 0)
      return complain("faultinject", targets[t], r);
  }
  if (ncycles > 0)
    return restart_cycles(ncycles);
  if (fresh_services() < 0)
    return 1;
  struct snapshot before, after;
  snap(&before);

  int stop[2], out[2];
  if (chan_create(stop) < 0 || pipe(out) < 0)
    fail("faultinject", "channels", -E_NOMEM);
  int wpid = fork();
  if (wpid == 0) {
    close(stop[1]);
    close(out[0]);
    worker(stop[0], out[1]);
  }
  close(stop[0]);
  close(out[1]);

  int injected = 0, detected = 0, recovered = 0;
  int last[NTARGET] = {0, 0};
  for (int i = 0; i < n; i++) {
    int t = next_random() % NTARGET;
    int k = next_random() % NKIND;
    struct svcstatus s0, s1;
    if (svc_status(targets[t], &s0) < 0)
      break;
    // Space injections into one service so its crash-loop limit holds.
    int spacing = s0.limit > 1 ? s0.window / (s0.limit - 1) + 1 : s0.window + 1;
    int wait = last[t] + spacing - uptime();
    if (last[t] && wait > 0)
      sleep(wait);
    int t0 = uptime();
    uint64 r0 = rdtime();
    inject(targets[t], kind_ops[k], kind_ops[k] == SVC_HOOK_CAPERR ? 400 : 0);
    injected++;
    int ok_detect = 0, ok_recover = 0;
    for (int w = 0; w < RECOVER_WAIT / 2; w++) {
      if (svc_status(targets[t], &s1) == 0) {
        ok_detect = detections(&s1) > detections(&s0);
        if (ok_detect && s1.gen > s0.gen && s1.state == SVC_RUNNING) {
          ok_recover = 1;
          break;
        }
      }
      sleep(2);
    }
    // Recovered means answering: one request to the new generation.
    if (ok_recover) {
      struct svcconn c;
      ok_recover = svc_connect(&c, targets[t]) == 0 && c.gen == s1.gen;
      if (ok_recover) {
        struct svchdr req;
        svc_header(&req, t == 0 ? KV_LIST : LOG_READ, 0, c.gen, 0);
        static char reply[SVC_MSGMAX];
        ok_recover = svc_call(&c, &req, sizeof(req), reply, sizeof(reply)) >= 0;
        svc_disconnect(&c);
      }
    }
    uint64 ticks = uptime() - t0, time = rdtime() - r0;
    detected += ok_detect;
    recovered += ok_recover;
    if (ok_recover) {
      nlat++;
      sum_ticks += ticks;
      sum_time += time;
      max_ticks = ticks > max_ticks ? ticks : max_ticks;
      max_time = time > max_time ? time : max_time;
      sum_restart += s1.restart_time;
      kind_ticks[k] += ticks;
      kind_time[k] += time;
      kind_n[k]++;
      if (kind_ops[k] == SVC_HOOK_CRASH) {
        ncrash++;
        sum_detect += s1.detect_ticks;
      }
    }
    last[t] = uptime();
    if (!quiet || !ok_recover)
      printf("faultinject: %d %s %s: %s%s gen %d->%d in %d ticks\n", i + 1, targets[t],
             kinds[k], ok_detect ? "detected" : "NOT DETECTED",
             ok_recover ? ", recovered" : ", NOT RECOVERED", (int)s0.gen, (int)s1.gen,
             (int)ticks);
  }

  struct chanmsg m;
  char b = 1;
  memset(&m, 0, sizeof(m));
  m.buf = &b;
  m.len = 1;
  chan_send(stop[1], &m);
  struct tally tw;
  memset(&tw, 0, sizeof(tw));
  int got = read(out[0], &tw, sizeof(tw));
  close(out[0]);
  close(stop[1]);
  int status = -1, w;
  while ((w = wait(&status)) != wpid && w >= 0)   // -1: no child left to wait for
    ;
  if (fresh_services() < 0)
    return 1;
  snap(&after);

  printf("faultinject: injected %d detected %d recovered %d\n", injected, detected, recovered);
  printf("faultinject: workload ops %d verified %d restarts-seen %d refused %d wrong %d%s\n",
         tw.ops, tw.verified, tw.restarts, tw.refused, tw.wrong,
         got == sizeof(tw) && status == 0 ? "" : " (worker failed)");
  int leak = report_leak(&before, &after);
  if (nlat > 0)
    printf("faultinject: latency inject-to-answering avg %d max %d ticks, avg %d max %d "
           "rdtime; fault-to-notice avg %d ticks; notice-to-ready avg %d rdtime\n",
           (int)(sum_ticks / nlat), (int)max_ticks, (int)(sum_time / nlat), (int)max_time,
           ncrash ? (int)(sum_detect / ncrash) : 0, (int)(sum_restart / nlat));
  for (int k = 0; k < NKIND; k++)
    if (kind_n[k] > 0)
      printf("faultinject: latency %s (%d): inject-to-answering avg %d ticks, %d rdtime\n",
             kinds[k], kind_n[k], (int)(kind_ticks[k] / kind_n[k]),
             (int)(kind_time[k] / kind_n[k]));
  uint32 restarts = 0;
  uint64 cpu = 0;
  for (int t = 0; t < NTARGET; t++) {
    if (svc_status(targets[t], &st[t]) == 0) {
      restarts += st[t].restarts;
      cpu += st[t].restart_cpu;
    }
  }
  if (restarts > 0)
    printf("faultinject: restart cost: supervisor CPU per restart %d rdtime units (%d restarts)\n",
           (int)(cpu / restarts), (int)restarts);
  int ok = injected == n && detected == n && recovered == n && tw.wrong == 0 &&
           got == sizeof(tw) && status == 0 && !leak;
  printf("faultinject: %s\n", ok ? "PASS" : "FAIL");
  return ok ? 0 : 1;
}
