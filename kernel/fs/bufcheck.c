// The block cache's buffers, and a check of them that does not trust the
// cache's own code: bio.c (the locks lab's file) organises these NBUF
// buffers as it likes, but they live here, so that lockcheck() can look at
// every one of them.
#include "types.h"
#include "param.h"
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
