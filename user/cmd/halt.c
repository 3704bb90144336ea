// halt: power the machine off; QEMU exits with the given status (default 0).
// Needs the system-control capability (kernel/sysctl.h), which the shell
// passes because the manifest asks for it.
#include "kernel/types.h"
#include "kernel/errno.h"
#include "user/user.h"
#include "user/manifest.h"

ZENITH_MANIFEST("sysctl");

int main(int argc, char **argv)
{
  if (argc > 2) {
    fprintf(2, "usage: halt [STATUS]\n");
    return 1;
  }
  int r = halt(argc == 2 ? atoi(argv[1]) : 0);
  if (r == -E_NOCAP)
    fprintf(2, "halt: refused: powering off needs the system-control capability, "
               "and this process holds none\n");
  else
    fprintf(2, "halt: %s\n", errstr(r));
  return 1;
}
