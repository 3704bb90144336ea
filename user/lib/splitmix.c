// splitmix64 (splitmix.h).
#include "kernel/types.h"
#include "user/lib/splitmix.h"

uint64 splitmix_next(uint64 *state)
{
  uint64 z = (*state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

int splitmix_below(uint64 *state, int n)
{
  return (int)(splitmix_next(state) % (uint64)n);
}

uint64 splitmix_seed(const char *seed)
{
  uint64 v = 0;
  for (; *seed >= '0' && *seed <= '9'; seed++)
    v = v * 10 + (*seed - '0');
  return v;
}
