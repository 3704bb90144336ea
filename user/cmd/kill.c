// kill: kill each process named by its PID.
#include "kernel/types.h"
#include "user/user.h"
#include "user/lib/util.h"
#include "user/manifest.h"

ZENITH_MANIFEST("args:-", "proc:kill");

static int is_number(const char *s)
{
  if (*s == 0)
    return 0;
  for (; *s; s++) {
    if (*s < '0' || *s > '9')
      return 0;
  }
  return 1;
}

int main(int argc, char **argv)
{
  int status = 0;
  if (argc < 2) {
    fprintf(2, "usage: kill PID...\n");
    return 1;
  }
  for (int i = 1; i < argc; i++) {
    if (!is_number(argv[i])) {
      fprintf(2, "kill: %s: not a process id\n", argv[i]);
      status = 1;
      continue;
    }
    int r = kill(atoi(argv[i]));
    if (r < 0)
      status = complain("kill", argv[i], r);
  }
  return status;
}
