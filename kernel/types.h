// Fixed-width integer names shared by the kernel, user programs and mkfs.
// User programs written for xv6 include "kernel/types.h" and expect these names.
#ifndef ZENITH_TYPES_H
#define ZENITH_TYPES_H

typedef unsigned int uint;
typedef unsigned short ushort;
typedef unsigned char uchar;

typedef unsigned char uint8;
typedef unsigned short uint16;
typedef unsigned int uint32;
typedef unsigned long uint64;
typedef long int64;

typedef uint64 pde_t;

#endif
