// Small helpers built on system calls: stat by path, line input, the clock.
#include "kernel/types.h"
#include "kernel/stat.h"
#include "kernel/fcntl.h"
#include "user/user.h"

int stat(const char *path, struct stat *st)
{
  int fd = open(path, O_RDONLY);
  if (fd < 0)
    return fd;
  int r = fstat(fd, st);
  close(fd);
  return r;
}

// Reads one line from fd 0, keeping the newline, at most max-1 bytes, always
// NUL-terminated. An empty result means end of input.
char *gets(char *buf, int max)
{
  int i = 0;
  while (i + 1 < max) {
    char c;
    if (read(0, &c, 1) != 1)
      break;
    buf[i++] = c;
    if (c == '\n' || c == '\r')
      break;
  }
  buf[i] = 0;
  return buf;
}

uint64 rdtime(void)
{
  uint64 t;
  asm volatile("rdtime %0" : "=r"(t));
  return t;
}
