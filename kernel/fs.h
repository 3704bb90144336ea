// The file system proper: the inode cache, block mapping, directories and
// path lookup. Every call that changes the disk must sit between begin_op()
// and end_op() (log.h) so a crash leaves the disk consistent.
#ifndef ZENITH_FS_H
#define ZENITH_FS_H

#include "types.h"
#include "lib/sleeplock.h"
#include "fs_format.h"
#include "stat.h"

struct stat;

// In-memory copy of an inode.
struct inode {
  uint dev;
  uint inum;
  int ref;                 // references in memory; itable.lock protects it
  struct sleeplock lock;   // protects everything below
  int valid;               // read from disk yet?

  short type;              // copy of the disk inode
  short major;
  short minor;
  short nlink;
  uint size;
  uint addrs[NDIRECT + 2];
};

extern struct superblock sb;

// A regular file the image builder sealed (DI_SEALED): never changed.
static inline int isealed(struct inode *ip)
{
  return ip->type == T_FILE && (ip->major & DI_SEALED);
}

void fsinit(int dev);
struct inode *ialloc(uint dev, short type);   // 0 when out of inodes
struct inode *idup(struct inode *ip);
void ilock(struct inode *ip);
void iunlock(struct inode *ip);
void iput(struct inode *ip);
void iunlockput(struct inode *ip);
void iupdate(struct inode *ip);
void itrunc(struct inode *ip);
void stati(struct inode *ip, struct stat *st);
// readi/writei: user_dst/user_src non-zero means dst/src is a user virtual
// address of the current process. Return bytes moved or a negative error.
int readi(struct inode *ip, int user_dst, uint64 dst, uint off, uint n);
int writei(struct inode *ip, int user_src, uint64 src, uint off, uint n);
struct inode *dirlookup(struct inode *dp, const char *name, uint *poff);
int dirlink(struct inode *dp, const char *name, uint inum);
int namecmp(const char *s, const char *t);
// The root directory of the file system (a new reference).
struct inode *iroot(void);
// Path walks that stay below a directory capability's boundary (see
// namex in fs.c). ws is where the walk starts (dircap_begin): its
// directory, how far that is below the boundary, and the boundary itself.
// Return an unlocked inode with a new reference and in *depth how far it
// is below the boundary; or 0 with *err = -E_NOENT, -E_ESCAPE (".."
// above the boundary), -E_LOOP (symbolic links: too many, or a loop),
// -E_NAMETOOLONG. namei_in follows a symbolic link that is the last
// element only with NAMEI_FOLLOW (links met on the way are always
// followed); nameiparent_in stops one element early, leaving it in name.
struct walkstart;
#define NAMEI_NOFOLLOW 0
#define NAMEI_FOLLOW   1
struct inode *namei_in(const struct walkstart *ws, const char *path, int follow, int *depth,
                       int *err);
struct inode *nameiparent_in(const struct walkstart *ws, const char *path, char *name,
                             int *depth, int *err);

#endif
