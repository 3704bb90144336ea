// Capability records and their derivation tree. Every non-empty capability
// slot, and every process capability (pcap.c), points at its own record; a
// record says which object (an open file or a process) the capability names, with which rights and badge, and which record it
// was derived from (dup, fork). Revoking a record marks every record below
// it in the tree revoked, whichever process's slot holds it.
//
// caplock protects every record (all fields, the tree links, the pool's
// free state and the id counter) and the contents of every process's
// capability slots. It is a leaf lock except that it may be held while
// taking ftable.lock (file.c): never call anything that sleeps under it.
#ifndef ZENITH_CAPNODE_H
#define ZENITH_CAPNODE_H

#include "types.h"
#include "param.h"
#include "lib/spinlock.h"
#include "cap/cap.h"

struct file;
struct proc;
struct cell;

struct capnode {
  int inuse;                 // 0 = free record in the pool
  int revoked;               // an ancestor was revoked: every use fails
  int inflight;              // in a channel message, not in a slot (captransfer.c)
  int held;                  // held by the kernel for a cell, not in a slot:
                             // its supervisor channel (cap_derive_held)
#if LAB >= 8
  int mapped;                // held by the kernel for a file mapping
                             // (cap_derive_mapped, mm/mmap.h); held is 1 too
#endif
  struct cell *charged;      // in flight: the cell whose slot quota pays
                             // for it (the sender's, cap_charge_inflight)
  struct cell *keeper;       // kept: its holder in this (non-root) cell let
                             // go of it while records derived from it
                             // lived; no slot, no object, one slot of the
                             // cell's quota (cap_let_go, capnode_keep)
  struct file *file;         // the object if an open file; the record
                             // holds one reference
  struct proc *proc;         // the object if a process (file == 0)...
  int pid;                   // ...with this pid (pids are never reused)
  uint32 rights;             // CAP_R_* bits
  uint64 badge;
  uint64 id;                 // unique, never reused (a 64-bit counter)
  struct capnode *parent;    // derived from; 0 for a root
  struct capnode *child;     // first record derived from this one
  struct capnode *prev;      // siblings: records with the same parent
  struct capnode *next;      // (for a free record: the next free one)
};

// Enough for every slot, process and directory capability of every process.
#define NCAPNODE (NPROC * (NCAP + NPCAP + NDIRCAP))

extern struct spinlock caplock;

void capnode_init(void);
// The rest need caplock held.
// A new record below parent (0 = a root), or 0 if the pool is empty. A
// record derived from a revoked one starts revoked. The caller sets the
// object (file, or proc and pid). O(1).
struct capnode *capnode_alloc(struct capnode *parent, struct file *f,
                              uint32 rights, uint64 badge);
// Give the record back to the pool. Its children move up to its parent,
// so a later revoke of an ancestor still reaches them. Does not touch the
// file reference: the caller drops it after releasing caplock. A kept
// record (below) left with nothing derived from it is freed with it, and
// so on up the tree, each giving its cell's slot back.
void capnode_free(struct capnode *n);
// Keep n, which has children, for cell c in place of its holder, which
// lets go of it: n leaves its slot but stays in the tree, naming no
// object (the caller drops n's file reference), charged to one of c's
// slots (the caller's charge carries over), until nothing derived from it
// is left or c is destroyed (capnode_drop_kept_dead).
void capnode_keep(struct capnode *n, struct cell *c);
// Revoke everything derived from each record kept for a dead cell, then
// free it (and its charge). Returns how many were kept.
int capnode_drop_kept_dead(void);
// Tree links, for caprevoke.c. Link n in as the first child of parent
// (parent != 0); take n out of its parent's child list (if it has one).
void capnode_link(struct capnode *parent, struct capnode *n);
void capnode_unlink(struct capnode *n);

// Revocation (caprevoke.c; lab 4 stage B), caplock held.
// Is n a capability that may be used: present (n != 0) and not revoked?
// Also called without caplock (cap_lookup_badge): reads `revoked` atomically.
int cap_live(const struct capnode *n);
// Mark every record derived from n (transitively, not n itself) revoked.
// Returns how many were newly revoked (0 if all already were).
int capnode_revoke_below(struct capnode *n);
// n is about to be freed: move each of its children up to n's parent (or
// make it a root if n has none), so a later revoke of an ancestor of n
// still reaches them.
void capnode_adopt_children(struct capnode *n);
// Is p a record of the pool (in use or not)? For the audit.
int capnode_index(const struct capnode *p);
// Check the pool and the tree links. slot_refs[i] is how many slots name
// record i (the caller counted); each record in use must have exactly one,
// or none if it is in flight in a channel message, held by the kernel or
// kept for a cell.
// Adds one to file_refs[file_index(f)] per record naming file f. Counts
// records in use, revoked, in flight and held; returns the number of
// inconsistencies found.
int capnode_audit(const uchar *slot_refs, int *file_refs, int *inuse, int *revoked,
                  int *inflight, int *held, int *kept);

#endif
