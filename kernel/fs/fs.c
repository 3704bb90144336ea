// The file system: blocks, inodes, directories and path names, in layers.
//
//   blocks       balloc/bfree keep the free bitmap (fs_format.h layout)
//   inodes       an in-memory table caches on-disk inodes; a sleep lock per
//                inode guards its contents, a spinlock guards the table
//   file data    bmap (bmap.c) maps a file's block index to a disk block;
//                readi/writei move bytes, itrunc (bmap.c) frees everything
//   directories  files of struct dirent; dirlookup/dirlink
//   paths        namei_in/nameiparent_in walk a path one element at a time,
//                never above the boundary of the directory capability
//                the walk started from (dircap.c chooses where it starts)
//
// Every function that writes the disk runs inside a log operation (log.h),
// and writes blocks with log_write(), never bwrite().
//
// Running out of disk space or inodes is not a kernel bug: balloc and ialloc
// return 0 and the callers turn it into -E_NOSPC. The in-memory inode table
// filling up is treated the same way (iget returns 0).
#include "types.h"
#include "param.h"
#include "errno.h"
#include "stat.h"
#include "lib/spinlock.h"
#include "lib/sleeplock.h"
#include "proc/proc.h"
#include "lib/printf.h"
#include "lib/klib.h"
#include "fs/bio.h"
#include "fs/log.h"
#include "fs.h"
#include "fs/bmap.h"
#include "fs/dircap.h"
#if LAB >= 9
#include "fs/symlink.h"
#endif

struct superblock sb;   // one file system (ROOTDEV), read by fsinit

// ---------------------------------------------------------------- blocks

static void readsb(int dev, struct superblock *out)
{
  struct buf *b = bread(dev, 1);
  memmove(out, b->data, sizeof(*out));
  brelse(b);
}

static void iinit(void);

// Mount the root file system: called once, by the first process (it sleeps
// on disk I/O), before anybody looks up a path.
void fsinit(int dev)
{
  iinit();
  readsb(dev, &sb);
  if (sb.magic != FSMAGIC)
    panic("fsinit: bad magic: the disk is not a Zenith file system (rebuild fs.img with mkfs)");
  initlog(dev, &sb);
}

static void bzero(int dev, uint bno)
{
  struct buf *b = bread(dev, bno);
  memset(b->data, 0, BSIZE);
  log_write(b);
  brelse(b);
}

// Claim the first free bit in one bitmap block. Returns the block number,
// or 0 if that bitmap block has none free.
static uint claim_in_bitmap(int dev, uint first)
{
  struct buf *b = bread(dev, BBLOCK(first, sb));
  uint found = 0;
  for (uint bi = 0; bi < BPB && first + bi < sb.size; bi++) {
    uchar mask = 1 << (bi % 8);
    if ((b->data[bi / 8] & mask) == 0) {
      b->data[bi / 8] |= mask;
      log_write(b);
      found = first + bi;
      break;
    }
  }
  brelse(b);
  return found;
}

// Allocate a zeroed block. Returns 0 when the disk is full. (Block 0 is the
// boot block, always marked used, so 0 can never be a real answer.)
uint balloc(uint dev)
{
  for (uint first = 0; first < sb.size; first += BPB) {
    uint bno = claim_in_bitmap(dev, first);
    if (bno) {
      bzero(dev, bno);
      return bno;
    }
  }
  return 0;
}

void bfree(int dev, uint bno)
{
  if (bno == 0 || bno >= sb.size)
    panic("bfree: block number out of range");
  struct buf *b = bread(dev, BBLOCK(bno, sb));
  uint bi = bno % BPB;
  uchar mask = 1 << (bi % 8);
  if ((b->data[bi / 8] & mask) == 0)
    panic("bfree: block already free");
  b->data[bi / 8] &= ~mask;
  log_write(b);
  brelse(b);
}

// ---------------------------------------------------------------- inodes
//
// An inode table entry is in use while ref > 0. ref counts C pointers
// (open files, current directories, path walks in progress); nlink counts
// directory entries on disk. The disk inode is freed when both drop to 0.
//
// ilock() reads the disk inode on first use and takes the sleep lock that
// guards type, size, addrs, ...; iput() drops a reference and frees the
// inode's blocks when it was the last one of an unlinked inode.

static struct {
  // Protects ref, dev and inum of every entry: which inode each slot holds
  // and how many pointers to it exist.
  struct spinlock lock;
  struct inode inode[NINODE];
} itable;

static void iinit(void)
{
  initlock(&itable.lock, "itable");
  for (int i = 0; i < NINODE; i++)
    initsleeplock(&itable.inode[i].lock, "inode");
}

// The table entry for (dev, inum), with one more reference, unlocked and
// maybe not yet read from disk. Returns 0 when the table is full.
static struct inode *iget(uint dev, uint inum)
{
  struct inode *empty = 0;

  acquire(&itable.lock);
  for (struct inode *ip = itable.inode; ip < itable.inode + NINODE; ip++) {
    if (ip->ref > 0 && ip->dev == dev && ip->inum == inum) {
      ip->ref++;
      release(&itable.lock);
      return ip;
    }
    if (empty == 0 && ip->ref == 0)
      empty = ip;
  }
  if (empty) {
    empty->dev = dev;
    empty->inum = inum;
    empty->ref = 1;
    empty->valid = 0;
  }
  release(&itable.lock);
  return empty;
}

static struct dinode *dinode_in(struct buf *b, uint inum)
{
  return (struct dinode *)b->data + inum % IPB;
}

struct inode *ialloc(uint dev, short type)
{
  for (uint inum = 1; inum < sb.ninodes; inum++) {
    struct buf *b = bread(dev, IBLOCK(inum, sb));
    struct dinode *dip = dinode_in(b, inum);
    if (dip->type == 0) {
      // Take the table slot first, so a full table leaves the disk as it was.
      struct inode *ip = iget(dev, inum);
      if (ip) {
        memset(dip, 0, sizeof(*dip));
        dip->type = type;
        log_write(b);
      }
      brelse(b);
      return ip;
    }
    brelse(b);
  }
  return 0;
}

// Copy the in-memory inode to disk. Caller holds ip->lock, inside an op.
void iupdate(struct inode *ip)
{
  struct buf *b = bread(ip->dev, IBLOCK(ip->inum, sb));
  struct dinode *dip = dinode_in(b, ip->inum);
  dip->type = ip->type;
  dip->major = ip->major;
  dip->minor = ip->minor;
  dip->nlink = ip->nlink;
  dip->size = ip->size;
  memmove(dip->addrs, ip->addrs, sizeof(ip->addrs));
  log_write(b);
  brelse(b);
}

struct inode *idup(struct inode *ip)
{
  acquire(&itable.lock);
  ip->ref++;
  release(&itable.lock);
  return ip;
}

static void load_inode(struct inode *ip)
{
  struct buf *b = bread(ip->dev, IBLOCK(ip->inum, sb));
  struct dinode *dip = dinode_in(b, ip->inum);
  ip->type = dip->type;
  ip->major = dip->major;
  ip->minor = dip->minor;
  ip->nlink = dip->nlink;
  ip->size = dip->size;
  memmove(ip->addrs, dip->addrs, sizeof(ip->addrs));
  brelse(b);
  ip->valid = 1;
  if (ip->type == 0)
    panic("ilock: inode has no type (free inode in use)");
}

void ilock(struct inode *ip)
{
  if (ip == 0 || ip->ref < 1)
    panic("ilock: no reference");
  acquiresleep(&ip->lock);
  if (!ip->valid)
    load_inode(ip);
}

void iunlock(struct inode *ip)
{
  if (ip == 0 || !holdingsleep(&ip->lock) || ip->ref < 1)
    panic("iunlock: not locked");
  releasesleep(&ip->lock);
}

// Drop a reference. The last reference to an inode no directory names
// frees it on disk, so every iput() must sit inside a log operation.
void iput(struct inode *ip)
{
  acquire(&itable.lock);
  if (ip->ref == 1 && ip->valid && ip->nlink == 0) {
    // Nobody else holds a pointer, so nobody holds the lock: this cannot block.
    acquiresleep(&ip->lock);
    release(&itable.lock);

    itrunc(ip);
    ip->type = 0;
    iupdate(ip);
    ip->valid = 0;

    releasesleep(&ip->lock);
    acquire(&itable.lock);
  }
  ip->ref--;
  release(&itable.lock);
}

void iunlockput(struct inode *ip)
{
  iunlock(ip);
  iput(ip);
}

void stati(struct inode *ip, struct stat *st)
{
  st->dev = ip->dev;
  st->ino = ip->inum;
  st->type = ip->type;
  st->nlink = ip->nlink;
  st->size = ip->size;
}

// ---------------------------------------------------------------- file data

static uint min_u(uint a, uint b)
{
  return a < b ? a : b;
}

// Read up to n bytes at off. Returns bytes read (0 at or past the end), or
// -E_FAULT if the very first copy to dst fails. Caller holds ip->lock.
int readi(struct inode *ip, int user_dst, uint64 dst, uint off, uint n)
{
  if (off > ip->size || off + n < off)
    return 0;
  n = min_u(n, ip->size - off);

  uint done = 0;
  while (done < n) {
    uint bno = bmap(ip, off / BSIZE, 0);
    if (bno == 0)
      break;   // no block: only a damaged file looks like this
    uint m = min_u(n - done, BSIZE - off % BSIZE);
    struct buf *b = bread(ip->dev, bno);
    int bad = either_copyout(user_dst, dst, b->data + off % BSIZE, m) < 0;
    brelse(b);
    if (bad)
      return done > 0 ? (int)done : -E_FAULT;
    done += m;
    off += m;
    dst += m;
  }
  return done;
}

// Write n bytes at off (at most at the end: no holes). Returns the bytes
// written; if none could be, -E_NOSPC (disk full), -E_FAULT (bad source) or
// -E_TOOBIG. Caller holds ip->lock, inside an op that reserved room for the
// blocks this touches.
int writei(struct inode *ip, int user_src, uint64 src, uint off, uint n)
{
  if (off > ip->size || off + n < off)
    return -E_INVAL;
  if (n > 0 && !bmap_holds((off + n - 1) / BSIZE))
    return -E_TOOBIG;

  uint done = 0;
  int err = 0;
  while (done < n) {
    uint bno = bmap(ip, off / BSIZE, 1);
    if (bno == 0) {
      err = -E_NOSPC;
      break;
    }
    uint m = min_u(n - done, BSIZE - off % BSIZE);
    struct buf *b = bread(ip->dev, bno);
    if (either_copyin(b->data + off % BSIZE, user_src, src, m) < 0) {
      brelse(b);
      err = -E_FAULT;
      break;
    }
    log_write(b);
    brelse(b);
    done += m;
    off += m;
    src += m;
  }

  if (off > ip->size)
    ip->size = off;
  // Always: bmap may have put new block numbers in ip->addrs.
  iupdate(ip);
  return done > 0 ? (int)done : err;
}

// ---------------------------------------------------------------- directories

int namecmp(const char *s, const char *t)
{
  return strncmp(s, t, DIRSIZ);
}

// Entry at byte offset off of directory dp (kernel read; cannot fault).
static void read_dirent(struct inode *dp, uint off, struct dirent *de)
{
  if (readi(dp, 0, (uint64)de, off, sizeof(*de)) != sizeof(*de))
    panic("dirent: short read");
}

// Look for name in directory dp (locked). Returns its inode, unlocked with a
// new reference, and its byte offset in *poff; or 0 if it is not there.
struct inode *dirlookup(struct inode *dp, const char *name, uint *poff)
{
  struct dirent de;

  if (dp->type != T_DIR)
    panic("dirlookup: not a directory");
  for (uint off = 0; off + sizeof(de) <= dp->size; off += sizeof(de)) {
    read_dirent(dp, off, &de);
    if (de.inum == 0 || namecmp(name, de.name) != 0)
      continue;
    if (poff)
      *poff = off;
    return iget(dp->dev, de.inum);
  }
  return 0;
}

// Add entry (name, inum) to directory dp (locked, inside an op).
// Returns 0, -E_EXIST if the name is taken, -E_NOSPC, or -E_NOENT if dp
// has been removed (nlink 0: no entry names it, so it must stay empty).
// Every new name goes through here, so nothing (file, directory, device
// node, link) can be made in a removed directory, where it would stay
// allocated but unreachable; and a removed directory never regains a
// link it could climb ".." through (namex).
int dirlink(struct inode *dp, const char *name, uint inum)
{
  struct dirent de;
  if (dp->nlink == 0)
    return -E_NOENT;
  struct inode *ip = dirlookup(dp, name, 0);
  if (ip) {
    iput(ip);
    return -E_EXIST;
  }

  uint off;
  for (off = 0; off + sizeof(de) <= dp->size; off += sizeof(de)) {
    read_dirent(dp, off, &de);
    if (de.inum == 0)
      break;   // reuse a free entry
  }
  memset(&de, 0, sizeof(de));
  strncpy(de.name, name, DIRSIZ);
  de.inum = inum;
  int r = writei(dp, 0, (uint64)&de, off, sizeof(de));
  if (r == sizeof(de))
    return 0;
  return r < 0 ? r : -E_NOSPC;
}

// ---------------------------------------------------------------- paths

// Split off the first element of path into name (at most DIRSIZ bytes, not
// necessarily NUL-terminated when exactly DIRSIZ). Returns the rest with
// leading slashes removed, or 0 if there was no element.
//   "a/bb/c" -> name "a", rest "bb/c";  "///a//" -> "a", "";  "" -> 0
static const char *skipelem(const char *path, char *name)
{
  while (*path == '/')
    path++;
  if (*path == 0)
    return 0;
  const char *start = path;
  while (*path != '/' && *path != 0)
    path++;
  int len = path - start;
  if (len >= DIRSIZ) {
    memmove(name, start, DIRSIZ);
  } else {
    memmove(name, start, len);
    name[len] = 0;
  }
  while (*path == '/')
    path++;
  return path;
}

struct inode *iroot(void)
{
  return iget(ROOTDEV, ROOTINO);
}

// Walk path from ws's directory, ws->depth levels below ws->base, the
// boundary of the directory capability the walk began with (dircap.h).
// Every element other than "." and ".." goes one level down, ".." one
// level up; a ".." that would climb above the boundary fails with
// -E_ESCAPE (the real root is its own "..", so at the file-system root
// ".." stays put: no climb). Directories cannot be hard-linked or moved,
// so the count is exact; a removed directory (nlink 0) has no ".." (its
// parent may be gone and its inode number reused elsewhere), so ".." from
// it is -E_NOENT.
// A symbolic link met on the way (and the last element, with follow) is
// followed by symlink_follow (symlink.c): the walk goes on through its
// target under the same boundary and depth count.
// With want_parent, stop one element early: return the parent directory
// and leave the last element in name. Returns an unlocked inode with a new
// reference and its depth in *depth, or 0 with *err = -E_NOENT (an element
// is missing or not a directory), -E_ESCAPE, or an error of
// symlink_follow.
static struct inode *namex(const struct walkstart *ws, const char *path, int want_parent,
                           int follow, char *name, int *depth, int *err)
{
  struct inode *ip = idup(ws->dir);
  int d = ws->depth;
#if LAB >= 9
  struct walk w;
  w.base = ws->base;
  w.links = 0;
#endif

  while ((path = skipelem(path, name)) != 0) {
    ilock(ip);
    if (ip->type != T_DIR) {
      iunlockput(ip);
      *err = -E_NOENT;
      return 0;
    }
    if (want_parent && *path == 0) {
      iunlock(ip);
      *depth = d;
      return ip;
    }
    int up = namecmp(name, "..") == 0;
    uint here = ip->inum;
    struct inode *next = (up && ip->nlink == 0) ? 0 : dirlookup(ip, name, 0);
    iunlock(ip);   // before locking next: next may be ip itself (".")
    if (next == 0) {
      iput(ip);
      *err = -E_NOENT;
      return 0;
    }
#if LAB >= 9
    if (!up && (follow || *path != 0)) {
      ilock(next);
      if (next->type == T_SYMLINK) {
        w.dir = ip;   // the link's directory: where a relative target starts
        w.depth = d;
        int r = symlink_follow(&w, next, path);
        iunlockput(next);
        ip = w.dir;
        if (r < 0) {
          iput(ip);
          *err = r;
          return 0;
        }
        d = w.depth;
        path = w.path;
        continue;
      }
      iunlock(next);
    }
#endif
    iput(ip);
    if (up && next->inum != here) {
      if (d == 0) {
        iput(next);
        *err = -E_ESCAPE;
        return 0;
      }
      d--;
    } else if (!up && namecmp(name, ".") != 0) {
      d++;
    }
    ip = next;
  }
  if (want_parent) {   // the path had no element at all ("/")
    iput(ip);
    *err = -E_NOENT;
    return 0;
  }
  *depth = d;
  return ip;
}

struct inode *namei_in(const struct walkstart *ws, const char *path, int follow, int *depth,
                       int *err)
{
  char name[DIRSIZ];
  return namex(ws, path, 0, follow, name, depth, err);
}

struct inode *nameiparent_in(const struct walkstart *ws, const char *path, char *name,
                             int *depth, int *err)
{
  return namex(ws, path, 1, 0, name, depth, err);
}
