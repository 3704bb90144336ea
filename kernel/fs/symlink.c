#if LAB >= 9
// Symbolic links that stay inside a directory capability (lab 9 stage 2,
// docs/labs/fs.md; book 5.21). A link is an inode of type T_SYMLINK whose
// data is the target path (sys_symlink in sysfile.c makes it). namex
// (fs.c) calls symlink_follow when a walk meets one; the walk then goes on
// through the target as if the path had named it, so the rules of namex
// hold for the target too: ".." counts against the same depth, and a ".."
// above the boundary is -E_ESCAPE. An absolute target starts again at
// the boundary of the capability the walk started from (the directory of
// openat's slot, or the process's root capability), never at the real
// root: a link cannot reach what its walk's capability cannot.
#include "types.h"
#include "param.h"
#include "errno.h"
#include "lib/sleeplock.h"
#include "lib/klib.h"
#include "fs.h"
#include "fs/symlink.h"

#if SOL >= 9
int symlink_follow(struct walk *w, struct inode *link, const char *rest)
{
  if (++w->links > MAXSYMLINKS)
    return -E_LOOP;   // a loop, or a chain too long to be worth walking

  char target[MAXPATH];
  int n = readi(link, 0, (uint64)target, 0, MAXPATH - 1);
  if (n <= 0)
    return -E_NOENT;
  target[n] = 0;
  int len = strlen(target);   // a NUL inside the data ends the target
  if (len == 0)
    return -E_NOENT;

  // rest may live in w->path: put the new path together beside it first.
  int rlen = strlen(rest);
  if (len + (rlen ? 1 + rlen : 0) >= MAXPATH)
    return -E_NAMETOOLONG;
  char joined[MAXPATH];
  memmove(joined, target, len);
  if (rlen) {
    joined[len] = '/';
    memmove(joined + len + 1, rest, rlen);
    len += 1 + rlen;
  }
  joined[len] = 0;
  memmove(w->path, joined, len + 1);

  // A relative target goes on from the link's directory, at its depth; an
  // absolute one from the boundary itself, depth 0.
  if (target[0] == '/') {
    iput(w->dir);
    w->dir = idup(w->base);
    w->depth = 0;
  }
  return 0;
}
#else
int symlink_follow(struct walk *w, struct inode *link, const char *rest)
{
  // Stage 2: follow the link (docs/labs/fs.md).
  return -E_NOSYS;
}
#endif
#endif
