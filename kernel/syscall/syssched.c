// System calls of the scheduler: read the event trace and the statistics,
// switch the policy, set a weight, name the policy. The API, the
// capability's rights and the errors are described in schedctl.h.
//
// The scheduler-control object is a struct file of type FD_SCHEDCTL with no
// state of its own (there is one scheduler): what matters is holding a
// capability for it, with the right rights. Only the kernel creates one,
// for init at boot.
#include "types.h"
#include "param.h"
#include "errno.h"
#include "lib/spinlock.h"
#include "lib/klib.h"
#include "proc/proc.h"
#include "mm/vm.h"
#include "mm/kalloc.h"
#include "file.h"
#include "cap/cap.h"
#include "cap/capnode.h"
#include "cap/pcap.h"
#include "lib/printf.h"
#include "schedctl.h"
#include "sched/sched.h"
#include "syscall/syscall_args.h"
#include "syscall/syssched.h"

// Rights init's capability carries.
#define SCHEDCTL_RIGHTS (CAP_R_READ | CAP_R_WRITE | CAP_R_DUP | CAP_R_TRANSFER | CAP_R_REVOKE)

void schedctl_give_init(struct proc *p)
{
  cap_give_object(p, SCHEDCTL_SLOT, FD_SCHEDCTL, SCHEDCTL_RIGHTS, "schedctl");
}

// 0 if slot holds a scheduler-control capability with every right in
// need; -E_BADCAP (empty, invalid, revoked), -E_NOCAP (it names something
// else), -E_NORIGHT.
static int schedctl_check(int slot, uint32 need)
{
  int err;
  struct file *f = cap_lookup(myproc(), slot, need, &err);
  if (f == 0)
    return err;
  return f->type == FD_SCHEDCTL ? 0 : -E_NOCAP;
}

// sched_trace(slot, struct sched_event *buf, max) -> records copied (0 when
// none is pending). Needs CAP_R_READ. Drains: each record is read once.
uint64 sys_sched_trace(void)
{
  int r = schedctl_check(argint(0), CAP_R_READ);
  if (r < 0)
    return r;
  return strace_read(argaddr(1), argint(2));
}

_Static_assert(sizeof(struct schedstat) <= PGSIZE, "struct schedstat must fit in a page");

// sched_stats(slot, struct schedstat *st, struct schedproc *procs, max) ->
// processes copied. st may be 0; procs may be 0 with max 0. CAP_R_READ.
uint64 sys_sched_stats(void)
{
  int r = schedctl_check(argint(0), CAP_R_READ);
  if (r < 0)
    return r;
  uint64 st_addr = argaddr(1), procs_addr = argaddr(2);
  int max = argint(3);
  if (max < 0)
    return -E_INVAL;
  struct proc *me = myproc();
  if (st_addr) {
    // In a page of its own, not on the one-page kernel stack: with the
    // per-hart rows it is 1.3 KiB, and a trap taken inside copyout would
    // stack its frames on top (a 3 KiB report overflowed it: book 4.16).
    struct schedstat *st = kalloc();
    if (st == 0)
      return -E_NOMEM;
    sched_fill_stats(st);
    int bad = copyout(me->pagetable, st_addr, (char *)st, sizeof(*st)) < 0;
    kfree(st);
    if (bad)
      return -E_FAULT;
  }
  int n = 0;
  for (struct proc *p = proc; p < &proc[NPROC] && n < max; p++) {
    struct schedproc sp;
    acquire(&p->lock);
    int live = p->state != UNUSED;
    if (live)
      sched_fill_proc(p, &sp);
    release(&p->lock);
    if (!live)
      continue;
    if (copyout(me->pagetable, procs_addr + n * sizeof(sp), (char *)&sp, sizeof(sp)) < 0)
      return -E_FAULT;
    n++;
  }
  return n;
}

// sched_setpolicy(slot, name) -> the new policy's id. Needs CAP_R_WRITE.
// -E_NOPOLICY for an unknown name.
uint64 sys_sched_setpolicy(void)
{
  char name[SCHED_NAME_LEN + 4];
  int r = schedctl_check(argint(0), CAP_R_WRITE);
  if (r < 0)
    return r;
  if ((r = argstr(1, name, sizeof(name))) < 0)
    return r == -E_NAMETOOLONG ? -E_NOPOLICY : r;
  int id = sched_policy_lookup(name);
  if (id < 0)
    return id;
  return sched_switch(id);
}

// sched_setweight(pid, weight, slot) -> 0. With slot >= 0, a
// scheduler-control capability with CAP_R_WRITE allows any weight in
// [SCHED_WEIGHT_MIN, SCHED_WEIGHT_MAX]; with slot -1, a process capability
// for pid with CAP_R_KILL allows weights up to SCHED_WEIGHT_DEFAULT
// (-E_NORIGHT above that). -E_INVAL, -E_NOCAP, -E_SRCH.
uint64 sys_sched_setweight(void)
{
  int pid = argint(0), weight = argint(1), slot = argint(2);
  if (weight < SCHED_WEIGHT_MIN || weight > SCHED_WEIGHT_MAX)
    return -E_INVAL;
  struct proc *target = 0;
  int err;
  if (slot >= 0 || slot < -1) {
    if ((err = schedctl_check(slot, CAP_R_WRITE)) < 0)
      return err;
    for (struct proc *p = proc; p < &proc[NPROC]; p++)
      if (p->pid == pid && pid > 0)   // a hint: checked under the lock below
        target = p;
  } else {
    if ((target = pcap_lookup(myproc(), pid, CAP_R_KILL, &err)) == 0)
      return err;
    if (weight > SCHED_WEIGHT_DEFAULT)
      return -E_NORIGHT;
  }
  if (target == 0)
    return -E_SRCH;
  acquire(&target->lock);
  if (target->pid != pid || target->state == UNUSED) {
    release(&target->lock);
    return -E_SRCH;
  }
  sched_set_weight(target, weight);
  release(&target->lock);
  return 0;
}

// sched_policy(buf, len) -> the active policy's id; its name goes to buf
// (cut to len bytes, always terminated) unless buf is 0. No capability.
uint64 sys_sched_policy(void)
{
  uint64 buf = argaddr(0);
  int len = argint(1);
  int id = sched_policy_id();
  if (buf == 0)
    return id;
  if (len <= 0)
    return -E_INVAL;
  char name[SCHED_NAME_LEN];
  safestrcpy(name, sched_policy_name(), sizeof(name));
  int n = strlen(name) + 1;
  if (n > len) {
    n = len;
    name[n - 1] = 0;
  }
  if (copyout(myproc()->pagetable, buf, name, n) < 0)
    return -E_FAULT;
  return id;
}
