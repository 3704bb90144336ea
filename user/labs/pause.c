// pause: wait the given number of timer ticks (1 ms each), then exit 0.
// A missing, extra or malformed argument prints a usage line and exits 1.
#include "kernel/types.h"
#include "user/user.h"
#include "user/manifest.h"

ZENITH_MANIFEST("stdio");

#if SOL >= 1
// Parses a decimal count of at most 9 digits; returns it, or -1 if s is not one.
static int parse_ticks(const char *s)
{
  int n = 0, digits = 0;
  for (; *s; s++, digits++) {
    if (*s < '0' || *s > '9' || digits == 9)
      return -1;
    n = n * 10 + (*s - '0');
  }
  return digits > 0 ? n : -1;
}

int main(int argc, char **argv)
{
  int ticks = argc == 2 ? parse_ticks(argv[1]) : -1;
  if (ticks < 0) {
    fprintf(2, "usage: pause TICKS\n");
    return 1;
  }
  int r = sleep(ticks);
  if (r < 0) {
    fprintf(2, "pause: sleep: %s\n", errstr(r));
    return 1;
  }
  return 0;
}
#else
int main(int argc, char **argv)
{
  fprintf(2, "pause: not implemented\n");
  return 1;
}
#endif
