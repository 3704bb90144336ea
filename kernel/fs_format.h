// The on-disk layout of the Zenith file system, shared by the kernel and the
// host tool mkfs (which builds images), so both agree byte for byte.
//
// Disk layout, in BSIZE blocks:
//   [ 0: boot (unused) | 1: superblock | log: header + LOGBLOCKS | inodes | free bitmap | data ]
#ifndef ZENITH_FS_FORMAT_H
#define ZENITH_FS_FORMAT_H

#include "types.h"

#define BSIZE 1024          // block size in bytes
#define FSMAGIC 0x5a454e31  // "ZEN1"
#define ROOTINO 1           // inode number of the root directory

struct superblock {
  uint magic;       // FSMAGIC
  uint size;        // total blocks in the image
  uint nblocks;     // data blocks
  uint ninodes;     // inodes
  uint nlog;        // log blocks (header included)
  uint logstart;    // first log block
  uint inodestart;  // first inode block
  uint bmapstart;   // first free-bitmap block
};

#define NDIRECT 11
#define NINDIRECT (BSIZE / sizeof(uint))
#define NDINDIRECT (NINDIRECT * NINDIRECT)
#define MAXFILE (NDIRECT + NINDIRECT + NDINDIRECT)   // blocks in the largest file

// addrs[0..NDIRECT-1] direct, addrs[NDIRECT] singly indirect,
// addrs[NDIRECT+1] doubly indirect.
struct dinode {
  short type;               // 0 = free, else T_DIR / T_FILE / T_DEVICE (stat.h)
  short major;              // device files: the driver; files: flags (DI_*)
  short minor;
  short nlink;              // directory entries naming this inode
  uint size;                // bytes
  uint addrs[NDIRECT + 2];
};

// dinode.major of a regular file: flags. The image builder (mkfs) seals
// every program it installs and the grant policy: the running system may
// read and run them, never write, truncate, link or remove them
// (-E_SEALED), so what the powerbox trusts is exactly what the image holds
// (docs/book/06-capabilities.md, 6.16).
#define DI_SEALED 0x1

#define IPB (BSIZE / sizeof(struct dinode))         // inodes per block
#define IBLOCK(i, sb) ((i) / IPB + (sb).inodestart)  // block holding inode i
#define BPB (BSIZE * 8)                              // bitmap bits per block
#define BBLOCK(b, sb) ((b) / BPB + (sb).bmapstart)   // bitmap block for block b

#define DIRSIZ 14

struct dirent {
  ushort inum;          // 0 = free entry
  char name[DIRSIZ];    // NUL-padded, not always NUL-terminated
};

// On-disk log header (block logstart).
struct logheader {
  uint n;                   // committed blocks, 0 = nothing to replay
  uint block[(BSIZE / sizeof(uint)) - 1];
};

#endif
