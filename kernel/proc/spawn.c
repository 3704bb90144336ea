// spawn: start a program as a new child process holding exactly the
// capabilities its parent lists (spawncap.h), nothing inherited. Least
// privilege at creation: where fork copies the whole parent and exec keeps
// every slot, spawn builds the child from an empty table.
//
// The steps, each undone if a later one fails, so a failed spawn leaves
// no process, record or page behind: a blank process (proc.c), the
// program loaded as exec loads it (exec.c: the program is found as the
// parent would find it), the listed capabilities derived from the
// parent's (captransfer.c), a process capability for the parent
// (pcap.c), then the child is made runnable. The child is made in a
// SandCell: the caller's (spawn) or the one cell_spawn names (spawn_in),
// and everything built for it is charged to that cell.
#include "types.h"
#include "param.h"
#include "errno.h"
#include "lib/spinlock.h"
#include "proc/proc.h"
#include "fs.h"
#include "fs/log.h"
#include "file.h"
#include "stat.h"
#include "proc/exec.h"
#include "cap/cap.h"
#include "cap/pcap.h"
#include "cap/captransfer.h"
#include "spawncap.h"
#include "cap/capnode.h"
#include "fs/dircap.h"
#include "lib/klib.h"
#include "mm/vm.h"
#include "cell/cell.h"
#include "proc/spawn.h"

static int build(struct cell *c, struct proc *p, char *path, char **argv,
                 const struct spawncap *list, int n);

// Is the list well formed (known roles, at most one cwd and one root,
// at most NCAP slots)? 0 or -E_INVAL.
static int check_list(const struct spawncap *list, int n)
{
  int slots = 0, cwd = 0, root = 0;
  for (int i = 0; i < n; i++) {
    switch (list[i].role) {
    case SPAWN_SLOT: slots++; break;
    case SPAWN_CWD: cwd++; break;
    case SPAWN_ROOT: root++; break;
    case SPAWN_PROC: break;   // at most SPAWN_MAXCAPS < NPCAP of them
    default: return -E_INVAL;
    }
  }
  return slots > NCAP || cwd > 1 || root > 1 ? -E_INVAL : 0;
}

// The directory entries of the list: SPAWN_CWD and SPAWN_ROOT become the
// child's cwd and root capabilities (dircap.h), derived from the parent's
// slot with the listed rights and the slot's boundary. 0 or an error
// (cap_close_all then drops whatever was given).
static int give_dirs(struct proc *np, struct proc *p, const struct spawncap *list, int n)
{
  for (int i = 0; i < n; i++) {
    if (list[i].role != SPAWN_CWD && list[i].role != SPAWN_ROOT)
      continue;
    int err;
    struct file *f = cap_give_check(p, &list[i], &err);
    if (f == 0)
      return err;
    if (f->type != FD_INODE || f->ip->type != T_DIR)
      return -E_NOTDIR;
    // The slot's record stays put: only its owner (the caller) changes it.
    struct capnode *from = p->caps.slot[list[i].slot].node;
    int which = list[i].role == SPAWN_CWD ? DIRCAP_CWD : DIRCAP_ROOT;
    filedup(f);
    if ((err = dircap_set(np, which, from, f, list[i].rights)) < 0) {
      fileclose(f);
      return err;
    }
  }
  return 0;
}

// cell_spawn without a program: np gets a copy of p's memory and
// registers and returns 0 from the call, like fork's child. 0 or -E_NOMEM.
static int copy_image(struct proc *np, struct proc *p)
{
#if LAB >= 7
  // A copy in another cell gets pages of its own (charged to its cell), even
  // with copy-on-write fork: a page shared across a cell boundary would stay
  // charged to the parent's cell while the child holds it (book 3.9).
  int share = np->cell == p->cell;
  if ((share ? uvmcopy : uvmcopy_private)(p->pagetable, np->pagetable, p->sz) < 0)
    return -E_NOMEM;
#else
  if (uvmcopy(p->pagetable, np->pagetable, p->sz) < 0)
    return -E_NOMEM;
#endif
  np->sz = p->sz;
  *np->trapframe = *p->trapframe;
  np->trapframe->regs[REG_A0] = 0;
  safestrcpy(np->name, p->name, sizeof(np->name));
  return 0;
}

int spawn(char *path, char **argv, const struct spawncap *list, int n)
{
  return spawn_in(myproc()->cell, path, argv, list, n);
}

int spawn_in(struct cell *c, char *path, char **argv, const struct spawncap *list, int n)
{
  struct proc *p = myproc();
  p->charge = c;   // everything built below is c's (kalloc.c, cell.h)
  p->page_refused = 0;
  int err = build(c, p, path, argv, list, n);
  p->charge = p->cell;
  if (err == -E_NOMEM && p->page_refused)
    err = -E_QUOTA;   // c's page quota, not the machine, ran out
  return err;
}

static int build(struct cell *c, struct proc *p, char *path, char **argv,
                 const struct spawncap *list, int n)
{
  int err;
  if (n < 0 || n > SPAWN_MAXCAPS)
    return -E_INVAL;
  if ((err = check_list(list, n)) < 0)
    return err;
  struct proc *np = proc_alloc_blank(c, &err);
  if (np == 0)
    return err;

  if (path) {
    struct image img;
    if ((err = exec_load(np, path, argv, &img)) < 0)
      goto fail;
    exec_commit(np, path, &img);   // frees np's empty page table
    np->trapframe->regs[REG_A0] = img.argc;
  } else if ((err = copy_image(np, p)) < 0) {
    goto fail;
  }
  if ((err = give_dirs(np, p, list, n)) < 0)
    goto fail_caps;
  if ((err = cap_give_spawn(np, p, list, n)) < 0)
    goto fail_caps;   // no slot given
  for (int i = 0; i < n; i++)
    if (list[i].role == SPAWN_PROC &&
        (err = pcap_give_derived(np, p, list[i].slot, list[i].rights)) < 0)
      goto fail_caps;
  if ((err = pcap_give(p, np, PCAP_RIGHTS)) < 0)
    goto fail_caps;
  int pid = np->pid;
  proc_start(np, p);
  return pid;

fail_caps:
  cap_close_all(np);   // slots, cwd and root
  pcap_close_all(np);  // process capabilities
fail:
  proc_discard(np);
  return err;
}
