// mkdir: create each named directory.
#include "kernel/types.h"
#include "user/user.h"
#include "user/lib/util.h"
#include "user/manifest.h"

ZENITH_MANIFEST("cwd:c", "root:c");

int main(int argc, char **argv)
{
  int status = 0;
  if (argc < 2) {
    fprintf(2, "usage: mkdir DIR...\n");
    return 1;
  }
  for (int i = 1; i < argc; i++) {
    int r = mkdir(argv[i]);
    if (r < 0)
      status = complain("mkdir", argv[i], r);
  }
  return status;
}
