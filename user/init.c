// init: the first user process. It opens the console as fds 0, 1 and 2 and
// keeps a shell running, reaping every orphan handed to it. With `run=CMD`
// on the kernel command line it runs CMD once with `sh -c` instead and powers
// off with CMD's exit status (used by tests and benchmarks).
#include "kernel/types.h"
#include "kernel/param.h"
#include "kernel/fcntl.h"
#include "kernel/file.h"
#include "user/user.h"
#include "user/lib/util.h"
#include "user/manifest.h"

ZENITH_MANIFEST("root:all", "cwd:all", "proc:all");

static char cmdline[BOOTARGS_MAX + 1];

static void open_console(void)
{
  int fd = open("console", O_RDWR);
  if (fd < 0) {
    mknod("console", CONSOLE, 0);
    fd = open("console", O_RDWR);
  }
  if (fd < 0)
    halt(1);   // nowhere to report to
  dup(fd);     // stdout
  dup(fd);     // stderr
}

// Returns the text after "run=" in the kernel command line, or 0.
static char *run_option(void)
{
  int n = bootargs(cmdline, BOOTARGS_MAX);
  if (n <= 0)
    return 0;
  cmdline[n < BOOTARGS_MAX ? n : BOOTARGS_MAX] = 0;
  for (char *p = cmdline; *p; p++) {
    if ((p == cmdline || p[-1] == ' ') && strncmp(p, "run=", 4) == 0)
      return p + 4;
  }
  return 0;
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
    if (r < 0) {
      complain("init", "wait", r);
      return -1;
    }
  }
}

int main(void)
{
  open_console();
  char *cmd = run_option();
  if (cmd) {
    printf("init: running: %s\n", cmd);
    char *argv[] = {"sh", "-c", cmd, 0};
    halt(wait_for(start_shell(argv)));
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
