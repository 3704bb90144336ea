#if LAB >= 3
#include "types.h"
#include "errno.h"
#include "sysproc.h"

uint64 sys_mprotect(void)
{
  return -E_NOSYS;
}
#endif
