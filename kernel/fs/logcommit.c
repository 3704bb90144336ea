// The commit and the recovery of the write-ahead log: the on-disk half of
// log.c (lab 9 stage 3, docs/labs/fs.md; book 5.5 and 5.21). log.c decides
// which operations form a group and when it commits; this file writes the
// group so that a crash at any moment leaves all of it or none of it:
//   1. copy every recorded block into the log area,
//   2. write the log header with the count (the commit point),
//   3. write every block to its home location,
//   4. write the header again with count 0.
// A crash before 2 loses the whole group; after 2, log_recover() at the
// next boot replays it. Each step's writes must be stable before the next
// step's begin (virtio_blk_flush), since a disk may reorder what it has
// not yet flushed.
//
// The log area is written through a private staging buffer, not the
// cache, so a commit needs no cache slot beyond the pinned blocks.
#include "types.h"
#include "param.h"
#include "lib/spinlock.h"
#include "lib/printf.h"
#include "lib/klib.h"
#include "fs_format.h"
#include "fs/bio.h"
#include "dev/virtio_blk.h"
#include "fs/logdisk.h"

// The helpers below are what the commit and the recovery are made of;
// `unused` because a stub need not call them all.
#define LOG_HELPER static __attribute__((unused))

// Staging buffer for log-area reads and writes (commit and recovery only;
// they never run at the same time).
static struct buf stage;

static void stage_read(const struct logarea *a, uint blockno)
{
  stage.dev = a->dev;
  stage.blockno = blockno;
  virtio_blk_rw(&stage, 0);
}

static void stage_write(const struct logarea *a, uint blockno)
{
  stage.dev = a->dev;
  stage.blockno = blockno;
  virtio_blk_rw(&stage, 1);
}

// Write the header block: count n and the home block numbers of lh.
LOG_HELPER void write_head(const struct logarea *a, const struct logheader *lh, uint n)
{
  struct logheader *h = (struct logheader *)stage.data;
  memset(stage.data, 0, BSIZE);
  h->n = n;
  for (uint i = 0; i < n; i++)
    h->block[i] = lh->block[i];
  stage_write(a, a->start);
}

// Read the header block into lh, refusing one recovery could not trust.
LOG_HELPER void read_head(const struct logarea *a, struct logheader *lh, uint fs_size)
{
  stage_read(a, a->start);
  memmove(lh, stage.data, sizeof(*lh));
  if (lh->n > a->capacity)
    panic("log: corrupt header (too many blocks); bad file-system image?");
  for (uint i = 0; i < lh->n; i++)
    if (lh->block[i] >= fs_size)
      panic("log: corrupt header (block out of range); bad file-system image?");
}

// Copy the group's cached blocks into the log area (slot i: block
// start + 1 + i).
LOG_HELPER void copy_to_log(const struct logarea *a, const struct logheader *lh)
{
  for (uint i = 0; i < lh->n; i++) {
    struct buf *b = bread(a->dev, lh->block[i]);   // pinned: a cache hit
    memmove(stage.data, b->data, BSIZE);
    brelse(b);
    stage_write(a, a->start + 1 + i);
  }
}

// Write the group's cached blocks home and let the cache recycle them.
LOG_HELPER void install(const struct logheader *lh, int dev)
{
  for (uint i = 0; i < lh->n; i++) {
    struct buf *b = bread(dev, lh->block[i]);
    bwrite(b);
    bunpin(b);
    brelse(b);
  }
}

// Copy logged block i of the area home (recovery: the cache holds nothing
// of the group, so the copy comes from the log area).
LOG_HELPER void replay_block(const struct logarea *a, const struct logheader *lh, uint i)
{
  stage_read(a, a->start + 1 + i);
  struct buf *home = bread(a->dev, lh->block[i]);
  memmove(home->data, stage.data, BSIZE);
  bwrite(home);
  brelse(home);
}

#if SOL >= 9
void log_commit_group(const struct logarea *a, struct logheader *lh)
{
  if (lh->n == 0)
    return;
  copy_to_log(a, lh);
  virtio_blk_flush();          // the logged blocks are stable before the header names them
  write_head(a, lh, lh->n);    // step 2: from here on the group survives a crash
  virtio_blk_flush();          // the commit point itself is stable (fsync's promise)
  install(lh, a->dev);
  virtio_blk_flush();          // home blocks stable before the header stops naming them
  write_head(a, lh, 0);        // step 4
  lh->n = 0;
}

void log_recover(const struct logarea *a, uint fs_size)
{
  struct logheader lh;
  read_head(a, &lh, fs_size);
  for (uint i = 0; i < lh.n; i++)
    replay_block(a, &lh, i);
  if (lh.n > 0) {
    printf("log: replayed %d blocks\n", (int)lh.n);
    virtio_blk_flush();   // home blocks stable before the header forgets them
  }
  write_head(a, &lh, 0);
}
#else
// Stage 3: today's commit writes each block straight home, with no log:
// correct until the power fails in the middle of it. Make it crash safe.
void log_commit_group(const struct logarea *a, struct logheader *lh)
{
  install(lh, a->dev);
  lh->n = 0;
}

// Stage 3: a commit that uses the log leaves work here after a crash.
void log_recover(const struct logarea *a, uint fs_size)
{
}
#endif
