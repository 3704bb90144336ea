// halt: power the machine off; QEMU exits with the given status (default 0).
#include "kernel/types.h"
#include "user/user.h"
#include "user/manifest.h"

ZENITH_MANIFEST("stdio");

int main(int argc, char **argv)
{
  if (argc > 2) {
    fprintf(2, "usage: halt [STATUS]\n");
    return 1;
  }
  halt(argc == 2 ? atoi(argv[1]) : 0);
}
