// virtio-blk driver: moves disk blocks between struct buf and the disk that
// holds the root file system. The buffer cache (bio.c) is its only caller.
//
// One split virtqueue of QSIZE descriptors is shared by all harts. A request
// is a chain of three descriptors (header, data, status byte); the caller
// offers it to the device, notifies it, and sleeps on the buf. The device
// interrupt (virtio_blk_intr) walks the used ring and wakes the owners of the
// finished requests, so several requests can be in flight at once.
//
// Queue pages come from kalloc(); the kernel maps RAM at its physical address,
// so the pointers we hand the device are its physical addresses as well.
#include "types.h"
#include "param.h"
#include "riscv.h"
#include "lib/spinlock.h"
#include "proc/proc.h"
#include "mm/kalloc.h"
#include "lib/printf.h"
#include "lib/klib.h"
#include "dev/dtb.h"
#include "fs/bio.h"
#include "dev/virtio.h"
#include "dev/virtio_blk.h"
#include "dev/power.h"

#define QSIZE 32    // descriptors; a request uses 3, so 10 can be in flight

int virtio_blk_irq;

// What the driver keeps for one request, indexed by its head descriptor.
struct request {
  struct buf *b;                  // 0 = no request uses this head
  struct virtio_blk_req hdr;      // read by the device
  volatile uint8 status;          // written by the device
};

static struct {
  // Protects everything in this struct, the three queue pages and the
  // device's registers, and the `disk` flag of every buf in flight.
  struct spinlock lock;
  uint64 base;                    // MMIO base of the device
  uint64 capacity;                // disk size in sectors
  struct virtq_desc *desc;        // QSIZE descriptors
  struct virtq_avail *avail;      // driver -> device ring
  struct virtq_used *used;        // device -> driver ring
  uint8 is_free[QSIZE];           // descriptor not part of any chain
  int nfree;
  uint16 used_seen;               // used-ring entries already handled
  struct request req[QSIZE];
  int can_flush;                  // VIRTIO_BLK_F_FLUSH negotiated
  int flushing;                   // a flush request is in flight
  struct buf flush_token;         // what a flush's owner sleeps on (no data)
} disk;

static inline volatile uint32 *reg(int off)
{
  return (volatile uint32 *)(disk.base + off);
}

static uint32 reg_at(uint64 base, int off)
{
  return *(volatile uint32 *)(base + off);
}

// Find the first modern virtio block device among the device-tree slots.
static int probe(void)
{
  int legacy = 0;
  for (int i = 0; i < platform.nvirtio; i++) {
    uint64 base = platform.virtio_base[i];
    if (reg_at(base, VIRTIO_MMIO_MAGIC_VALUE) != VIRTIO_MAGIC ||
        reg_at(base, VIRTIO_MMIO_DEVICE_ID) != VIRTIO_DEV_BLOCK)
      continue;
    if (reg_at(base, VIRTIO_MMIO_VERSION) != 2) {
      legacy = 1;
      continue;
    }
    disk.base = base;
    virtio_blk_irq = platform.virtio_irq[i];
    return 1;
  }
  if (legacy)
    panic("virtio_blk: only a legacy device; run QEMU with "
          "-global virtio-mmio.force-legacy=false");
  return 0;
}

static void set_status(uint32 bit)
{
  *reg(VIRTIO_MMIO_STATUS) |= bit;
}

// Accept VERSION_1 (mandatory for a modern device) and FLUSH if offered:
// with it QEMU may keep our writes in the host's page cache (cache=writeback)
// until we flush; without it QEMU writes each one through.
static void negotiate_features(void)
{
  *reg(VIRTIO_MMIO_DEVICE_FEATURES_SEL) = 0;
  uint32 low = *reg(VIRTIO_MMIO_DEVICE_FEATURES);
  *reg(VIRTIO_MMIO_DEVICE_FEATURES_SEL) = 1;
  uint32 high = *reg(VIRTIO_MMIO_DEVICE_FEATURES);
  if (!(high & (1u << (VIRTIO_F_VERSION_1 - 32))))
    panic("virtio_blk: device does not offer VERSION_1");
  if (low & (1u << VIRTIO_BLK_F_RO))
    printf("virtio_blk: warning: the disk is read-only\n");

  disk.can_flush = (low >> VIRTIO_BLK_F_FLUSH) & 1;
  *reg(VIRTIO_MMIO_DRIVER_FEATURES_SEL) = 0;
  *reg(VIRTIO_MMIO_DRIVER_FEATURES) = disk.can_flush << VIRTIO_BLK_F_FLUSH;
  *reg(VIRTIO_MMIO_DRIVER_FEATURES_SEL) = 1;
  *reg(VIRTIO_MMIO_DRIVER_FEATURES) = 1u << (VIRTIO_F_VERSION_1 - 32);

  set_status(VIRTIO_STATUS_FEATURES_OK);
  if (!(*reg(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_FEATURES_OK))
    panic("virtio_blk: device refused our features");
}

static void *zeroed_page(void)
{
  void *p = kalloc();
  if (p == 0)
    panic("virtio_blk: out of memory");
  memset(p, 0, PGSIZE);
  return p;
}

static void write_addr(int low_reg, void *p)
{
  uint64 a = (uint64)p;
  *reg(low_reg) = (uint32)a;
  *reg(low_reg + 4) = (uint32)(a >> 32);
}

static void setup_queue(void)
{
  *reg(VIRTIO_MMIO_QUEUE_SEL) = 0;
  if (*reg(VIRTIO_MMIO_QUEUE_READY))
    panic("virtio_blk: queue 0 already in use");
  if (*reg(VIRTIO_MMIO_QUEUE_NUM_MAX) < QSIZE)
    panic("virtio_blk: queue too small");

  disk.desc = zeroed_page();
  disk.avail = zeroed_page();
  disk.used = zeroed_page();
  *reg(VIRTIO_MMIO_QUEUE_NUM) = QSIZE;
  write_addr(VIRTIO_MMIO_QUEUE_DESC_LOW, disk.desc);
  write_addr(VIRTIO_MMIO_QUEUE_DRIVER_LOW, disk.avail);
  write_addr(VIRTIO_MMIO_QUEUE_DEVICE_LOW, disk.used);
  *reg(VIRTIO_MMIO_QUEUE_READY) = 1;

  for (int i = 0; i < QSIZE; i++)
    disk.is_free[i] = 1;
  disk.nfree = QSIZE;
}

void virtio_blk_init(void)
{
  initlock(&disk.lock, "virtio_blk");
  if (!probe())
    panic("virtio_blk: no disk");

  // Initialisation sequence of virtio 1.x section 3.1.1.
  *reg(VIRTIO_MMIO_STATUS) = 0;   // reset
  set_status(VIRTIO_STATUS_ACKNOWLEDGE);
  set_status(VIRTIO_STATUS_DRIVER);
  negotiate_features();
  setup_queue();
  disk.capacity = *(volatile uint64 *)(disk.base + VIRTIO_MMIO_CONFIG +
                                       VIRTIO_BLK_CONFIG_CAPACITY);
  set_status(VIRTIO_STATUS_DRIVER_OK);
}

// Take one free descriptor; the caller holds disk.lock and has checked nfree.
static int take_desc(void)
{
  for (int i = 0; i < QSIZE; i++) {
    if (disk.is_free[i]) {
      disk.is_free[i] = 0;
      disk.nfree--;
      return i;
    }
  }
  panic("virtio_blk: descriptor count wrong");
}

static void give_desc(int i)
{
  if (disk.is_free[i])
    panic("virtio_blk: descriptor freed twice");
  disk.is_free[i] = 1;
  disk.nfree++;
  wakeup(&disk.nfree);
}

// Free a whole chain starting at its head.
static void give_chain(int i)
{
  for (;;) {
    int more = disk.desc[i].flags & VIRTQ_DESC_F_NEXT;
    int next = disk.desc[i].next;
    give_desc(i);
    if (!more)
      break;
    i = next;
  }
}

static void fill_desc(int i, void *addr, uint32 len, uint16 flags, int next)
{
  disk.desc[i].addr = (uint64)addr;
  disk.desc[i].len = len;
  disk.desc[i].flags = flags;
  disk.desc[i].next = next < 0 ? 0 : next;
}

// Build the header -> data -> status chain for b; returns its head.
static int build_chain(struct buf *b, int write)
{
  int h = take_desc(), d = take_desc(), s = take_desc();
  struct request *r = &disk.req[h];

  r->hdr.type = write ? VIRTIO_BLK_T_OUT : VIRTIO_BLK_T_IN;
  r->hdr.reserved = 0;
  r->hdr.sector = (uint64)b->blockno * (BSIZE / VIRTIO_BLK_SECTOR_SIZE);
  r->status = 0xff;   // the device overwrites it
  r->b = b;

  fill_desc(h, &r->hdr, sizeof(r->hdr), VIRTQ_DESC_F_NEXT, d);
  fill_desc(d, b->data, BSIZE,
            VIRTQ_DESC_F_NEXT | (write ? 0 : VIRTQ_DESC_F_WRITE), s);
  fill_desc(s, (void *)&r->status, 1, VIRTQ_DESC_F_WRITE, -1);
  return h;
}

// Publish chain head h in the available ring and tell the device.
static void submit(int h)
{
  disk.avail->ring[disk.avail->idx % QSIZE] = h;
  __sync_synchronize();   // ring entry visible before the index moves
  disk.avail->idx += 1;
  __sync_synchronize();
  *reg(VIRTIO_MMIO_QUEUE_NOTIFY) = 0;
}

// Armed by virtio_blk_cut: how many more write requests may reach the
// disk (disk.lock); 0 = not armed.
static int cut_in;

void virtio_blk_cut(int nwrites)
{
  acquire(&disk.lock);
  cut_in = nwrites;
  release(&disk.lock);
}

void virtio_blk_rw(struct buf *b, int write)
{
  uint64 sectors = BSIZE / VIRTIO_BLK_SECTOR_SIZE;
  if ((uint64)b->blockno * sectors + sectors > disk.capacity)
    panic("virtio_blk: block beyond the end of the disk");
  bcache_check_transfer(b);   // no other buffer in use holds this block

  acquire(&disk.lock);
  if (write && cut_in > 0 && --cut_in == 0) {
    // Every earlier write has completed (each waits for its own), so the
    // disk now holds exactly what a power failure at this moment leaves.
    printf("diskcut: power cut before writing block %d\n", (int)b->blockno);
    poweroff(VIRTIO_BLK_CUT_STATUS);
  }
  while (disk.nfree < 3)
    sleep(&disk.nfree, &disk.lock);

  int h = build_chain(b, write);
  b->disk = 1;
  submit(h);

  while (b->disk)
    sleep(b, &disk.lock);

  disk.req[h].b = 0;
  give_chain(h);
  release(&disk.lock);
}

void virtio_blk_flush(void)
{
  if (!disk.can_flush)
    return;
  acquire(&disk.lock);
  while (disk.flushing || disk.nfree < 2)
    sleep(&disk.nfree, &disk.lock);
  disk.flushing = 1;
  int h = take_desc(), s = take_desc();
  struct request *r = &disk.req[h];
  r->hdr.type = VIRTIO_BLK_T_FLUSH;
  r->hdr.reserved = 0;
  r->hdr.sector = 0;
  r->status = 0xff;
  r->b = &disk.flush_token;
  fill_desc(h, &r->hdr, sizeof(r->hdr), VIRTQ_DESC_F_NEXT, s);
  fill_desc(s, (void *)&r->status, 1, VIRTQ_DESC_F_WRITE, -1);
  disk.flush_token.disk = 1;
  submit(h);
  while (disk.flush_token.disk)
    sleep(&disk.flush_token, &disk.lock);
  r->b = 0;
  give_chain(h);
  disk.flushing = 0;
  wakeup(&disk.nfree);
  release(&disk.lock);
}

// Mark every request the device finished since last time as done.
static void reap_used(void)
{
  for (;;) {
    __sync_synchronize();
    uint16 idx = *(volatile uint16 *)&disk.used->idx;
    if (disk.used_seen == idx)
      break;
    __sync_synchronize();   // read the entry only after seeing the index
    uint32 id = disk.used->ring[disk.used_seen % QSIZE].id;
    if (id >= QSIZE || disk.req[id].b == 0)
      panic("virtio_blk: device finished an unknown request");
    struct request *r = &disk.req[id];
    if (r->status != VIRTIO_BLK_S_OK)
      panic("virtio_blk: disk I/O error");
    r->b->disk = 0;
    wakeup(r->b);
    disk.used_seen++;
  }
}

void virtio_blk_intr(void)
{
  acquire(&disk.lock);
  // Acknowledge first: a completion arriving after this raises a new
  // interrupt, and the loop below picks up everything before it.
  uint32 st = *reg(VIRTIO_MMIO_INTERRUPT_STATUS);
  *reg(VIRTIO_MMIO_INTERRUPT_ACK) = st & (VIRTIO_INT_USED_BUFFER | VIRTIO_INT_CONFIG);
  reap_used();
  release(&disk.lock);
}
