// The block cache: copies of disk blocks in memory, one sleep lock each, so
// only one process uses a given block at a time.
#ifndef ZENITH_BIO_H
#define ZENITH_BIO_H

#include "types.h"
#include "lib/sleeplock.h"
#include "fs_format.h"

struct buf {
  int valid;             // data read from disk?
  int disk;              // the disk driver owns it (transfer in flight)
  uint dev;
  uint blockno;
  struct sleeplock lock;
  uint refcnt;           // bcache.lock protects refcnt, prev, next
  struct buf *prev;      // LRU list
  struct buf *next;
  uchar data[BSIZE];
};

void binit(void);
struct buf *bread(uint dev, uint blockno);
void bwrite(struct buf *b);
void brelse(struct buf *b);
void bpin(struct buf *b);
void bunpin(struct buf *b);

#endif
