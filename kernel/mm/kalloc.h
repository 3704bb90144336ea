// Physical page allocator: hands out and takes back 4096-byte pages of RAM.
#ifndef ZENITH_KALLOC_H
#define ZENITH_KALLOC_H

#include "types.h"

void kinit(uint64 ram_end);
void *kalloc(void);        // 0 when out of memory; the page is filled with junk
void kfree(void *pa);
uint64 kfree_count(void);  // free pages now

#endif
