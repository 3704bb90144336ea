// ls: list directories (one line per entry: name, type, inode, size) or,
// for a file, the file itself. Types: 1 directory, 2 file, 3 device.
#include "kernel/types.h"
#include "kernel/stat.h"
#include "kernel/errno.h"
#include "kernel/fcntl.h"
#include "kernel/param.h"
#include "kernel/fs_format.h"
#include "user/user.h"
#include "user/lib/util.h"
#include "user/manifest.h"

ZENITH_MANIFEST("args:r", "cwd:r");

static void show(const char *name, const struct stat *st)
{
  printf("%-14s %d %4d %6lu\n", name, st->type, st->ino, st->size);
}

#if LAB >= 9
// If full is a symbolic link (type 4, lab 9), show the link itself, as
// "name 4 inode size -> target" (stat would follow it, and fail on one
// that dangles or loops), and return 1. Its size is its target's length:
// the bytes of path its inode holds.
static int show_link(const char *name, int inum, const char *full)
{
  char target[MAXPATH];
  int n = readlink(full, target, sizeof(target) - 1);
  if (n < 0)
    return 0;   // -E_INVAL: not a link
  target[n] = 0;
  printf("%-14s %d %4d %6d -> %s\n", name, T_SYMLINK, inum, n, target);
  return 1;
}
#endif

// Lists the directory open as fd, named path; returns an exit status.
static int list_dir(int fd, const char *path)
{
  static char full[MAXPATH];
  struct dirent de;
  int plen = strlen(path);
  if (plen + 1 + DIRSIZ + 1 > MAXPATH) {
    fprintf(2, "ls: %s: path too long\n", path);
    return 1;
  }
  memmove(full, path, plen);
  if (plen == 0 || full[plen - 1] != '/')
    full[plen++] = '/';
  int status = 0;
  while (read(fd, &de, sizeof(de)) == sizeof(de)) {
    if (de.inum == 0)
      continue;
    char name[DIRSIZ + 1];
    memmove(name, de.name, DIRSIZ);
    name[DIRSIZ] = 0;
    strcpy(full + plen, name);
#if LAB >= 9
    if (show_link(name, de.inum, full))
      continue;
#endif
    struct stat st;
    int r = stat(full, &st);
    if (r == -E_ESCAPE && strcmp(name, "..") == 0) {
      // The shell granted ls this directory, not its parent (the powerbox,
      // book 6), so ".." cannot be opened: show what the entry itself says.
      printf("%-14s %d %4d %6s\n", name, T_DIR, de.inum, "-");
      continue;
    }
    if (r < 0) {
      status = complain("ls", full, r);
      continue;
    }
    show(name, &st);
  }
  return status;
}

static int list(const char *path)
{
  struct stat st;
  int fd = open(path, O_RDONLY);
  if (fd < 0)
    return complain("ls", path, fd);
  int r = fstat(fd, &st);
  if (r < 0) {
    close(fd);
    return complain("ls", path, r);
  }
  int status = 0;
  if (st.type == T_DIR)
    status = list_dir(fd, path);
  else
    show(path, &st);
  close(fd);
  return status;
}

int main(int argc, char **argv)
{
  if (argc < 2)
    return list(".");
  int status = 0;
  for (int i = 1; i < argc; i++)
    status |= list(argv[i]);
  return status;
}
