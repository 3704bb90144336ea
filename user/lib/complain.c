// The error reporters shared by the programs in user/ (util.h). A file of
// their own: a program in xv6's style that has a fail() of its own (many
// do) never links this one.
#include "kernel/types.h"
#include "user/user.h"
#include "user/lib/util.h"

int complain(const char *who, const char *what, int err)
{
  fprintf(2, "%s: %s: %s\n", who, what, errstr(err));
  return 1;
}

void fail(const char *who, const char *what, int err)
{
  complain(who, what, err);
  exit(1);
}
