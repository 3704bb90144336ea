// Transfer of capabilities between processes (see captransfer.h): the
// meta-right checks, and the in-flight records' life from the sender's
// slot, through a channel queue, to the receiver's slot.
//
// An in-flight record is a record in use with `inflight` set and no slot
// naming it; it holds a reference to its file like any record, so the
// object stays alive while the message is queued, and it sits in the
// derivation tree below the sender's record, so revoke reaches it.
#include "types.h"
#include "param.h"
#include "errno.h"
#include "lib/spinlock.h"
#include "proc/proc.h"
#include "file.h"
#include "cap/capnode.h"
#include "chan.h"
#include "cap/channel.h"
#include "cap/cap.h"
#include "spawncap.h"
#include "cell/cell.h"
#include "cap/captransfer.h"
#include "cap/capcheck.h"

#if SOL >= 4
// May record n (0 for a dead slot) travel in a channel message? 0 or the
// error: it needs CAP_R_TRANSFER, and a channel's receive end never travels.
static int may_transfer(struct capnode *n)
{
  int err = cap_check(n, CAP_R_TRANSFER);
  if (err == 0 && chan_is_receive_end(n->file))
    err = -E_INVAL;
  return err;
}

// Free records (caplock held); their file references are the caller's to drop.
static void free_records(struct capnode **recs, int n)
{
  for (int i = 0; i < n; i++)
    capnode_free(recs[i]);
}
#endif

uint32 chan_send_rights(int ncaps)
{
#if SOL >= 4
  return ncaps > 0 ? CAP_R_SEND | CAP_R_GRANT : CAP_R_SEND;
#else
  // Stub: sending needs the send right, whatever the message carries.
  return CAP_R_SEND;
#endif
}

int cap_send_prepare(struct proc *p, const int *slots, int n, struct capnode **recs)
{
#if SOL >= 4
  int err = 0, i;
  acquire(&caplock);
  for (i = 0; i < n; i++) {
    struct capnode *src = cap_slot_live(p, slots[i]);
    if ((err = may_transfer(src)) < 0)
      break;
    if ((recs[i] = capnode_alloc(src, src->file, src->rights, src->badge)) == 0) {
      err = -E_CAPPOOL;
      break;
    }
    recs[i]->inflight = 1;
  }
  if (err < 0)
    free_records(recs, i);   // no file reference taken yet
  else
    for (i = 0; i < n; i++)
      filedup(recs[i]->file);
  release(&caplock);
  return err;
#else
  // Stub: messages carry bytes only.
  return n == 0 ? 0 : -E_NOSYS;
#endif
}

int cap_charge_inflight(struct proc *p, struct capnode **recs, int n)
{
  if (n == 0)
    return 0;
  acquire(&caplock);
  int err = cell_slot_charge(p->cell, n);
  for (int i = 0; i < n && err == 0; i++)
    recs[i]->charged = p->cell;
  release(&caplock);
  if (err < 0)
    cap_drop_inflight(recs, n);
  return err;
}

int cap_count_charged(struct capnode *const *recs, int n, const struct cell *cell)
{
  int k = 0;
  for (int i = 0; i < n; i++)
    k += recs[i]->charged == cell;   // set before it was queued
  return k;
}

void cap_drop_inflight(struct capnode **recs, int n)
{
  for (int i = 0; i < n; i++) {
    acquire(&caplock);
    struct file *f = recs[i]->file;
    if (recs[i]->charged)
      cell_slot_uncharge(recs[i]->charged, 1);
    capnode_free(recs[i]);
    release(&caplock);
    fileclose(f);   // may sleep
  }
}

int cap_free_slots(struct proc *p, int *quota_left)
{
  int n = 0;
  acquire(&caplock);
  for (int i = 0; i < NCAP; i++)
    if (p->caps.slot[i].node == 0)
      n++;
  *quota_left = cell_slots_left(p->cell);
  release(&caplock);
  return n;
}

void cap_receive_install(struct proc *p, struct capnode **recs, int n, int *slots)
{
  struct capnode *dead[CHAN_MAXCAPS];
  int ndead = 0;
  acquire(&caplock);
  for (int i = 0; i < n; i++) {
    struct capnode *r = recs[i];
    int s = cap_live(r) ? cap_slot_free(p) : -E_BADCAP;
    int moves = r->charged == p->cell;   // the charge carries over as the slot's
    if (s >= 0 && !moves && cell_slot_charge(p->cell, 1) < 0)
      s = -E_QUOTA;   // another process of the cell took the last ones
    if (s < 0) {   // revoked in flight (or, impossible, no slot after all)
      dead[ndead++] = r;
      slots[i] = s;
      continue;
    }
    if (r->charged && !moves)
      cell_slot_uncharge(r->charged, 1);
    r->charged = 0;
    r->inflight = 0;
    p->caps.slot[s].node = r;
    slots[i] = s;
  }
  release(&caplock);
  cap_drop_inflight(dead, ndead);
}

// Check spawn entry e against the parent's record: 0 or the error. The
// child's capability is derived as by cap_dup, with CAP_R_TRANSFER as the
// meta-right (capcheck.c).
static int may_give(struct capnode *src, const struct spawncap *e)
{
  uint32 rights;
  return cap_derive_rights(src, CAP_R_TRANSFER, e->rights, &rights);
}

int cap_give_spawn(struct proc *child, struct proc *parent, const struct spawncap *list, int n)
{
  int err = 0, given = 0, slots = 0;
  for (int i = 0; i < n; i++)
    slots += list[i].role == SPAWN_SLOT;
  acquire(&caplock);
  err = cell_slot_charge(child->cell, slots);   // -E_QUOTA: the child's cell has too few
  int charged = err == 0;
  for (int i = 0; i < n && err == 0; i++) {
    if (list[i].role != SPAWN_SLOT)
      continue;
    struct capnode *src = cap_slot_live(parent, list[i].slot);
    if ((err = may_give(src, &list[i])) < 0)
      break;
    struct capnode *c = capnode_alloc(src, src->file, list[i].rights, src->badge);
    if (c == 0) {
      err = -E_CAPPOOL;
      break;
    }
    child->caps.slot[given++].node = c;
  }
  for (int i = 0; i < given; i++) {
    if (err < 0) {   // undo: no file reference taken yet
      capnode_free(child->caps.slot[i].node);
      child->caps.slot[i].node = 0;
    } else {
      filedup(child->caps.slot[i].node->file);
    }
  }
  if (err < 0 && charged)
    cell_slot_uncharge(child->cell, slots);
  release(&caplock);
  return err;
}

struct file *cap_give_check(struct proc *parent, const struct spawncap *e, int *err)
{
  struct file *f = 0;
  acquire(&caplock);
  struct capnode *src = cap_slot_live(parent, e->slot);
  if ((*err = may_give(src, e)) == 0)
    f = src->file;
  release(&caplock);
  return f;
}
