// rm: remove each named file (or empty directory).
#include "kernel/types.h"
#include "user/user.h"
#include "user/lib/util.h"
#include "user/manifest.h"

ZENITH_MANIFEST("cwd:d", "root:d");

int main(int argc, char **argv)
{
  int status = 0;
  if (argc < 2) {
    fprintf(2, "usage: rm FILE...\n");
    return 1;
  }
  for (int i = 1; i < argc; i++) {
    int r = unlink(argv[i]);
    if (r < 0)
      status = complain("rm", argv[i], r);
  }
  return status;
}
