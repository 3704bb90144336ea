// Capability tables: each process names the objects it may use by slot
// number; each slot points at a capability record (capnode.c) carrying the
// rights its holder has. A file descriptor is such a slot. Everything here
// checks the slot number it is given, so a user program can pass any
// integer without harming the kernel.
//
// Locking: caplock (capnode.h) is held for every change to a slot or
// record and for every look at another process's, so a revoke on another
// hart is seen by the very next use: once cap_revoke() has released
// caplock, every lookup of a revoked record fails. cap_lookup, the check
// on the read/write path, reads the caller's own slot without the lock
// (see there why that keeps the guarantee).
// Each check is O(1). The file references held by records are counted by
// file.c under ftable.lock; fileclose() may sleep, so it is always called
// after releasing caplock.
#include "types.h"
#include "param.h"
#include "errno.h"
#include "lib/spinlock.h"
#include "lib/printf.h"
#include "proc/proc.h"
#include "file.h"
#include "fs.h"
#include "stat.h"
#include "mm/vm.h"
#include "cap/capnode.h"
#include "cap/capcheck.h"
#include "capinfo.h"
#include "cap/pcap.h"
#include "cell/cell.h"
#include "cap/cap.h"
#include "cap/channel.h"

static void wake_revoked_channels(void);

// The record in slot, or 0 for a bad slot number or an empty slot.
// Revoked records are returned: callers decide. caplock must be held.
static struct capnode *slot_node(struct proc *p, int slot)
{
  if (slot < 0 || slot >= NCAP)
    return 0;
  return p->caps.slot[slot].node;
}

// The record in slot if it is live (present and not revoked), else 0.
static struct capnode *live_node(struct proc *p, int slot)
{
  struct capnode *n = slot_node(p, slot);
  return cap_live(n) ? n : 0;
}

static int free_slot(struct proc *p)
{
  for (int i = 0; i < NCAP; i++)
    if (p->caps.slot[i].node == 0)
      return i;
  return -E_CAPFULL;
}

struct capnode *cap_slot_live(struct proc *p, int slot)
{
  return live_node(p, slot);
}

int cap_slot_free(struct proc *p)
{
  return free_slot(p);
}

// A free slot of p, charged to p's cell: -E_CAPFULL if the table is full,
// -E_QUOTA if the cell's slot quota is used up. A caller that then fails
// to fill the slot gives the charge back with cell_slot_uncharge().
static int take_slot(struct proc *p)
{
  int i = free_slot(p);
  if (i < 0)
    return i;
  int r = cell_slot_charge(p->cell, 1);
  return r < 0 ? r : i;
}

// Put a new record for f into slot i, charged already: derived from `from`
// (0: a root record) with the given rights and badge. i, or -E_CAPPOOL
// (the charge given back). caplock held.
static int fill_slot(struct proc *p, int i, struct capnode *from, struct file *f,
                     uint32 rights, uint64 badge)
{
  struct capnode *n = capnode_alloc(from, f, rights, badge);
  if (n == 0) {
    cell_slot_uncharge(p->cell, 1);
    return -E_CAPPOOL;
  }
  p->caps.slot[i].node = n;
  return i;
}

int cap_install(struct proc *p, struct file *f, uint32 rights)
{
  acquire(&caplock);
  int i = take_slot(p);
  if (i >= 0)
    i = fill_slot(p, i, 0, f, rights, 0);
  release(&caplock);
  return i;
}

// The check on every read, write and channel call, so it takes no lock.
// That is safe because only p itself changes its slots and frees the
// records in them (cap_close), and p is the caller: the slot and the
// record stay put while we look. Other harts change one word of the
// record, `revoked` (cap_revoke, under caplock, whose release makes the
// store visible before cap_revoke returns). The acquire fence orders our
// read of it after everything this hart did before, so a use that comes
// after a revoke returned (as seen by anything this process observed)
// fails. Measured: the lock cost 160 ns of a 1.5 us zero-byte read.
// (cap_lookup is this, without the badge.) The rule itself is cap_check.
struct file *cap_lookup_badge(struct proc *p, int slot, uint32 need, uint64 *badge, int *err)
{
  struct capnode *n = slot >= 0 && slot < NCAP ? p->caps.slot[slot].node : 0;
  __atomic_thread_fence(__ATOMIC_ACQUIRE);
  if ((*err = cap_check(n, need)) < 0)   // capcheck.c: live, with every right in need
    return 0;
  *badge = n->badge;   // set once, before the record is in a slot
  return n->file;
}

int cap_install_below(struct proc *p, struct capnode *from, struct file *f,
                      uint32 rights)
{
  acquire(&caplock);
  int i = from->revoked ? -E_BADCAP : take_slot(p);
  if (i >= 0)
    i = fill_slot(p, i, from, f, rights, from->badge);
  release(&caplock);
  return i;
}

int cap_install_at(struct proc *p, int slot, struct file *f, uint32 rights)
{
  int r;
  acquire(&caplock);
  if (slot < 0 || slot >= NCAP)
    r = -E_INVAL;
  else if (p->caps.slot[slot].node)
    r = -E_BUSY;
  else if ((r = cell_slot_charge(p->cell, 1)) == 0)
    r = fill_slot(p, slot, 0, f, rights, 0);
  release(&caplock);
  return r;
}

void cap_give_object(struct proc *p, int slot, int type, uint32 rights, const char *what)
{
  struct file *f = filealloc();
  if (f == 0) {
    printf("%s: ", what);
    panic("no file");
  }
  f->type = type;
  if (cap_install_at(p, slot, f, rights) < 0) {   // charged to p's cell
    printf("%s: ", what);
    panic("no capability record");
  }
}

struct file *cap_lookup(struct proc *p, int slot, uint32 need, int *err)
{
  uint64 badge;
  return cap_lookup_badge(p, slot, need, &badge, err);
}

int cap_close(struct proc *p, int slot)
{
  acquire(&caplock);
  struct capnode *n = slot_node(p, slot);
  if (n == 0) {
    release(&caplock);
    return -E_BADCAP;
  }
  struct file *f = n->file;
  p->caps.slot[slot].node = 0;
  cap_let_go(p, n, 1);
  release(&caplock);
  fileclose(f);   // may sleep
  return 0;
}

// A cell's destruction must reach everything its processes handed out:
// each record they gave away is derived from one of theirs, and revoking
// theirs (cap_revoke_held) revokes it. So a record a process of a cell
// (other than the root, which is never destroyed) deletes while something
// derived from it lives is not freed, which would move what was derived
// from it up the tree, out of the cell's reach: the cell keeps it. The
// charge of its slot carries over; a directory capability (uncharged)
// must find a free slot in the quota, or what was derived from it is
// revoked now rather than outliving the cell unseen.
void cap_let_go(struct proc *p, struct capnode *n, int charged)
{
  struct cell *c = p->cell;
  int keep = n->child != 0 && !n->revoked && c != 0 && c != cell_root();
  if (keep && !charged && cell_slot_charge(c, 1) < 0) {
    capnode_revoke_below(n);
    keep = 0;
  }
  if (keep) {
    capnode_keep(n, c);
    return;
  }
  capnode_free(n);
  if (charged)
    cell_slot_uncharge(c, 1);
}

void cap_revoke_kept_dead(void)
{
  acquire(&caplock);
  int n = capnode_drop_kept_dead();
  release(&caplock);
  if (n > 0)
    wake_revoked_channels();
}

int cap_dup(struct proc *p, int slot, uint32 rights, int same_rights)
{
  int r;
  acquire(&caplock);
  struct capnode *n = slot_node(p, slot);
  if (same_rights && n)
    rights = n->rights;
  if ((r = cap_derive_rights(n, CAP_R_DUP, rights, &rights)) == 0 &&
      (r = take_slot(p)) >= 0 &&
      (r = fill_slot(p, r, n, n->file, rights, n->badge)) >= 0)
    filedup(n->file);
  release(&caplock);
  return r;
}

struct capnode *cap_derive_held(struct proc *p, int slot, uint32 need, uint32 rights,
                                int *err)
{
  struct capnode *n = 0;
  acquire(&caplock);
  struct capnode *src = slot_node(p, slot);
  if ((*err = cap_check(src, need)) == 0) {
    if (rights & ~src->rights)
      *err = -E_RIGHTS;
    else if ((n = capnode_alloc(src, src->file, rights, src->badge)) == 0)
      *err = -E_CAPPOOL;
    else {
      n->held = 1;
      filedup(n->file);
    }
  }
  release(&caplock);
  return n;
}

#if LAB >= 8
struct capnode *cap_derive_mapped(struct proc *p, int slot, uint32 need, int *err)
{
  struct capnode *n = cap_derive_held(p, slot, need, need, err);
  if (n)
    n->mapped = 1;   // no cell counts it (the audit)
  return n;
}

struct capnode *cap_derive_mapped_below(struct capnode *from, int *err)
{
  struct capnode *n;
  acquire(&caplock);
  // A revoked source gives a revoked record: the copy is cut off too.
  if ((n = capnode_alloc(from, from->file, from->rights, from->badge)) == 0) {
    *err = -E_CAPPOOL;
  } else {
    n->held = n->mapped = 1;
    filedup(n->file);
    *err = 0;
  }
  release(&caplock);
  return n;
}
#endif

void cap_drop_held(struct capnode *n)
{
  acquire(&caplock);
  struct file *f = n->file;
  capnode_free(n);
  release(&caplock);
  fileclose(f);   // may sleep
}

int cap_badge(struct proc *p, int slot, uint64 badge)
{
  int r;
  acquire(&caplock);
  struct capnode *n = live_node(p, slot);
  if (n == 0)
    r = -E_BADCAP;
  else if (!(n->rights & CAP_R_DUP))
    r = -E_NORIGHT;
  else if (badge == 0)
    r = -E_INVAL;
  else if (n->badge != 0)
    r = -E_BADGE;
  else if ((r = take_slot(p)) >= 0 &&
           (r = fill_slot(p, r, n, n->file, n->rights, badge)) >= 0)
    filedup(n->file);
  release(&caplock);
  return r;
}

int cap_restrict(struct proc *p, int slot, uint32 rights)
{
  acquire(&caplock);
  struct capnode *n = slot_node(p, slot);
  int r = cap_derive_rights(n, 0, rights, &rights);
  if (r == 0)
    n->rights = rights;
  release(&caplock);
  return r;
}

int cap_revoke(struct proc *p, int slot)
{
  int r;
  acquire(&caplock);
  struct capnode *n = slot_node(p, slot);
  if ((r = cap_check(n, CAP_R_REVOKE)) == 0)
    r = capnode_revoke_below(n);
  release(&caplock);
  if (r > 0)
    wake_revoked_channels();
  return r;
}

// The CAPT_* type of an open file. The inode's type cannot change while
// the file holds a reference to it, so it is read without the inode lock.
static uint32 file_captype(struct file *f)
{
  switch (f->type) {
  case FD_PIPE:
    return CAPT_PIPE;
  case FD_DEVICE:
    return CAPT_DEVICE;
  case FD_INODE:
    return f->ip->type == T_DIR ? CAPT_DIR : CAPT_FILE;
  case FD_CHANNEL:
    return CAPT_CHANNEL;
  case FD_SCHEDCTL:
    return CAPT_SCHEDCTL;
  case FD_SYSCTL:
    return CAPT_SYSCTL;
  case FD_CELL:
    return CAPT_CELL;
  default:
    return 0;
  }
}

int cap_describe(struct proc *p, int slot, struct capinfo *info)
{
  int r = 0;
  struct file *f = 0;
  acquire(&caplock);
  struct capnode *n = live_node(p, slot);
  if (n == 0) {
    r = -E_BADCAP;
  } else {
    f = n->file;
    info->type = file_captype(f);
    info->rights = n->rights;
    info->badge = n->badge;
    info->object = f->id;
    info->id = n->id;
    info->parent = n->parent ? n->parent->id : 0;
  }
  release(&caplock);
  // Generations, outside caplock (a channel's lock is never taken under
  // it); f stays open: only p, the caller, can close its slot.
  info->gen = 0;
  info->flags = 0;
  if (f && f->type == FD_CHANNEL) {
    int restarted;
    info->gen = chan_generation(f, &restarted);
    info->flags = restarted ? CAPF_RESTARTED : 0;
  } else if (f && f->type == FD_CELL) {
    info->gen = cell_id(f->cell);
  }
  return r;
}

// Fill e from record n (caplock held).
static void fill_capent(struct capent *e, int kind, int index, struct capnode *n)
{
  e->kind = kind;
  e->index = index;
  e->type = n->file ? file_captype(n->file) : CAPT_PROC;
  e->rights = n->rights;
  e->badge = n->badge;
  e->object = n->file ? n->file->id : (uint64)n->pid;
  e->id = n->id;
  e->revoked = n->revoked;
  e->pad = 0;
}

int cap_list(struct proc *p, int pid, struct capent *out, int max)
{
  int err = 0, count = 0;
  acquire(&caplock);
  struct proc *t = p;
  if (pid != 0 && pid != p->pid)
    t = pcap_find_locked(p, pid, CAP_R_INSPECT, &err);
  if (t == 0) {
    release(&caplock);
    return err;
  }
  // A record for (t, pid) exists under caplock, so t still is pid.
  for (int i = 0; i < NCAP + NDIRCAP + NPCAP; i++) {
    struct capnode *n;
    int kind, index = 0;
    if (i < NCAP) {
      n = t->caps.slot[i].node;
      kind = CAPE_SLOT;
      index = i;
    } else if (i < NCAP + NDIRCAP) {
      n = t->caps.dir[i - NCAP];
      kind = i - NCAP == DIRCAP_CWD ? CAPE_CWD : CAPE_ROOT;
    } else {
      n = t->caps.proc[i - NCAP - NDIRCAP];
      kind = CAPE_PROC;
      index = n ? n->pid : 0;
    }
    if (n == 0)
      continue;
    if (count < max)
      fill_capent(&out[count], kind, index, n);
    count++;
  }
  release(&caplock);
  return count;
}

// Audit scratch space, protected by caplock: slots naming each record,
// records naming each open file.
static uchar slot_refs[NCAPNODE];
static int file_refs[NFILE];

int cap_check_all(struct capaudit *a)
{
  int bad = 0, slots = 0;
  acquire(&caplock);
  for (int i = 0; i < NCAPNODE; i++)
    slot_refs[i] = 0;
  for (int i = 0; i < NFILE; i++)
    file_refs[i] = 0;

  // Every slot and process-capability entry must name a record in use of
  // the right kind, and no record two of them.
  int pcaps = 0, dircaps = 0;
  for (struct proc *p = proc; p < proc + NPROC; p++) {
    for (int s = 0; s < NCAP + NPCAP + NDIRCAP; s++) {
      // Slots and directory capabilities name files; the rest processes.
      int is_slot = s < NCAP || s >= NCAP + NPCAP;
      struct capnode *n = s < NCAP ? p->caps.slot[s].node
                        : s < NCAP + NPCAP ? p->caps.proc[s - NCAP]
                        : p->caps.dir[s - NCAP - NPCAP];
      if (n == 0)
        continue;
      if (s < NCAP)
        slots++;
      else if (is_slot)
        dircaps++;
      else
        pcaps++;
      int i = capnode_index(n);
      if (i < 0 || !n->inuse || (is_slot ? n->file == 0 : n->proc == 0)) {
        bad++;
        continue;
      }
      if (s >= NCAP + NPCAP && file_captype(n->file) != CAPT_DIR)
        bad++;   // a cwd or root capability that is not a directory
      if (slot_refs[i] < 255)
        slot_refs[i]++;
    }
  }
  // Every record in use must be named by exactly one slot and hold a
  // reference to an open file; the tree links must agree.
  int held;
  bad += capnode_audit(slot_refs, file_refs, &a->records, &a->revoked, &a->inflight, &held,
                       &a->kept);
  // Records held by the kernel: one per cell with a supervisor channel.
  if (cell_audit_supervisors() != held)
    bad++;
  // Each open file's reference count must equal the records naming it.
  bad += file_audit(file_refs, &a->files);
  release(&caplock);
  // Counted apart (a channel's lock is never taken under caplock): equal
  // to a->inflight whenever no message is moving at the same moment.
  a->queued = chan_count_queued(&a->channels);
  a->pool = NCAPNODE;
  a->slots = slots;
  a->pcaps = pcaps;
  a->dircaps = dircaps;
  a->bad = bad;
  return 0;
}

// Entry i of p's table among those naming files: the NCAP slots, then the
// NDIRCAP directory capabilities. caplock held.
#define NFILECAP (NCAP + NDIRCAP)
static struct capnode **file_entry(struct proc *p, int i)
{
  return i < NCAP ? &p->caps.slot[i].node : &p->caps.dir[i - NCAP];
}

// Empty child's entries [0, upto) again, undoing a partial copy into them:
// no file reference has been taken for them yet. caplock held.
static void undo_copies(struct proc *child, int upto)
{
  for (int j = 0; j < upto; j++) {
    struct capnode **e = file_entry(child, j);
    if (*e) {
      capnode_free(*e);
      *e = 0;
    }
  }
}

// Slots are charged to the child's cell; the cwd and root entries are not
// slots and are never charged.
int cap_inherit(struct proc *child, struct proc *parent)
{
  acquire(&caplock);
  int used = 0;
  for (int i = 0; i < NCAP; i++)
    used += parent->caps.slot[i].node != 0;
  int r = cell_slot_charge(child->cell, used);
  for (int i = 0; i < NFILECAP && r == 0; i++) {
    struct capnode *n = *file_entry(parent, i);
    *file_entry(child, i) = 0;
    if (n == 0)
      continue;
    struct capnode *c = capnode_alloc(n, n->file, n->rights, n->badge);
    if (c == 0) {
      undo_copies(child, i);
      cell_slot_uncharge(child->cell, used);
      r = -E_CAPPOOL;
      break;
    }
    *file_entry(child, i) = c;
  }
  if (r == 0)
    for (int i = 0; i < NFILECAP; i++)
      if (*file_entry(child, i))
        filedup((*file_entry(child, i))->file);
  release(&caplock);
  return r;
}

// Mark n and everything derived from it revoked. caplock held.
static void revoke_with_subtree(struct capnode *n)
{
  if (n == 0)
    return;
  capnode_revoke_below(n);
  n->revoked = 1;
}

void cap_revoke_held(struct proc *p)
{
  acquire(&caplock);
  for (int i = 0; i < NFILECAP; i++)
    revoke_with_subtree(*file_entry(p, i));
  for (int i = 0; i < NPCAP; i++)
    revoke_with_subtree(p->caps.proc[i]);
  release(&caplock);
  wake_revoked_channels();
}

// After a revoke (caplock not held): wake every process blocked in
// chan_send or chan_recv through a channel end whose capability is now
// revoked, so the call fails with -E_BADCAP at once (chan_put/chan_take
// recheck the caller's capability after every sleep) instead of at its
// next wake-up for a message, space or a kill. wakeup takes p->lock, which
// may not be taken under caplock: collect the files (with a reference, so
// the channel cannot go away) a batch at a time, then wake outside it. A
// revoked channel slot that nobody is blocked on costs a spurious wake-up.
static void wake_revoked_channels(void)
{
  enum { BATCH = 16 };
  struct file *batch[BATCH];
  int next = 0;
  while (next < NPROC * NFILECAP) {
    int n = 0;
    acquire(&caplock);
    for (; next < NPROC * NFILECAP && n < BATCH; next++) {
      struct capnode *c = *file_entry(&proc[next / NFILECAP], next % NFILECAP);
      if (c && !cap_live(c) && c->file && c->file->type == FD_CHANNEL)
        batch[n++] = filedup(c->file);   // ftable.lock under caplock: allowed
    }
    release(&caplock);
    for (int i = 0; i < n; i++) {
      chan_wake(batch[i]->chan);
      fileclose(batch[i]);   // may sleep
    }
  }
}

int cap_install_pair(struct proc *p, struct file *f0, uint32 r0,
                     struct file *f1, uint32 r1, uint64 uaddr)
{
  int slot[2];
  slot[0] = cap_install(p, f0, r0);
  if (slot[0] < 0) {
    fileclose(f0);
    fileclose(f1);
    return slot[0];
  }
  slot[1] = cap_install(p, f1, r1);
  if (slot[1] < 0) {
    cap_close(p, slot[0]);
    fileclose(f1);
    return slot[1];
  }
  if (copyout(p->pagetable, uaddr, slot, sizeof(slot)) < 0) {
    cap_close(p, slot[0]);
    cap_close(p, slot[1]);
    return -E_FAULT;
  }
  return 0;
}

// Empty entry i (a slot or a directory capability) of p, if in use.
static void close_entry(struct proc *p, int i)
{
  acquire(&caplock);
  struct capnode **e = file_entry(p, i);
  struct capnode *n = *e;
  *e = 0;
  struct file *f = n ? n->file : 0;
  if (n)
    cap_let_go(p, n, i < NCAP);   // cwd and root are not charged
  release(&caplock);
  if (f)
    fileclose(f);   // may sleep
}

void cap_close_all(struct proc *p)
{
  pcap_close_all(p);
  for (int i = 0; i < NFILECAP; i++)
    close_entry(p, i);
}
