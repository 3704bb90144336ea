// echo: print the arguments separated by blanks, then a newline. The line is
// built first and written at once so concurrent writers do not interleave.
#include "kernel/types.h"
#include "user/user.h"
#include "user/manifest.h"

ZENITH_MANIFEST("stdio");

static char line[1024];

int main(int argc, char **argv)
{
  uint len = 0;
  for (int i = 1; i < argc; i++) {
    uint n = strlen(argv[i]);
    if (len + n + 1 > sizeof(line)) {   // too long for one write: flush early
      write(1, line, len);
      len = 0;
    }
    if (n + 1 > sizeof(line)) {
      write(1, argv[i], n);
    } else {
      memmove(line + len, argv[i], n);
      len += n;
    }
    line[len++] = i + 1 < argc ? ' ' : '\n';
  }
  if (argc < 2)
    line[len++] = '\n';
  write(1, line, len);
  return 0;
}
