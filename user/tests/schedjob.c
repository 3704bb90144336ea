// schedjob: one background job of the scheduler benchmark (user/tests/schedbench.c
// starts it with fork + exec for W3's "package install" and W4's "build").
//   schedjob <loops> <kbytes> <id>
// Computes for `loops` iterations of a counting loop (schedbench converts
// milliseconds to loops with its own calibration), spread between writes of
// a file sbjob<id> of kbytes KB in 4 KB pieces, then removes the file.
// A separate small program, so its code stays in the block cache across
// the many execs (schedbench's own does not fit next to the jobs' files).
#include "kernel/types.h"
#include "kernel/fcntl.h"
#include "user/user.h"
#include "user/manifest.h"

ZENITH_MANIFEST("cwd:wcd");

static void burn(uint64 loops)
{
  for (volatile uint64 i = 0; i < loops; i++)
    ;
}

int main(int argc, char **argv)
{
  if (argc != 4) {
    fprintf(2, "usage: schedjob loops kbytes id\n");
    return 2;
  }
  uint64 loops = atoi(argv[1]);
  int pieces = atoi(argv[2]) / 4;
  if (pieces <= 0) {
    burn(loops);
    return 0;
  }
  char name[24];
  snprintf(name, sizeof(name), "sbjob%s", argv[3]);
  static char block[4096];
  memset(block, 'j', sizeof(block));
  int fd = open(name, O_CREATE | O_TRUNC | O_WRONLY);
  if (fd < 0) {
    fprintf(2, "schedjob: create %s: %s\n", name, errstr(fd));
    return 1;
  }
  int status = 0;
  for (int i = 0; i < pieces && status == 0; i++) {
    burn(loops / pieces);
    if (write(fd, block, sizeof(block)) != sizeof(block)) {
      fprintf(2, "schedjob: write %s failed\n", name);
      status = 1;
    }
  }
  close(fd);
  unlink(name);
  return status;
}
