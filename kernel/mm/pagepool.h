// The pool of free physical pages under kalloc.c (the locks lab's file,
// docs/labs/locks.md). kalloc.c does everything else: the owner map, quotas,
// reference counts, junk filling; the pool only keeps free pages.
#ifndef ZENITH_PAGEPOOL_H
#define ZENITH_PAGEPOOL_H

#include "types.h"

void pool_init(void);
void pool_put(void *pa);     // pa is free now (a page, page aligned)
void *pool_take(void);       // a free page, or 0 when no hart has any left
uint64 pool_count(void);     // free pages in the pool, all harts together

#endif
