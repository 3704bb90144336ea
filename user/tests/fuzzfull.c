// fuzzfull: the disk-full campaign (grade/tests/test_disk_full.py, book 5.6).
//
//   fuzzfull WRITERS
//
// WRITERS processes fill the disk at once, each in its own directory
// /full/w<p>: files of up to 64 KB written 8 KB at a time, and directories, until creating
// and writing fail several times in a row. Every failure must be a clean
// -E_NOSPC (a short write counts as success: the bytes it reports are
// there). Then the parent removes everything, checks that a 100 KB file
// fits again, and removes it too. Lines:
//   FULL-BAD <p> <call> <error>        a call failed with another error
//   FULL-FILLED <p> files=<n> dirs=<n> bytes=<n> nospc=<n>
//   FULL-DONE bad=<n>                  exit status 0 only if bad is 0
// The host checks the disk afterwards: consistent, and every block and
// inode free again.
#include "kernel/types.h"
#include "kernel/fcntl.h"
#include "kernel/errno.h"
#include "kernel/fs_format.h"
#include "user/user.h"
#include "user/manifest.h"

ZENITH_MANIFEST("root:all", "cwd:all", "proc:all");

#define CHUNK 8192
#define FILE_MAX (64 * 1024)   // then the next file: inodes and directories fill too
#define GIVE_UP 6        // failures in a row that mean "full"
#define MAXWRITERS 4

static char buf[CHUNK];

static int bad(int p, const char *call, int err)
{
  printf("FULL-BAD %d %s %s\n", p, call, errstr(err));
  return 1;
}

// Fill from /full/w<p>; returns how many calls failed badly.
static int fill(int p)
{
  char dir[24], path[40];
  snprintf(dir, sizeof(dir), "/full/w%d", p);
  int nbad = 0, files = 0, dirs = 0, nospc = 0, misses = 0;
  long bytes = 0;
  for (int k = 0; misses < GIVE_UP; k++) {
    int made = 0;
    if (k % 4 == 3) {   // now and then a directory: an inode and a block
      snprintf(path, sizeof(path), "%s/d%d", dir, k);
      int r = mkdir(path);
      if (r == 0)
        made = ++dirs;
      else if (r == -E_NOSPC)
        nospc++;
      else
        nbad += bad(p, "mkdir", r);
    } else {
      snprintf(path, sizeof(path), "%s/f%d", dir, k);
      int fd = open(path, O_CREATE | O_WRONLY);
      if (fd == -E_NOSPC) {
        nospc++;
      } else if (fd < 0) {
        nbad += bad(p, "open", fd);
      } else {
        files++;
        long here = 0;
        int w = 0;
        while (here < FILE_MAX && (w = write(fd, buf, CHUNK)) > 0) {
          here += w;
          if (w < CHUNK)
            break;   // a short write: the disk filled up during it
        }
        if (w == -E_NOSPC)
          nospc++;
        else if (w < 0)
          nbad += bad(p, "write", w);
        bytes += here;
        made = 1;   // even empty: once blocks run out, inodes and entries go on
        close(fd);
      }
    }
    misses = made ? 0 : misses + 1;
  }
  printf("FULL-FILLED %d files=%d dirs=%d bytes=%ld nospc=%d\n", p, files, dirs, bytes, nospc);
  return nbad;
}

// Remove every entry of dir (files and empty directories), then dir.
static int empty_and_remove(const char *dir)
{
  char path[40];
  int nbad = 0;
  int fd = open(dir, O_RDONLY);
  if (fd < 0)
    return bad(-1, "open dir", fd);
  struct dirent de;
  while (read(fd, &de, sizeof(de)) == sizeof(de)) {
    if (de.inum == 0 || de.name[0] == '.')
      continue;
    snprintf(path, sizeof(path), "%s/%s", dir, de.name);   // names are short: NUL-padded
    int r = unlink(path);
    if (r < 0)
      nbad += bad(-1, "unlink", r);
  }
  close(fd);
  int r = unlink(dir);
  return r < 0 ? nbad + bad(-1, "unlink dir", r) : nbad;
}

int main(int argc, char **argv)
{
  int writers = argc == 2 ? atoi(argv[1]) : 0;
  if (writers < 1 || writers > MAXWRITERS) {
    printf("usage: fuzzfull WRITERS (1..%d)\n", MAXWRITERS);
    exit(2);
  }
  memset(buf, 'F', sizeof(buf));
  int nbad = 0;
  char dir[24];
  if (mkdir("/full") < 0)
    exit(bad(-1, "mkdir /full", -1));
  for (int p = 0; p < writers; p++) {
    snprintf(dir, sizeof(dir), "/full/w%d", p);
    if (mkdir(dir) < 0)
      exit(bad(p, "mkdir", -1));
  }
  for (int p = 0; p < writers; p++)
    if (fork() == 0)
      exit(fill(p) ? 1 : 0);
  int st;
  while (wait(&st) >= 0)
    nbad += st != 0;

  for (int p = 0; p < writers; p++) {
    snprintf(dir, sizeof(dir), "/full/w%d", p);
    nbad += empty_and_remove(dir);
  }
  if (unlink("/full") < 0)
    nbad += bad(-1, "unlink /full", -1);

  // The space came back: 100 KB fit again.
  int fd = open("/after-full", O_CREATE | O_WRONLY);
  int total = 0, w;
  while (fd >= 0 && total < 100 * 1024 && (w = write(fd, buf, CHUNK)) > 0)
    total += w;
  if (fd < 0 || total < 100 * 1024)
    nbad += bad(-1, "write after emptying", fd < 0 ? fd : total);
  close(fd);
  unlink("/after-full");
  printf("FULL-DONE bad=%d\n", nbad);
  exit(nbad ? 1 : 0);
}
