// cat: copy each named file, or standard input when none is named, to
// standard output.
#include "kernel/types.h"
#include "kernel/fcntl.h"
#include "user/user.h"
#include "user/lib/util.h"
#include "user/manifest.h"

ZENITH_MANIFEST("args:r");

static char buf[1024];

// Copies fd to stdout; returns 0 or a negative error code.
static int copy(int fd)
{
  int n;
  while ((n = read(fd, buf, sizeof(buf))) > 0) {
    int w = write(1, buf, n);
    if (w != n)
      return w < 0 ? w : -1;
  }
  return n;
}

int main(int argc, char **argv)
{
  int status = 0;
  if (argc < 2) {
    int r = copy(0);
    return r < 0 ? complain("cat", "read error", r) : 0;
  }
  for (int i = 1; i < argc; i++) {
    int fd = open(argv[i], O_RDONLY);
    if (fd < 0) {
      status = complain("cat", argv[i], fd);
      continue;
    }
    int r = copy(fd);
    if (r < 0)
      status = complain("cat", argv[i], r);
    close(fd);
  }
  return status;
}
