// sysinfo: print what the sysinfo() system call reports about the machine.
#include "kernel/types.h"
#include "kernel/syscall.h"
#include "user/user.h"
#if LAB >= 2
#include "kernel/sysinfo.h"
#include "user/manifest.h"

ZENITH_MANIFEST("stdio");

// The syscall lab starts by giving sysinfo its number (kernel/syscall.h),
// its user stub and declaration; until then there is nothing to call.
#ifndef SYS_sysinfo
int main(void)
{
  fprintf(2, "sysinfo: the system call has no number yet (SYS_sysinfo, kernel/syscall.h)\n");
  return 1;
}
#else
int main(void)
{
  struct sysinfo si;
  int r = sysinfo(&si);
  if (r < 0) {
    fprintf(2, "sysinfo: %s\n", errstr(r));
    return 1;
  }
  printf("free pages: %lu\n", si.freepages);
  printf("processes: %lu\n", si.nproc);
  printf("uptime: %lu ticks\n", si.uptime);
  printf("harts: %lu\n", si.harts);
  return 0;
}
#endif
#else
int main(void)
{
  fprintf(2, "sysinfo: comes with lab 2 (syscall)\n");
  return 1;
}
#endif
