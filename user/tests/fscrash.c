#if LAB >= 9
// fscrash: the workload of the fs lab's crash stage (docs/labs/fs.md,
// grade/labs/fscrash.py). It judges nothing itself: the grader cuts the
// power at a chosen disk write of a chosen commit (boot argument
// diskcut=fscrash:K:W, kernel/fs/diskcut.c), then reads the disk from the
// host and boots it again.
//
//   fscrash work SEED   make /fc, then the steps below, one file-system
//                       operation (one commit) each, printing
//                       "FC begin K STEP" before and "FC done K" after it;
//                       "FC end" when all returned
//   fscrash after       make /fc/after ("after"): a commit on a disk that
//                       has just been recovered
//
// Step k's data is crashcheck.pattern(SEED, k, n) (grade/crashcheck.py):
// byte m is (SEED*7 + k*13 + m*3) mod 256.
#include "kernel/types.h"
#include "kernel/fcntl.h"
#include "user/user.h"
#include "user/manifest.h"

ZENITH_MANIFEST("root:all", "cwd:all");

static char data[4096];

static void pattern(uint seed, int k, int n)
{
  for (int m = 0; m < n; m++)
    data[m] = (char)((seed * 7 + k * 13 + m * 3) & 0xff);
}

static void fail(const char *what, int r)
{
  printf("FC failed %s: %d (%s)\n", what, r, errstr(r));
  exit(1);
}

static void begin(int k, const char *step)
{
  printf("FC begin %d %s\n", k, step);
}

static void done(int k, int r, const char *what)
{
  if (r < 0)
    fail(what, r);
  printf("FC done %d\n", k);
}

static int work(uint seed)
{
  int r = mkdir("/fc");   // commit 1
  if (r < 0)
    fail("mkdir /fc", r);
  printf("FC ready %d\n", (int)seed);

  begin(1, "create");   // commit 2
  int fd = open("/fc/a", O_CREATE | O_WRONLY);
  done(1, fd, "create /fc/a");

  begin(2, "write");    // commit 3: 3 data blocks, the bitmap, the inode
  pattern(seed, 2, 3072);
  r = write(fd, data, 3072);
  done(2, r == 3072 ? 0 : r < 0 ? r : -1, "write /fc/a");
  close(fd);

  begin(3, "link");     // commit 4
  done(3, link("/fc/a", "/fc/b"), "link /fc/a /fc/b");

  begin(4, "mkdir");    // commit 5
  done(4, mkdir("/fc/d"), "mkdir /fc/d");

  begin(5, "unlink");   // commit 6: a name goes, the file stays
  done(5, unlink("/fc/a"), "unlink /fc/a");

  begin(6, "truncate"); // commit 7: three blocks freed
  fd = open("/fc/b", O_WRONLY | O_TRUNC);
  done(6, fd, "open /fc/b O_TRUNC");

  begin(7, "rewrite");  // commit 8
  pattern(seed, 7, 2048);
  r = write(fd, data, 2048);
  done(7, r == 2048 ? 0 : r < 0 ? r : -1, "write /fc/b");
  close(fd);

  begin(8, "remove");   // commit 9: the last name: inode and blocks freed
  done(8, unlink("/fc/b"), "unlink /fc/b");

  printf("FC end\n");
  return 0;
}

static int after(void)
{
  int fd = open("/fc/after", O_CREATE | O_WRONLY);
  if (fd < 0)
    fail("create /fc/after", fd);
  int r = write(fd, "after", 5);
  close(fd);
  if (r != 5)
    fail("write /fc/after", r);
  printf("FC after\n");
  return 0;
}

int main(int argc, char **argv)
{
  if (argc == 3 && strcmp(argv[1], "work") == 0)
    return work((uint)atoi(argv[2]));
  if (argc == 2 && strcmp(argv[1], "after") == 0)
    return after();
  fprintf(2, "usage: fscrash work SEED | fscrash after\n");
  return 2;
}
#endif
