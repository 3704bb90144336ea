// Wrappers over setdir() with the names Capsicum and POSIX readers expect.
#include "kernel/types.h"
#include "kernel/capinfo.h"
#include "user/user.h"

int fchdir(int slot)
{
  return setdir(DIRCAP_CWD, slot);
}

int setroot(int slot)
{
  return setdir(DIRCAP_ROOT, slot);
}
