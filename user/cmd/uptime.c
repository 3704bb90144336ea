// uptime: print the number of timer ticks since boot (one tick is 1 ms).
#include "kernel/types.h"
#include "user/user.h"
#include "user/manifest.h"

ZENITH_MANIFEST("stdio");

int main(void)
{
  printf("%d\n", uptime());
  return 0;
}
