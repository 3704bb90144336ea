// The system-control capability (see sysctl.h): the object init is given
// at boot, and the check halt and procinfo make.
#include "types.h"
#include "param.h"
#include "errno.h"
#include "lib/spinlock.h"
#include "lib/printf.h"
#include "proc/proc.h"
#include "file.h"
#include "cap/cap.h"
#include "caprights.h"
#include "sysctl.h"

// Rights init's capability carries.
#define SYSCTL_RIGHTS (CAP_R_READ | CAP_R_WRITE | CAP_R_DUP | CAP_R_TRANSFER | CAP_R_REVOKE)

void sysctl_give_init(struct proc *p)
{
  cap_give_object(p, SYSCTL_SLOT, FD_SYSCTL, SYSCTL_RIGHTS, "sysctl");
}

int sysctl_check(struct proc *p, uint32 need)
{
  int err;
  struct file *f = cap_lookup(p, SYSCTL_SLOT, need, &err);
  if (f == 0)   // an empty slot: no capability at all (only p changes its slots)
    return p->caps.slot[SYSCTL_SLOT].node == 0 ? -E_NOCAP : err;
  return f->type == FD_SYSCTL ? 0 : -E_NOCAP;
}
