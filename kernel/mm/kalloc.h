// Physical page allocator: hands out and takes back 4096-byte pages of RAM.
#ifndef ZENITH_KALLOC_H
#define ZENITH_KALLOC_H

#include "types.h"

void kinit(uint64 ram_end);
void *kalloc(void);        // 0 when out of memory; the page is filled with junk
void kfree(void *pa);
uint64 kfree_count(void);  // free pages now
#if LAB >= 7
// Copy-on-write (cow.c, book 3.9). The reference counter of page pa:
// cow.c's pageref_* give it its meaning; 0 while the page is free. A 32-bit
// word, so that the atomic built-ins (amoadd.w) work on it.
uint *kpage_ref(uint64 pa);
// One more holder of pa (fork shares it), then pageref_add(pa). In a child
// cell it is charged to pa's cell as a page of its own; in the root cell a
// page is charged once. 0, or -E_QUOTA (nothing changed).
int kpage_share(uint64 pa);
// A private copy of pa for one of its holders, who lets go of pa (pa is
// copied before pageref_drop(pa), and freed if that was the last hold). In a
// child cell the copy takes over that holder's charge (no quota needed); in
// the root cell it is charged anew. 0 when no page could be had (nothing
// changed).
void *kpage_copy(uint64 pa);
#endif

#endif
