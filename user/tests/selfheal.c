// selfheal: in-guest checks of the supervisor and its services, one result
// line per case ("SH <case> PASS|FAIL why"; grade/tests/test_supervisor.py
// and grade/labs/test_selfheal.py parse them; `selfheal -n NONCE CASE`
// stamps them, user/lib/stamp.h). It never links the lab's file
// (user/lib/svcpolicy.c): the restart policy is checked through the
// supervisor's behaviour here, and called directly by svcprobe, whose
// answers the grader checks itself.
// Needs the supervisor (boot with svc=on) and the control key (sh passes
// it to selfheal). `selfheal all` runs every case below except the fatal
// ones, which end the machine: `selfheal die` (the supervisor crashes:
// init halts with status 3) and `selfheal corefatal` (the core service log
// crash-loops into its hold: the supervisor stops, init halts with 4).
// `selfheal stall` (the supervisor stops draining its inbox: init's watch
// halts with 6) and `selfheal corenever` (with svctab=/svcfatal.conf: the
// core service log, restart=never, crashes once: init halts with 4) are
// fatal too. `selfheal attacks` runs the attacks on the protocol (issue
// 11: an attacker holding only the service directory), one case each.
// `selfheal quarantine` too runs only when named: it needs the table
// /svcquar.conf (boot with svc=on svctab=/svcquar.conf).
#include "kernel/types.h"
#include "kernel/param.h"
#include "kernel/errno.h"
#include "kernel/chan.h"
#include "user/user.h"
#include "user/manifest.h"

ZENITH_MANIFEST("svc", "svcctl", "root:all", "cwd:all", "proc:all");
#include "user/lib/casekit.h"
#include "user/lib/svcclient.h"
#include "user/lib/stamp.h"
#include "user/lib/kvproto.h"

#define WAIT_TICKS 5000   // how long a state change is waited for

// Wait until name runs a generation above gen; 0 or -1 on timeout.
static int wait_running_after(const char *name, uint32 gen, struct svcstatus *st)
{
  for (int i = 0; i < WAIT_TICKS / 5; i++) {
    if (svc_status(name, st) == 0 && st->gen > gen && st->state == SVC_RUNNING)
      return 0;
    sleep(5);
  }
  return -1;
}

// A raw call woken because the incarnation it was talking to is gone.
static int gone(int r)
{
  return r == -E_PEER || r == -E_RESTARTED;
}

// name's status into *st: 1, or 0 with the reason.
static int status_of(const char *name, struct svcstatus *st)
{
  int r = svc_status(name, st);
  return r < 0 ? why("%s: %s", name, errstr(r)) : 1;
}

// Send a raw hook request (arg) to name on a connection of its own.
// Returns the call's result (reply length, or the error that woke it).
static int hook(const char *name, uint32 op, uint32 arg, struct svchdr *rep)
{
  struct svcconn c;
  int r = svc_connect(&c, name);
  if (r < 0)
    return r;
  struct svchdr req, dummy;
  svc_header(&req, op, 0, c.gen, arg);
  r = svc_rpc(c.req, &req, sizeof(req), 0, 0, rep ? rep : &dummy, sizeof(dummy), 0);
  svc_disconnect(&c);
  return r;
}

// The start of a case that breaks a service on purpose: name's status
// into *before, then the hook op(arg) sent to it (its reply in *rep if
// given), the hook call's result in *res. 1, or 0 with the reason.
static int status_then_hook(const char *name, struct svcstatus *before, uint32 op, uint32 arg,
                            struct svchdr *rep, int *res)
{
  if (!status_of(name, before))
    return 0;
  *res = hook(name, op, arg, rep);
  return 1;
}

static int kv(struct svcconn *c, uint32 op, const char *key, const char *val, struct kvmsg *rep)
{
  static struct kvmsg req;
  svc_header(&req.h, op, 0, 0, 0);
  strcpy(req.key, key);
  strcpy(req.val, val ? val : "");
  int r = svc_call(c, &req, sizeof(req), rep, sizeof(*rep));
  return r < 0 ? r : rep->h.status;
}

// ------------------------------------------------------------ cases

// A crash: a new generation, a clean store, exactly the declared slots.
static int t_restart(void)
{
  struct svcstatus s0, s1;
  struct svcconn c;
  struct kvmsg rep;
  int r;
  if ((r = svc_status("kv", &s0)) < 0 || (r = svc_connect(&c, "kv")) < 0)
    return why("kv: %s", errstr(r));
  if ((r = kv(&c, KV_PUT, "left", "behind", &rep)) != 0)
    return why("put: %s", errstr(r));
  r = hook("kv", SVC_HOOK_CRASH, 0, 0);
  if (!gone(r))
    return why("a call to a crashing service returned %d, want -E_PEER or -E_RESTARTED", r);
  if (wait_running_after("kv", s0.gen, &s1) < 0)
    return why("kv not running again (state %s gen %d)", svc_state_name(s1.state), (int)s1.gen);
  if (s1.gen != s0.gen + 1 || s1.faults != s0.faults + 1 || s1.restarts != s0.restarts + 1)
    return why("gen %d->%d faults %d->%d restarts %d->%d, want +1 each", (int)s0.gen,
               (int)s1.gen, (int)s0.faults, (int)s1.faults, (int)s0.restarts, (int)s1.restarts);
  if (s1.cell == s0.cell)
    return why("same cell %d: want a fresh one", (int)s1.cell);
  r = kv(&c, KV_GET, "left", 0, &rep);
  if (r != -E_RESTARTED || c.gen != s1.gen)
    return why("old connection: %d gen %d, want -E_RESTARTED gen %d", r, (int)c.gen, (int)s1.gen);
  if ((r = kv(&c, KV_GET, "left", 0, &rep)) != -E_NOENT)
    return why("the new incarnation has the old value (%d '%s')", r, rep.val);
  struct svchdr h;
  if ((r = hook("kv", SVC_HOOK_CAPS, 0, &h)) < 0)
    return why("caps hook: %s", errstr(r));
  if (h.arg != 0x7)
    return why("the service holds slots 0x%x, want 0x7 (request, inbox, console)", h.arg);
  svc_disconnect(&c);
  return 1;
}

// A stale connection and a blocked call both learn of the restart.
static int t_stale(void)
{
  struct svcstatus s0, s1;
  struct svcconn c;
  struct kvmsg rep;
  int r;
  if ((r = svc_status("kv", &s0)) < 0 || (r = svc_connect(&c, "kv")) < 0)
    return why("kv: %s", errstr(r));
  if ((r = kv(&c, KV_LIST, "", 0, &rep)) != 0)
    return why("list: %s", errstr(r));
  int pid = fork();
  if (pid == 0) {   // blocked in a long call when the restart comes
    struct svcconn b;
    if (svc_connect(&b, "kv") < 0)
      exit(2);
    struct svchdr req, rr;
    svc_header(&req, SVC_HOOK_SLOW, 0, 0, 3000);
    int x = svc_call(&b, &req, sizeof(req), &rr, sizeof(rr));
    exit(x == -E_RESTARTED && b.gen > s0.gen ? 0 : 3);
  }
  sleep(30);
  struct svchdr ctl;
  if ((r = svc_control(SUP_CTL_RESTART, "kv", &ctl, sizeof(ctl))) < 0)
    return why("svc restart: %s", errstr(r));
  if (ctl.gen != s0.gen + 1)
    return why("restart answered gen %d, want %d", (int)ctl.gen, (int)s0.gen + 1);
  int status = -1;
  wait(&status);
  if (status != 0)
    return why("the blocked call did not wake with -E_RESTARTED (child status %d)", status);
  if (wait_running_after("kv", s0.gen, &s1) < 0)
    return why("kv not running again");
  r = kv(&c, KV_LIST, "", 0, &rep);
  if (r != -E_RESTARTED)
    return why("stale connection: %d, want -E_RESTARTED", r);
  if (c.gen != s1.gen)
    return why("the error carries gen %d, the service runs %d", (int)c.gen, (int)s1.gen);
  if ((r = kv(&c, KV_LIST, "", 0, &rep)) != 0)
    return why("after reconnecting: %s", errstr(r));
  svc_disconnect(&c);
  return 1;
}

// A hang (no heartbeats) is detected and healed; the blocked caller wakes.
static int t_hang(void)
{
  struct svcstatus s0, s1;
  int r;
  if (!status_then_hook("kv", &s0, SVC_HOOK_HANG, 0, 0, &r))
    return 0;
  if (!gone(r))
    return why("a call to the hung service returned %d, want -E_PEER or -E_RESTARTED", r);
  if (wait_running_after("kv", s0.gen, &s1) < 0)
    return why("kv not running again");
  if (s1.hangs != s0.hangs + 1)
    return why("hangs %d->%d, want +1", (int)s0.hangs, (int)s1.hangs);
  return 1;
}

// A slow but live service (busy 600 ticks, heartbeats every 25): no alarm.
static int t_slow(void)
{
  struct svcstatus s0, s1;
  struct svchdr rep;
  int r;
  if (!status_then_hook("kv", &s0, SVC_HOOK_SLOW, 600, &rep, &r))
    return 0;
  if (r < 0 || rep.status != 0)
    return why("the slow call failed: %d", r < 0 ? r : rep.status);
  if (!status_of("kv", &s1))
    return 0;
  if (s1.gen != s0.gen || s1.hangs != s0.hangs || s1.anomalies != s0.anomalies)
    return why("false alarm: gen %d->%d hangs %d->%d anomalies %d->%d", (int)s0.gen,
               (int)s1.gen, (int)s0.hangs, (int)s1.hangs, (int)s0.anomalies,
               (int)s1.anomalies);
  return 1;
}

// kv is stopped in `state` (held, quarantined) since generation gen:
// connect is refused with -E_PEER until svc start brings it back.
static int refused_until_started(const char *state, uint32 gen)
{
  struct svcconn c;
  struct svchdr ctl;
  struct svcstatus st;
  int r;
  if ((r = svc_connect(&c, "kv")) != -E_PEER)
    return why("connect to a %s service: %d, want -E_PEER", state, r);
  if ((r = svc_control(SUP_CTL_START, "kv", &ctl, sizeof(ctl))) < 0)
    return why("svc start: %s", errstr(r));
  if (wait_running_after("kv", gen, &st) < 0)
    return why("kv not running after svc start");
  return 1;
}

// A crash loop: restarts after growing delays, then the hold; svc start
// brings it back.
static int t_backoff(void)
{
  struct svcstatus s, s1;
  struct svchdr ctl;
  int r;
  if ((r = svc_control(SUP_CTL_RESTART, "kv", &ctl, sizeof(ctl))) < 0)   // clean history
    return why("svc restart: %s", errstr(r));
  if (wait_running_after("kv", ctl.gen - 1, &s) < 0)
    return why("kv not running");
  uint32 holds = s.holds;
  int want = 0;
  for (uint32 i = 0; i < s.limit; i++) {
    hook("kv", SVC_HOOK_CRASH, 0, 0);
    if (wait_running_after("kv", s.gen, &s1) < 0)
      return why("crash %d: kv not running again (state %s)", i + 1, svc_state_name(s1.state));
    if ((int)s1.backoff != want)
      return why("restart %d after %d ticks, want %d", i + 1, (int)s1.backoff, want);
    want = want ? want * 2 : 20;
    s = s1;
  }
  hook("kv", SVC_HOOK_CRASH, 0, 0);
  for (int i = 0; i < WAIT_TICKS / 5 && (svc_status("kv", &s1) < 0 || s1.state != SVC_HELD); i++)
    sleep(5);
  if (s1.state != SVC_HELD || s1.holds != holds + 1)
    return why("after %d restarts: state %s holds %d, want held", (int)s.limit,
               svc_state_name(s1.state), (int)s1.holds);
  return refused_until_started("held", s1.gen);
}

// Anomalies without a crash: a capability-error storm, a fork storm, and
// memory growing into the page quota.
// Inject one anomaly into kv (policy anomaly=restart) with hook op(arg);
// it must be detected as `kind` and kv restarted, with no crash or hang
// counted. A hook the anomaly's restart cuts short returns -E_PEER or
// -E_RESTARTED; one that finishes first returns its reply.
static int anomaly_restarts(const char *name, uint32 op, uint32 arg, uint32 kind)
{
  struct svcstatus s0, s1;
  struct svchdr rep;
  int r;
  if (!status_then_hook("kv", &s0, op, arg, &rep, &r))
    return 0;
  if (r < 0 && !gone(r))
    return why("%s hook: %s", name, errstr(r));
  if (wait_running_after("kv", s0.gen, &s1) < 0)
    return why("%s anomaly: kv not restarted", name);
  if (s1.anomalies != s0.anomalies + 1 || s1.anomaly != kind || s1.faults != s0.faults ||
      s1.hangs != s0.hangs)
    return why("%s anomaly: anomalies %d->%d (last kind %d, want %d) faults %d->%d hangs %d->%d",
               name, (int)s0.anomalies, (int)s1.anomalies, (int)s1.anomaly, (int)kind,
               (int)s0.faults, (int)s1.faults, (int)s0.hangs, (int)s1.hangs);
  return 1;
}

static int t_anomaly(void)
{
  return anomaly_restarts("capability-error", SVC_HOOK_CAPERR, 400, SVC_ANOM_CAPERR) &&
         anomaly_restarts("fork", SVC_HOOK_FORKS, 60, SVC_ANOM_FORKS) &&
         anomaly_restarts("memory", SVC_HOOK_GROW, 64, SVC_ANOM_MEMQUOTA);
}

// CPU beyond its share (kv: cpu=50): computing for up to 4000 ticks while
// kicking the watchdog, so it is live; the cell is throttled in every
// window, and after 3 samples in a row the supervisor restarts it.
static int t_cpu(void)
{
  return anomaly_restarts("CPU", SVC_HOOK_SPIN, 4000, SVC_ANOM_CPU);
}

// Steady memory growth: a page every 60 ticks (about 3 per 200-tick
// sample), live; once above half its page quota (48) it grows in 4
// samples in a row and is restarted before any page is refused.
static int t_growth(void)
{
  return anomaly_restarts("growth", SVC_HOOK_LEAK, 60, SVC_ANOM_GROWTH);
}

// With the table /svcquar.conf (boot with svctab=/svcquar.conf: kv
// has anomaly=quarantine): a capability-error storm stops kv and leaves
// it stopped (no restart, connect refused with -E_PEER) until svc start.
static int t_quarantine(void)
{
  struct svcstatus s0, s1;
  struct svchdr rep;
  int r;
  if (!status_then_hook("kv", &s0, SVC_HOOK_CAPERR, 400, &rep, &r))
    return 0;
  if (r < 0)
    return why("hook: %s", errstr(r));
  for (int i = 0; i < WAIT_TICKS / 5 && (svc_status("kv", &s1) < 0 || s1.state != SVC_QUARANTINED);
       i++)
    sleep(5);
  if (s1.state != SVC_QUARANTINED)
    return why("state %s, want quarantined (booted with svctab=/svcquar.conf?)",
               svc_state_name(s1.state));
  if (s1.anomalies != s0.anomalies + 1 || s1.anomaly != SVC_ANOM_CAPERR)
    return why("anomalies %d->%d, last kind %d", (int)s0.anomalies, (int)s1.anomalies,
               (int)s1.anomaly);
  sleep(500);   // long after any restart would have happened
  if ((r = svc_status("kv", &s1)) < 0 || s1.state != SVC_QUARANTINED || s1.gen != s0.gen ||
      s1.restarts != s0.restarts)
    return why("quarantined kv came back by itself: state %s gen %d->%d",
               svc_state_name(s1.state), (int)s0.gen, (int)s1.gen);
  return refused_until_started("quarantined", s1.gen);
}

// Clients cannot stall a service or get a live one killed: for 800 ticks
// (4 times the hang detection delay) one client keeps kv's request queue
// full (requests without a reply channel, CHAN_NONBLOCK sends as fast as
// it can) and another the supervisor's inbox (junk it drops). Meanwhile an
// ordinary client's calls are all answered (a sender that waits for room
// goes before the spinning ones), and neither kv nor log is declared hung
// (the supervisor's pings find kv's queue full, but serving requests is
// a heartbeat), flagged or restarted.
static int t_flood(void)
{
  struct svcstatus s0, s1;
  struct svcconn c;
  int r;
  if ((r = svc_status("kv", &s0)) < 0 || (r = svc_connect(&c, "kv")) < 0)
    return why("kv: %s", errstr(r));
  struct svcstatus l0, l1;
  if ((r = svc_status("log", &l0)) < 0)
    return why("log: %s", errstr(r));
  int until = uptime() + 800;
  int pids[2];
  for (int f = 0; f < 2; f++) {
    if ((pids[f] = fork()) == 0) {
      static struct kvmsg req;
      svc_header(&req.h, KV_GET, 0, c.gen, 0);
      strcpy(req.key, "flood");
      struct chanmsg m;
      memset(&m, 0, sizeof(m));
      m.buf = &req;
      m.len = f == 0 ? sizeof(req) : 1;
      m.flags = CHAN_NONBLOCK;
      int slot = f == 0 ? c.req : SVC_DIR_SLOT;
      while (uptime() < until)
        chan_send(slot, &m);
      exit(0);
    }
  }
  int calls = 0, answered = 0;
  struct kvmsg rep;
  while (uptime() < until) {
    calls++;
    if ((r = kv(&c, KV_PUT, "k", "v", &rep)) == 0 && (r = kv(&c, KV_GET, "k", 0, &rep)) == 0 &&
        strcmp(rep.val, "v") == 0)
      answered++;
    else
      printf("selfheal: flood: call %d: %s\n", calls, r < 0 ? errstr(r) : "wrong value");
    sleep(10);
  }
  // Reap both flooders in whichever order they end (waiting for pids[0],
  // then pids[1], spun for ever on wait()'s -1 when pids[1] ended first).
  for (int reaped = 0; reaped < 2 && wait(0) >= 0; reaped++)
    ;
  if ((r = svc_status("kv", &s1)) < 0 || (r = svc_status("log", &l1)) < 0)
    return why("status after the flood: %s", errstr(r));
  if (l1.gen != l0.gen || l1.hangs != l0.hangs)
    return why("a flood of the supervisor's inbox restarted log: gen %d->%d hangs %d->%d",
               (int)l0.gen, (int)l1.gen, (int)l0.hangs, (int)l1.hangs);
  if (s1.gen != s0.gen || s1.hangs != s0.hangs || s1.anomalies != s0.anomalies)
    return why("a flood by clients restarted kv: gen %d->%d hangs %d->%d anomalies %d->%d",
               (int)s0.gen, (int)s1.gen, (int)s0.hangs, (int)s1.hangs, (int)s0.anomalies,
               (int)s1.anomalies);
  if (calls < 3 || answered != calls)
    return why("%d of %d calls answered during the flood", answered, calls);
  svc_disconnect(&c);
  printf("selfheal: flood: %d of %d calls answered in 800 ticks\n", answered, calls);
  return 1;
}

// Control needs the key: without it, or with another capability, refused.
static int t_refuse(void)
{
  struct svcstatus s0, s1;
  if (!status_of("kv", &s0))
    return 0;
  int pid = fork();
  if (pid == 0) {
    close(SVC_CTL_SLOT);
    struct svchdr rep;
    if (svc_control(SUP_CTL_RESTART, "kv", &rep, sizeof(rep)) != -E_BADCAP)
      exit(2);
    int fake[2];
    chan_create(fake);
    struct svchdr h;
    svc_header(&h, SUP_CTL_RESTART, "kv", 0, 0);
    int r = svc_rpc(SVC_DIR_SLOT, &h, sizeof(h), &fake[1], 1, &rep, sizeof(rep), 0);
    if (r < 0 || rep.status != -E_NORIGHT)
      exit(3);
    char *argv[] = {"svc", "restart", "kv", 0};
    exec("/svc", argv);
    exit(4);
  }
  int status = -1;
  wait(&status);
  if (status != 1)
    return why("without the key: child status %d, want 1 (svc refused)", status);
  if (!status_of("kv", &s1))
    return 0;
  if (s1.gen != s0.gen)
    return why("a refused restart happened anyway (gen %d->%d)", (int)s0.gen, (int)s1.gen);
  return 1;
}

// ------------------------------------------------------------ attacks
//
// An attacker holds nothing but the service directory (SVC_DIR_SLOT, and
// the console to report on). It can say anything in a message; the
// supervisor must judge each by the badge the kernel stamped on it. Each
// case bounds every wait in ticks, so a wedged supervisor fails the case
// instead of hanging it.

#define ATTACK_TRIES 200   // ticks a send to a full queue is retried for

// Become the attacker: keep only the service directory and the console
// (no control key, no process capabilities).
static void only_the_directory(void)
{
  for (int s = 0; s < NCAP; s++)
    if (s != SVC_DIR_SLOT && s != 1)
      close(s);
  cap_dropproc(-1);
}

// Send without ever blocking for good: retried while the queue is full,
// for at most ATTACK_TRIES ticks. 0 or the error.
static int send_raw(int slot, const void *buf, int len, const int *caps, int ncaps)
{
  struct chanmsg m;
  int r = -E_AGAIN;
  for (int i = 0; i < ATTACK_TRIES && r == -E_AGAIN; i++) {
    memset(&m, 0, sizeof(m));
    m.buf = (void *)buf;
    m.len = len;
    m.flags = CHAN_NONBLOCK;
    for (int c = 0; c < ncaps; c++)
      m.caps[c] = caps[c];
    m.ncaps = ncaps;
    if ((r = chan_send(slot, &m)) == -E_AGAIN)
      sleep(1);
  }
  return r;
}

// A forged supervisor message: op about service name, generation gen.
static int forge(uint32 op, const char *name, uint32 gen, int status, uint32 arg)
{
  struct svchdr h;
  svc_header(&h, op, name, gen, arg);
  h.status = status;
  return send_raw(SVC_DIR_SLOT, &h, sizeof(h), 0, 0);
}

// svc status of name, but giving up after `ticks` (a wedged supervisor
// never answers): 0, -E_AGAIN (no answer in time) or an error. *sup gets
// the supervisor's drop counters.
static int status_within(const char *name, int ticks, struct svcstatus *st,
                         struct supcounters *sup)
{
  static struct supstatusrep rep;
  int ends[2], r;
  if ((r = chan_create(ends)) < 0)
    return r;
  struct svchdr h;
  svc_header(&h, SUP_CTL_STATUS, name, 0, 0);
  int caps[2] = {ends[1], SVC_CTL_SLOT};
  r = send_raw(SVC_DIR_SLOT, &h, sizeof(h), caps, 2);
  close(ends[1]);
  for (int t = 0; r == 0 && t < ticks; t += 2) {
    struct chanmsg m;
    memset(&m, 0, sizeof(m));
    m.buf = &rep;
    m.len = sizeof(rep);
    m.flags = CHAN_NONBLOCK;
    r = chan_recv(ends[0], &m);
    if (r == -E_AGAIN) {
      sleep(2);
      r = 0;
      continue;
    }
    if (r >= 0)
      r = rep.h.status < 0 ? rep.h.status : rep.h.arg < 1 ? -E_NOENT : 1;
    break;
  }
  close(ends[0]);
  if (r == 0)
    return -E_AGAIN;
  if (r < 0)
    return r;
  *st = rep.st[0];
  if (sup)
    *sup = rep.sup;
  return 0;
}

// name's status once it runs (a restart by the case before may still be
// under way: the snapshot an attack is judged against must be a settled
// one). 0; 1 if it was not running after WAIT_TICKS; or the status error.
static int running_status(const char *name, struct svcstatus *st, struct supcounters *sup)
{
  for (int i = 0; i < WAIT_TICKS / 5; i++) {
    int r = status_within(name, 300, st, sup);
    if (r < 0)
      return r;
    if (st->state == SVC_RUNNING && st->pid > 0)
      return 0;
    sleep(5);
  }
  return 1;
}

// The supervisor answers within 300 ticks, kv runs the generation it ran
// before (gen) with the same pid, and a call to kv is answered.
static int still_serving(const char *what, const struct svcstatus *before)
{
  struct svcstatus st;
  int r = status_within("kv", 300, &st, 0);
  if (r < 0)
    return why("%s: the supervisor did not answer svc status within 300 ticks (%d)", what, r);
  if (st.gen != before->gen || st.pid != before->pid || st.state != SVC_RUNNING)
    return why("%s: kv gen %d->%d pid %d->%d state %s: want it untouched", what,
               (int)before->gen, (int)st.gen, before->pid, st.pid, svc_state_name(st.state));
  struct svcconn c;
  struct kvmsg rep;
  if ((r = svc_connect(&c, "kv")) < 0 || (r = kv(&c, KV_PUT, "k", "v", &rep)) != 0)
    return why("%s: a kv call failed: %s", what, errstr(r));
  svc_disconnect(&c);
  return 1;
}

// Run attack() in a child that holds only the service directory; its
// exit status (0: every message it meant to send was sent).
static int as_attacker(int (*attack)(uint32), uint32 arg)
{
  int pid = fork();
  if (pid == 0) {
    only_the_directory();
    exit(attack(arg));
  }
  int status = -1;
  while (pid > 0 && wait(&status) != pid)
    ;
  return status;
}

// Run attack (given kv's generation) as the attacker, let settle ticks
// pass, and check that kv was left alone: not flagged, same generation
// and pid, answering (still_serving). The supervisor's drop counters
// before and after go to *c0 and *c1. 1, or 0 with the reason.
static int kv_left_alone(int (*attack)(uint32), int settle, const char *what,
                         struct supcounters *c0, struct supcounters *c1)
{
  struct svcstatus s0, s1;
  int r;
  if ((r = running_status("kv", &s0, c0)) < 0)
    return why("kv: %s", errstr(r));
  if (r > 0)
    return why("kv not running before the attack (state %s)", svc_state_name(s0.state));
  if ((r = as_attacker(attack, s0.gen)) != 0)
    return why("the attacker could not send (status %d)", r);
  sleep(settle);
  if ((r = status_within("kv", 300, &s1, c1)) < 0)
    return why("%s: the supervisor did not answer within 300 ticks (%d)", what, r);
  if (s1.anomalies != s0.anomalies)
    return why("%s: kv flagged: anomalies %d->%d (kind %d)", what, (int)s0.anomalies,
               (int)s1.anomalies, (int)s1.anomaly);
  return still_serving(what, &s0);
}

// Make kv hang (a child's call, which wakes when kv is restarted; the
// caller reaps it), and wait until the supervisor counts a hang beyond
// before->hangs. The ticks that took, or -1 after `ticks`.
static int hang_detected_within(const struct svcstatus *before, int ticks)
{
  if (fork() == 0)
    exit(gone(hook("kv", SVC_HOOK_HANG, 0, 0)) ? 0 : 1);
  struct svcstatus st;
  for (int hung_at = uptime(); uptime() - hung_at < ticks;) {
    sleep(10);
    if (status_within("kv", 100, &st, 0) == 0 && st.hangs > before->hangs)
      return uptime() - hung_at;
  }
  return -1;
}

// Forged signs of life for kv's generation gen, every 5 ticks for 800.
static int forge_heartbeats(uint32 gen)
{
  for (int until = uptime() + 800; uptime() < until;) {
    if (forge(SUP_HEARTBEAT, "kv", gen, 0, 0) < 0 || forge(SUP_READY, "kv", gen, 0, 0) < 0)
      return 1;
    sleep(5);
  }
  return 0;
}

// Forged heartbeats do not hide a hang: kv hangs while an attacker sends
// heartbeats and READYs in its name; it is declared hung as soon as
// without them (hb 50, miss 3: 200 ticks; 600 allowed). One attempt: 1
// passed, 0 failed (why() said so), -1 kv was restarted for another reason
// meanwhile (on a loaded host in real time the CPU-share anomaly can fire:
// the hang then hit a generation already going away), so try again.
static int forge_hb_once(void)
{
  struct svcstatus s0, s1;
  int r;
  if ((r = status_within("kv", 300, &s0, 0)) < 0)
    return why("kv: %s", errstr(r));
  int forger = fork();
  if (forger == 0) {
    only_the_directory();
    exit(forge_heartbeats(s0.gen));
  }
  sleep(20);
  int waited = hang_detected_within(&s0, 600);
  int status = -1;
  for (int i = 0; i < 2; i++) {
    int pid = wait(&status);
    if (pid == forger && status != 0)
      return why("the forger could not send (status %d)", status);
  }
  if (waited < 0) {
    if (status_within("kv", 300, &s1, 0) == 0 && s1.hangs == s0.hangs &&
        s1.restarts > s0.restarts && s1.anomalies > s0.anomalies) {
      printf("selfheal: forge_hb: kv was restarted for an anomaly (%d) mid-case; "
             "once more\n", s1.anomaly);
      return -1;
    }
    return why("kv hung amid forged heartbeats: not detected in 600 ticks");
  }
  printf("selfheal: forge_hb: hang detected after %d ticks amid forged heartbeats\n", waited);
  return wait_running_after("kv", s0.gen, &s1) == 0 ? 1 : why("kv not running again");
}

static int t_forge_hb(void)
{
  int r = forge_hb_once();
  if (r < 0)
    r = forge_hb_once();
  return r < 0 ? why("kv was restarted for anomalies in both attempts: no hang to judge") : r;
}

// Forged keeper reports about kv's living incarnation: an exit (with and
// without a fault record's worth of bytes) and a failed start.
static int forge_exits(uint32 gen)
{
  struct {
    struct svchdr h;
    char rec[64];
  } m;
  svc_header(&m.h, SUP_EXITED, "kv", gen, 0);
  m.h.status = 1;
  memset(m.rec, 'x', sizeof(m.rec));
  return forge(SUP_EXITED, "kv", gen, 0, 1) < 0 ||
         send_raw(SVC_DIR_SLOT, &m, sizeof(m), 0, 0) < 0 ||
         forge(SUP_STARTED, "kv", gen, -E_NOMEM, 0) < 0;
}

// Without the control key nobody restarts a service: forged exit reports
// change nothing.
static int t_forge_exit(void)
{
  struct supcounters c0, c1;
  return kv_left_alone(forge_exits, 100, "after forged exit reports", &c0, &c1);
}

// Keeper reports naming services and generations that do not exist.
static int forge_unknown(uint32 gen)
{
  return forge(SUP_EXITED, "nosuch", 1, 0, 0) < 0 ||
         forge(SUP_STARTED, "nosuch", 1, -E_NOENT, 0) < 0 ||
         forge(SUP_EXITED, "kv", gen + 100, 0, 0) < 0 ||
         forge(SUP_STARTED, "kv", gen + 100, -E_NOENT, 0) < 0;
}

// One forged report must not wedge the supervisor (it used to wait for a
// keeper that was not exiting): it keeps answering, kv keeps working and
// a hang is still detected in time.
static int t_wedge(void)
{
  struct svcstatus s0, s1;
  int r;
  if ((r = status_within("kv", 300, &s0, 0)) < 0)
    return why("kv: %s", errstr(r));
  if ((r = as_attacker(forge_unknown, s0.gen)) != 0)
    return why("the attacker could not send (status %d)", r);
  for (int i = 0; i < 3; i++) {
    if (!still_serving("after forged reports about unknown incarnations", &s0))
      return 0;
    sleep(100);
  }
  int waited = hang_detected_within(&s0, 600);
  wait(0);
  if (waited < 0)
    return why("a hang after the forged reports was not detected within 600 ticks");
  return wait_running_after("kv", s0.gen, &s1) == 0 ? 1 : why("kv not running again");
}

// Messages no one may send: eight capabilities (four pipes' ends), to the
// supervisor's inbox and to kv's request channel, and one too short.
static int send_oversized(uint32 unused)
{
  int caps[8];
  for (int i = 0; i < 4; i++)
    if (pipe(caps + 2 * i) < 0)
      return 1;
  struct svcconn c;   // (first: once the inbox is stuck, nothing connects)
  if (svc_connect(&c, "kv") < 0)
    return 2;
  struct svchdr h;
  svc_header(&h, KV_LIST, 0, c.gen, 0);
  if (send_raw(c.req, &h, sizeof(h), caps, 8) < 0)
    return 3;
  svc_header(&h, SUP_CONNECT, "kv", 0, 0);
  if (send_raw(SVC_DIR_SLOT, &h, sizeof(h), caps, 8) < 0 || send_raw(SVC_DIR_SLOT, &h, 3, 0, 0) < 0)
    return 4;
  return 0;
}

// A message carrying more capabilities than its receiver takes is dropped
// and counted; neither the supervisor nor kv stalls or dies on it.
static int t_bigmsg(void)
{
  struct supcounters c0, c1;
  if (!kv_left_alone(send_oversized, 50, "after messages with 8 capabilities", &c0, &c1))
    return 0;
  if (c1.malformed < c0.malformed + 2)
    return why("malformed messages counted %d->%d, want +2", (int)c0.malformed,
               (int)c1.malformed);
  return 1;
}

// 400 kv requests (and 20 connects) whose reply capability is a pipe end.
static int pipe_replies(uint32 unused)
{
  int p[2];
  struct svcconn c;
  if (pipe(p) < 0 || svc_connect(&c, "kv") < 0)
    return 1;
  static struct kvmsg req;
  svc_header(&req.h, KV_GET, 0, c.gen, 0);
  strcpy(req.key, "k");
  for (int i = 0; i < 400; i++)
    if (send_raw(c.req, &req, sizeof(req), &p[1], 1) < 0)
      return 2;
  svc_header(&req.h, SUP_CONNECT, "kv", 0, 0);
  for (int i = 0; i < 20; i++)
    if (send_raw(SVC_DIR_SLOT, &req.h, sizeof(req.h), &p[1], 1) < 0)
      return 3;
  return 0;
}

// A client's bad reply capabilities are its own mistake: kv drops those
// requests and is not taken for a capability-error storm (two anomaly
// samples later it still runs, unflagged); the supervisor counts them.
static int t_pipereply(void)
{
  struct supcounters c0, c1;
  // 450 ticks: two anomaly samples
  if (!kv_left_alone(pipe_replies, 450, "after 400 requests with a pipe as reply channel", &c0,
                     &c1))
    return 0;
  if (c1.badreply < c0.badreply + 20)
    return why("bad reply capabilities counted %d->%d, want +20", (int)c0.badreply,
               (int)c1.badreply);
  return 1;
}

// One client's reply must not carry another's data: after a client reads
// a secret, a second client's miss comes back with nothing after the
// header (the service loop reuses one reply buffer for every client).
static int t_replyleak(void)
{
  static const char secret[] = "another-clients-secret";
  struct svcconn a, b;
  struct kvmsg rep;
  int r;
  if ((r = svc_connect(&a, "kv")) < 0 || (r = svc_connect(&b, "kv")) < 0)
    return why("kv: %s", errstr(r));
  if ((r = kv(&a, KV_PUT, "leak", secret, &rep)) != 0 ||
      (r = kv(&a, KV_GET, "leak", 0, &rep)) != 0)
    return why("put/get leak: %s", errstr(r));
  memset(&rep, 0x5a, sizeof(rep));
  if ((r = kv(&b, KV_GET, "absent", 0, &rep)) != -E_NOENT)
    return why("get absent: %d, want -E_NOENT", r);
  const char *body = (const char *)&rep + sizeof(rep.h);
  for (int i = 0; i < (int)(sizeof(rep) - sizeof(rep.h)); i++)
    if (body[i] != 0)
      return why("a miss's reply has byte %d = 0x%x after the header (val '%s'): "
                 "another client's reply leaked", i, body[i] & 0xff, rep.val);
  kv(&a, KV_DEL, "leak", 0, &rep);
  svc_disconnect(&a);
  svc_disconnect(&b);
  return 1;
}

// Every message that is not a client's to send, in kv's name and
// generation: a start report with the attacker's pid, ready, heartbeat,
// tick; and the control ops without the key.
static int impersonate(uint32 gen)
{
  return forge(SUP_STARTED, "kv", gen, 0, getpid()) < 0 ||
         forge(SUP_READY, "kv", gen, 0, getpid()) < 0 ||
         forge(SUP_HEARTBEAT, "kv", gen, 0, 0) < 0 || forge(SUP_TICK, "", 0, 0, 0) < 0 ||
         forge(SVC_PING, "kv", gen, 0, 0) < 0;
}

// Nobody can speak for the ticker, a keeper or a service: kv's pid and
// generation are untouched and each forgery is counted as refused.
static int t_impersonate(void)
{
  struct supcounters c0, c1;
  if (!kv_left_alone(impersonate, 20, "after impersonating kv's keeper, kv and the ticker", &c0,
                     &c1))
    return 0;
  if (c1.refused < c0.refused + 4 || c1.malformed < c0.malformed + 1)
    return why("refused %d->%d (want +4), malformed %d->%d (want +1)", (int)c0.refused,
               (int)c1.refused, (int)c0.malformed, (int)c1.malformed);
  return 1;
}

// A core service cannot be stopped (the system cannot run without it):
// svc stop log is refused with -E_BUSY and log keeps running.
static int t_corestop(void)
{
  struct svcstatus s0, s1;
  struct svchdr rep;
  if (!status_of("log", &s0))
    return 0;
  int stop = svc_control(SUP_CTL_STOP, "log", &rep, sizeof(rep));
  if (!status_of("log", &s1))
    return 0;
  if (s1.state != SVC_RUNNING || s1.gen != s0.gen) {
    svc_control(SUP_CTL_START, "log", &rep, sizeof(rep));   // put it back
    return why("svc stop of the core service log: state %s gen %d->%d, want refused",
               svc_state_name(s1.state), (int)s0.gen, (int)s1.gen);
  }
  if (stop != -E_BUSY)
    return why("svc stop log returned %d, want -E_BUSY", stop);
  return 1;
}

// Fatal path: the supervisor dies; init halts the machine (status 3).
static int t_die(void)
{
  struct svchdr rep;
  svc_control(SUP_CTL_DIE, "", &rep, sizeof(rep));
  sleep(1000);
  return why("still running 1000 ticks after the supervisor died");
}

// Fatal path: the supervisor stops draining its inbox (a test hook makes
// it sleep for ever); init's watch notices within 1000 ticks and init
// halts with status 6.
static int t_stall(void)
{
  struct svchdr rep;
  svc_control(SUP_CTL_STALL, "", &rep, sizeof(rep));
  sleep(3000);
  return why("still running 3000 ticks after the supervisor stopped draining its inbox");
}

// Fatal path: with /svcfatal.conf (boot with svctab=/svcfatal.conf) the
// core service log has restart=never: its first crash leaves it down,
// which a core service may not be: the supervisor stops, init halts with 4.
static int t_corenever(void)
{
  hook("log", SVC_HOOK_CRASH, 0, 0);
  sleep(1000);
  return why("still running 1000 ticks after the core service log crashed (restart=never)");
}

// Fatal path: the core service log crash-loops into its hold (status 4).
static int t_corefatal(void)
{
  struct svcstatus s;
  for (int i = 0; i < 20; i++) {
    if (svc_status("log", &s) < 0)
      break;
    hook("log", SVC_HOOK_CRASH, 0, 0);
    wait_running_after("log", s.gen, &s);
  }
  sleep(1000);
  return why("still running after the core service was held");
}

static const struct testcase cases[] = {
  {"restart", t_restart}, {"stale", t_stale},     {"hang", t_hang},
  {"slow", t_slow},       {"backoff", t_backoff}, {"anomaly", t_anomaly},
  {"cpu", t_cpu},         {"growth", t_growth},   {"flood", t_flood},
  {"refuse", t_refuse},
};
// The attacks (`selfheal attacks` runs them all; not part of `all`).
static const struct testcase attacks[] = {
  {"forge_hb", t_forge_hb}, {"forge_exit", t_forge_exit}, {"wedge", t_wedge},
  {"bigmsg", t_bigmsg},     {"pipereply", t_pipereply},   {"impersonate", t_impersonate},
  {"corestop", t_corestop}, {"replyleak", t_replyleak},
};
// Run only when named: they need another service table.
static const struct testcase named_only[] = {{"quarantine", t_quarantine}};
static const struct testcase fatal[] = {
  {"die", t_die}, {"corefatal", t_corefatal}, {"stall", t_stall}, {"corenever", t_corenever},
};
#define NFATAL (int)(sizeof(fatal) / sizeof(fatal[0]))

// Run one case in a child (its state, or its death, stays there).
static int run_one(const struct testcase *c)
{
  int pid = fork();
  if (pid == 0) {
    case_reason[0] = 0;
    int ok = c->run();
    if (ok)
      printf("%s %s PASS\n", stamp("SH"), c->name);
    else
      printf("%s %s FAIL %s\n", stamp("SH"), c->name, case_reason);
    exit(ok ? 0 : 1);
  }
  int status = -1;
  wait(&status);
  if (status == 0 || status == 1)
    stamp_skip(1);   // the child printed its one line
  else               // (a child that printed, then died, shows as a repeated SEQ)
    printf("%s %s FAIL the test process died (status %d)\n", stamp("SH"), c->name, status);
  return status == 0;
}

// Run the cases of one group that arg names (group is its name for all of
// them); counts in *passed and *failed. Returns whether any matched.
static int run_matching(const char *arg, const char *group, const struct testcase *cs, int n,
                        int *passed, int *failed)
{
  int found = 0;
  for (int i = 0; i < n; i++) {
    if ((group && strcmp(arg, group) == 0) || strcmp(arg, cs[i].name) == 0) {
      found = 1;
      if (run_one(&cs[i]))
        (*passed)++;
      else
        (*failed)++;
    }
  }
  return found;
}

#define COUNT(a) (int)(sizeof(a) / sizeof(a[0]))

int main(int argc, char **argv)
{
  argc = stamp_args(argc, argv);   // (run_cases keeps the stamps taken here)
  for (int i = 0; argc == 2 && i < NFATAL; i++)
    if (strcmp(argv[1], fatal[i].name) == 0)
      return run_cases("selfheal", "SH", fatal, NFATAL, 0, argc, argv);
  int passed = 0, failed = 0;
  if (argc < 2) {
    fprintf(2, "usage: selfheal all | attacks | die | corefatal | stall | corenever | "
            "quarantine | CASE...\n");
    return 2;
  }
  for (int a = 1; a < argc; a++) {
    int found = run_matching(argv[a], "all", cases, COUNT(cases), &passed, &failed);
    found |= run_matching(argv[a], "attacks", attacks, COUNT(attacks), &passed, &failed);
    found |= run_matching(argv[a], 0, named_only, COUNT(named_only), &passed, &failed);
    if (!found) {
      fprintf(2, "selfheal: no case %s\n", argv[a]);
      failed++;
    }
  }
  printf("%s passed=%d failed=%d\n", stamp("SH-SUMMARY"), passed, failed);
  return failed != 0;
}
