// System calls on capabilities: derive with fewer rights, restrict in
// place, delete, revoke, describe, and audit the whole system. Each fetches
// its arguments and calls cap.c; any integer is a safe slot number, any
// address a safe buffer (a bad one gives -E_FAULT). The errors:
//   -E_BADCAP   no such live capability: slot out of range, empty or revoked
//   -E_NORIGHT  the capability lacks the right the call needs
//   -E_RIGHTS   asked for rights the source capability does not have
//   -E_CAPFULL  the caller's capability table is full
//   -E_CAPPOOL  the kernel's pool of capability records is exhausted
//   -E_FAULT    bad user address
//   -E_BADGE    the capability already carries a badge (cap_badge)
//   -E_NOCAP    no capability at all for that process (cap_list)
#include "types.h"
#include "param.h"
#include "errno.h"
#include "lib/spinlock.h"
#include "proc/proc.h"
#include "mm/vm.h"
#include "cap/cap.h"
#include "capinfo.h"
#include "riscv.h"
#include "mm/kalloc.h"
#include "cap/pcap.h"
#include "syscall/syscall_args.h"
#include "sysctl.h"
#include "syscall/syscap.h"

// cap_dup(slot, rights) -> new slot holding a capability derived from slot
// with exactly `rights`. Needs CAP_R_DUP on slot. -E_BADCAP, -E_NORIGHT,
// -E_RIGHTS, -E_CAPFULL, -E_CAPPOOL.
uint64 sys_cap_dup(void)
{
  return cap_dup(myproc(), argint(0), (uint32)argint(1), 0);
}

// cap_restrict(slot, rights) -> 0: slot keeps only `rights`, which must be
// a subset of what it has. Needs no right. -E_BADCAP, -E_RIGHTS.
uint64 sys_cap_restrict(void)
{
  return cap_restrict(myproc(), argint(0), (uint32)argint(1));
}

// cap_delete(slot) -> 0: empty the slot (close). Allowed on a revoked slot,
// so its holder can free it. -E_BADCAP if the slot is empty or invalid.
uint64 sys_cap_delete(void)
{
  return cap_close(myproc(), argint(0));
}

// cap_revoke(slot) -> number of capabilities revoked: every capability
// derived from slot, transitively, in every process, now fails with
// -E_BADCAP; slot itself stays. Needs CAP_R_REVOKE. -E_BADCAP, -E_NORIGHT.
uint64 sys_cap_revoke(void)
{
  return cap_revoke(myproc(), argint(0));
}

// cap_info(slot, struct capinfo *) -> 0. -E_BADCAP, -E_FAULT.
uint64 sys_cap_info(void)
{
  struct capinfo info;
  struct proc *p = myproc();
  int r = cap_describe(p, argint(0), &info);
  if (r < 0)
    return r;
  if (copyout(p->pagetable, argaddr(1), &info, sizeof(info)) < 0)
    return -E_FAULT;
  return 0;
}

// cap_audit(struct capaudit *) -> 0 (the counts, and inconsistencies found,
// are in the struct). Needs the system-control capability with
// CAP_R_READ (kernel/sysctl.h): the counts are system-wide (a process
// could read another's activity in them) and the walk holds caplock over
// the whole pool. -E_NOCAP, -E_BADCAP, -E_NORIGHT, -E_FAULT.
uint64 sys_cap_audit(void)
{
  int err = sysctl_check(myproc(), CAP_R_READ);
  if (err < 0)
    return err;
  struct capaudit a;
  cap_check_all(&a);
  if (copyout(myproc()->pagetable, argaddr(0), &a, sizeof(a)) < 0)
    return -E_FAULT;
  return 0;
}

// cap_badge(slot, badge) -> new slot derived from slot with the same rights
// and `badge` (non-zero). Needs CAP_R_DUP; only an unbadged capability can
// be badged, and nothing ever changes a badge, so a badge a receiver sees
// is the one its minter set. -E_BADCAP, -E_NORIGHT, -E_INVAL (badge 0),
// -E_BADGE, -E_CAPFULL, -E_CAPPOOL.
uint64 sys_cap_badge(void)
{
  return cap_badge(myproc(), argint(0), argaddr(1));
}

// cap_dropproc(pid) -> how many process capabilities for pid the caller
// dropped (pid -1: all of them; 0 if it held none). Lets a program give up
// the authority to kill or wait for processes before running another.
uint64 sys_cap_dropproc(void)
{
  return pcap_drop(myproc(), argint(0));
}

// cap_restrictproc(pid, rights) -> how many of the caller's process
// capabilities for pid (-1: all of them) now carry exactly `rights` (0 if
// it held none). Attenuation for process capabilities, like cap_restrict
// for a slot: -E_RIGHTS if one lacks a right asked for (nothing changes).
uint64 sys_cap_restrictproc(void)
{
  return pcap_restrict(myproc(), argint(0), (uint32)argint(1));
}

// cap_list(pid, struct capent *buf, max) -> how many capabilities process
// pid (0: the caller) holds; the first min(that, max) are written to buf.
// Listing another process needs a process capability for it with
// CAP_R_INSPECT (fork gives the parent one). -E_NOCAP, -E_NORIGHT,
// -E_INVAL (max < 0), -E_FAULT, -E_NOMEM.
_Static_assert((NCAP + NDIRCAP + NPCAP) * sizeof(struct capent) <= PGSIZE,
               "cap_list: a whole table must fit in one page");

uint64 sys_cap_list(void)
{
  int pid = argint(0), max = argint(2);
  uint64 ubuf = argaddr(1);
  if (max < 0)
    return -E_INVAL;
  struct capent *buf = kalloc();   // a table's worth fits in a page
  if (buf == 0)
    return -E_NOMEM;
  int cap = PGSIZE / sizeof(struct capent);
  int n = cap_list(myproc(), pid, buf, max < cap ? max : cap);
  int copy = n < max ? n : max;
  if (copy > cap)
    copy = cap;
  if (n > 0 && copy > 0 &&
      copyout(myproc()->pagetable, ubuf, buf, copy * sizeof(struct capent)) < 0)
    n = -E_FAULT;
  kfree(buf);
  return n;
}
