// malloc/free: first-fit allocation from a free list kept in address order,
// so a freed block merges with free neighbours. Memory comes from sbrk in
// chunks of at least GROW_MIN bytes and is never given back.
#include "kernel/types.h"
#include "user/user.h"

// Every block, free or in use, starts with this header; sizes are in bytes
// and include the header. ALIGN keeps payloads 16-byte aligned.
struct block {
  uint64 size;
  struct block *next;   // next free block (by address); unused while allocated
};

#define ALIGN     16
#define HDR       ((sizeof(struct block) + ALIGN - 1) & ~(uint64)(ALIGN - 1))
#define GROW_MIN  4096

static struct block *free_list;   // lowest-addressed free block, 0 if none

// Inserts b into the free list and merges it with adjacent free blocks.
static void insert_free(struct block *b)
{
  struct block *prev = 0, *cur = free_list;
  while (cur && cur < b) {
    prev = cur;
    cur = cur->next;
  }
  b->next = cur;
  if (cur && (char *)b + b->size == (char *)cur) {
    b->size += cur->size;
    b->next = cur->next;
  }
  if (prev == 0) {
    free_list = b;
  } else if ((char *)prev + prev->size == (char *)b) {
    prev->size += b->size;
    prev->next = b->next;
  } else {
    prev->next = b;
  }
}

// Asks the kernel for at least need bytes and adds them to the free list.
static int grow(uint64 need)
{
  // ALIGN extra bytes let the block start aligned wherever the break was.
  uint64 n = (need < GROW_MIN ? GROW_MIN : need) + ALIGN;
  if (n > 0x7fffffff)
    return -1;
  char *p = sbrk((int)n);
  if (p == (char *)-1)
    return -1;
  uint64 skip = (ALIGN - (uint64)p % ALIGN) % ALIGN;
  struct block *b = (struct block *)(p + skip);
  b->size = (n - skip) & ~(uint64)(ALIGN - 1);
  insert_free(b);
  return 0;
}

void *malloc(uint n)
{
  if (n == 0)
    n = 1;
  uint64 need = HDR + (((uint64)n + ALIGN - 1) & ~(uint64)(ALIGN - 1));
  for (;;) {
    struct block *prev = 0, *cur = free_list;
    for (; cur; prev = cur, cur = cur->next) {
      if (cur->size < need)
        continue;
      if (cur->size - need >= HDR + ALIGN) {
        // Split: hand out the tail, keep the front on the list.
        cur->size -= need;
        cur = (struct block *)((char *)cur + cur->size);
        cur->size = need;
      } else if (prev) {
        prev->next = cur->next;
      } else {
        free_list = cur->next;
      }
      return (char *)cur + HDR;
    }
    if (grow(need) < 0)
      return 0;
  }
}

void free(void *p)
{
  if (p == 0)
    return;
  insert_free((struct block *)((char *)p - HDR));
}
