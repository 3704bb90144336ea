// Report stamps (user/lib/stamp.h).
#include "kernel/types.h"
#include "user/user.h"
#include "user/lib/stamp.h"

uint64 stamp_seed;
static char nonce[33];   // empty: no stamps
static int seq;

// A string of 1..32 hex digits.
static int is_nonce(const char *s)
{
  int n = 0;
  for (; *s; s++, n++)
    if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')) || n == 32)
      return 0;
  return n > 0;
}

// A decimal number of 1..19 digits into *out.
static int parse_seed(const char *s, uint64 *out)
{
  uint64 v = 0;
  int n = 0;
  for (; *s; s++, n++) {
    if (*s < '0' || *s > '9' || n == 19)
      return 0;
    v = v * 10 + (*s - '0');
  }
  *out = v;
  return n > 0;
}

int stamp_args(int argc, char **argv)
{
  int at = 1;
  while (at + 1 < argc) {
    if (strcmp(argv[at], "-n") == 0 && is_nonce(argv[at + 1]))
      strcpy(nonce, argv[at + 1]);
    else if (!(strcmp(argv[at], "-s") == 0 && parse_seed(argv[at + 1], &stamp_seed)))
      break;
    at += 2;
  }
  int taken = at - 1;
  for (int i = 1; i + taken < argc; i++)
    argv[i] = argv[i + taken];
  return argc - taken;
}

const char *stamp(const char *tag)
{
  static char buf[64];
  if (!nonce[0])
    return tag;
  snprintf(buf, sizeof(buf), "%s:%s:%d", tag, nonce, ++seq);
  return buf;
}

void stamp_skip(int n)
{
  if (nonce[0])
    seq += n;
}
