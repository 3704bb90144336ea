// Moving capabilities between processes: the rules of transfer, kept in
// one place (channels use them for messages, spawn for a child's list).
//
//   - A capability leaves a process only if its slot has CAP_R_TRANSFER
//     (fork is not a transfer: the child is a copy of the whole process).
//   - What travels is a new record derived from the sender's, so revoking
//     the sender's record or any ancestor reaches it, in flight or after.
//   - The receiver of a message gets exactly the rights the sender's slot
//     had (attenuate with cap_dup before sending); a spawned child gets the
//     rights its parent asked for, which must be a subset (-E_RIGHTS).
//   - The receive end of a channel may not travel in a message (chan.h).
// Lab 4's stage C is chan_send_rights and cap_send_prepare (captransfer.c).
#ifndef ZENITH_CAPTRANSFER_H
#define ZENITH_CAPTRANSFER_H

#include "types.h"

struct proc;
struct cell;
struct capnode;
struct spawncap;

// The rights chan_send needs on the channel's send end for a message
// carrying ncaps capabilities: CAP_R_SEND, and CAP_R_GRANT as well when
// ncaps > 0.
uint32 chan_send_rights(int ncaps);
// Derive one in-flight record from each of the n slots of p (a slot may
// appear twice) into recs. 0, or -E_BADCAP, -E_NORIGHT (no
// CAP_R_TRANSFER), -E_INVAL (a channel's receive end), -E_CAPPOOL; on
// error nothing is derived.
int cap_send_prepare(struct proc *p, const int *slots, int n, struct capnode **recs);
// Charge n in-flight records p just derived (cap_send_prepare) to p's
// cell's slot quota until they land in a slot or are dropped, so what a
// cell's processes have queued in channels counts against its quota like
// what they hold. 0, or -E_QUOTA (then the records are dropped). May sleep.
int cap_charge_inflight(struct proc *p, struct capnode **recs, int n);
// How many of the n in-flight records are charged to cell. Reads only
// what is fixed while a record is queued: callable under a channel's lock.
int cap_count_charged(struct capnode *const *recs, int n, const struct cell *cell);
// Give up n in-flight records (an undelivered message), and their charge.
// May sleep.
void cap_drop_inflight(struct capnode **recs, int n);
// How many free entries p's table has; *quota_left is how many more slots
// its cell's quota allows.
int cap_free_slots(struct proc *p, int *quota_left);
// Put n (at most CHAN_MAXCAPS) received records into the lowest free slots of p (the caller
// checked there are enough) and set slots[i] to each one's slot, or to
// -E_BADCAP for a record revoked in flight (dropped), or -E_QUOTA if its
// cell's slot quota was used up meanwhile (dropped). Each record's charge
// moves from its sender's cell to p's. May sleep.
void cap_receive_install(struct proc *p, struct capnode **recs, int n, int *slots);

// spawn: put a record derived from each SPAWN_SLOT entry of list into
// child's slots 0, 1, ... in order, with the entry's rights. Each needs
// CAP_R_TRANSFER on the parent's slot and rights that are a subset of its
// own. The slots are charged to the child's cell. 0, or -E_BADCAP,
// -E_NORIGHT, -E_RIGHTS, -E_CAPPOOL, -E_QUOTA (the child's cell's slot
// quota); on error the child's table is left empty. child must not be
// running yet.
int cap_give_spawn(struct proc *child, struct proc *parent, const struct spawncap *list, int n);
// The same checks for one entry: its object (valid while the parent
// keeps the slot), or 0 and *err.
struct file *cap_give_check(struct proc *parent, const struct spawncap *e, int *err);

#endif
