// ln: give an existing file a second name (a hard link).
#include "kernel/types.h"
#include "user/user.h"
#include "user/manifest.h"

ZENITH_MANIFEST("cwd:c", "root:c");

int main(int argc, char **argv)
{
  if (argc != 3) {
    fprintf(2, "usage: ln OLD NEW\n");
    return 1;
  }
  int r = link(argv[1], argv[2]);
  if (r < 0) {
    // Either name may be at fault (old missing, new existing), so show both.
    fprintf(2, "ln: cannot link %s to %s: %s\n", argv[1], argv[2], errstr(r));
    return 1;
  }
  return 0;
}
