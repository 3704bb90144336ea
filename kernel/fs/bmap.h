// Block mapping of a file (bmap.c, lab 9 stage 1) and the block allocator
// it uses (fs.c). Internal to kernel/fs: callers outside use readi/writei
// and itrunc (fs.h).
#ifndef ZENITH_BMAP_H
#define ZENITH_BMAP_H

#include "types.h"

struct inode;

// fs.c: a zeroed block (0 when the disk is full); give one back.
uint balloc(uint dev);
void bfree(int dev, uint bno);

// Disk block holding block bn of the file, allocated (zeroed) when it has
// none and alloc is set. 0 if there is none: not allocated and alloc==0,
// the disk is full, or bn is past what the map can hold (bmap_holds).
// Caller holds ip->lock (and is inside a log operation when alloc is set).
uint bmap(struct inode *ip, uint bn, int alloc);
// Can the block map hold block bn of a file? (writei's -E_TOOBIG.)
int bmap_holds(uint bn);

#endif
