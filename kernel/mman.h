#if LAB >= 3
// Memory-management constants shared with user programs ("kernel/mman.h"):
// the protection bits of mprotect() and the address window of lazymap().
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

#endif
#endif
