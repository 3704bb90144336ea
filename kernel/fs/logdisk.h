// The on-disk half of the write-ahead log (logcommit.c, lab 9 stage 3):
// how a group of blocks gets to the disk so that a crash at any moment
// leaves all of it or none of it. Internal to kernel/fs: log.c calls it.
#ifndef ZENITH_LOGDISK_H
#define ZENITH_LOGDISK_H

#include "types.h"
#include "fs_format.h"

// Where the log lives: block `start` is the header, the next `capacity`
// blocks hold logged copies.
struct logarea {
  int dev;
  uint start;
  uint capacity;
};

// Write the group lh names (lh->n home block numbers, each in the block
// cache, pinned there by log_write) to the disk: when this returns every
// block is at home, the header on disk says 0 blocks, each block is
// unpinned (bunpin) and lh->n is 0. A crash at any moment in between must
// leave a disk on which log_recover finishes the group or finds nothing.
void log_commit_group(const struct logarea *a, struct logheader *lh);
// At boot, before the first operation: if the header on disk names a
// committed group, copy its blocks home; then clear the header. fs_size:
// blocks in the file system (a header naming a block past it is corrupt).
void log_recover(const struct logarea *a, uint fs_size);

#endif
