// Program entry point. exec starts a program here with argc in a0 and argv in
// a1; returning from main is the same as calling exit with its value.
#include "kernel/types.h"
#include "user/user.h"

int main(int argc, char **argv);

__attribute__((section(".text.start"), noreturn))
void _start(int argc, char **argv)
{
  exit(main(argc, argv));
}
