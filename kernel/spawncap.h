// spawn's capability list (shared by the kernel and user programs as
// "kernel/spawncap.h"):
//
//   int spawn(const char *path, char **argv, const struct spawncap *caps, int ncaps);
//
// starts `path` as a new child process holding exactly the capabilities
// listed, and nothing else: no inherited descriptors, no process
// capabilities, no current or root directory unless an entry says so.
// Entry i with role SPAWN_SLOT goes into the child's lowest slot not yet
// filled, in list order (so the k-th such entry is slot k: list the
// console three times to give the child fds 0, 1 and 2). An entry with
// role SPAWN_CWD or SPAWN_ROOT (a directory) becomes the child's current
// or root directory capability instead of a slot. An entry with role
// SPAWN_PROC names a process by its pid (in `slot`): the child gets a
// process capability for it, derived from one the parent holds for that
// pid (-E_NOCAP if none). Each entry needs
// CAP_R_TRANSFER on the parent's capability, and the child gets exactly
// `rights`, which must be a subset of what the slot holds (-E_RIGHTS
// otherwise, never a silent mask). The child's records derive from the
// parent's, so the parent can revoke them. The parent gets a process
// capability for the child (kill, wait), as with fork.
//
// Returns the child's pid, or an error and no child (kernel/syscall/sysspawn.c
// lists them).
#ifndef ZENITH_SPAWNCAP_H
#define ZENITH_SPAWNCAP_H

#include "types.h"

#define SPAWN_SLOT  0   // the next slot of the child
#define SPAWN_CWD   1   // the child's current-directory capability
#define SPAWN_ROOT  2   // the child's root-directory capability
#define SPAWN_PROC  3   // a process capability for the pid in .slot

#define SPAWN_MAXCAPS 18   // NCAP slots plus a cwd and a root

struct spawncap {
  int slot;        // the parent's slot (SPAWN_PROC: the process's pid)
  uint32 rights;   // what the child gets: a subset of the slot's rights
  int role;        // SPAWN_SLOT, SPAWN_CWD or SPAWN_ROOT
};

#endif
