// fuzzcrash: the guest half of the crash campaign (make crashtest,
// tools/crashtest.py, grade/crashcheck.py; docs/book/05-file-system.md 5.18).
//
//   fuzzcrash SEED WRITERS
//
// WRITERS processes each make seeded random changes to the names f0..f4 of
// their own directory /crSEED/w<p>, until the host kills QEMU at a random
// moment. Every step changes the disk with one system call at most, and is
// reported on the console around it:
//   CR <p> <k> T <i>          before: truncating create of f<i>
//   CR <p> <k> A <i> <n>      before: append n bytes (pattern below) to f<i>
//   CR <p> <k> U <i>          before: unlink f<i>
//   CR <p> <k> L <i> <j>      before: link f<i> to f<j>
//   CR <p> <k> S              before: fsync of the writer's directory
//   CR-OK <p> <k> <result>    after it returned (result < 0: an error)
// Byte m of the append of step k of writer p is (p*7 + k*13 + m*3) & 0xff.
// "CR-READY SEED WRITERS" comes once the directories are made and synced.
// The host rebuilds the expected contents from these lines and checks,
// after the crash, what book 5.5 promises for each step.
#include "kernel/types.h"
#include "kernel/fcntl.h"
#include "kernel/errno.h"
#include "user/user.h"
#include "user/manifest.h"

ZENITH_MANIFEST("root:all", "cwd:all", "proc:all");

#define NNAME 5
#define MAXWRITERS 4
#define MAXLEN 8000        // a file grows no longer: the disk must last many rounds
#define MAXAPPEND 3000     // one write of at most WRITE_CHUNK bytes: one operation

static uint rng;

static uint next_rand(void)
{
  rng = rng * 1103515245u + 12345u;
  return (rng >> 8) & 0xffffff;
}

static char dir[32];
static char buf[MAXAPPEND];

static void name_of(int i, char *out)
{
  snprintf(out, 40, "%s/f%d", dir, i);
}

// Where f<i> ends: opened read-write and read to its end.
static int open_at_end(const char *path, int *len)
{
  int fd = open(path, O_RDWR);
  if (fd < 0)
    return fd;
  int n;
  *len = 0;
  while ((n = read(fd, buf, sizeof(buf))) > 0)
    *len += n;
  return fd;
}

static void __attribute__((noreturn)) writer(int p, int dirfd)
{
  char a[40], b[40];
  for (int k = 0;; k++) {
    int i = next_rand() % NNAME, j = next_rand() % NNAME, r = 0;
    name_of(i, a);
    name_of(j, b);
    switch (next_rand() % 8) {
    case 0:
    case 1:
      printf("CR %d %d T %d\n", p, k, i);
      r = open(a, O_CREATE | O_TRUNC | O_WRONLY);
      if (r >= 0)
        close(r);
      break;
    case 2:
    case 3:
    case 4: {
      int len = 0, n = 1 + next_rand() % MAXAPPEND;
      int fd = open_at_end(a, &len);
      if (fd >= 0 && len + n > MAXLEN)
        n = 0;
      for (int m = 0; m < n; m++)
        buf[m] = (p * 7 + k * 13 + m * 3) & 0xff;
      printf("CR %d %d A %d %d\n", p, k, i, fd < 0 ? 0 : n);
      r = fd < 0 ? fd : write(fd, buf, n);
      if (fd >= 0)
        close(fd);
      break;
    }
    case 5:
      printf("CR %d %d U %d\n", p, k, i);
      r = unlink(a);
      break;
    case 6:
      printf("CR %d %d L %d %d\n", p, k, i, j);
      r = link(a, b);
      break;
    default:
      printf("CR %d %d S\n", p, k);
      r = fsync(dirfd);
      break;
    }
    printf("CR-OK %d %d %d\n", p, k, r);
  }
}

int main(int argc, char **argv)
{
  if (argc != 3) {
    printf("usage: fuzzcrash SEED WRITERS\n");
    exit(2);
  }
  int seed = atoi(argv[1]), writers = atoi(argv[2]);
  if (writers < 1 || writers > MAXWRITERS) {
    printf("fuzzcrash: WRITERS must be 1..%d\n", MAXWRITERS);
    exit(2);
  }
  char top[16];
  snprintf(top, sizeof(top), "/cr%d", seed);
  int r = mkdir(top);
  int dirfds[MAXWRITERS];
  for (int p = 0; p < writers && r >= 0; p++) {
    snprintf(dir, sizeof(dir), "%s/w%d", top, p);
    if ((r = mkdir(dir)) >= 0)
      r = dirfds[p] = open(dir, O_RDONLY);
  }
  if (r >= 0)
    r = fsync(dirfds[0]);
  if (r < 0) {
    printf("fuzzcrash: setting up %s: %s\n", top, errstr(r));
    exit(1);
  }
  printf("CR-READY %d %d\n", seed, writers);
  for (int p = 0; p < writers; p++) {
    if (fork() == 0) {
      rng = seed * 7919 + p;
      snprintf(dir, sizeof(dir), "%s/w%d", top, p);
      writer(p, dirfds[p]);
    }
  }
  while (wait(0) >= 0)
    ;
  return 0;
}
