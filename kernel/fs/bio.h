// The block cache: copies of disk blocks in memory, one sleep lock each, so
// only one process uses a given block at a time.
#ifndef ZENITH_BIO_H
#define ZENITH_BIO_H

#include "types.h"
#include "param.h"
#include "lib/sleeplock.h"
#include "fs_format.h"

struct buf {
  int valid;             // data read from disk?
  int disk;              // the disk driver owns it (transfer in flight)
  uint dev;
  uint blockno;
  struct sleeplock lock;
  uint refcnt;           // bio.c's locks protect refcnt, prev, next
  struct buf *prev;      // LRU list
  struct buf *next;
#if LAB >= 10
  uint64 lastuse;        // when refcnt last fell to 0 (r_time()): LRU across buckets
#endif
  uchar data[BSIZE];
};

void binit(void);
struct buf *bread(uint dev, uint blockno);
void bwrite(struct buf *b);
void brelse(struct buf *b);
void bpin(struct buf *b);
void bunpin(struct buf *b);

// The NBUF buffers bio.c caches blocks in (bufcheck.c), and the checks
// that no block is in two of them, outside bio.c so that they do not depend
// on it: the number of blocks that are now (lockcheck()); the disk driver's
// check before each transfer, and how many transfers since boot found
// their block in another buffer in use.
extern struct buf bcache_bufs[NBUF];
int bcache_cached_twice(void);
void bcache_check_transfer(struct buf *b);
uint64 bcache_twice_in_use(void);

#endif
