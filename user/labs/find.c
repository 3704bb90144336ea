// find DIR NAME: print the path of every file, directory or device below
// DIR whose name is exactly NAME, one per line, walking the tree depth-first
// in directory order. DIR itself is not tested, and "." and ".." are never
// followed. Paths are DIR joined to the names below it with single slashes.
// A missing or non-directory DIR is an error (exit 1).
#include "kernel/types.h"
#include "kernel/stat.h"
#include "kernel/fcntl.h"
#include "kernel/param.h"
#include "kernel/fs_format.h"
#include "user/user.h"
#include "user/lib/util.h"
#include "user/manifest.h"

ZENITH_MANIFEST("arg1:r", "arg2:-");

#if SOL >= 1
static char path[MAXPATH];   // the path being visited, built in place
static int status;           // exit status: 1 once anything went wrong

// Visits the directory named by path[0..len); NAME is the name looked for.
static void walk(int len, const char *name)
{
  int fd = open(path, O_RDONLY);
  if (fd < 0) {
    status = complain("find", path, fd);
    return;
  }
  if (path[len - 1] != '/')
    path[len++] = '/';
  struct dirent de;
  while (read(fd, &de, sizeof(de)) == sizeof(de)) {
    if (de.inum == 0 || strcmp(de.name, ".") == 0 || strcmp(de.name, "..") == 0)
      continue;
    int nlen = 0;
    while (nlen < DIRSIZ && de.name[nlen])
      nlen++;
    if (len + nlen + 1 > MAXPATH) {
      path[len] = 0;
      fprintf(2, "find: %s: path too long\n", path);
      status = 1;
      continue;
    }
    memmove(path + len, de.name, nlen);
    path[len + nlen] = 0;
    if (strcmp(path + len, name) == 0)
      printf("%s\n", path);
    struct stat st;
    int r = stat(path, &st);
    if (r < 0)
      status = complain("find", path, r);
    else if (st.type == T_DIR)
      walk(len + nlen, name);
  }
  close(fd);
}

int main(int argc, char **argv)
{
  if (argc != 3 || argv[1][0] == 0) {
    fprintf(2, "usage: find DIR NAME\n");
    return 1;
  }
  struct stat st;
  int r = stat(argv[1], &st);
  if (r < 0)
    return complain("find", argv[1], r);
  if (st.type != T_DIR) {
    fprintf(2, "find: %s: not a directory\n", argv[1]);
    return 1;
  }
  int len = strlen(argv[1]);
  if (len + 1 >= MAXPATH) {
    fprintf(2, "find: %s: path too long\n", argv[1]);
    return 1;
  }
  strcpy(path, argv[1]);
  walk(len, argv[2]);
  return status;
}
#else
int main(int argc, char **argv)
{
  fprintf(2, "find: not implemented\n");
  return 1;
}
#endif
