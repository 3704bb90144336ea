// The block cache's buffers, and a check of them that does not trust the
// cache's own code: bio.c (the locks lab's file) organises these NBUF
// buffers as it likes, but they live here, so that lockcheck() can look at
// every one of them.
#include "types.h"
#include "param.h"
#include "lib/printf.h"
#include "fs/bio.h"

struct buf bcache_bufs[NBUF];

// How many buffers hold a valid copy of a block that an earlier buffer holds
// too: 0 in a correct cache. Reads without locks, so only meaningful when no
// file I/O runs (a buffer being recycled is briefly inconsistent).
int bcache_cached_twice(void)
{
  int twice = 0;
  for (int i = 0; i < NBUF; i++) {
    struct buf *a = &bcache_bufs[i];
    if (!__atomic_load_n(&a->valid, __ATOMIC_RELAXED))
      continue;
    for (int j = 0; j < i; j++) {
      struct buf *b = &bcache_bufs[j];
      if (__atomic_load_n(&b->valid, __ATOMIC_RELAXED) && a->dev == b->dev &&
          a->blockno == b->blockno) {
        twice++;
        break;
      }
    }
  }
  return twice;
}

// Disk transfers that found their block in another buffer in use: never
// reset, so a test sees one that happened long before it looked.
static uint64 twice_in_use;
static int told;

// The block c names if a process holds c's sleep lock, else -1: read twice
// around the lock word so that a buffer changing hands meanwhile does not
// count.
static long long held_block(struct buf *c, uint dev)
{
  uint blockno = __atomic_load_n(&c->blockno, __ATOMIC_ACQUIRE);
  if (!__atomic_load_n(&c->lock.locked, __ATOMIC_ACQUIRE) ||
      __atomic_load_n(&c->dev, __ATOMIC_ACQUIRE) != dev ||
      __atomic_load_n(&c->blockno, __ATOMIC_ACQUIRE) != blockno)
    return -1;
  return blockno;
}

// Called by the disk driver before it moves b, whose sleep lock the caller
// holds. A second buffer of the same block whose sleep lock is held too
// means two processes each work on a copy of their own: the block is
// cached twice (two misses on it each recycled a buffer), and a write
// through one copy will not be seen through the other. Counted, and said
// once per boot. Buffers outside the cache (the log's staging buffer) are
// not checked.
void bcache_check_transfer(struct buf *b)
{
  if (b < bcache_bufs || b >= bcache_bufs + NBUF)
    return;
  for (struct buf *c = bcache_bufs; c < bcache_bufs + NBUF; c++) {
    if (c == b || held_block(c, b->dev) != b->blockno)
      continue;
    __atomic_add_fetch(&twice_in_use, 1, __ATOMIC_RELAXED);
    if (!__atomic_exchange_n(&told, 1, __ATOMIC_RELAXED))
      printf("bcache: block %d is cached twice: buffers %d and %d both hold it, both in "
             "use; two misses on one block each took a buffer for it (bget() must look "
             "for the block again once it holds what serialises misses: "
             "docs/labs/locks.md)\n", (int)b->blockno, (int)(b - bcache_bufs),
             (int)(c - bcache_bufs));
    return;
  }
}

uint64 bcache_twice_in_use(void)
{
  return __atomic_load_n(&twice_in_use, __ATOMIC_RELAXED);
}
