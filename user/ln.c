// ln: give an existing file a second name (a hard link).
#include "kernel/types.h"
#include "user/user.h"
#include "user/lib/util.h"

int main(int argc, char **argv)
{
  if (argc != 3) {
    fprintf(2, "usage: ln OLD NEW\n");
    return 1;
  }
  int r = link(argv[1], argv[2]);
  if (r < 0)
    fail("ln", argv[2], r);
  return 0;
}
