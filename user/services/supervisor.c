// supervisor: runs the services of the service table (/services.conf,
// format in user/lib/svctab.h), each in a fresh cell holding exactly its
// declared capabilities, and brings them back when they crash, hang or
// misbehave. It is an ordinary process: init starts it in a cell of its
// own holding only these capabilities (no other privilege):
//
//   slot 0 the receive end of its inbox (every message comes here)
//   slot 1, 2 the console
//   slot 3 the unbadged send end of its inbox, from which it derives the
//          badged ends of its ticker, keepers and services (cap_badge)
//   slot 4 the control key (svc requests must carry the same object)
//   slot 5 its cell: services' cells are created inside it
//   slot 6 the send end of init's watch channel: a sign of life for each
//          tick handled (init's fatal path runs if they stop)
//
// One inbox, one loop: the supervisor blocks only in chan_recv on its inbox
// (and briefly in wait() to reap a keeper that said it is exiting). Helpers
// turn everything else into inbox messages: a ticker child sends SUP_TICK,
// and for each incarnation a keeper child (outside the service's cell)
// spawns the service, waits for it to exit and reports how, with the fault
// record the kernel sent on the cell's own fault channel if it crashed.
// Every message is judged by the badge the kernel stamped on it, never by
// what it says about its sender (svcproto.h). Protocol: user/lib/svcproto.h;
// design and figures: docs/book/08-sandcells-and-self-healing.md.
#include "kernel/types.h"
#include "kernel/param.h"
#include "kernel/errno.h"
#include "kernel/chan.h"
#include "kernel/capinfo.h"
#include "kernel/cellinfo.h"
#include "kernel/faultrec.h"
#include "kernel/spawncap.h"
#include "user/user.h"
#include "user/manifest.h"

ZENITH_MANIFEST("stdio");
#include "user/lib/svcproto.h"
#include "user/lib/svctab.h"
#include "user/lib/svcpolicy.h"

#define INBOX_RECV 0
#define CONSOLE    1
#define INBOX_SEND 3
#define CTL_KEY    4
#define MY_CELL    5
#define WATCH      6

#define TICK_PERIOD   10    // ticks between SUP_TICKs
#define SAMPLE_PERIOD 200   // ticks between looks at the cells' counters
// Anomaly thresholds, per sample period (see the book, section 8.12).
#define CAPERR_STORM  100   // capability errors
#define FORK_STORM    50    // processes created
#define CPU_SAMPLES   3     // consecutive samples with CPU throttling
#define GROW_SAMPLES  4     // consecutive samples of page growth above half the quota

struct service {
  struct svcconf conf;
  struct svcstatus st;       // what `svc status` shows (state, gen, counters)
  uint32 alive_gen;          // generation of the incarnation alive now, 0 if none
  int cell;                  // slot of its cell, -1
  int reqsend;               // slot: send end of its request channel, -1
  struct restarthist hist;
  int restart_at;            // BACKOFF: tick to restart at
  int last_hb, last_ping;    // ticks
  int probe_at;              // tick the last-chance probe was sent, 0 if none
  uint64 notice;             // rdtime when the supervisor noticed it down
  struct cellinfo sample;    // counters at the last sample
  int cpu_runs, grow_runs;   // consecutive suspicious samples
};

static struct service svcs[SVC_MAXSVC];
static int nsvc;
static uint64 key_object;      // object id of the control key
static char msgbuf[SVC_MSGMAX];
static int keepers_exiting;    // keepers that reported and are about to exit
static struct supcounters dropped;   // messages dropped, by reason
static int has_watch;          // init gave us its watch channel (WATCH)

static void start(struct service *s);

// One log line on the console: "supervisor: NAME (gen G): TEXT".
static void say_line(struct service *s, const char *text)
{
  if (s)
    fprintf(CONSOLE, "supervisor: %s (gen %d): %s\n", s->conf.name, (int)s->st.gen, text);
  else
    fprintf(CONSOLE, "supervisor: %s\n", text);
}
#define say(s, ...) do {                        \
    char line_[160];                            \
    snprintf(line_, sizeof(line_), __VA_ARGS__); \
    say_line(s, line_);                         \
  } while (0)

static int send_msg(int slot, void *buf, int len, const int *caps, int ncaps, int flags)
{
  struct chanmsg m;
  memset(&m, 0, sizeof(m));
  m.buf = buf;
  m.len = len;
  m.flags = flags;
  for (int i = 0; i < ncaps; i++)
    m.caps[i] = caps[i];
  m.ncaps = ncaps;
  return chan_send(slot, &m);
}

static void reply_status(int slot, uint32 op, int status, uint32 gen, const int *caps, int ncaps)
{
  struct svchdr h;
  memset(&h, 0, sizeof(h));
  h.op = op;
  h.status = status;
  h.gen = gen;
  send_msg(slot, &h, sizeof(h), caps, ncaps, CHAN_NONBLOCK);
}

static struct service *find(const char *name)
{
  for (int i = 0; i < nsvc; i++)
    if (strncmp(svcs[i].conf.name, name, SVC_NAMELEN) == 0)
      return &svcs[i];
  return 0;
}

// ------------------------------------------------------------ helpers

// Close every slot but the ones listed (a helper child keeps only what it
// needs, so it pins no other service's cell or channel).
static void keep_only(const int *keep, int n)
{
  for (int s = 0; s < NCAP; s++) {
    int k = 0;
    for (int i = 0; i < n; i++)
      k |= keep[i] == s;
    if (!k)
      close(s);
  }
}

// A send end of the inbox carrying badge. Exits on failure: only a
// helper child calls it, and the supervisor checked at start that it may
// derive badged ends (CAP_R_DUP on INBOX_SEND).
static int badged_inbox(uint64 badge)
{
  int slot = cap_badge(INBOX_SEND, badge);
  if (slot < 0) {
    fprintf(CONSOLE, "supervisor: cannot derive a badged inbox end: %s\n", errstr(slot));
    exit(1);
  }
  return slot;
}

static void ticker(void)
{
  int keep[] = {INBOX_SEND};
  keep_only(keep, 1);
  int inbox = badged_inbox(SUP_BADGE(SUP_FROM_TICKER, 0, 0));
  close(INBOX_SEND);
  struct svchdr h;
  memset(&h, 0, sizeof(h));
  h.op = SUP_TICK;
  for (;;) {
    sleep(TICK_PERIOD);
    // A blocking send: a sender that waits goes before clients spinning on
    // a full inbox (chan.h), so a flood cannot starve the clock.
    if (send_msg(inbox, &h, sizeof(h), 0, 0, 0) == -E_PEER)
      exit(0);
  }
}

// The keeper of one incarnation: spawn it into its cell with exactly caps,
// report the pid, wait for it, report how it ended (with the kernel's
// fault record, which the kernel sent on the cell's private fault channel
// whose receive end is `faults`), exit.
static void keeper(struct service *s, struct spawncap *caps, int ncaps, int faults)
{
  int keep[SVC_FIRST_GRANT + 5] = {INBOX_SEND, s->cell, CONSOLE, faults};
  int nkeep = 4;
  for (int i = 0; i < ncaps; i++)
    keep[nkeep++] = caps[i].slot;
  keep_only(keep, nkeep);
  // Our own inbox end, and the service's: each badged with whom it speaks
  // for, so that neither can be taken for the other or for anyone else.
  int idx = s - svcs;
  int inbox = badged_inbox(SUP_BADGE(SUP_FROM_KEEPER, idx, s->st.gen));
  int theirs = badged_inbox(SUP_BADGE(SUP_FROM_SERVICE, idx, s->st.gen));
  close(INBOX_SEND);
  caps[1].slot = theirs;
  char gen[12], hb[12];
  snprintf(gen, sizeof(gen), "%d", (int)s->st.gen);
  snprintf(hb, sizeof(hb), "%d", s->conf.hb);
  char *argv[] = {s->conf.prog, s->conf.name, gen, hb, s->conf.hooks ? "1" : "0", 0};
  int pid = cell_spawn(s->cell, s->conf.prog, argv, caps, ncaps);
  struct {
    struct svchdr h;
    struct faultrec rec;
  } m;
  memset(&m, 0, sizeof(m));
  strcpy(m.h.name, s->conf.name);
  m.h.gen = s->st.gen;
  m.h.op = SUP_STARTED;
  m.h.status = pid < 0 ? pid : 0;
  m.h.arg = pid;
  close(caps[0].slot);   // the request channel: the service holds the only receive end now
  close(theirs);
  send_msg(inbox, &m.h, sizeof(m.h), 0, 0, 0);
  if (pid < 0)
    exit(0);
  int status = 0, w;
  while ((w = wait(&status)) != pid && w >= 0)   // -1: no child left to wait for
    ;
  // The kernel sent the record before the process could exit: it is here.
  struct chanmsg fm;
  memset(&fm, 0, sizeof(fm));
  fm.buf = &m.rec;
  fm.len = sizeof(m.rec);
  fm.flags = CHAN_NONBLOCK;
  int got = chan_recv(faults, &fm) == sizeof(m.rec);
  m.h.op = SUP_EXITED;
  m.h.arg = status;
  m.h.status = got;   // 1 if it crashed
  send_msg(inbox, &m, got ? sizeof(m) : sizeof(m.h), 0, 0, 0);
  exit(0);
}

// ------------------------------------------------------------ lifecycle

// Tear down the current incarnation (if any): destroy its cell (its
// processes die, everything they hold is revoked) and drop our channel.
static void teardown(struct service *s)
{
  s->alive_gen = 0;
  if (s->cell >= 0) {
    cell_destroy(s->cell);
    close(s->cell);
  }
  if (s->reqsend >= 0)
    close(s->reqsend);
  s->cell = s->reqsend = -1;
  s->st.pid = 0;
  s->st.cell = 0;
  s->probe_at = 0;
}

// A core service (core=yes) is one the system cannot do without: whenever
// it would be left not running with nothing to bring it back (held after
// a crash loop, left down by restart=never or on-failure, quarantined),
// the supervisor stops and init halts the machine with status 4 (the
// fatal path), rather than run on without it. (`svc stop` refuses a core
// service: control().)
static void core_lost(struct service *s)
{
  if (s->conf.core) {
    say(0, "core service %s failed: stopping the system", s->conf.name);
    exit(4);   // init halts the machine (fatal path)
  }
}

// The incarnation is gone (crash, hang, anomaly, exit): apply the policy.
static void went_down(struct service *s, int failed, const char *why)
{
  teardown(s);
  s->notice = rdtime();
  int delay;
  int d = svc_decide(&s->conf.policy, &s->hist, failed, uptime(), &delay);
  if (d == DECIDE_RESTART)
    s->st.backoff = delay;
  if (d == DECIDE_LEAVE) {
    s->st.state = SVC_DOWN;
    say(s, "%s; left down (restart policy)", why);
    core_lost(s);
  } else if (d == DECIDE_HOLD) {
    s->st.state = SVC_HELD;
    s->st.holds++;
    say(s, "%s; %d restarts within %d ticks: held (svc start %s to retry)", why,
        s->conf.policy.limit, s->conf.policy.window, s->conf.name);
    core_lost(s);
  } else if (delay == 0) {
    say(s, "%s; restarting at once", why);
    start(s);
  } else {
    s->st.state = SVC_BACKOFF;
    s->restart_at = uptime() + delay;
    say(s, "%s; restarting in %d ticks", why, delay);
  }
}

static void start(struct service *s)
{
  uint64 c0 = cputime();
  int gen_before = s->st.gen;
  struct cellquota q = {s->conf.pages, s->conf.procs, s->conf.slots, s->conf.cpu};
  // Two channels: the service's requests, and the cell's fault channel
  // (the kernel sends a fault record on it the moment a process of the
  // cell dies of a fault; only the keeper reads it, so no one can forge one).
  // (Created in this order to need at most 4 slots at once.)
  int req[2] = {-1, -1}, flt[2] = {-1, -1}, cell = -1;
  int r = chan_create(flt);
  if (r >= 0)
    r = cell = cell_create(MY_CELL, &q, flt[1]);
  if (flt[1] >= 0)
    close(flt[1]);   // the cell holds it now
  if (r >= 0)
    r = chan_create(req);
  if (r < 0) {
    if (cell >= 0) {
      cell_destroy(cell);
      close(cell);
    }
    int ends[] = {req[0], req[1], flt[0]};
    for (int i = 0; i < 3; i++)
      if (ends[i] >= 0)
        close(ends[i]);
    // The old cell's pages may not all be back yet: try again soon.
    s->st.state = SVC_BACKOFF;
    s->restart_at = uptime() + 50;
    say(s, "cannot start: %s; trying again in 50 ticks", errstr(r));
    return;
  }
  s->st.gen++;
  if (gen_before > 0)
    s->st.restarts++;
  s->cell = cell;
  s->reqsend = req[1];
  memset(&s->sample, 0, sizeof(s->sample));
  cell_info(cell, &s->sample, 1);
  s->cpu_runs = s->grow_runs = 0;
  // Exactly its declared capabilities, each with only the rights it needs.
  struct spawncap caps[SVC_FIRST_GRANT + 1] = {
    {req[0], CAP_R_RECEIVE, SPAWN_SLOT},
    {INBOX_SEND, CAP_R_SEND, SPAWN_SLOT},
  };
  int ncaps = SVC_FIRST_GRANT;
  if (s->conf.grants & GRANT_CONSOLE)
    caps[ncaps++] = (struct spawncap){CONSOLE, CAP_R_WRITE, SPAWN_SLOT};
  int pid = fork();
  if (pid == 0)
    keeper(s, caps, ncaps, flt[0]);
  close(req[0]);   // the keeper passes it on
  close(flt[0]);   // the keeper reads it
  if (pid < 0) {
    say(s, "cannot fork a keeper: %s", errstr(pid));
    teardown(s);
    s->st.state = SVC_BACKOFF;
    s->restart_at = uptime() + 50;
    return;
  }
  s->alive_gen = s->st.gen;
  s->st.state = SVC_STARTING;
  s->last_hb = s->last_ping = uptime();
  s->st.cell = s->sample.id;
  s->st.restart_cpu += cputime() - c0;
}

// ------------------------------------------------------------ detection

static void ping(struct service *s)
{
  struct svchdr h;
  memset(&h, 0, sizeof(h));
  h.op = SVC_PING;
  h.gen = s->alive_gen;
  // Never block on a service: a full queue means it is busy, and the
  // missing heartbeat will say so.
  send_msg(s->reqsend, &h, sizeof(h), 0, 0, CHAN_NONBLOCK);
  s->last_ping = uptime();
}

// Heartbeats: ping every period; after `miss` periods without a heartbeat
// send a last probe; one more period of silence is a hang.
static void check_heartbeat(struct service *s, int now)
{
  int hb = s->conf.hb;
  if (hb <= 0 || s->alive_gen == 0 || s->st.pid == 0)
    return;   // no heartbeats, or its keeper is still loading it
  if (s->probe_at && now - s->probe_at >= hb) {
    s->st.hangs++;
    char why[64];
    snprintf(why, sizeof(why), "hung (no heartbeat for %d ticks)", now - s->last_hb);
    went_down(s, 1, why);
    return;
  }
  if (!s->probe_at && now - s->last_hb >= hb * s->conf.miss) {
    s->probe_at = now;
    ping(s);
  } else if (now - s->last_ping >= hb) {
    ping(s);
  }
}

// Compare the cell's counters with the last sample.
static void check_anomalies(struct service *s)
{
  struct cellinfo ci;
  if (s->alive_gen == 0 || s->cell < 0 || cell_info(s->cell, &ci, 1) < 1)
    return;
  static const char *const names[] = {
    [SVC_ANOM_CAPERR] = "capability-error storm", [SVC_ANOM_FORKS] = "fork storm",
    [SVC_ANOM_CPU] = "CPU beyond its share",
    [SVC_ANOM_MEMQUOTA] = "memory growth up to its page quota",
    [SVC_ANOM_GROWTH] = "steady memory growth",
  };
  int kind = 0;
  s->cpu_runs = ci.throttled > s->sample.throttled ? s->cpu_runs + 1 : 0;
  s->grow_runs = (ci.used.pages > s->sample.used.pages && ci.used.pages * 2 > ci.quota.pages)
                     ? s->grow_runs + 1 : 0;
  if (ci.caperrs - s->sample.caperrs >= CAPERR_STORM)
    kind = SVC_ANOM_CAPERR;
  else if (ci.forks - s->sample.forks >= FORK_STORM || ci.proc_denied > s->sample.proc_denied)
    kind = SVC_ANOM_FORKS;
  else if (s->cpu_runs >= CPU_SAMPLES)
    kind = SVC_ANOM_CPU;
  else if (ci.mem_denied > s->sample.mem_denied)
    kind = SVC_ANOM_MEMQUOTA;
  else if (s->grow_runs >= GROW_SAMPLES)
    kind = SVC_ANOM_GROWTH;
  s->sample = ci;
  if (!kind)
    return;
  const char *what = names[kind];
  s->st.anomalies++;
  s->st.anomaly = kind;
  char why[80];
  snprintf(why, sizeof(why), "anomaly: %s", what);
  if (s->conf.anomaly == ANOMALY_LOG) {
    say(s, "%s (logged only)", why);
  } else if (s->conf.anomaly == ANOMALY_QUARANTINE) {
    teardown(s);
    s->st.state = SVC_QUARANTINED;
    say(s, "%s; quarantined (svc start %s to run it again)", why, s->conf.name);
    core_lost(s);
  } else {
    went_down(s, 1, why);
  }
}

static void tick(void)
{
  static int last_sample;
  int now = uptime();
  int sample = now - last_sample >= SAMPLE_PERIOD;
  if (sample)
    last_sample = now;
  for (int i = 0; i < nsvc; i++) {
    struct service *s = &svcs[i];
    if (s->st.state == SVC_BACKOFF && now >= s->restart_at)
      start(s);
    else if (s->st.state == SVC_RUNNING || s->st.state == SVC_STARTING)
      check_heartbeat(s, now);
    if (sample && s->st.state == SVC_RUNNING)
      check_anomalies(s);
  }
}

// ------------------------------------------------------------ messages

static void on_exited(struct service *s, struct svchdr *h, int len)
{
  struct faultrec *rec = (struct faultrec *)(h + 1);
  char why[96];
  if (h->status == 1 && len >= (int)(sizeof(*h) + sizeof(*rec))) {
    s->st.faults++;
    s->st.detect_ticks = uptime() - rec->time;
    rec->text[sizeof(rec->text) - 1] = 0;
    snprintf(why, sizeof(why), "crashed: %s at pc 0x%lx", rec->text, (unsigned long)rec->pc);
    went_down(s, 1, why);
  } else {
    s->st.exits++;
    snprintf(why, sizeof(why), "exited with status %d", (int)h->arg);
    went_down(s, h->arg != 0, why);
  }
}

static int key_ok(int slot)
{
  struct capinfo ci;
  return slot >= 0 && cap_info(slot, &ci) == 0 && ci.object == key_object;
}

static void status_reply(struct svchdr *h, struct service *s, int reply)
{
  static struct supstatusrep rep;
  memset(&rep, 0, sizeof(rep));
  rep.h.op = h->op;
  rep.sup = dropped;
  int n = 0;
  for (int i = 0; i < nsvc; i++)
    if (h->name[0] == 0 || &svcs[i] == s)
      rep.st[n++] = svcs[i].st;
  rep.h.arg = n;
  rep.h.status = (h->name[0] && !s) ? -E_NOENT : 0;
  send_msg(reply, &rep, sizeof(rep), 0, 0, CHAN_NONBLOCK);
}

// caps[0] the reply channel (checked), caps[1] the key (if any; closed
// here and marked -1: its slot may be needed to start a service).
static void control(struct svchdr *h, int *caps, int ncaps)
{
  struct service *s = find(h->name);
  int reply = caps[0];
  int ok = ncaps > 1 && key_ok(caps[1]);
  if (ncaps > 1 && caps[1] >= 0) {
    close(caps[1]);
    caps[1] = -1;
  }
  if (!ok) {
    static int said_at = -1000;   // at most a line per 100 ticks: a flood of
    if (uptime() - said_at >= 100) {   // refused requests cannot flood the console
      say(0, "refused a control request: no control capability");
      said_at = uptime();
    }
    reply_status(reply, h->op, -E_NORIGHT, 0, 0, 0);
    return;
  }
  if (h->op == SUP_CTL_STATUS) {
    status_reply(h, s, reply);
    return;
  }
  if (h->op == SUP_CTL_DIE) {
    say(0, "told to die (test of the fatal path)");
    *(volatile int *)0 = 1;
  }
  if (h->op == SUP_CTL_STALL) {
    say(0, "told to stop draining the inbox (test of init's watch)");
    for (;;)
      sleep(1000);
  }
  if (!s) {
    reply_status(reply, h->op, -E_NOENT, 0, 0, 0);
    return;
  }
  if (h->op == SUP_CTL_RESTART || h->op == SUP_CTL_START) {
    if (h->op == SUP_CTL_START && (s->st.state == SVC_RUNNING || s->st.state == SVC_STARTING)) {
      reply_status(reply, h->op, -E_BUSY, s->st.gen, 0, 0);
      return;
    }
    teardown(s);
    svc_forget(&s->hist);
    s->notice = rdtime();
    say(s, "%s by svc", h->op == SUP_CTL_START ? "started" : "restarted");
    start(s);
  } else if (h->op == SUP_CTL_STOP) {
    if (s->conf.core) {   // the system cannot run without it (core_lost)
      say(s, "refused svc stop: a core service");
      reply_status(reply, h->op, -E_BUSY, s->st.gen, 0, 0);
      return;
    }
    teardown(s);
    s->st.state = SVC_STOPPED;
    say(s, "stopped by svc");
  } else {
    reply_status(reply, h->op, -E_INVAL, 0, 0, 0);
    return;
  }
  reply_status(reply, h->op, 0, s->st.gen, 0, 0);
}

static void connect(struct svchdr *h, int reply)
{
  struct service *s = find(h->name);
  if (!s) {
    reply_status(reply, h->op, -E_NOENT, 0, 0, 0);
    return;
  }
  int st = s->st.state;
  if (st == SVC_RUNNING || st == SVC_STARTING) {
    int caps[1] = {s->reqsend};
    reply_status(reply, h->op, 0, s->st.gen, caps, 1);
  } else if (st == SVC_BACKOFF) {
    reply_status(reply, h->op, -E_AGAIN, s->st.gen, 0, 0);
  } else {
    reply_status(reply, h->op, -E_PEER, s->st.gen, 0, 0);
  }
}

// A request from a client (the service directory's badge).
static void from_client(struct svchdr *h, int *caps, int ncaps)
{
  if (h->op >= SUP_READY && h->op <= SUP_TICK) {
    dropped.refused++;    // another party's to send: a forgery
    return;
  }
  if (h->op != SUP_CONNECT && (h->op < SUP_CTL_STATUS || h->op > SUP_CTL_STALL)) {
    dropped.malformed++;  // no such op
    return;
  }
  if (ncaps < 1 || !svc_reply_ok(caps[0])) {
    dropped.badreply++;   // nowhere to answer: the client's mistake, dropped
    return;
  }
  if (h->op == SUP_CONNECT)
    connect(h, caps[0]);
  else
    control(h, caps, ncaps);
}

// The service a keeper's or a service's badge names, if that incarnation
// is the living one; else 0.
static struct service *incarnation(uint64 badge)
{
  int i = SUP_BADGE_SVC(badge);
  if (i >= nsvc || !svc_gen_current(svcs[i].alive_gen, SUP_BADGE_GEN(badge)))
    return 0;
  return &svcs[i];
}

// A report from the keeper of one incarnation. A keeper exits right after
// a final report (an exit, or a spawn that failed), whatever generation:
// reap it then. Only keepers can send these, so the count cannot be faked.
static void from_keeper(struct svchdr *h, int len, uint64 badge)
{
  if (h->op != SUP_STARTED && h->op != SUP_EXITED) {
    dropped.refused++;
    return;
  }
  if (h->op == SUP_EXITED || h->status < 0)
    keepers_exiting++;
  struct service *s = incarnation(badge);
  if (!s)
    return;   // about a dead incarnation: stale
  if (h->op == SUP_EXITED) {
    on_exited(s, h, len);
  } else if (h->status < 0) {
    s->st.exits++;
    char why[64];
    snprintf(why, sizeof(why), "could not start %s: %s", s->conf.prog, errstr(h->status));
    went_down(s, 1, why);
  } else {
    // Loaded: its heartbeats are due from now on. (Loading reads the
    // disk; under -icount an idle machine's clock runs ahead while it
    // waits, so the load is not counted against the service.)
    s->st.pid = h->arg;
    s->last_hb = s->last_ping = uptime();
  }
}

// A sign of life from one incarnation of a service.
static void from_service(struct svchdr *h, uint64 badge)
{
  if (h->op != SUP_READY && h->op != SUP_HEARTBEAT) {
    dropped.refused++;
    return;
  }
  struct service *s = incarnation(badge);
  if (!s)
    return;   // a dead incarnation's last words
  if (h->op == SUP_READY) {
    s->st.state = SVC_RUNNING;
    if (s->notice)
      s->st.restart_time = rdtime() - s->notice;
    s->notice = 0;
  }
  s->last_hb = uptime();
  s->probe_at = 0;
}

// Tell init's watch that the loop is alive (never blocking: a full watch
// channel already says so).
static void sign_of_life(void)
{
  char c = 1;
  if (has_watch)
    send_msg(WATCH, &c, 1, 0, 0, CHAN_NONBLOCK);
}

static void dispatch(struct svchdr *h, int len, int *caps, int ncaps, uint64 badge)
{
  int from = SUP_BADGE_FROM(badge);
  if (from == SUP_FROM_CLIENT) {
    from_client(h, caps, ncaps);
  } else if (from == SUP_FROM_KEEPER) {
    from_keeper(h, len, badge);
  } else if (from == SUP_FROM_SERVICE) {
    from_service(h, badge);
  } else if (from == SUP_FROM_TICKER && h->op == SUP_TICK) {
    tick();
    sign_of_life();
  } else {
    dropped.refused++;
  }
}

// Do we hold what we need: the inbox, the key, our cell, and an inbox
// send end we may derive badged ends from?
static int have_capabilities(void)
{
  struct capinfo ci;
  if (cap_info(CTL_KEY, &ci) < 0 || cap_info(MY_CELL, &ci) < 0 || cap_info(INBOX_RECV, &ci) < 0)
    return 0;
  return cap_info(INBOX_SEND, &ci) == 0 && ci.badge == 0 && (ci.rights & CAP_R_DUP);
}

int main(int argc, char **argv)
{
  const char *table = argc > 1 ? argv[1] : "/services.conf";
  struct capinfo ci;
  if (!have_capabilities()) {
    fprintf(CONSOLE, "supervisor: started without its capabilities (run by init)\n");
    exit(1);
  }
  cap_info(CTL_KEY, &ci);
  key_object = ci.object;
  has_watch = cap_info(WATCH, &ci) == 0;
  static struct svcconf confs[SVC_MAXSVC];
  nsvc = svctab_load(table, confs, SVC_MAXSVC, "supervisor");
  if (nsvc < 0) {
    fprintf(CONSOLE, "supervisor: %s: %s\n", table, errstr(nsvc));
    nsvc = 0;
  }
  for (int i = 0; i < nsvc; i++) {
    svcs[i].conf = confs[i];
    strcpy(svcs[i].st.name, confs[i].name);
    svcs[i].st.limit = confs[i].policy.limit;
    svcs[i].st.window = confs[i].policy.window;
    svcs[i].cell = svcs[i].reqsend = -1;
  }
  int pid = fork();
  if (pid == 0)
    ticker();
  if (pid < 0)
    fprintf(CONSOLE, "supervisor: no ticker: %s\n", errstr(pid));
  for (int i = 0; i < nsvc; i++)
    start(&svcs[i]);
  for (;;) {
    struct chanmsg m;
    memset(&m, 0, sizeof(m));
    m.buf = msgbuf;
    m.len = sizeof(msgbuf);
    m.ncaps = 2;
    // A message that does not fit (more than 2 capabilities, or more than
    // we have free slots for) is dropped by the kernel, never left at the
    // head of the queue for us to stall on.
    m.flags = CHAN_DISCARD;
    int n = chan_recv(INBOX_RECV, &m);
    if (n == -E_TOOBIG || n == -E_CAPFULL || n == -E_QUOTA) {
      dropped.malformed++;
      continue;
    }
    if (n < 0) {
      fprintf(CONSOLE, "supervisor: inbox: %s\n", errstr(n));
      exit(5);
    }
    if (n >= (int)sizeof(struct svchdr)) {
      struct svchdr *h = (struct svchdr *)msgbuf;
      h->name[SVC_NAMELEN - 1] = 0;
      dispatch(h, n, m.caps, m.ncaps, m.badge);
    } else {
      dropped.malformed++;
    }
    for (uint32 i = 0; i < m.ncaps; i++)
      if (m.caps[i] >= 0)
        close(m.caps[i]);
    // Reap the keepers that said they are done (they exit right after).
    for (; keepers_exiting > 0; keepers_exiting--)
      wait(0);
  }
}
