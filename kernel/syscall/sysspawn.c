// spawn(path, argv, const struct spawncap *caps, int ncaps) -> child's pid:
// the system call (the rules: spawncap.h). Errors:
//   -E_INVAL    ncaps < 0 or > SPAWN_MAXCAPS, an unknown role, more than
//               NCAP slot entries or more than one cwd or root entry
//   -E_BADCAP   an entry's slot names no live capability
//   -E_NORIGHT  an entry's slot lacks CAP_R_TRANSFER
//   -E_RIGHTS   an entry asks for rights its slot does not have
//   -E_NOTDIR   a SPAWN_CWD or SPAWN_ROOT entry is not a directory
//   -E_NOCAP    a SPAWN_PROC entry names a pid the caller holds no
//               process capability for (its NORIGHT/RIGHTS as above)
//   -E_CAPPOOL  the kernel's pool of capability records is exhausted
//   -E_PROCLIM  the process table is full
//   -E_NOENT, -E_ISDIR, -E_NOEXEC, -E_NOMEM, -E_TOOBIG   as exec
//   -E_FAULT    bad user address
// On any error there is no child and nothing of the caller's changed.
#include "types.h"
#include "param.h"
#include "errno.h"
#include "lib/spinlock.h"
#include "proc/proc.h"
#include "mm/vm.h"
#include "spawncap.h"
#include "proc/spawn.h"
#include "syscall/syscall_args.h"
#include "syscall/syscap.h"

uint64 sys_spawn(void)
{
  char path[MAXPATH];
  char *argv[MAXARG + 1];
  struct spawncap list[SPAWN_MAXCAPS];
  int n = argint(3);
  int err = argstr(0, path, MAXPATH);
  if (err < 0)
    return err;
  if (n < 0 || n > SPAWN_MAXCAPS)
    return -E_INVAL;
  if (n > 0 && copyin(myproc()->pagetable, list, argaddr(2), n * sizeof(list[0])) < 0)
    return -E_FAULT;
  if ((err = fetch_argv(argaddr(1), argv)) == 0)
    err = spawn(path, argv, list, n);
  free_argv(argv);
  return err;
}
