// virtio over MMIO: register offsets, status and feature bits, and the split
// virtqueue layout, as the virtio 1.x specification defines them. Only the
// modern (version 2) register interface is described here; virtio_blk.c uses it.
#ifndef ZENITH_VIRTIO_H
#define ZENITH_VIRTIO_H

#include "types.h"

// MMIO registers: byte offsets from the device's base address, all 32 bits wide.
#define VIRTIO_MMIO_MAGIC_VALUE         0x000   // reads VIRTIO_MAGIC
#define VIRTIO_MMIO_VERSION             0x004   // 2 = modern, 1 = legacy
#define VIRTIO_MMIO_DEVICE_ID           0x008   // 0 = empty slot, 2 = block
#define VIRTIO_MMIO_VENDOR_ID           0x00c
#define VIRTIO_MMIO_DEVICE_FEATURES     0x010   // 32 feature bits, chosen by ..._SEL
#define VIRTIO_MMIO_DEVICE_FEATURES_SEL 0x014
#define VIRTIO_MMIO_DRIVER_FEATURES     0x020   // bits the driver accepts
#define VIRTIO_MMIO_DRIVER_FEATURES_SEL 0x024
#define VIRTIO_MMIO_QUEUE_SEL           0x030   // queue the next registers refer to
#define VIRTIO_MMIO_QUEUE_NUM_MAX       0x034   // largest size the device supports
#define VIRTIO_MMIO_QUEUE_NUM           0x038   // size the driver picked
#define VIRTIO_MMIO_QUEUE_READY         0x044
#define VIRTIO_MMIO_QUEUE_NOTIFY        0x050   // write a queue index: "new work"
#define VIRTIO_MMIO_INTERRUPT_STATUS    0x060
#define VIRTIO_MMIO_INTERRUPT_ACK       0x064
#define VIRTIO_MMIO_STATUS              0x070
#define VIRTIO_MMIO_QUEUE_DESC_LOW      0x080   // physical address of the descriptor table
#define VIRTIO_MMIO_QUEUE_DESC_HIGH     0x084
#define VIRTIO_MMIO_QUEUE_DRIVER_LOW    0x090   // ... of the available (driver) ring
#define VIRTIO_MMIO_QUEUE_DRIVER_HIGH   0x094
#define VIRTIO_MMIO_QUEUE_DEVICE_LOW    0x0a0   // ... of the used (device) ring
#define VIRTIO_MMIO_QUEUE_DEVICE_HIGH   0x0a4
#define VIRTIO_MMIO_CONFIG_GENERATION   0x0fc
#define VIRTIO_MMIO_CONFIG              0x100   // device-specific configuration

#define VIRTIO_MAGIC     0x74726976   // "virt" in little-endian ASCII
#define VIRTIO_DEV_BLOCK 2

// Device status bits, set by the driver in order during initialisation.
#define VIRTIO_STATUS_ACKNOWLEDGE  1     // driver noticed the device
#define VIRTIO_STATUS_DRIVER       2     // driver knows how to drive it
#define VIRTIO_STATUS_DRIVER_OK    4     // driver is ready
#define VIRTIO_STATUS_FEATURES_OK  8     // feature negotiation done
#define VIRTIO_STATUS_NEEDS_RESET  64    // device hit an error
#define VIRTIO_STATUS_FAILED       128   // driver gave up

// Interrupt status / acknowledge bits.
#define VIRTIO_INT_USED_BUFFER 1   // the device put entries in a used ring
#define VIRTIO_INT_CONFIG      2   // configuration changed

// Feature bits (numbers; bit n lives in word n / 32).
#define VIRTIO_F_VERSION_1     32   // modern device: the driver must accept it
#define VIRTIO_BLK_F_RO         5   // read-only disk
#define VIRTIO_BLK_F_FLUSH      9   // the device has a write cache; T_FLUSH empties it

// Split virtqueue: descriptor table, available ring, used ring.
#define VIRTQ_DESC_F_NEXT  1   // chain continues at .next
#define VIRTQ_DESC_F_WRITE 2   // the device writes this buffer (else reads it)

struct virtq_desc {
  uint64 addr;    // physical address of the buffer
  uint32 len;
  uint16 flags;
  uint16 next;
};

struct virtq_avail {
  uint16 flags;
  uint16 idx;       // where the driver puts the next entry (mod queue size)
  uint16 ring[];    // heads of descriptor chains offered to the device
};

struct virtq_used_elem {
  uint32 id;    // head of the finished chain
  uint32 len;   // bytes the device wrote
};

struct virtq_used {
  uint16 flags;
  uint16 idx;                      // where the device puts the next entry
  struct virtq_used_elem ring[];
};

// virtio-blk request header (first descriptor) and status byte (last one).
#define VIRTIO_BLK_T_IN  0   // read from the disk
#define VIRTIO_BLK_T_OUT 1   // write to the disk
#define VIRTIO_BLK_T_FLUSH 4 // every write the device has completed is on stable storage
#define VIRTIO_BLK_S_OK  0
#define VIRTIO_BLK_SECTOR_SIZE 512

struct virtio_blk_req {
  uint32 type;       // VIRTIO_BLK_T_*
  uint32 reserved;
  uint64 sector;     // in 512-byte sectors
};

// virtio-blk configuration space: the first field is the disk size.
#define VIRTIO_BLK_CONFIG_CAPACITY 0x00   // uint64, in 512-byte sectors

#endif
