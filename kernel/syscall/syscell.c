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
#include "lib/spinlock.h"
#include "lib/klib.h"
#include "mm/kalloc.h"
#include "mm/vm.h"
#include "proc/proc.h"
#include "file.h"
#include "cap/cap.h"
#include "cell/cell.h"
#include "cellinfo.h"
#include "faultrec.h"
#include "cell/fault.h"
#include "cap/channel.h"
#include "spawncap.h"
#include "proc/spawn.h"
#include "syscall/syscall_args.h"
#include "syscall/syscell.h"

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
// end with CAP_R_SEND and CAP_R_TRANSFER (the channel passes into the
// cell's hands like a capability sent in a message). 0 (and *rec, a
// record derived from the slot that the kernel holds for the cell, with
// CAP_R_SEND only, or 0) or an error.
static int supervisor_arg(int chanslot, struct capnode **rec)
{
  int err;
  *rec = 0;
  if (chanslot == -1)
    return 0;
  struct file *ch = cap_lookup(myproc(), chanslot, 0, &err);
  if (ch == 0)
    return err;
  if (ch->type != FD_CHANNEL || !ch->chan_send_end)
    return -E_INVAL;
  *rec = cap_derive_held(myproc(), chanslot, CAP_R_SEND | CAP_R_TRANSFER, CAP_R_SEND, &err);
  return *rec ? 0 : err;
}

// cell_create(slot, struct cellquota *q, chanslot) -> slot of a capability
// (all cell rights) for a new cell inside the one in slot, with quotas *q.
// Needs CELL_R_CREATE. chanslot is -1 or a channel's send end with
// CAP_R_SEND and CAP_R_TRANSFER: the supervisor channel the records of
// faults in the cell (and in cells inside it without one of their own)
// are sent on, as messages of one struct faultrec each. The cell holds a
// capability derived from chanslot's until it is destroyed, so revoking
// chanslot (or an ancestor) stops the records: from then on they queue
// for cell_faults. -E_NORIGHT for a chanslot without those rights;
// -E_INVAL for a zero page or process quota, a cpu share outside 1..100,
// nesting deeper than CELL_MAXDEPTH or a chanslot that is not a send end;
// -E_QUOTA if the parent's remaining quota cannot cover *q (or q->cpu is
// above the parent's); -E_CELLDEAD; -E_NOMEM (no cell left); -E_CAPPOOL;
// and the caller's slot errors (-E_CAPFULL, -E_QUOTA for its own cell's
// slots).
uint64 sys_cell_create(void)
{
  int err;
  struct cell *parent = cell_arg(0, CELL_R_CREATE, &err);
  if (parent == 0)
    return err;
  struct cellquota q;
  if (copyin(myproc()->pagetable, &q, argaddr(1), sizeof(q)) < 0)
    return -E_FAULT;
  struct capnode *superv;
  if ((err = supervisor_arg(argint(2), &superv)) < 0)
    return err;
  struct cell *c;
  if ((err = cell_create(parent, &q, superv, &c)) < 0) {
    if (superv)
      cap_drop_held(superv);
    return err;
  }
  int slot = cell_install(myproc(), c, -1);
  cell_file_unref(c);   // cell_create's: if no capability holds it now, it dies
  return slot;
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

// cell_spawn(slot, path, argv, const struct spawncap *caps, ncaps) ->
// pid of a new process in the cell in slot, made exactly as spawn() makes
// one (kernel/spawncap.h: it holds only the listed capabilities, with the
// listed rights, and a cwd only if one is listed; the caller gets a
// process capability for it), everything it needs charged to the cell. A
// channel's receive end among the capabilities binds the channel to the
// cell, whose id becomes the channel's generation (channel.h). With path
// == 0 the process is a copy of the caller's memory (not its lazymap
// region) and cell_spawn returns 0 in it, like fork. Needs CELL_R_SPAWN.
// -E_QUOTA (the cell's processes, pages or slots), -E_CELLDEAD, and
// spawn's errors (kernel/syscall/sysspawn.c).
uint64 sys_cell_spawn(void)
{
  int err;
  struct cell *c = cell_arg(0, CELL_R_SPAWN, &err);
  if (c == 0)
    return err;
  char path[MAXPATH];
  char *argv[MAXARG + 1];
  struct spawncap list[SPAWN_MAXCAPS];
  int n = argint(4);
  int with_program = argaddr(1) != 0;
  if (with_program && (err = argstr(1, path, MAXPATH)) < 0)
    return err;
  if (n < 0 || n > SPAWN_MAXCAPS)
    return -E_INVAL;
  if (n > 0 && copyin(myproc()->pagetable, list, argaddr(3), n * sizeof(list[0])) < 0)
    return -E_FAULT;
  memset(argv, 0, sizeof(argv));
  if (with_program && (err = fetch_argv(argaddr(2), argv)) < 0) {
    free_argv(argv);
    return err;
  }
  int pid = spawn_in(c, with_program ? path : 0, argv, list, n);
  free_argv(argv);
  for (int i = 0; pid > 0 && i < n; i++) {
    struct file *f = cap_lookup(myproc(), list[i].slot, 0, &err);
    if (f && chan_is_receive_end(f))
      chan_bind(f, cell_id(c));   // served by this cell from now on
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
