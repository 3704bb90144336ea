// System calls on files, directories and pipes. Each one fetches and checks
// its arguments, resolves descriptors through the caller's capability table
// (cap.c) and calls into file.c, fs.c or pipe.c. Every bad argument comes
// back as a negative error code from errno.h; none may panic the kernel.
#include "types.h"
#include "param.h"
#include "errno.h"
#include "fcntl.h"
#include "stat.h"
#include "lib/spinlock.h"
#include "lib/sleeplock.h"
#include "proc/proc.h"
#include "mm/vm.h"
#include "lib/klib.h"
#include "fs.h"
#include "fs/log.h"
#include "file.h"
#include "fs/pipe.h"
#include "cap/cap.h"
#include "fs/dircap.h"
#include "syscall/syscall_args.h"
#include "syscall/sysfile.h"

// Rights every descriptor from open() or pipe() carries besides read/write.
#define BASE_RIGHTS (CAP_R_STAT | CAP_R_DUP | CAP_R_TRANSFER | CAP_R_REVOKE)

#define NLINK_MAX 0x7fff   // nlink is a short on disk

// ---------------------------------------------------------------- arguments

// Reject paths with an element longer than a directory entry can hold (the
// lookup would silently match a truncated name) and the empty path.
static int check_path(const char *path)
{
  if (*path == 0)
    return -E_NOENT;
  int len = 0;
  for (const char *s = path; *s; s++) {
    if (*s == '/') {
      len = 0;
    } else if (++len > DIRSIZ) {
      return -E_NAMETOOLONG;
    }
  }
  return 0;
}

// Fetch path argument n into buf (MAXPATH bytes). 0 or a negative error.
static int argpath(int n, char *buf)
{
  int r = argstr(n, buf, MAXPATH);
  if (r < 0)
    return r;
  return check_path(buf);
}

// The file in descriptor argument n, if it grants `need`; else 0 and *err.
static struct file *argfile(int n, uint32 need, int *err)
{
  return cap_lookup(myproc(), argint(n), need, err);
}

static int is_dot_or_dotdot(const char *name)
{
  return namecmp(name, ".") == 0 || namecmp(name, "..") == 0;
}

// ---------------------------------------------------------------- descriptors

uint64 sys_read(void)
{
  int err;
  struct file *f = argfile(0, CAP_R_READ, &err);
  uint64 addr = argaddr(1);
  int n = argint(2);
  if (f == 0)
    return err;
  if (n < 0)
    return -E_INVAL;
  return fileread(f, addr, n);
}

uint64 sys_write(void)
{
  int err;
  struct file *f = argfile(0, CAP_R_WRITE, &err);
  uint64 addr = argaddr(1);
  int n = argint(2);
  if (f == 0)
    return err;
  if (n < 0)
    return -E_INVAL;
  return filewrite(f, addr, n);
}

uint64 sys_close(void)
{
  return cap_close(myproc(), argint(0));
}

// dup(fd): the xv6 call, a derived capability with the same rights.
uint64 sys_dup(void)
{
  return cap_dup(myproc(), argint(0), 0, 1);
}

uint64 sys_fstat(void)
{
  int err;
  struct file *f = argfile(0, CAP_R_STAT, &err);
  if (f == 0)
    return err;
  return filestat(f, argaddr(1));
}

// pipe(int fds[2]): fds[0] reads, fds[1] writes.
uint64 sys_pipe(void)
{
  struct proc *p = myproc();
  uint64 fdarray = argaddr(0);
  struct file *rf, *wf;

  int r = pipealloc(&rf, &wf);
  if (r < 0)
    return r;
  return cap_install_pair(p, rf, CAP_R_READ | BASE_RIGHTS, wf, CAP_R_WRITE | BASE_RIGHTS,
                          fdarray);
}

// fsync(fd): return once everything fd's file depends on is on disk. The
// log commits whole groups in order, so that is every operation that had
// ended when fsync was called (log_sync), the caller's and everybody
// else's: one fsync of any file also makes earlier unlinks, links and
// creates durable. Needs CAP_R_WRITE: durability is about changes, and a
// capability that can only read should not be able to force disk writes
// and close everybody's group early. -E_BADCAP, -E_NORIGHT, -E_INVAL (not
// a file or directory on disk: a pipe, device or kernel object).
uint64 sys_fsync(void)
{
  int err;
  struct file *f = argfile(0, CAP_R_WRITE, &err);
  if (f == 0)
    return err;
  if (f->type != FD_INODE)
    return -E_INVAL;
  log_sync();
  return 0;
}

// ---------------------------------------------------------------- creating

// Make a new inode of `type` at path, walking from ws, or (for T_FILE)
// return the existing regular file or device there. Returns it locked, or
// 0 with *err set. Caller is inside a log operation. A symbolic link's
// target (T_SYMLINK; 0 for other types) is written before the link gets
// its name, so no walk ever finds a link without its target.
static struct inode *create(struct walkstart *ws, const char *path, short type,
                            short major, short minor, const char *target, int *err)
{
  char name[DIRSIZ];
  struct inode *dp, *ip;
  int depth;

  if ((dp = nameiparent_in(ws, path, name, &depth, err)) == 0)
    return 0;
  ilock(dp);
  if (dp->nlink == 0) {   // removed: dirlink would refuse; fail before allocating
    iunlockput(dp);
    *err = -E_NOENT;
    return 0;
  }
  if ((ip = dirlookup(dp, name, 0)) != 0) {
    iunlockput(dp);
    ilock(ip);
    if (type == T_FILE && (ip->type == T_FILE || ip->type == T_DEVICE))
      return ip;
    *err = (type == T_FILE && ip->type == T_DIR) ? -E_ISDIR : -E_EXIST;
    iunlockput(ip);
    return 0;
  }

  if ((ip = ialloc(dp->dev, type)) == 0) {
    iunlockput(dp);
    *err = -E_NOSPC;
    return 0;
  }
  ilock(ip);
  ip->major = major;
  ip->minor = minor;
  ip->nlink = 1;
  iupdate(ip);

  int r = 0;
#if LAB >= 9
  if (target) {
    int len = strlen(target);
    r = writei(ip, 0, (uint64)target, 0, len);
    r = r == len ? 0 : r < 0 ? r : -E_NOSPC;
  }
#endif
  if (r == 0 && type == T_DIR) {
    // "." does not count as a link (it would keep the directory alive);
    // ".." is counted on the parent below.
    if ((r = dirlink(ip, ".", ip->inum)) == 0)
      r = dirlink(ip, "..", dp->inum);
  }
  if (r == 0)
    r = dirlink(dp, name, ip->inum);
  if (r < 0) {
    ip->nlink = 0;   // iput frees it and whatever blocks it got
    iupdate(ip);
    iunlockput(ip);
    iunlockput(dp);
    *err = r;
    return 0;
  }

  if (type == T_DIR) {
    dp->nlink++;   // for the child's ".."
    iupdate(dp);
  }
  iunlockput(dp);
  return ip;
}

// Rights an open() mode grants; 0 for an invalid mode.
static uint32 open_rights(int omode)
{
  switch (omode & (O_WRONLY | O_RDWR)) {
  case O_RDONLY:
    return CAP_R_READ | BASE_RIGHTS;
  case O_WRONLY:
    return CAP_R_WRITE | BASE_RIGHTS;
  case O_RDWR:
    return CAP_R_READ | CAP_R_WRITE | BASE_RIGHTS;
  default:
    return 0;
  }
}

// Rights the start directory must hold for an open with this mode.
static uint32 open_needs(int omode)
{
  uint32 need = CAP_R_LOOKUP;
  if ((omode & (O_WRONLY | O_RDWR)) != O_WRONLY)
    need |= CAP_R_READ;
  if (omode & (O_WRONLY | O_RDWR | O_TRUNC))
    need |= CAP_R_WRITE;
  if (omode & O_CREATE)
    need |= CAP_R_CREATE;
  return need;
}

// The locked inode open() should use, or 0 with *err. Inside an op.
static struct inode *open_inode(struct walkstart *ws, const char *path, int omode,
                                int *err)
{
  struct inode *ip;
  int depth;

  if (omode & O_CREATE) {
    ip = create(ws, path, T_FILE, 0, 0, 0, err);
#if LAB >= 9
    // The name is taken by a symbolic link: open what it names, which
    // must exist (a dangling link is not created through).
    if (ip == 0 && *err == -E_EXIST && !(omode & O_NOFOLLOW) &&
        (ip = namei_in(ws, path, NAMEI_FOLLOW, &depth, err)) != 0)
      ilock(ip);
#endif
    return ip;
  }
#if LAB >= 9
  int follow = (omode & O_NOFOLLOW) ? NAMEI_NOFOLLOW : NAMEI_FOLLOW;
#else
  int follow = NAMEI_FOLLOW;
#endif
  if ((ip = namei_in(ws, path, follow, &depth, err)) == 0)
    return 0;
  ilock(ip);
  return ip;
}

// May an inode of this type be opened with this mode? 0 or an error.
static int open_check(struct inode *ip, int omode)
{
  if (ip->type == T_DIR && (omode & (O_WRONLY | O_RDWR)))
    return -E_ISDIR;
#if LAB >= 9
  if (ip->type == T_SYMLINK)
    return -E_LOOP;   // only O_NOFOLLOW stops at a link
#endif
  if (ip->type == T_DEVICE && (ip->major < 0 || ip->major >= NDEV))
    return -E_INVAL;
  if (isealed(ip) && (omode & (O_WRONLY | O_RDWR | O_TRUNC)))
    return -E_SEALED;
  return 0;
}

// open and openat: walk path from dirslot (DIRCAP_PATH: from the root or
// cwd capability) and install what it names in a new slot, derived from
// the start capability. A file gets the rights of its open mode that the
// start has; a directory gets the start's rights (so a directory
// capability opened through another can do no more than it).
static int open_at(int dirslot, const char *path, int omode)
{
  struct walkstart ws;
  int err;

  uint32 rights = open_rights(omode);
#if LAB >= 9
  int known = O_WRONLY | O_RDWR | O_CREATE | O_TRUNC | O_NOFOLLOW;
#else
  int known = O_WRONLY | O_RDWR | O_CREATE | O_TRUNC;
#endif
  if (rights == 0 || (omode & ~known))
    return -E_INVAL;
  if ((err = dircap_begin(myproc(), dirslot, path, open_needs(omode), &ws)) < 0)
    return err;

  begin_op();
  struct inode *ip = open_inode(&ws, path, omode, &err);
  if (ip == 0) {
    end_op();
    return err;
  }
  if ((err = open_check(ip, omode)) < 0) {
    iunlockput(ip);
    end_op();
    return err;
  }

  rights = ip->type == T_DIR ? ws.rights : rights & ws.rights;
  struct file *f = filealloc();
  int fd = f ? cap_install_below(myproc(), ws.node, f, rights) : -E_NFILE;
  if (fd < 0) {
    if (f)
      fileclose(f);   // still FD_NONE: only frees the table entry
    iunlockput(ip);
    end_op();
    return fd;
  }

  f->ip = ip;   // takes over our reference; a directory is its own boundary
  if (ip->type == T_DEVICE) {
    f->type = FD_DEVICE;
    f->major = ip->major;
  } else {
    f->type = FD_INODE;
    f->off = 0;
  }
  if ((omode & O_TRUNC) && ip->type == T_FILE)
    itrunc(ip);

  iunlock(ip);
  end_op();
  return fd;
}

uint64 sys_open(void)
{
  char path[MAXPATH];
  int err;

  if ((err = argpath(0, path)) < 0)
    return err;
  return open_at(DIRCAP_PATH, path, argint(1));
}

// openat(dirslot, path, omode): open path below the directory capability
// in dirslot; path must be relative and may not climb above it.
uint64 sys_openat(void)
{
  char path[MAXPATH];
  int err;

  int slot = argint(0);
  if (slot == DIRCAP_PATH)
    return -E_BADCAP;   // -1 is a slot number like any other here
  if ((err = argpath(1, path)) < 0)
    return err;
  return open_at(slot, path, argint(2));
}

// Check path and choose its walk's start for a call needing `need`.
static int path_start(int n, char *path, uint32 need, struct walkstart *ws)
{
  int err = argpath(n, path);
  if (err < 0)
    return err;
  return dircap_begin(myproc(), DIRCAP_PATH, path, need, ws);
}

uint64 sys_mkdir(void)
{
  char path[MAXPATH];
  struct walkstart ws;
  int err;

  if ((err = path_start(0, path, CAP_R_LOOKUP | CAP_R_CREATE, &ws)) < 0)
    return err;
  begin_op();
  struct inode *ip = create(&ws, path, T_DIR, 0, 0, 0, &err);
  if (ip)
    iunlockput(ip);
  end_op();
  return ip ? 0 : err;
}

// mknod(path, major, minor): a device file.
uint64 sys_mknod(void)
{
  char path[MAXPATH];
  struct walkstart ws;
  int err;

  if ((err = path_start(0, path, CAP_R_LOOKUP | CAP_R_CREATE, &ws)) < 0)
    return err;
  int major = argint(1), minor = argint(2);
  if (major < 0 || major >= NDEV || minor < 0 || minor > 0x7fff)
    return -E_INVAL;
  begin_op();
  struct inode *ip = create(&ws, path, T_DEVICE, major, minor, 0, &err);
  if (ip)
    iunlockput(ip);   // a new device: create() reuses existing ones only for T_FILE
  end_op();
  return ip ? 0 : err;
}

// ---------------------------------------------------------------- names

// Add a second name for the inode: undo our nlink++ on failure.
static int link_into(struct inode *ip, struct walkstart *ws, const char *newpath)
{
  char name[DIRSIZ];
  int err, depth;
  struct inode *dp = nameiparent_in(ws, newpath, name, &depth, &err);
  if (dp == 0)
    return err;
  ilock(dp);
  int r = dp->dev != ip->dev ? -E_XDEV : dirlink(dp, name, ip->inum);
  iunlockput(dp);
  return r;
}

// link(old, new)
uint64 sys_link(void)
{
  char old[MAXPATH], new[MAXPATH];
  struct walkstart from, to;
  int err;

  if ((err = path_start(0, old, CAP_R_LOOKUP, &from)) < 0 ||
      (err = path_start(1, new, CAP_R_LOOKUP | CAP_R_CREATE, &to)) < 0)
    return err;

  begin_op();
  int depth;
  struct inode *ip = namei_in(&from, old, NAMEI_NOFOLLOW, &depth, &err);
  if (ip == 0) {
    end_op();
    return err;
  }
  ilock(ip);
  // A sealed file keeps the one name the image gave it, so that name
  // always means the file the image builder installed (6.16).
  if (ip->type == T_DIR || isealed(ip) || ip->nlink >= NLINK_MAX) {
    err = ip->type == T_DIR ? -E_ISDIR : isealed(ip) ? -E_SEALED : -E_INVAL;
    iunlockput(ip);
    end_op();
    return err;
  }
  // Count the new link before making it, so a crash between the two
  // leaves one link too many (harmless) rather than one too few.
  ip->nlink++;
  iupdate(ip);
  iunlock(ip);

  err = link_into(ip, &to, new);

  ilock(ip);
  if (err < 0) {
    ip->nlink--;
    iupdate(ip);
  }
  iunlockput(ip);
  end_op();
  return err;
}

#if LAB >= 9
// symlink(target, path): a new symbolic link at path whose data is target.
// The target is not resolved now (it may not exist yet); every walk that
// follows the link resolves it under its own capability (symlink.c).
// Needs CAP_R_LOOKUP and CAP_R_CREATE on the walk's start, like mknod.
uint64 sys_symlink(void)
{
  char target[MAXPATH], path[MAXPATH];
  struct walkstart ws;
  int err;

  // The target obeys the rules of a path (no element longer than
  // DIRSIZ, which a walk would silently cut short; not empty).
  if ((err = argpath(0, target)) < 0)
    return err;
  if ((err = path_start(1, path, CAP_R_LOOKUP | CAP_R_CREATE, &ws)) < 0)
    return err;
  begin_op();
  struct inode *ip = create(&ws, path, T_SYMLINK, 0, 0, target, &err);
  if (ip)
    iunlockput(ip);
  end_op();
  return ip ? 0 : err;
}

// readlink(path, buf, n): copy up to n bytes of the target of the link at
// path (the last element is not followed) into buf, without a NUL.
// Returns the bytes copied, -E_INVAL if path is not a link. Needs
// CAP_R_LOOKUP and CAP_R_READ on the walk's start.
uint64 sys_readlink(void)
{
  char path[MAXPATH];
  struct walkstart ws;
  int err;

  uint64 buf = argaddr(1);
  int n = argint(2);
  if (n < 0)
    return -E_INVAL;
  if ((err = path_start(0, path, CAP_R_LOOKUP | CAP_R_READ, &ws)) < 0)
    return err;
  begin_op();
  int depth;
  struct inode *ip = namei_in(&ws, path, NAMEI_NOFOLLOW, &depth, &err);
  if (ip) {
    ilock(ip);
    err = ip->type != T_SYMLINK ? -E_INVAL : readi(ip, 1, buf, 0, n);
    iunlockput(ip);
  }
  end_op();
  return err;
}

#endif
// Is directory dp empty apart from "." and ".."? dp is locked.
static int dir_is_empty(struct inode *dp)
{
  struct dirent de;
  for (uint off = 2 * sizeof(de); off < dp->size; off += sizeof(de)) {
    if (readi(dp, 0, (uint64)&de, off, sizeof(de)) != sizeof(de))
      return 0;
    if (de.inum != 0)
      return 0;
  }
  return 1;
}

// Remove entry `name` from the locked directory dp. Inside an op.
static int unlink_in(struct inode *dp, const char *name)
{
  uint off;
  struct inode *ip = dirlookup(dp, name, &off);
  if (ip == 0)
    return -E_NOENT;
  ilock(ip);
  if (ip->type == T_DIR && !dir_is_empty(ip)) {
    iunlockput(ip);
    return -E_NOTEMPTY;
  }
  if (isealed(ip)) {
    iunlockput(ip);
    return -E_SEALED;
  }

  struct dirent de;
  memset(&de, 0, sizeof(de));
  if (writei(dp, 0, (uint64)&de, off, sizeof(de)) != sizeof(de)) {
    iunlockput(ip);   // cannot happen: the entry's block exists
    return -E_INVAL;
  }
  if (ip->type == T_DIR) {
    dp->nlink--;   // the child's ".." is gone
    iupdate(dp);
  }
  if (ip->nlink > 0)
    ip->nlink--;
  iupdate(ip);
  iunlockput(ip);   // frees the inode if that was its last name and use
  return 0;
}

uint64 sys_unlink(void)
{
  char path[MAXPATH], name[DIRSIZ];
  struct walkstart ws;
  int err;

  if ((err = path_start(0, path, CAP_R_LOOKUP | CAP_R_DELETE, &ws)) < 0)
    return err;

  begin_op();
  int depth;
  struct inode *dp = nameiparent_in(&ws, path, name, &depth, &err);
  if (dp == 0) {
    end_op();
    return err;
  }
  ilock(dp);
  err = is_dot_or_dotdot(name) ? -E_INVAL : unlink_in(dp, name);
  iunlockput(dp);
  end_op();
  return err;
}

// chdir(path): the new cwd capability is derived from the one the walk
// started from (root or cwd), with its rights and its boundary, so ".."
// from the new cwd climbs back exactly as far as that capability allows.
uint64 sys_chdir(void)
{
  char path[MAXPATH];
  struct walkstart ws;
  struct proc *p = myproc();
  int err;

  if ((err = path_start(0, path, CAP_R_LOOKUP, &ws)) < 0)
    return err;
  begin_op();
  int depth;
  struct inode *ip = namei_in(&ws, path, NAMEI_FOLLOW, &depth, &err);
  if (ip == 0) {
    end_op();
    return err;
  }
  ilock(ip);
  if (ip->type != T_DIR) {
    iunlockput(ip);
    end_op();
    return -E_NOTDIR;
  }
  iunlock(ip);
  end_op();
  struct file *f = dirfile_alloc(ip, ws.base, depth);
  if (f == 0) {
    begin_op();
    iput(ip);
    end_op();
    return -E_NFILE;
  }
  if ((err = dircap_set(p, DIRCAP_CWD, ws.node, f, ws.rights)) < 0)
    fileclose(f);
  return err;
}

// setdir(which, slot): make the directory capability in slot the cwd
// (which 0) or root (which 1) capability, derived from it; slot -1 drops
// it. Needs CAP_R_DUP on the slot.
uint64 sys_setdir(void)
{
  int which = argint(0);
  if (which != DIRCAP_CWD && which != DIRCAP_ROOT)
    return -E_INVAL;
  return dircap_set_from_slot(myproc(), which, argint(1));
}
