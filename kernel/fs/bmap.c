// Where a file's blocks are: the block map of an inode (lab 9 stage 1,
// docs/labs/fs.md; book 5.21). addrs[] in the inode holds NDIRECT block
// numbers, then one singly-indirect block (NINDIRECT more block numbers),
// then one doubly-indirect block (NINDIRECT singly-indirect blocks). A 0
// anywhere means "no block yet": files have no holes (writei never skips
// ahead), so a 0 only appears past the end of the file.
//
// bmap finds (or allocates) the disk block of a file block; itrunc frees
// every block of a file, index blocks included.
#include "types.h"
#include "param.h"
#include "lib/sleeplock.h"
#include "lib/printf.h"
#include "fs/bio.h"
#include "fs/log.h"
#include "fs.h"
#include "fs/bmap.h"

// The block number stored in *slot, allocating one if it is 0 and alloc is
// set. `holder` is the indirect block containing the slot (logged when it
// changes), or 0 for a slot in the inode itself (written by iupdate later).
// Returns 0 if the slot is empty and could not be filled.
static uint fill_slot(uint dev, uint *slot, int alloc, struct buf *holder)
{
  if (*slot == 0 && alloc) {
    *slot = balloc(dev);
    if (*slot && holder)
      log_write(holder);
  }
  return *slot;
}

// Entry idx of indirect block `ind`, allocated on demand.
static uint indirect_entry(uint dev, uint ind, uint idx, int alloc)
{
  struct buf *b = bread(dev, ind);
  uint bno = fill_slot(dev, (uint *)b->data + idx, alloc, b);
  brelse(b);
  return bno;
}

int bmap_holds(uint bn)
{
#if SOL >= 9
  return bn < MAXFILE;
#else
  return bn < NDIRECT + NINDIRECT;
#endif
}

uint bmap(struct inode *ip, uint bn, int alloc)
{
  uint dev = ip->dev;

  if (bn < NDIRECT)
    return fill_slot(dev, &ip->addrs[bn], alloc, 0);
  bn -= NDIRECT;

  if (bn < NINDIRECT) {
    uint ind = fill_slot(dev, &ip->addrs[NDIRECT], alloc, 0);
    return ind ? indirect_entry(dev, ind, bn, alloc) : 0;
  }
  bn -= NINDIRECT;

#if SOL >= 9
  if (bn < NDINDIRECT) {
    uint top = fill_slot(dev, &ip->addrs[NDIRECT + 1], alloc, 0);
    if (top == 0)
      return 0;
    uint mid = indirect_entry(dev, top, bn / NINDIRECT, alloc);
    return mid ? indirect_entry(dev, mid, bn % NINDIRECT, alloc) : 0;
  }
#else
  // Stage 1: blocks past the singly-indirect ones go through the
  // doubly-indirect block addrs[NDIRECT+1]. Until then the map holds none.
#endif
  return 0;
}

// Free an indirect block and, `depth` levels down, every block it points to.
static void free_tree(uint dev, uint bno, int depth)
{
  if (depth > 0) {
    struct buf *b = bread(dev, bno);
    uint *a = (uint *)b->data;
    for (uint i = 0; i < NINDIRECT; i++)
      if (a[i])
        free_tree(dev, a[i], depth - 1);
    brelse(b);
  }
  bfree(dev, bno);
}

// Free every data block of the file and set its size to 0. Caller holds
// ip->lock, inside an op. Only bitmap blocks and the inode block are
// logged, so even the largest file fits in one operation.
void itrunc(struct inode *ip)
{
  for (int i = 0; i < NDIRECT; i++) {
    if (ip->addrs[i])
      bfree(ip->dev, ip->addrs[i]);
    ip->addrs[i] = 0;
  }
  if (ip->addrs[NDIRECT])
    free_tree(ip->dev, ip->addrs[NDIRECT], 1);
  ip->addrs[NDIRECT] = 0;
#if SOL >= 9
  if (ip->addrs[NDIRECT + 1])
    free_tree(ip->dev, ip->addrs[NDIRECT + 1], 2);
  ip->addrs[NDIRECT + 1] = 0;
#endif
  ip->size = 0;
  iupdate(ip);
}
