// Directory capabilities: every path a process names is resolved against
// a directory capability it holds. Absolute paths start at its root
// capability, relative ones at its current-directory capability (both in
// p->caps.dir[], cap.h), and openat() starts at a directory in a slot. A
// directory capability is a record naming the open file of a directory;
// the file also carries the walk's boundary (file.h: walk_base,
// walk_depth), and no path walk from it climbs above that boundary (fs.c,
// namex: -E_ESCAPE).
//
// Rights on the start directory each path call needs:
//   every walk              CAP_R_LOOKUP
//   open for reading        + CAP_R_READ     (also: open a directory)
//   open for writing/O_TRUNC + CAP_R_WRITE
//   O_CREATE, mkdir, mknod, the new name of link   + CAP_R_CREATE
//   unlink                  + CAP_R_DELETE
//   exec                    + CAP_R_EXEC
// Rights never grow: what open returns is derived from the start
// capability (a child record of it, so revoking a directory capability
// also revokes everything opened through it) with no right the start
// lacks; chdir's new cwd is derived from its start the same way.
#ifndef ZENITH_DIRCAP_H
#define ZENITH_DIRCAP_H

#include "types.h"
#include "caprights.h"

struct proc;
struct inode;
struct capnode;
struct file;

// Every right a directory capability can carry; the first process's root
// and cwd capabilities have all of them.
#define DIRCAP_ALL (CAP_R_READ | CAP_R_WRITE | CAP_R_STAT | CAP_R_DUP | \
                    CAP_R_TRANSFER | CAP_R_REVOKE | CAP_R_EXEC | \
                    CAP_R_LOOKUP | CAP_R_CREATE | CAP_R_DELETE)

// Where a path walk starts, as chosen and checked by dircap_begin. The
// pointers stay valid for the rest of the system call: only the calling
// process changes its own slots and directory capabilities.
struct walkstart {
  struct inode *dir;       // the directory the walk starts in
  int depth;               // how far dir is below base
  struct inode *base;      // the boundary ".." may not climb above
  struct capnode *node;    // the capability the walk uses
  uint32 rights;           // its rights
};

// Choose and check the start of a walk of path: the directory in `slot`
// if slot is not DIRCAP_PATH (then path must be relative, else
// -E_ESCAPE; any other integer is checked as a slot number); otherwise
// the root capability for an absolute path, the cwd capability for a
// relative one. It must be live, a directory, and hold every right in
// need. 0, or -E_NOCAP (no root/cwd capability), -E_BADCAP (slot empty,
// invalid or revoked; root/cwd revoked), -E_NOTDIR (slot is not a
// directory), -E_NORIGHT.
#define DIRCAP_PATH (-1)   // dircap_begin: no slot, start where the path says
int dircap_begin(struct proc *p, int slot, const char *path, uint32 need,
                 struct walkstart *ws);
// A new open file for directory ip (the caller's reference moves into
// it), depth levels below base (base 0: ip is its own boundary). 0 if the
// file table is full (the reference is then still the caller's).
struct file *dirfile_alloc(struct inode *ip, struct inode *base, int depth);
// Make f (a directory file) p's DIRCAP_CWD or DIRCAP_ROOT capability,
// derived from `from` with `rights` (the caller checked they are a subset
// of from's; they are masked by them again here), replacing (and closing)
// the old one. Takes over a reference to f on success. -E_BADCAP if
// `from` was revoked, -E_CAPPOOL. Does not sleep except to close the old
// file. p is the caller, or a spawned child before it runs.
int dircap_set(struct proc *p, int which, struct capnode *from, struct file *f,
               uint32 rights);
// fchdir/setroot: make the directory in slot p's cwd or root capability
// (a record derived from the slot's, same rights, same file); slot -1
// drops it. Needs CAP_R_DUP. 0, -E_BADCAP, -E_NORIGHT, -E_NOTDIR,
// -E_CAPPOOL.
int dircap_set_from_slot(struct proc *p, int which, int slot);
// Boot: give p (the first process) root and cwd capabilities for the
// file-system root with DIRCAP_ALL. Panics if it cannot: no init without.
void dircap_boot(struct proc *p);

#endif
