// Program entry point. exec starts a program here with argc in a0 and argv in
// a1; returning from main is the same as calling exit with its value. The
// powerbox's grant table at the end of argv (grant.h) is taken off first,
// so main sees the arguments the person typed.
#include "kernel/types.h"
#include "user/user.h"
#include "user/lib/grant.h"

int main(int argc, char **argv);

__attribute__((section(".text.start"), noreturn))
void _start(int argc, char **argv)
{
  argc = grant_take(argc, argv);
  exit(main(argc, argv));
}
