// Directory capabilities (see dircap.h): choosing and checking where a
// path walk starts, and the cwd and root capabilities of a process. The
// walk itself is namex in fs.c; the calls that walk are in sysfile.c and
// exec.c. Records live in the capability tree (capnode.c) like every other
// capability, so fork derives them, exit drops them, revoke reaches them
// and the audit counts them (cap.c).
#include "types.h"
#include "param.h"
#include "errno.h"
#include "lib/spinlock.h"
#include "lib/sleeplock.h"
#include "lib/printf.h"
#include "proc/proc.h"
#include "fs.h"
#include "stat.h"
#include "file.h"
#include "cap/capnode.h"
#include "cap/cap.h"
#include "cap/capcheck.h"
#include "fs/dircap.h"

// Is f an open directory? (Its inode's type cannot change while f holds
// it, so no inode lock.)
static int is_dir_file(struct file *f)
{
  return f && f->type == FD_INODE && f->ip->type == T_DIR;
}

// The record a walk of path starts from (caplock held), or 0 with *err.
static struct capnode *start_node(struct proc *p, int slot, const char *path, int *err)
{
  struct capnode *n;
  if (slot != DIRCAP_PATH) {
    if (*path == '/') {
      *err = -E_ESCAPE;   // openat never leaves its directory, not even for "/"
      return 0;
    }
    n = slot >= 0 && slot < NCAP ? p->caps.slot[slot].node : 0;
    *err = -E_BADCAP;
  } else {
    n = p->caps.dir[*path == '/' ? DIRCAP_ROOT : DIRCAP_CWD];
    *err = n ? -E_BADCAP : -E_NOCAP;
  }
  if (!cap_live(n))
    return 0;
  if (!is_dir_file(n->file)) {
    *err = -E_NOTDIR;
    return 0;
  }
  return n;
}

int dircap_begin(struct proc *p, int slot, const char *path, uint32 need,
                 struct walkstart *ws)
{
  int err;
  acquire(&caplock);
  struct capnode *n = start_node(p, slot, path, &err);
  if (n && (err = cap_check(n, need)) < 0)   // the rights rule of every use
    n = 0;
  if (n) {
    struct file *f = n->file;
    ws->dir = f->ip;
    ws->base = f->walk_base ? f->walk_base : f->ip;
    ws->depth = f->walk_depth;
    ws->node = n;
    ws->rights = n->rights;
    err = 0;
  }
  release(&caplock);
  return err;
}

struct file *dirfile_alloc(struct inode *ip, struct inode *base, int depth)
{
  struct file *f = filealloc();
  if (f == 0)
    return 0;
  f->ip = ip;
  f->off = 0;
  f->walk_base = base && base != ip ? idup(base) : 0;
  f->walk_depth = f->walk_base ? depth : 0;
  f->type = FD_INODE;
  return f;
}

int dircap_set(struct proc *p, int which, struct capnode *from, struct file *f,
               uint32 rights)
{
  acquire(&caplock);
  if (!cap_live(from)) {
    release(&caplock);
    return -E_BADCAP;
  }
  struct capnode *n = capnode_alloc(from, f, rights & from->rights, from->badge);
  if (n == 0) {
    release(&caplock);
    return -E_CAPPOOL;
  }
  struct capnode *old = p->caps.dir[which];
  struct file *oldf = old ? old->file : 0;
  if (old)
    cap_let_go(p, old, 0);   // may be kept for p's cell (cap.c)
  p->caps.dir[which] = n;
  release(&caplock);
  if (oldf)
    fileclose(oldf);   // may sleep
  return 0;
}

// Drop p's cwd or root capability, if any.
static void dircap_drop(struct proc *p, int which)
{
  acquire(&caplock);
  struct capnode *old = p->caps.dir[which];
  p->caps.dir[which] = 0;
  struct file *oldf = old ? old->file : 0;
  if (old)
    cap_let_go(p, old, 0);   // may be kept for p's cell (cap.c)
  release(&caplock);
  if (oldf)
    fileclose(oldf);
}

int dircap_set_from_slot(struct proc *p, int which, int slot)
{
  if (slot == -1) {
    dircap_drop(p, which);
    return 0;
  }
  int err = 0;
  struct file *f = cap_lookup(p, slot, CAP_R_DUP, &err);
  if (f == 0)
    return err;
  if (!is_dir_file(f))
    return -E_NOTDIR;
  // The slot's record stays put: only this process changes its slots.
  struct capnode *from = p->caps.slot[slot].node;
  filedup(f);
  if ((err = dircap_set(p, which, from, f, from->rights)) < 0)
    fileclose(f);
  return err;
}

void dircap_boot(struct proc *p)
{
  struct inode *ip = iroot();
  ilock(ip);   // reads it from disk: is_dir_file looks at its type unlocked
  iunlock(ip);
  struct file *f = dirfile_alloc(ip, 0, 0);
  if (f == 0)
    panic("dircap_boot: no file");
  acquire(&caplock);
  struct capnode *root = capnode_alloc(0, f, DIRCAP_ALL, 0);
  struct capnode *cwd = root ? capnode_alloc(root, f, DIRCAP_ALL, 0) : 0;
  if (cwd == 0)
    panic("dircap_boot: no record");
  p->caps.dir[DIRCAP_ROOT] = root;
  p->caps.dir[DIRCAP_CWD] = cwd;
  release(&caplock);
  filedup(f);   // one reference per record
}
