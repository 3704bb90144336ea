// The per-process capability table. A file descriptor is a slot index in it.
// Each non-empty slot points at a capability record (capnode.h) holding the
// object, the rights this holder has on it, a badge and the record's place
// in the derivation tree; every read/write checks the rights of the record,
// not of the object, so two processes can hold the same open file with
// different rights, and revoking a record cuts off everything derived
// from it.
//
// Slot contents change only under caplock (capnode.h), and only by the
// owning process (or its parent during fork, before the child runs); other
// processes change records (revoke), never slots.
#ifndef ZENITH_CAP_H
#define ZENITH_CAP_H

#include "types.h"
#include "param.h"
#include "caprights.h"
#include "capinfo.h"

struct file;
struct proc;
struct capnode;
struct capinfo;
struct capaudit;

struct cap {
  struct capnode *node;   // the capability record; 0 = empty slot
};

// Process capabilities, each naming a live process (pcap.c). They are
// kept apart from the slots, so fork does not move a program's file
// descriptors; user code names them by pid. A process holds at most one
// per live process, so NPROC entries always suffice.
#define NPCAP NPROC

// Directory capabilities every path walk starts from (dircap.h): the
// current directory (relative paths) and the root (absolute paths),
// indexed DIRCAP_CWD and DIRCAP_ROOT (capinfo.h). Each is a record naming
// a directory's open file, or 0: a process without one gets -E_NOCAP
// from path calls of that kind.
#define NDIRCAP     2

struct captable {
  struct cap slot[NCAP];
  struct capnode *proc[NPCAP];   // process capabilities; 0 = empty entry
  struct capnode *dir[NDIRCAP];  // cwd and root capabilities; 0 = none
};

// Every function below accepts any integer as a slot number.
//
// Put f into the lowest free slot as a new root capability with the given
// rights. Returns the slot, -E_CAPFULL (table full), -E_QUOTA (the slot
// quota of p's cell is used up) or -E_CAPPOOL (no record left). Takes over the caller's reference to f only on success.
int cap_install(struct proc *p, struct file *f, uint32 rights);
// Put f into the lowest free slot as a capability derived from `from`
// (which the caller holds, e.g. the directory f was opened through), with
// the given rights and from's badge. -E_BADCAP if `from` has been revoked
// meanwhile, -E_CAPFULL, -E_CAPPOOL. Takes over f's reference on success.
int cap_install_below(struct proc *p, struct capnode *from, struct file *f,
                      uint32 rights);
// The same into a given empty slot: -E_INVAL (no such slot), -E_BUSY
// (slot in use), -E_QUOTA, -E_CAPPOOL. init's root cell capability.
int cap_install_at(struct proc *p, int slot, struct file *f, uint32 rights);
// At boot: a new kernel object of file type `type` (an FD_* with no other
// state, e.g. FD_SCHEDCTL) in p's empty slot with rights; panics naming
// `what` if it cannot.
void cap_give_object(struct proc *p, int slot, int type, uint32 rights, const char *what);
// Look up slot for an operation needing all of `need`. Returns the file or 0
// and sets *err to -E_BADCAP (empty, invalid or revoked slot) or -E_NORIGHT.
// The file stays valid while the caller (the owner) does not close the slot.
// p must be the calling process (the check takes no lock: cap.c).
struct file *cap_lookup(struct proc *p, int slot, uint32 need, int *err);
// The same, also giving the capability's badge (channels pass it on).
struct file *cap_lookup_badge(struct proc *p, int slot, uint32 need, uint64 *badge, int *err);
// Empty a slot, dropping its record and file reference. Works on a revoked
// slot too (that is how its holder gets rid of it). 0 or -E_BADCAP.
int cap_close(struct proc *p, int slot);
// Derive a new capability from slot into the lowest free slot, with exactly
// `rights` (or the source's rights if same_rights). Needs CAP_R_DUP.
// Errors: -E_BADCAP, -E_NORIGHT (no dup right), -E_RIGHTS (rights not a
// subset of the source's), -E_CAPFULL, -E_CAPPOOL.
int cap_dup(struct proc *p, int slot, uint32 rights, int same_rights);
// Shrink the rights of slot in place to `rights`. -E_BADCAP, -E_RIGHTS.
int cap_restrict(struct proc *p, int slot, uint32 rights);
// Revoke every capability derived from slot, in every process; slot itself
// stays. Needs CAP_R_REVOKE. Returns how many were revoked, or -E_BADCAP,
// -E_NORIGHT.
int cap_revoke(struct proc *p, int slot);
// Describe slot. 0, -E_BADCAP.
int cap_describe(struct proc *p, int slot, struct capinfo *info);
// Derive a new slot from slot carrying `badge` (non-zero) and the same
// rights (seL4's mint). Needs CAP_R_DUP; only an unbadged capability can
// be badged, so a badge, once set, can never be changed or forged.
// -E_BADCAP, -E_NORIGHT, -E_INVAL (badge 0), -E_BADGE (already badged),
// -E_CAPFULL, -E_CAPPOOL.
int cap_badge(struct proc *p, int slot, uint64 badge);
// List every capability of process pid (0 = the caller) into out[0..max):
// slots, directory and process capabilities. Listing another process
// needs a process capability for it with CAP_R_INSPECT. Returns how many
// it holds (may exceed max: only max are written), or -E_NOCAP,
// -E_NORIGHT, -E_SRCH.
struct capent;
int cap_list(struct proc *p, int pid, struct capent *out, int max);
// Check every table and record; fill in *a. Returns 0.
int cap_check_all(struct capaudit *a);
// Derive every slot of parent into child (fork). 0, -E_QUOTA (the
// child's cell has too few slots left) or -E_CAPPOOL (then the child's
// table is left empty). Never sleeps.
int cap_inherit(struct proc *child, struct proc *parent);
// Revoke every capability p holds (slots and process capabilities), and
// everything derived from each, in every process (cell destruction).
void cap_revoke_held(struct proc *p);
// Close every slot and process capability (exit).
void cap_close_all(struct proc *p);
// p lets go of record n, which it has just taken out of a slot (charged:
// 1, the slot was charged to p's cell) or a directory capability
// (charged: 0): freed, or kept for p's cell if it is live, something
// derived from it lives and the cell is not the root (cap.c says why).
// The caller drops n's file reference after releasing caplock.
void cap_let_go(struct proc *p, struct capnode *n, int charged);
// cell_destroy, after revoking what the dead cells' processes hold:
// revoke what was derived from every record kept for a dead cell, and
// free those records.
void cap_revoke_kept_dead(void);
// Put two new files in the lowest free slots (pipe, chan_create) with the
// given rights and copy the two slot numbers to user address uaddr. 0 or
// an error; on error neither file is installed (both are closed).
int cap_install_pair(struct proc *p, struct file *f0, uint32 r0,
                     struct file *f1, uint32 r1, uint64 uaddr);

// A record derived from p's slot for the kernel to hold on a cell's
// behalf (its supervisor channel, cell.c): in no slot, charged to no
// cell, with the slot's badge and exactly `rights` (a subset of the
// slot's), and reached by every revoke of the slot or an ancestor. The
// slot must carry every right in need. The record, or 0 with *err set:
// -E_BADCAP, -E_NORIGHT, -E_RIGHTS, -E_CAPPOOL. cap_drop_held frees it
// (and its file reference); may sleep.
struct capnode *cap_derive_held(struct proc *p, int slot, uint32 need, uint32 rights,
                                int *err);
void cap_drop_held(struct capnode *n);
#if LAB >= 8
// The same for a file mapping (mm/mmap.h): a held record with exactly the
// rights `need`, counted apart from the cells' (the audit). Freed with
// cap_drop_held.
struct capnode *cap_derive_mapped(struct proc *p, int slot, uint32 need, int *err);
// fork: a held mapping record derived from another one (from), with its
// rights and badge; revoked if from is. 0 and *err = -E_CAPPOOL if none.
struct capnode *cap_derive_mapped_below(struct capnode *from, int *err);
#endif

// For captransfer.c, with caplock held: the live record in slot (0 if
// none), and the lowest free slot (or -E_CAPFULL).
struct capnode *cap_slot_live(struct proc *p, int slot);
int cap_slot_free(struct proc *p);

#endif
