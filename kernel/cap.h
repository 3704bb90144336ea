// The per-process capability table. A file descriptor is a slot index in it.
// Each slot holds an object reference plus the rights this holder has on it;
// every read/write checks the rights of the slot, not of the object, so two
// processes can hold the same open file with different rights.
//
// The table is private to its process: only the owning process (or its parent
// during fork, before the child runs) changes it, so it needs no lock.
#ifndef ZENITH_CAP_H
#define ZENITH_CAP_H

#include "types.h"
#include "param.h"
#include "caprights.h"

struct file;
struct proc;

struct cap {
  struct file *file;   // the object; 0 = empty slot
  uint32 rights;       // CAP_R_* bits this slot grants
  uint64 badge;        // holder-chosen tag, copied on duplicate
};

struct captable {
  struct cap slot[NCAP];
};

// Put f into the lowest free slot with the given rights. Returns the slot or
// -E_CAPFULL. Takes over the caller's reference to f.
int cap_install(struct proc *p, struct file *f, uint32 rights);
// Look up slot for an operation needing all of `need`. Returns the file or 0
// and sets *err to -E_BADCAP (empty/invalid slot) or -E_NORIGHT.
struct file *cap_lookup(struct proc *p, int slot, uint32 need, int *err);
// Empty a slot, dropping its file reference. Returns 0 or -E_BADCAP.
int cap_close(struct proc *p, int slot);
// Duplicate slot into the lowest free slot with the same rights.
int cap_dup(struct proc *p, int slot);
// Copy every slot of parent into child (fork), taking references.
void cap_inherit(struct proc *child, struct proc *parent);
// Close every slot (exit).
void cap_close_all(struct proc *p);

#endif
