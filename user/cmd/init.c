// init: the first user process. It opens the console as fds 0, 1 and 2 and
// keeps a shell running, reaping every orphan handed to it. With `run=CMD`
// on the kernel command line it runs CMD once with `sh -c` instead and powers
// off with CMD's exit status (used by tests and benchmarks).
//
// With svc=on on the kernel command line (`make qemu` adds it; tests that
// want services say so, the others see a machine without them), init also
// starts the supervisor (user/services/supervisor.c) in a cell of its own, holding
// only the capabilities it needs, and keeps the two through which the rest
// of the system reaches it (user/lib/svcproto.h): the service directory
// (SVC_DIR_SLOT) and the control key (SVC_CTL_SLOT); sh passes them on to
// the programs that need them. init watches the supervisor: if it dies, or
// stops because a core service failed, or stops draining its inbox (a
// watch child of init expects a sign of life for every tick it handles,
// and gives up after SUPERVISOR_SILENCE ticks without one), init prints
// why and halts the machine with a non-zero status (the fatal path), never
// leaving a system that looks alive but cannot heal. `svctab=PATH` (before run=) gives the
// supervisor another service table than /services.conf (the tests use it).
#include "kernel/types.h"
#include "kernel/param.h"
#include "kernel/fcntl.h"
#include "kernel/file.h"
#include "user/user.h"
#include "kernel/errno.h"
#include "kernel/chan.h"
#include "kernel/capinfo.h"
#include "kernel/cellinfo.h"
#include "kernel/spawncap.h"
#include "user/lib/util.h"
#include "user/lib/svcproto.h"
#include "user/manifest.h"

ZENITH_MANIFEST("root:all", "cwd:all", "proc:all");

static char cmdline[BOOTARGS_MAX + 1];
static int supervisor_pid = -1;
static int watch_pid = -1;

// The supervisor sends a sign of life for each tick it handles (every 10
// ticks); this many ticks without one and it is taken for stuck. Far above
// its hang detection (200 ticks for kv and log), so a slow supervisor is
// never taken for a stuck one; far below the time a person waits.
#define SUPERVISOR_SILENCE 1000
#define WATCH_STUCK 6   // the watch's exit status, and init's halt status

// The supervisor's cell: room for itself, its ticker, a keeper per service
// and the services' cells (which come out of it), twice over while an old
// incarnation's cell is still going away.
static struct cellquota supervisor_quota = {.pages = 800, .procs = 24, .slots = 96, .cpu = 100};

// Powers the machine off with status. init holds the system-control
// capability from boot (kernel/sysctl.h), so halt returns only if that
// capability was taken away: say so and stay alive.
static void power_off(int status) __attribute__((noreturn));
static void power_off(int status)
{
  int r = halt(status);
  printf("init: halt: %s\n", errstr(r));
  for (;;)
    sleep(1000);
}

static void open_console(void)
{
  int fd = open("console", O_RDWR);
  if (fd < 0) {
    mknod("console", CONSOLE, 0);
    fd = open("console", O_RDWR);
  }
  if (fd < 0)
    power_off(1);   // nowhere to report to
  dup(fd);     // stdout
  dup(fd);     // stderr
}

// Returns the text after the last "NAME=" (name includes the '=') in the
// kernel command line, or 0. run= takes the rest of the line, so it comes
// last and nothing after it is an option.
static char *boot_option(const char *name)
{
  int n = bootargs(cmdline, BOOTARGS_MAX);
  if (n <= 0)
    return 0;
  cmdline[n < BOOTARGS_MAX ? n : BOOTARGS_MAX] = 0;
  int len = strlen(name);
  char *found = 0;
  for (char *p = cmdline; *p; p++) {
    if (p != cmdline && p[-1] != ' ')
      continue;
    if (strncmp(p, "run=", 4) == 0)
      return strcmp(name, "run=") == 0 ? p + 4 : found;
    if (strncmp(p, name, len) == 0)
      found = p + len;
  }
  return found;
}

// Is the supervisor wanted? svc=on (the last svc= option wins).
static int svc_wanted(void)
{
  char *v = boot_option("svc=");
  return v && strncmp(v, "on", 2) == 0 && (v[2] == 0 || v[2] == ' ');
}

// Put the capability in slot `from` into slot `to` (which must be free)
// and empty `from`: cap_dup takes the lowest free slot, so fill the ones
// below `to` first.
static int move_cap(int from, int to)
{
  struct capinfo ci;
  int r = cap_info(from, &ci);
  if (r < 0)
    return r;
  int fillers[NCAP], nf = 0, d;
  while ((d = cap_dup(from, ci.rights)) >= 0 && d < to)
    fillers[nf++] = d;
  while (nf > 0)
    close(fillers[--nf]);
  close(from);
  if (d >= 0 && d != to) {
    close(d);
    return -E_BUSY;
  }
  return d < 0 ? d : 0;
}

// The watch (a child of init holding the receive end of the channel on
// which the supervisor sends its signs of life): exits with WATCH_STUCK
// after SUPERVISOR_SILENCE ticks without one, with 0 if the supervisor is
// gone (init sees that itself).
static void watch(int signs)
{
  for (int s = 0; s < NCAP; s++)
    if (s != signs)
      close(s);
  cap_dropproc(-1);   // nor any of init's process capabilities
  int last = uptime();
  for (;;) {
    sleep(50);
    char c;
    struct chanmsg m;
    int r;
    do {
      memset(&m, 0, sizeof(m));
      m.buf = &c;
      m.len = 1;
      m.flags = CHAN_NONBLOCK | CHAN_DISCARD;
      r = chan_recv(signs, &m);
      if (r >= 0)
        last = uptime();
    } while (r >= 0);
    if (r == -E_PEER)
      exit(0);
    if (uptime() - last >= SUPERVISOR_SILENCE)
      exit(WATCH_STUCK);
  }
}

static void start_watch(int signs)
{
  int pid = fork();
  if (pid == 0)
    watch(signs);
  if (pid < 0)
    complain("init", "watch the supervisor", pid);
  watch_pid = pid;
}

// Start the supervisor in a cell of its own (slot layout: supervisor.c).
static void start_supervisor(void)
{
  int inbox[2], key[2], signs[2] = {-1, -1};
  int r = chan_create(inbox);
  if (r < 0) {
    complain("init", "supervisor inbox", r);
    return;
  }
  if ((r = chan_create(key)) < 0) {
    complain("init", "control key", r);
    close(inbox[0]);
    close(inbox[1]);
    return;
  }
  if ((r = chan_create(signs)) < 0) {
    complain("init", "supervisor watch", r);
    int ends[] = {inbox[0], inbox[1], key[0], key[1]};
    for (int i = 0; i < 4; i++)
      close(ends[i]);
    return;
  }
  close(key[0]);   // the key is never sent on: only who holds it matters
  int cell = cell_create(CELL_ROOT_SLOT, &supervisor_quota, -1);
  if (cell >= 0) {
    // Exactly what it needs, each with only the rights it uses (slot
    // layout in supervisor.c). The console: what init's console slot has
    // of write and transfer (the supervisor passes it to services).
    struct capinfo con;
    cap_info(1, &con);
    // Its root: find and read the service table, run the programs.
    int root = open("/", O_RDONLY);
    struct spawncap caps[] = {
      {inbox[0], CAP_R_RECEIVE, SPAWN_SLOT},
      {1, con.rights & (CAP_R_WRITE | CAP_R_TRANSFER), SPAWN_SLOT},
      {1, con.rights & (CAP_R_WRITE | CAP_R_TRANSFER), SPAWN_SLOT},
      // unbadged, to derive its helpers' badged ends from (svcproto.h)
      {inbox[1], CAP_R_SEND | CAP_R_GRANT | CAP_R_TRANSFER | CAP_R_DUP, SPAWN_SLOT},
      {key[1], CAP_R_DUP, SPAWN_SLOT},   // only looked at (its object id)
      {cell, CELL_RIGHTS, SPAWN_SLOT},
      {signs[1], CAP_R_SEND, SPAWN_SLOT},
      {root, CAP_R_LOOKUP | CAP_R_READ | CAP_R_EXEC, SPAWN_ROOT},
    };
    static char table[64];
    char *t = boot_option("svctab=");
    int n = 0;
    while (t && t[n] && t[n] != ' ' && n < (int)sizeof(table) - 1) {
      table[n] = t[n];
      n++;
    }
    table[n] = 0;
    char *argv[] = {"supervisor", n ? table : 0, 0};
    r = cell_spawn(cell, "/supervisor", argv, caps, sizeof(caps) / sizeof(caps[0]));
    close(cell);   // the supervisor's copy keeps it alive
    if (root >= 0)
      close(root);
  } else {
    r = cell;
  }
  close(inbox[0]);
  close(signs[1]);
  if (r < 0) {
    complain("init", "start the supervisor", r);
    close(inbox[1]);
    close(key[1]);
    close(signs[0]);
    return;
  }
  supervisor_pid = r;
  start_watch(signs[0]);
  close(signs[0]);
  // Ours, and through sh every client's: badged as a client's, so nothing
  // sent through it can pass for the supervisor's ticker, keepers or
  // services. The unbadged end stays with the supervisor alone.
  int dir = cap_badge(inbox[1], SUP_BADGE(SUP_FROM_CLIENT, 0, 0));
  close(inbox[1]);
  if (dir < 0 || (r = move_cap(dir, SVC_DIR_SLOT)) < 0 || (r = move_cap(key[1], SVC_CTL_SLOT)) < 0)
    complain("init", "service slots", dir < 0 ? dir : r);
}

// The fatal path: the supervisor is gone (it crashed, or it stopped
// because a core service failed). Nothing can be healed any more.
static void supervisor_died(int status) __attribute__((noreturn));
static void supervisor_stuck(void) __attribute__((noreturn));
static void supervisor_died(int status)
{
  printf("init: the supervisor died (status %d): the system cannot heal itself; halting\n",
         status);
  power_off(status > 0 && status < 256 ? status : 3);
}

// The fatal path too: the supervisor is alive but has not handled a tick
// for SUPERVISOR_SILENCE ticks (blocked, looping, or its ticker is gone):
// it would look alive while healing nothing, so halt with WATCH_STUCK.
static void supervisor_stuck(void)
{
  printf("init: the supervisor has not drained its inbox for %d ticks: the system cannot heal "
         "itself; halting\n", SUPERVISOR_SILENCE);
  power_off(WATCH_STUCK);
}

// Starts sh with the given arguments; returns its pid.
static int start_shell(char **argv)
{
  int pid = fork();
  if (pid < 0)
    fail("init", "fork", pid);
  if (pid == 0) {
    int r = exec("sh", argv);
    fail("init", "exec sh", r);
  }
  return pid;
}

// Reaps children until pid exits; returns its status.
static int wait_for(int pid)
{
  for (;;) {
    int status = 0;
    int r = wait(&status);
    if (r == pid)
      return status;
    if (r == supervisor_pid)
      supervisor_died(status);
    if (r == watch_pid && status == WATCH_STUCK)
      supervisor_stuck();
    if (r < 0) {
      complain("init", "wait", r);
      return -1;
    }
  }
}

int main(void)
{
  open_console();
  if (svc_wanted())
    start_supervisor();
  char *cmd = boot_option("run=");
  if (cmd) {
    printf("init: running: %s\n", cmd);
    char *argv[] = {"sh", "-c", cmd, 0};
    power_off(wait_for(start_shell(argv)));
  }
  for (;;) {
    printf("init: starting sh\n");
    char *argv[] = {"sh", 0};
    int started = uptime();
    int status = wait_for(start_shell(argv));
    // A shell that fails at once (say, exec fails) must not make init spin.
    if (status != 0 && uptime() - started < TICK_HZ)
      sleep(TICK_HZ);
  }
}
