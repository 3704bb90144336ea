// dirrace [ROUNDS]: creation races removal of the parent directory (book 5,
// "Creating in a directory that is going away"). One process makes and
// removes the directory "race" over and over; two others keep creating a
// file, a subdirectory and a link inside it and removing them. A creator
// that looked the directory up just before it was removed must fail, not
// add an entry to a directory that has no name any more (the inode would be
// allocated and named nowhere). The grader checks the disk from the host
// afterwards (grade/tests/test_dir_race.py): nothing unreachable, the free
// counts back. Prints "dirrace: N rounds, M creates won" and exits 0.
#include "kernel/types.h"
#include "kernel/fcntl.h"
#include "kernel/errno.h"
#include "user/user.h"
#include "user/manifest.h"

ZENITH_MANIFEST("cwd:all");

#define DIR "race"
#define SOURCE "race_src"   // a file outside, linked into the directory

// Removes the directory once it is empty; tries the entries too, in case
// a creator won and has not removed its own yet.
static void remover(int rounds)
{
  for (int i = 0; i < rounds; i++) {
    mkdir(DIR);
    while (unlink(DIR) != 0) {
      unlink(DIR "/f");
      unlink(DIR "/d");
      unlink(DIR "/l");
    }
  }
}

// Creates inside the directory whenever it is there; counts the wins.
static int creator(int rounds, int which)
{
  int won = 0;
  for (int i = 0; i < rounds; i++) {
    int r;
    if (which == 0) {
      r = open(DIR "/f", O_CREATE | O_RDWR);
      if (r >= 0)
        close(r);
      unlink(DIR "/f");
    } else if (i % 2) {
      r = mkdir(DIR "/d");
      unlink(DIR "/d");
    } else {
      r = link(SOURCE, DIR "/l");
      unlink(DIR "/l");
    }
    if (r >= 0)
      won++;
    else if (r != -E_NOENT)
      fprintf(2, "dirrace: creator %d: unexpected %s\n", which, errstr(r));
  }
  return won;
}

int main(int argc, char **argv)
{
  int rounds = argc > 1 ? atoi(argv[1]) : 2000;
  int fd = open(SOURCE, O_CREATE | O_RDWR);
  if (fd < 0) {
    fprintf(2, "dirrace: cannot create %s: %s\n", SOURCE, errstr(fd));
    exit(1);
  }
  close(fd);
  int p[2];
  if (pipe(p) != 0) {
    fprintf(2, "dirrace: pipe failed\n");
    exit(1);
  }
  for (int which = 0; which < 2; which++) {
    if (fork() == 0) {
      int won = creator(rounds * 4, which);
      write(p[1], &won, sizeof(won));
      exit(0);
    }
  }
  remover(rounds);
  int total = 0;
  for (int k = 0; k < 2; k++) {
    int won = 0;
    read(p[0], &won, sizeof(won));
    total += won;
    wait(0);
  }
  // Leave the disk as it was.
  unlink(DIR "/f");
  unlink(DIR "/d");
  unlink(DIR "/l");
  unlink(DIR);
  unlink(SOURCE);
  printf("dirrace: %d rounds, %d creates won\n", rounds, total);
  exit(0);
}
