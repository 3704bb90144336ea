// cp SRC DST: copy file SRC to DST (created, or truncated if it exists).
// Under the powerbox it gets read on SRC and create/write on DST, nothing
// else (its manifest below).
#include "kernel/types.h"
#include "kernel/fcntl.h"
#include "user/user.h"
#include "user/lib/util.h"
#include "user/manifest.h"

ZENITH_MANIFEST("arg1:r", "arg2:c");

static char buf[1024];

int main(int argc, char **argv)
{
  if (argc != 3) {
    fprintf(2, "usage: cp SRC DST\n");
    return 1;
  }
  int in = open(argv[1], O_RDONLY);
  if (in < 0)
    fail("cp", argv[1], in);
  int out = open(argv[2], O_WRONLY | O_CREATE | O_TRUNC);
  if (out < 0)
    fail("cp", argv[2], out);
  int n;
  while ((n = read(in, buf, sizeof(buf))) > 0) {
    int w = write(out, buf, n);
    if (w != n)
      fail("cp", argv[2], w < 0 ? w : -1);
  }
  if (n < 0)
    fail("cp", argv[1], n);
  close(in);
  close(out);
  return 0;
}
