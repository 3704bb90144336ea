// virtio-blk driver (virtio over MMIO, interrupt driven): the disk holding the
// root file system. Its MMIO address and IRQ come from the device tree.
#ifndef ZENITH_VIRTIO_BLK_H
#define ZENITH_VIRTIO_BLK_H

struct buf;

void virtio_blk_init(void);
void virtio_blk_rw(struct buf *b, int write);   // sleeps until the transfer is done
// Returns once every write completed so far is on stable storage (the
// host's disk, not its page cache): a no-op when the device has no write
// cache to flush (it did not offer VIRTIO_BLK_F_FLUSH). The log calls it
// around its commit point (log.c).
void virtio_blk_flush(void);
void virtio_blk_intr(void);
// Crash testing (fs/diskcut.c): power the machine off, QEMU exit status
// VIRTIO_BLK_CUT_STATUS, instead of issuing the nwrites-th write request
// from now (nwrites 0: disarm). Only writes count; reads and flushes pass.
#define VIRTIO_BLK_CUT_STATUS 77
void virtio_blk_cut(int nwrites);
extern int virtio_blk_irq;   // PLIC source of the disk, set by virtio_blk_init (0 = no disk)

#endif
