// The block cache. Every disk block the file system touches passes through
// here: bread() returns a locked in-memory copy, bwrite() pushes it to the
// disk, brelse() hands it back. Caching saves disk reads; the per-buffer
// sleep lock makes sure only one process works on a given block at a time.
//
// Buffers sit on a circular list ordered by last release, most recent first.
// A lookup scans from the front; a miss recycles the unused buffer nearest
// the back (least recently used). The log pins the blocks it will write so
// they stay cached until installed.
#include "types.h"
#include "param.h"
#include "lib/spinlock.h"
#include "lib/sleeplock.h"
#include "proc/proc.h"
#include "lib/printf.h"
#include "dev/virtio_blk.h"
#include "fs/bio.h"

static struct {
  // Protects the list order and every buf's refcnt, dev and blockno (and
  // valid when a buffer is recycled). Not the data: each buffer's sleep
  // lock guards that.
  struct spinlock lock;
  struct buf buf[NBUF];
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
  for (struct buf *b = bcache.buf; b < bcache.buf + NBUF; b++) {
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
