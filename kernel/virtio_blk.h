// virtio-blk driver (virtio over MMIO, interrupt driven): the disk holding the
// root file system. Its MMIO address and IRQ come from the device tree.
#ifndef ZENITH_VIRTIO_BLK_H
#define ZENITH_VIRTIO_BLK_H

struct buf;

void virtio_blk_init(void);
void virtio_blk_rw(struct buf *b, int write);   // sleeps until the transfer is done
void virtio_blk_intr(void);
extern int virtio_blk_irq;   // PLIC source of the disk, set by virtio_blk_init (0 = no disk)

#endif
