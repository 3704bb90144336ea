#if LAB >= 9
// Following a symbolic link during a path walk (symlink.c, lab 9 stage 2).
// Internal to kernel/fs: namex (fs.c) calls symlink_follow.
#ifndef ZENITH_SYMLINK_H
#define ZENITH_SYMLINK_H

#include "types.h"
#include "param.h"

struct inode;

#define MAXSYMLINKS 8   // links one walk may follow; one more is -E_LOOP

// A path walk in progress, as namex keeps it.
struct walk {
  struct inode *base;   // the boundary of the capability the walk started
                        // from (no reference of its own: the capability
                        // holds one for the whole system call)
  struct inode *dir;    // the directory the walk is in (a reference)
  int depth;            // levels dir is below base
  int links;            // symbolic links followed so far
  char path[MAXPATH];   // the rest of the path once a link was followed
};

// namex met a symbolic link: `link` (locked) is named by an entry of
// w->dir, and `rest` is what the path still holds after it ("" when the
// link was its last element; it may point into w->path). Make w continue
// the walk through the link's target: w->path = target, then "/" and rest
// if rest is not empty; w->dir and w->depth = where the target's walk
// starts, which must stay inside the boundary of the walk's capability.
// 0, or -E_LOOP (more than MAXSYMLINKS links in this walk), -E_NOENT
// (empty target), -E_NAMETOOLONG (the new path does not fit in MAXPATH).
// On an error w->dir still holds its reference.
int symlink_follow(struct walk *w, struct inode *link, const char *rest);

#endif
#endif
