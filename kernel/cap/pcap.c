// Process capabilities (see pcap.h). Each is a capability record
// (capnode.h) whose object is a process, kept in p->caps.proc[]; user code
// names one by the pid of its process, so xv6's kill(pid) keeps its
// signature while needing a capability with CAP_R_KILL.
//
// All of it runs under caplock. A record names (proc, pid); pids are never
// reused, and freeproc() drops every record naming a process (pcap_forget)
// before its pid changes, so a record never names the wrong process.
#include "types.h"
#include "param.h"
#include "errno.h"
#include "lib/spinlock.h"
#include "proc/proc.h"
#include "cap/capnode.h"
#include "cap/capcheck.h"
#include "cap/pcap.h"

static int free_entry(struct proc *p)
{
  for (int i = 0; i < NPCAP; i++)
    if (p->caps.proc[i] == 0)
      return i;
  return -1;
}

// Drop entry i of p (caplock held).
static void drop_entry(struct proc *p, int i)
{
  capnode_free(p->caps.proc[i]);
  p->caps.proc[i] = 0;
}

// Give parent a new capability for child; its entry index, or -1.
// caplock held.
static int grant(struct proc *parent, struct proc *child)
{
  int slot = free_entry(parent);
  struct capnode *root = slot >= 0 ? capnode_alloc(0, 0, PCAP_RIGHTS, 0) : 0;
  if (root == 0)
    return -1;
  root->proc = child;
  root->pid = child->pid;
  parent->caps.proc[slot] = root;
  return slot;
}

int pcap_fork(struct proc *parent, struct proc *child)
{
  acquire(&caplock);
  int slot = grant(parent, child);
  if (slot < 0) {
    release(&caplock);
    return -E_CAPPOOL;
  }
  for (int i = 0; i < NPCAP; i++) {
    struct capnode *n = parent->caps.proc[i];
    child->caps.proc[i] = 0;
    if (n == 0)
      continue;
    struct capnode *c = capnode_alloc(n, 0, n->rights, n->badge);
    if (c == 0) {
      for (int j = 0; j < i; j++)
        if (child->caps.proc[j])
          drop_entry(child, j);
      drop_entry(parent, slot);
      release(&caplock);
      return -E_CAPPOOL;
    }
    c->proc = n->proc;
    c->pid = n->pid;
    child->caps.proc[i] = c;
  }
  release(&caplock);
  return 0;
}

struct proc *pcap_find_locked(struct proc *p, int pid, uint32 need, int *err)
{
  *err = -E_NOCAP;
  for (int i = 0; i < NPCAP; i++) {
    struct capnode *n = p->caps.proc[i];
    if (n == 0 || n->pid != pid)
      continue;
    int e = cap_check(n, need);   // the rights rule of every use
    if (e == 0) {
      *err = 0;
      return n->proc;
    }
    if (e == -E_NORIGHT)
      *err = e;   // keep looking: another may carry the right
    // (a revoked one counts as not held)
  }
  return 0;
}

struct proc *pcap_lookup(struct proc *p, int pid, uint32 need, int *err)
{
  acquire(&caplock);
  struct proc *target = pcap_find_locked(p, pid, need, err);
  release(&caplock);
  return target;
}

int pcap_holds(struct proc *p, int pid, uint32 need)
{
  int err;
  acquire(&caplock);
  struct proc *t = pcap_find_locked(p, pid, need, &err);
  release(&caplock);
  return t ? 0 : err;
}

int pcap_give(struct proc *p, struct proc *target, uint32 rights)
{
  acquire(&caplock);
  int slot = free_entry(p);
  struct capnode *n = slot >= 0 ? capnode_alloc(0, 0, rights, 0) : 0;
  if (n) {
    n->proc = target;
    n->pid = target->pid;
    p->caps.proc[slot] = n;
  }
  release(&caplock);
  return n ? 0 : -E_CAPPOOL;
}

int pcap_drop(struct proc *p, int pid)
{
  int dropped = 0;
  acquire(&caplock);
  for (int i = 0; i < NPCAP; i++) {
    struct capnode *n = p->caps.proc[i];
    if (n && (pid == -1 || n->pid == pid)) {
      drop_entry(p, i);
      dropped++;
    }
  }
  release(&caplock);
  return dropped;
}

int pcap_give_derived(struct proc *child, struct proc *parent, int pid, uint32 rights)
{
  int err = -E_NOCAP;
  uint32 r;
  acquire(&caplock);
  struct capnode *src = 0;
  for (int i = 0; i < NPCAP && src == 0; i++) {   // any of them that allows it
    struct capnode *c = parent->caps.proc[i];
    if (c && c->pid == pid && (err = cap_derive_rights(c, CAP_R_TRANSFER, rights, &r)) == 0)
      src = c;
  }
  int slot = src ? free_entry(child) : -1;
  struct capnode *n = slot >= 0 ? capnode_alloc(src, 0, r, src->badge) : 0;
  if (n) {
    n->proc = src->proc;
    n->pid = src->pid;
    child->caps.proc[slot] = n;
    err = 0;
  } else if (src) {
    err = -E_CAPPOOL;
  }
  release(&caplock);
  return err;
}

int pcap_restrict(struct proc *p, int pid, uint32 rights)
{
  int n = 0, err = 0;
  uint32 r;
  acquire(&caplock);
  // All or nothing: every live record for pid must allow it before any
  // changes (the rule of every derivation: rights only shrink, asking for
  // more is -E_RIGHTS). Revoked records stay as they are.
  for (int pass = 0; pass < 2 && err == 0; pass++) {
    for (int i = 0; i < NPCAP && err == 0; i++) {
      struct capnode *c = p->caps.proc[i];
      if (c == 0 || !cap_live(c) || (pid != -1 && c->pid != pid))
        continue;
      if (pass == 0)
        err = cap_derive_rights(c, 0, rights, &r), n++;
      else
        c->rights = rights;
    }
  }
  release(&caplock);
  return err < 0 ? err : n;
}

void pcap_close_all(struct proc *p)
{
  acquire(&caplock);
  for (int i = 0; i < NPCAP; i++)
    if (p->caps.proc[i])
      drop_entry(p, i);
  release(&caplock);
}

void pcap_forget(struct proc *p)
{
  if (p->pid == 0)
    return;
  acquire(&caplock);
  for (int i = 0; i < NPCAP; i++)   // its own, if it never ran exit
    if (p->caps.proc[i])
      drop_entry(p, i);
  for (struct proc *q = proc; q < proc + NPROC; q++)
    for (int i = 0; i < NPCAP; i++) {
      struct capnode *n = q->caps.proc[i];
      if (n && n->proc == p && n->pid == p->pid)
        drop_entry(q, i);
    }
  release(&caplock);
}

int pcap_target_ok(const struct capnode *n)
{
  if (n->proc == 0)
    return 0;
  int i = n->proc - proc;
  // pid is written under the target's p->lock; a torn read is impossible
  // for an aligned int, and a pid only changes after pcap_forget.
  return i >= 0 && i < NPROC && n->proc == &proc[i] &&
         __atomic_load_n(&n->proc->pid, __ATOMIC_RELAXED) == n->pid;
}
