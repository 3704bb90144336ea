#if LAB >= 3
// Memory-management constants shared with user programs ("kernel/mman.h"):
// the protection bits of mprotect() and the address window of lazymap();
// from lab 8, mmap()'s flags and window.
#ifndef ZENITH_MMAN_H
#define ZENITH_MMAN_H

#define PROT_READ  0x1
#define PROT_WRITE 0x2
#define PROT_EXEC  0x4

// A lazymap() region starts at LAZYBASE (128 GiB, far above anything sbrk
// can reach with the RAM QEMU gives us) and holds at most LAZY_MAXPAGES
// pages (64 GiB), so it ends well below the trap frame.
#define LAZYBASE      0x2000000000L
#define LAZY_MAXPAGES 0x1000000L

#if LAB >= 8
// mmap(addr, len, prot, flags, fd, off) maps a file (lab 8, docs/labs/mmap.md).
// prot is PROT_READ or PROT_READ | PROT_WRITE; flags is exactly one of:
#define MAP_SHARED  0x1   // stores reach the file (written back at munmap and exit)
#define MAP_PRIVATE 0x2   // stores stay in this process (copy-on-write after fork)
// Mappings live in [MMAPBASE, LAZYBASE): from 64 GiB, below the lazymap()
// window. One mapping is at most MMAP_MAXLEN bytes (256 MiB).
#define MMAPBASE    0x1000000000L
#define MMAP_MAXLEN 0x10000000L
#endif

#endif
#endif
