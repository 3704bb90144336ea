// Compile-time limits of the kernel. Changing one changes the whole system:
// mkfs and the kernel must agree on the file-system ones (FSSIZE, LOGBLOCKS).
#ifndef ZENITH_PARAM_H
#define ZENITH_PARAM_H

#define NPROC        64    // process table slots
#define NCPU          8    // harts supported (hart ids 0..NCPU-1)
#define NCAP         16    // capability slots per process (file descriptors are slots)
#define NOFILE      NCAP   // xv6 name for the same limit
#define NFILE       100    // open-file objects system-wide
#define NINODE       50    // in-memory inode cache entries
#define NDEV         10    // device major numbers
#define ROOTDEV       1    // device number of the root file system
#define MAXARG       32    // max exec arguments
#define MAXOPBLOCKS  10    // max blocks one file-system operation writes
#define LOGBLOCKS    (MAXOPBLOCKS*3)  // data blocks in the on-disk log
#define NBUF         (MAXOPBLOCKS*3)  // block cache size
#define FSSIZE     8000    // file-system size in blocks (one bitmap block holds 8192)
#define MAXPATH     128    // longest path name
#define USERSTACK     1    // user stack pages
#define TICK_HZ    1000    // timer interrupts per second (1 ms tick)
#define BOOTARGS_MAX 256   // longest kernel command line kept

#endif
