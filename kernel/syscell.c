// System calls on SandCells. A cell is named by a capability slot holding
// an FD_CELL object; each call checks the slot's rights (cellinfo.h) and
// then works on the cell. The errors, beyond the capability ones
// (-E_BADCAP, -E_NORIGHT) and -E_FAULT:
//   -E_INVAL     the slot names something that is not a cell, or a bad value
//   -E_QUOTA     a quota would be exceeded (whose: see each call)
//   -E_CELLDEAD  the cell has been destroyed
#include "types.h"
#include "param.h"
#include "riscv.h"
#include "errno.h"
#include "spinlock.h"
#include "klib.h"
#include "kalloc.h"
#include "vm.h"
#include "proc.h"
#include "file.h"
#include "cap.h"
#include "cell.h"
#include "cellinfo.h"
#include "faultrec.h"
#include "fault.h"
#include "channel.h"
#include "syscall_args.h"
#include "syscell.h"

// The cell in slot, if the slot holds a live cell capability with `need`:
// -E_BADCAP, then -E_INVAL for another kind of object, then -E_NORIGHT.
static struct cell *cell_arg(int n, uint32 need, int *err)
{
  struct file *f = cap_lookup(myproc(), argint(n), 0, err);
  if (f == 0)
    return 0;
  if (f->type != FD_CELL) {
    *err = -E_INVAL;
    return 0;
  }
  if (cap_lookup(myproc(), argint(n), need, err) == 0)
    return 0;
  return f->cell;   // alive while the caller holds the slot
}

int cell_install(struct proc *p, struct cell *c, int slot)
{
  struct file *f = filealloc();
  if (f == 0)
    return -E_NFILE;
  f->type = FD_CELL;
  f->cell = c;
  cell_file_ref(c);
  int r = slot < 0 ? cap_install(p, f, CELL_RIGHTS) : cap_install_at(p, slot, f, CELL_RIGHTS);
  if (r < 0)
    fileclose(f);   // drops the reference: a cell nothing names is freed
  return r;
}

// The supervisor channel named by chanslot (-1: none): a channel's send
// end with CAP_R_SEND. 0 (and *f, a new reference, or 0) or an error.
static int supervisor_arg(int chanslot, struct file **f)
{
  int err;
  *f = 0;
  if (chanslot == -1)
    return 0;
  struct file *ch = cap_lookup(myproc(), chanslot, 0, &err);
  if (ch == 0)
    return err;
  if (ch->type != FD_CHANNEL || !ch->chan_send_end)
    return -E_INVAL;
  if (cap_lookup(myproc(), chanslot, CAP_R_SEND, &err) == 0)
    return err;
  *f = filedup(ch);
  return 0;
}

// cell_create(slot, struct cellquota *q, chanslot) -> slot of a capability
// (all cell rights) for a new cell inside the one in slot, with quotas *q.
// Needs CELL_R_CREATE. chanslot is -1 or a channel's send end (with
// CAP_R_SEND): the supervisor channel the records of faults in the cell
// (and in cells inside it without one of their own) are sent on, as
// messages of one struct faultrec each; the cell holds it until it is
// destroyed. -E_INVAL for a zero page or process quota, a cpu share
// outside 1..100, nesting deeper than CELL_MAXDEPTH or a chanslot that is
// not a send end; -E_QUOTA if the parent's remaining quota cannot cover
// *q (or q->cpu is above the parent's); -E_CELLDEAD; -E_NOMEM (no cell
// left); and the caller's slot errors (-E_CAPFULL, -E_QUOTA for its own
// cell's slots).
uint64 sys_cell_create(void)
{
  int err;
  struct cell *parent = cell_arg(0, CELL_R_CREATE, &err);
  if (parent == 0)
    return err;
  struct cellquota q;
  if (copyin(myproc()->pagetable, &q, argaddr(1), sizeof(q)) < 0)
    return -E_FAULT;
  struct file *superv;
  if ((err = supervisor_arg(argint(2), &superv)) < 0)
    return err;
  struct cell *c;
  if ((err = cell_create(parent, &q, superv, &c)) < 0) {
    if (superv)
      fileclose(superv);
    return err;
  }
  return cell_install(myproc(), c, -1);
}

// cell_destroy(slot) -> how many processes were killed. The cell and every
// cell inside it are marked dead; their processes are killed (each exits
// at its next step in the kernel or return to user mode) and every
// capability they hold is revoked with everything derived from it. The
// capability stays (cell_info shows dead = 1) until closed. Needs
// CELL_R_DESTROY; -E_INVAL for the root cell.
uint64 sys_cell_destroy(void)
{
  int err;
  struct cell *c = cell_arg(0, CELL_R_DESTROY, &err);
  return c ? cell_destroy(c) : err;
}

// cell_info(slot, struct cellinfo *buf, max) -> how many records were
// written: buf[0] describes the cell in slot, the rest every live cell
// inside it. Needs CELL_R_INFO. -E_INVAL for max < 1.
uint64 sys_cell_info(void)
{
  int err;
  struct cell *c = cell_arg(0, CELL_R_INFO, &err);
  if (c == 0)
    return err;
  uint64 buf = argaddr(1);
  int max = argint(2);
  if (max < 1)
    return -E_INVAL;
  int n = 0;
  struct cellinfo ci;
  while (n < max && cell_nth(c, n, &ci)) {
    if (copyout(myproc()->pagetable, buf + n * sizeof(ci), &ci, sizeof(ci)) < 0)
      return -E_FAULT;
    n++;
  }
  return n;
}

// Copy path and argv from user memory into one kernel page.
static int fetch_program(uint64 upath, uint64 uargv, struct spawnargs **out)
{
  struct spawnargs *a = kalloc();   // charged to the caller's cell
  if (a == 0)
    return -E_NOMEM;
  int r = fetchstr(upath, a->path, MAXPATH);
  char *s = a->strings, *end = (char *)a + PGSIZE;
  int n = 0;
  for (; r >= 0; n++) {
    uint64 uarg;
    if (n > MAXARG) {
      r = -E_TOOBIG;
      break;
    }
    if ((r = fetchaddr(uargv + n * sizeof(uint64), &uarg)) < 0)
      break;
    if (uarg == 0)
      break;
    if (s >= end) {
      r = -E_TOOBIG;
      break;
    }
    if ((r = fetchstr(uarg, s, end - s)) < 0)
      break;
    a->argv[n] = s;
    s += r + 1;
  }
  if (r < 0) {
    kfree(a);
    return r == -E_NAMETOOLONG && s > a->strings ? -E_TOOBIG : r;
  }
  a->argv[n] = 0;
  *out = a;
  return 0;
}

// cell_spawn(slot, path, argv, caps, ncaps) -> pid of a new process in the
// cell in slot, holding exactly the capabilities in the caller's slots
// caps[0..ncaps) as its slots 0..ncaps-1 (each needs CAP_R_TRANSFER; a
// channel's receive end among them binds the channel to the cell, whose
// id becomes the channel's generation: channel.h) and
// no process capability; the caller gets a process capability for it
// (kill, wait). With path != 0 it runs path with argv (argv as for exec);
// if that fails it exits with the error as its status. With path == 0 it
// is a copy of the caller (memory only, not a lazymap region) and
// cell_spawn returns 0 in it, like fork. Needs CELL_R_SPAWN. -E_QUOTA (the
// cell's processes, pages or slots), -E_CELLDEAD, -E_INVAL (ncaps), and
// the errors of the listed slots.
uint64 sys_cell_spawn(void)
{
  int err;
  struct cell *c = cell_arg(0, CELL_R_SPAWN, &err);
  if (c == 0)
    return err;
  int ncaps = argint(4);
  int slots[NCAP];
  if (ncaps < 0 || ncaps > NCAP)
    return -E_INVAL;
  if (ncaps > 0 && copyin(myproc()->pagetable, slots, argaddr(3), ncaps * sizeof(int)) < 0)
    return -E_FAULT;
  struct spawnargs *args = 0;
  if (argaddr(1) != 0 && (err = fetch_program(argaddr(1), argaddr(2), &args)) < 0)
    return err;
  int pid = spawn_in_cell(c, slots, ncaps, args);
  // A channel whose receive end the new process got is served by this
  // cell from now on: its generation is the cell's id.
  for (int i = 0; pid > 0 && i < ncaps; i++) {
    struct file *f = cap_lookup(myproc(), slots[i], 0, &err);
    if (f && chan_is_receive_end(f))
      chan_bind(f, cell_id(c));
  }
  return pid;
}

// cell_faults(slot, struct faultrec *buf, max, block) -> how many fault
// records were taken (oldest first) of the cell in slot and every cell
// inside it. With block != 0 and none queued, waits until one arrives.
// Needs CELL_R_FAULTS. -E_INVAL for max < 1, -E_KILLED if the caller is
// killed while waiting.
uint64 sys_cell_faults(void)
{
  int err;
  struct cell *c = cell_arg(0, CELL_R_FAULTS, &err);
  if (c == 0)
    return err;
  uint64 buf = argaddr(1);
  int max = argint(2), block = argint(3);
  if (max < 1)
    return -E_INVAL;
  for (;;) {
    uint64 seen = fault_arrivals();
    int n = 0;
    struct faultrec r;
    while (n < max && fault_take(c, &r)) {
      if (copyout(myproc()->pagetable, buf + n * sizeof(r), &r, sizeof(r)) < 0)
        return n > 0 ? n : -E_FAULT;   // records taken so far are delivered
      n++;
    }
    if (n > 0 || !block)
      return n;
    if ((err = fault_wait(seen)) < 0)
      return err;
  }
}
