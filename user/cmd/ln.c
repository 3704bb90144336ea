// ln: give an existing file a second name (a hard link).
#include "kernel/types.h"
#include "kernel/errno.h"
#include "user/user.h"
#include "user/manifest.h"

ZENITH_MANIFEST("cwd:c", "root:c");

#if LAB >= 9
#define USAGE "usage: ln OLD NEW\n       ln -s TARGET NEW\n"

// ln -s TARGET NEW: a symbolic link, a new name whose data is the path
// TARGET (lab 9's symlink call). TARGET is stored as given, not looked
// up: what it names depends on the directory capability a later walk
// starts from (book 5.21), so a link that dangles, loops or climbs out of
// a box is made without complaint and fails where it is followed. The
// errors here are NEW's own path's.
static int make_symlink(const char *target, const char *path)
{
  if (target[0] == 0) {   // the kernel's -E_NOENT would blame NEW
    fprintf(2, "ln: a symbolic link's TARGET may not be empty\n");
    return 1;
  }
  int r = symlink(target, path);
  if (r == 0)
    return 0;
  fprintf(2, "ln: cannot make symbolic link %s -> %s: %s\n", path, target, errstr(r));
  if (r == -E_LOOP)
    fprintf(2, "ln: the links on the way to %s loop, or chain too far\n", path);
  else if (r == -E_ESCAPE)
    fprintf(2, "ln: %s climbs above the directory ln was given\n", path);
  return 1;
}
#else
#define USAGE "usage: ln OLD NEW\n"
#endif

int main(int argc, char **argv)
{
#if LAB >= 9
  if (argc >= 2 && strcmp(argv[1], "-s") == 0) {
    if (argc != 4) {
      fprintf(2, "ln: -s needs a TARGET and a NEW name\n%s", USAGE);
      return 1;
    }
    return make_symlink(argv[2], argv[3]);
  }
#endif
  if (argc != 3 || argv[1][0] == '-') {
    fprintf(2, USAGE);
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
