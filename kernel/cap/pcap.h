// Process capabilities: the authority to kill (and, later, wait for) a
// process. Kept in each process's captable apart from the file slots.
// fork gives the parent a new capability for the child; the child then
// derives a copy of every process capability the parent holds, including
// that one (so a process can kill itself and its parent's other children
// born before it, and the processes its parent could). init starts with
// none, and no process ever holds one for init.
#ifndef ZENITH_PCAP_H
#define ZENITH_PCAP_H

#include "types.h"

struct proc;
struct capnode;

// Rights of the capability fork gives the parent.
#define PCAP_RIGHTS (CAP_R_KILL | CAP_R_WAIT | CAP_R_DUP | CAP_R_TRANSFER | \
                     CAP_R_REVOKE | CAP_R_INSPECT)

// fork: the parent gets a capability for child, the child derives all of
// the parent's. 0 or -E_CAPPOOL (nothing changed then). Never sleeps.
int pcap_fork(struct proc *parent, struct proc *child);
// The process pid, if p holds a live capability for it with every right
// in need; else 0 and *err = -E_NOCAP (none for that pid) or -E_NORIGHT.
// The result is only a hint: check its pid under its lock before use.
struct proc *pcap_lookup(struct proc *p, int pid, uint32 need, int *err);
// The same with caplock already held (the result is exact while it is).
struct proc *pcap_find_locked(struct proc *p, int pid, uint32 need, int *err);
// Does p hold a live capability for pid with every right in need?
// 0, -E_NOCAP or -E_NORIGHT.
int pcap_holds(struct proc *p, int pid, uint32 need);
// Give p a new root capability for target with `rights` (reparenting
// hands init a wait capability for each orphan). 0 or -E_CAPPOOL.
// Never sleeps; caplock must not be held.
int pcap_give(struct proc *p, struct proc *target, uint32 rights);
// Drop p's process capabilities for pid (-1: all of them). Returns how
// many were dropped.
int pcap_drop(struct proc *p, int pid);
// spawn's SPAWN_PROC entry: give child a process capability for pid with
// exactly `rights`, derived from one parent holds that carries
// CAP_R_TRANSFER and every right asked for. 0, -E_NOCAP (parent holds none
// for pid), -E_BADCAP, -E_NORIGHT, -E_RIGHTS, -E_CAPPOOL.
int pcap_give_derived(struct proc *child, struct proc *parent, int pid, uint32 rights);
// Shrink p's live process capabilities for pid (-1: all) to exactly
// `rights`: how many (0 if none), or -E_RIGHTS if one lacks a right of
// `rights` (then none changes).
int pcap_restrict(struct proc *p, int pid, uint32 rights);
// exit: drop every process capability p holds.
void pcap_close_all(struct proc *p);
// freeproc: p's pid is going away; drop every capability naming it, in
// every process. Called with p->lock held (lock order: p->lock, caplock).
void pcap_forget(struct proc *p);
// For the audit (caplock held): does process record n still name a
// process with its pid?
int pcap_target_ok(const struct capnode *n);

#endif
