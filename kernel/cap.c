// Capability tables: each process names the objects it may use by slot
// number, and each slot carries the rights its holder has. A file descriptor
// is such a slot. Everything here checks the slot number it is given, so a
// user program can pass any integer without harming the kernel.
//
// Only the owning process (or its parent in fork, before the child runs)
// touches a table, so no lock is needed; the file references inside are
// counted by file.c under its own lock.
#include "types.h"
#include "param.h"
#include "errno.h"
#include "proc.h"
#include "file.h"
#include "cap.h"

// The slot if it holds a live capability, else 0.
static struct cap *live_slot(struct proc *p, int slot)
{
  if (slot < 0 || slot >= NCAP)
    return 0;
  struct cap *c = &p->caps.slot[slot];
  return c->file ? c : 0;
}

static int free_slot(struct proc *p)
{
  for (int i = 0; i < NCAP; i++)
    if (p->caps.slot[i].file == 0)
      return i;
  return -E_CAPFULL;
}

int cap_install(struct proc *p, struct file *f, uint32 rights)
{
  int i = free_slot(p);
  if (i < 0)
    return i;
  p->caps.slot[i].file = f;
  p->caps.slot[i].rights = rights;
  p->caps.slot[i].badge = 0;
  return i;
}

struct file *cap_lookup(struct proc *p, int slot, uint32 need, int *err)
{
  struct cap *c = live_slot(p, slot);
  if (c == 0) {
    *err = -E_BADCAP;
    return 0;
  }
  if ((c->rights & need) != need) {
    *err = -E_NORIGHT;
    return 0;
  }
  *err = 0;
  return c->file;
}

int cap_close(struct proc *p, int slot)
{
  struct cap *c = live_slot(p, slot);
  if (c == 0)
    return -E_BADCAP;
  struct file *f = c->file;
  c->file = 0;   // empty the slot first: fileclose may sleep
  c->rights = 0;
  c->badge = 0;
  fileclose(f);
  return 0;
}

// Same object, same rights, same badge, in the lowest free slot. Needs the
// DUP right: a holder may be given an object it must not pass on.
int cap_dup(struct proc *p, int slot)
{
  struct cap *c = live_slot(p, slot);
  if (c == 0)
    return -E_BADCAP;
  if (!(c->rights & CAP_R_DUP))
    return -E_NORIGHT;
  int i = free_slot(p);
  if (i < 0)
    return i;
  p->caps.slot[i] = *c;
  filedup(c->file);
  return i;
}

void cap_inherit(struct proc *child, struct proc *parent)
{
  for (int i = 0; i < NCAP; i++) {
    child->caps.slot[i] = parent->caps.slot[i];
    if (child->caps.slot[i].file)
      filedup(child->caps.slot[i].file);
  }
}

void cap_close_all(struct proc *p)
{
  for (int i = 0; i < NCAP; i++)
    if (p->caps.slot[i].file)
      cap_close(p, i);
}
