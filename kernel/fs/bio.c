// The block cache. Every disk block the file system touches passes through
// here: bread() returns a locked in-memory copy, bwrite() pushes it to the
// disk, brelse() hands it back. Caching saves disk reads; the per-buffer
// sleep lock makes sure only one process works on a given block at a time.
//
// The buffers are the NBUF of bcache_bufs[] (bufcheck.c). The log pins the
// blocks it will write so they stay cached until installed.
#if LAB >= 10
//
// The locks lab (docs/labs/locks.md, book 4.16): with one lock around the
// whole cache (what the handout's bio.c does), every block lookup on every
// hart waits for every other. The lab spreads the buffers over hash buckets,
// each with its own lock, so lookups of different blocks rarely meet. Only a
// miss needs more: it takes the "bcache" lock, which alone may move a buffer
// between buckets, and recycles the least recently released buffer of the
// whole cache.
#endif
#include "types.h"
#include "riscv.h"
#include "param.h"
#include "lib/spinlock.h"
#include "lib/sleeplock.h"
#include "proc/proc.h"
#include "lib/printf.h"
#include "dev/virtio_blk.h"
#include "fs/bio.h"

#if SOL >= 10
#define NBUCKET 13   // a prime: consecutive block numbers spread evenly

// Lock order: evict.lock, then one bucket's lock (never two buckets at once).
static struct {
  struct spinlock lock;   // "bcache": held by a miss while it recycles a buffer
} evict;

static struct bucket {
  // Protects the list of the bucket's buffers and their refcnt, dev, blockno,
  // valid (when recycled) and lastuse. Not the data: each buffer's sleep
  // lock guards that.
  struct spinlock lock;
  struct buf head;   // circular list sentinel
} __attribute__((aligned(64))) buckets[NBUCKET];

static struct bucket *bucket_of(uint dev, uint blockno)
{
  return &buckets[(dev * 31 + blockno) % NBUCKET];
}

static void list_unlink(struct buf *b)
{
  b->prev->next = b->next;
  b->next->prev = b->prev;
}

static void list_insert(struct bucket *bk, struct buf *b)
{
  b->next = bk->head.next;
  b->prev = &bk->head;
  bk->head.next->prev = b;
  bk->head.next = b;
}

void binit(void)
{
  initlock(&evict.lock, "bcache");
  for (struct bucket *bk = buckets; bk < buckets + NBUCKET; bk++) {
    initlock(&bk->lock, "bcache.bucket");
    bk->head.next = bk->head.prev = &bk->head;
  }
  for (struct buf *b = bcache_bufs; b < bcache_bufs + NBUF; b++) {
    initsleeplock(&b->lock, "buffer");
    list_insert(&buckets[(b - bcache_bufs) % NBUCKET], b);
  }
}

// The cached copy of (dev, blockno) with one more reference, or 0.
static struct buf *lookup(struct bucket *bk, uint dev, uint blockno)
{
  struct buf *found = 0;
  acquire(&bk->lock);
  for (struct buf *b = bk->head.next; b != &bk->head; b = b->next) {
    if (b->dev == dev && b->blockno == blockno) {
      b->refcnt++;
      found = b;
      break;
    }
  }
  release(&bk->lock);
  return found;
}

// Take the least recently released unused buffer out of its bucket, or 0
// when every buffer is held. Caller holds evict.lock, so no buffer changes
// bucket meanwhile; a lookup may take the chosen one first: then look again.
static struct buf *take_lru(void)
{
  for (;;) {
    struct buf *best = 0;
    struct bucket *where = 0;
    for (struct bucket *bk = buckets; bk < buckets + NBUCKET; bk++) {
      acquire(&bk->lock);
      for (struct buf *b = bk->head.next; b != &bk->head; b = b->next) {
        if (b->refcnt == 0 && (!best || b->lastuse < best->lastuse)) {
          best = b;
          where = bk;
        }
      }
      release(&bk->lock);
    }
    if (!best)
      return 0;
    acquire(&where->lock);
    int still_unused = best->refcnt == 0;
    if (still_unused)
      list_unlink(best);
    release(&where->lock);
    if (still_unused)
      return best;
  }
}

// Return a locked buffer for the block, cached or recycled. When every
// buffer is held (many processes doing I/O at once), let others run until
// one is released: that is load, not a bug.
static struct buf *bget(uint dev, uint blockno)
{
  struct bucket *bk = bucket_of(dev, blockno);
  struct buf *b = lookup(bk, dev, blockno);
  if (b) {
    acquiresleep(&b->lock);
    return b;
  }
  acquire(&evict.lock);
  for (;;) {
    // Look again: another miss may have cached it since. Only a holder of
    // evict.lock puts a block in a bucket, so it cannot appear after this.
    if ((b = lookup(bk, dev, blockno)) != 0)
      break;
    if ((b = take_lru()) != 0) {
      b->dev = dev;
      b->blockno = blockno;
      b->valid = 0;
      b->refcnt = 1;
      acquire(&bk->lock);
      list_insert(bk, b);
      release(&bk->lock);
      break;
    }
    release(&evict.lock);
    yield();
    acquire(&evict.lock);
  }
  release(&evict.lock);
  acquiresleep(&b->lock);
  return b;
}

// Drop one reference. The caller holds a reference, so b's block (and so
// its bucket) cannot change under it.
static void drop_ref(struct buf *b)
{
  struct bucket *bk = bucket_of(b->dev, b->blockno);
  acquire(&bk->lock);
  if (b->refcnt == 0)
    panic("bio: reference count underflow");
  b->refcnt--;
  if (b->refcnt == 0)
    b->lastuse = r_time();   // one clock for every hart: LRU across buckets
  release(&bk->lock);
}

void brelse(struct buf *b)
{
  if (!holdingsleep(&b->lock))
    panic("brelse: buffer not locked");
  releasesleep(&b->lock);
  drop_ref(b);
}

// An extra reference keeps the block cached (the log uses it).
void bpin(struct buf *b)
{
  struct bucket *bk = bucket_of(b->dev, b->blockno);
  acquire(&bk->lock);
  b->refcnt++;
  release(&bk->lock);
}

void bunpin(struct buf *b)
{
  drop_ref(b);
}
#else
// Buffers sit on a circular list ordered by last release, most recent first.
// A lookup scans from the front; a miss recycles the unused buffer nearest
// the back (least recently used).
static struct {
  // Protects the list order and every buf's refcnt, dev and blockno (and
  // valid when a buffer is recycled). Not the data: each buffer's sleep
  // lock guards that.
  struct spinlock lock;
  struct buf head;   // list sentinel: head.next is the most recently used
} bcache;

static void list_unlink(struct buf *b)
{
  b->prev->next = b->next;
  b->next->prev = b->prev;
}

static void list_push_front(struct buf *b)
{
  b->next = bcache.head.next;
  b->prev = &bcache.head;
  bcache.head.next->prev = b;
  bcache.head.next = b;
}

void binit(void)
{
  initlock(&bcache.lock, "bcache");
  bcache.head.next = bcache.head.prev = &bcache.head;
  for (struct buf *b = bcache_bufs; b < bcache_bufs + NBUF; b++) {
    initsleeplock(&b->lock, "buffer");
    list_push_front(b);
  }
}

// The cached copy of (dev, blockno), or 0. Caller holds bcache.lock.
static struct buf *find_cached(uint dev, uint blockno)
{
  for (struct buf *b = bcache.head.next; b != &bcache.head; b = b->next)
    if (b->dev == dev && b->blockno == blockno)
      return b;
  return 0;
}

// The least recently used buffer nobody holds, or 0. Caller holds bcache.lock.
static struct buf *find_unused(void)
{
  for (struct buf *b = bcache.head.prev; b != &bcache.head; b = b->prev)
    if (b->refcnt == 0)
      return b;
  return 0;
}

// Return a locked buffer for the block, cached or recycled. When every buffer
// is held (many processes doing I/O at once), wait for one to come free
// rather than panic: that is load, not a bug.
static struct buf *bget(uint dev, uint blockno)
{
  struct buf *b;

  acquire(&bcache.lock);
  for (;;) {
    if ((b = find_cached(dev, blockno)) != 0)
      break;
    if ((b = find_unused()) != 0) {
      b->dev = dev;
      b->blockno = blockno;
      b->valid = 0;
      break;
    }
    sleep(&bcache, &bcache.lock);
  }
  b->refcnt++;
  release(&bcache.lock);
  acquiresleep(&b->lock);
  return b;
}

// Drop one reference; caller holds bcache.lock.
static void drop_ref(struct buf *b)
{
  if (b->refcnt == 0)
    panic("bio: reference count underflow");
  b->refcnt--;
  if (b->refcnt == 0) {
    list_unlink(b);
    list_push_front(b);
    wakeup(&bcache);
  }
}

void brelse(struct buf *b)
{
  if (!holdingsleep(&b->lock))
    panic("brelse: buffer not locked");
  releasesleep(&b->lock);
  acquire(&bcache.lock);
  drop_ref(b);
  release(&bcache.lock);
}

// An extra reference keeps the block cached (the log uses it).
void bpin(struct buf *b)
{
  acquire(&bcache.lock);
  b->refcnt++;
  release(&bcache.lock);
}

void bunpin(struct buf *b)
{
  acquire(&bcache.lock);
  drop_ref(b);
  release(&bcache.lock);
}
#endif

struct buf *bread(uint dev, uint blockno)
{
  struct buf *b = bget(dev, blockno);
  if (!b->valid) {
    virtio_blk_rw(b, 0);
    b->valid = 1;
  }
  return b;
}

void bwrite(struct buf *b)
{
  if (!holdingsleep(&b->lock))
    panic("bwrite: buffer not locked");
  virtio_blk_rw(b, 1);
}
