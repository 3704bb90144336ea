// killtest: a kill, or the destruction of a process's cell, must end every
// kind of long system call within a bounded number of ticks (book 4, "How
// long a kill takes"). Each case starts a child inside one long call, kills
// it (kill() or cell_destroy()) and counts the ticks until it is reaped:
//   KT <case> PASS            reaped in N ticks (printed on a line before)
//   KT <case> FAIL <reason>
// `killtest all` runs every case; the exit status is 0 when all passed.
#include "kernel/types.h"
#include "kernel/param.h"
#include "kernel/fcntl.h"
#include "kernel/errno.h"
#include "kernel/caprights.h"
#include "kernel/capinfo.h"
#include "kernel/cellinfo.h"
#include "kernel/chan.h"
#include "kernel/spawncap.h"
#include "user/user.h"
#include "user/manifest.h"
#include "user/lib/casekit.h"

ZENITH_MANIFEST("cell", "root:all", "cwd:all", "proc:all");

// Ticks (1 ms) from the kill to the reap. Generous for a loaded host on 3
// harts; before the fix a killed console writer ran on for seconds.
#define REAP_BOUND 200
#define BIG (1 << 20)          // bytes in one long write or read
#define SCRATCH "killtest.tmp"

static char *big;         // BIG bytes, allocated once
static int scratch_fd;    // the child's slot for SCRATCH, open for writing

// ---------------------------------------------------------------- the long calls

static void long_console_write(void)
{
  write(1, big, BIG);
}

static void long_pipe_write(void)
{
  int p[2];
  if (pipe(p) == 0)
    write(p[1], big, BIG);   // nobody reads: blocks once the pipe is full
}

static void long_pipe_read(void)
{
  int p[2];
  char b;
  if (pipe(p) == 0)
    read(p[0], &b, 1);   // the write end stays open: blocks for good
}

static void long_chan_recv(void)
{
  int ends[2];
  struct chanmsg m;
  memset(&m, 0, sizeof(m));
  if (chan_create(ends) == 0)
    chan_recv(ends[0], &m);   // nobody sends
}

static void long_file_write(void)
{
  write(scratch_fd, big, BIG / 2);   // one call: hundreds of log transactions
}

static void long_sleep(void)
{
  sleep(1000000);
}

static void long_wait(void)
{
  int pid = fork();
  if (pid == 0) {
    sleep(1000000);
    exit(0);
  }
  wait(0);   // the grandchild is killed with nobody waiting: init reaps it
}

// ---------------------------------------------------------------- the harness

// Runs `call` in a child (in a fresh cell when in_cell), lets it get well
// into the call, kills it and checks it is reaped within REAP_BOUND ticks.
static int reaped_in_time(void (*call)(void), int in_cell, const char *what)
{
  int sync[2];
  if (pipe(sync) != 0)
    return why("pipe failed");
  int scratch = open(SCRATCH, O_CREATE | O_WRONLY | O_TRUNC);
  if (scratch < 0)
    return why("cannot create %s: %s", SCRATCH, errstr(scratch));
  int cell = -1, pid;
  if (in_cell) {
    struct cellquota q = { 1000, 4, 16, 100 };
    cell = cell_create(CELL_ROOT_SLOT, &q, -1);
    if (cell < 0)
      return why("cell_create: %s", errstr(cell));
    struct spawncap caps[4] = {   // they arrive as slots 0..3
      { .slot = 0, .rights = CAP_R_READ, .role = SPAWN_SLOT },         // stdin
      { .slot = 1, .rights = CAP_R_WRITE, .role = SPAWN_SLOT },        // the console
      { .slot = sync[1], .rights = CAP_R_WRITE, .role = SPAWN_SLOT },
      { .slot = scratch, .rights = CAP_R_WRITE, .role = SPAWN_SLOT },
    };
    pid = cell_spawn(cell, 0, 0, caps, 4);
    if (pid == 0) {
      scratch_fd = 3;
      write(2, "s", 1);
      call();
      exit(0);
    }
  } else {
    pid = fork();
    if (pid == 0) {
      scratch_fd = scratch;
      write(sync[1], "s", 1);
      call();
      exit(0);
    }
  }
  close(sync[1]);
  if (pid < 0)
    return why("could not start the child: %s", errstr(pid));
  char b;
  if (read(sync[0], &b, 1) != 1)
    return why("the child did not start");
  close(sync[0]);
  sleep(5);   // well inside the call by now
  int t0 = uptime();
  int r = in_cell ? cell_destroy(cell) : kill(pid);
  if (r < 0)
    return why("%s: %s", in_cell ? "cell_destroy" : "kill", errstr(r));
  int st = 0;
  int got = wait(&st);
  int ticks = uptime() - t0;
  if (cell >= 0)
    close(cell);
  close(scratch);
  unlink(SCRATCH);
  printf("\nkilltest: %s: reaped %d ticks after the %s\n", what, ticks,
         in_cell ? "cell was destroyed" : "kill");
  if (got != pid)
    return why("wait returned %d, not the child %d", got, pid);
  if (st != -1)
    return why("the child exited with %d, not as killed (-1)", st);
  if (ticks > REAP_BOUND)
    return why("%s: reaped %d ticks after the kill (bound %d)", what, ticks, REAP_BOUND);
  return 1;
}

#define KILLED(name, call) \
  static int case_##name(void) { return reaped_in_time(call, 0, #name); }
#define CELL_DESTROYED(name, call) \
  static int case_##name(void) { return reaped_in_time(call, 1, #name); }

KILLED(console_write, long_console_write)
CELL_DESTROYED(console_write_cell, long_console_write)
KILLED(pipe_write, long_pipe_write)
KILLED(pipe_read, long_pipe_read)
CELL_DESTROYED(pipe_write_cell, long_pipe_write)
KILLED(chan_recv, long_chan_recv)
KILLED(file_write, long_file_write)
CELL_DESTROYED(file_write_cell, long_file_write)
KILLED(sleep, long_sleep)
KILLED(wait, long_wait)

static const struct testcase cases[] = {
  { "console_write", case_console_write },
  { "console_write_cell", case_console_write_cell },
  { "pipe_write", case_pipe_write },
  { "pipe_read", case_pipe_read },
  { "pipe_write_cell", case_pipe_write_cell },
  { "chan_recv", case_chan_recv },
  { "file_write", case_file_write },
  { "file_write_cell", case_file_write_cell },
  { "sleep", case_sleep },
  { "wait", case_wait },
};

int main(int argc, char **argv)
{
  big = sbrk(BIG);
  if (big == (char *)-1) {
    fprintf(2, "killtest: no memory for the %d-byte buffer\n", BIG);
    exit(1);
  }
  // Lines of dots: what a killed console writer prints stays readable.
  for (int i = 0; i < BIG; i++)
    big[i] = i % 64 == 63 ? '\n' : '.';
  return run_cases("killtest", "KT", cases, sizeof(cases) / sizeof(cases[0]), 0, argc, argv);
}
