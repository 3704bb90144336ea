// Freestanding memory and string routines for the kernel (no libc here).
#include "lib/klib.h"

// memset and memmove go a word at a time when they can: the kernel fills and
// copies whole pages (kalloc, kfree, fork) with interrupts off in places,
// and a byte loop there takes long enough to delay timer ticks.
void *memset(void *dst, int c, uint64 n)
{
  uchar *d = dst;
  uint64 i = 0;
  if ((uint64)d % 8 == 0) {
    uint64 w = (uchar)c * 0x0101010101010101UL;
    for (; i + 8 <= n; i += 8)
      *(uint64 *)(d + i) = w;
  }
  for (; i < n; i++)
    d[i] = (uchar)c;
  return dst;
}

int memcmp(const void *a, const void *b, uint64 n)
{
  const uchar *x = a, *y = b;
  for (uint64 i = 0; i < n; i++)
    if (x[i] != y[i])
      return x[i] - y[i];
  return 0;
}

void *memmove(void *dst, const void *src, uint64 n)
{
  const uchar *s = src;
  uchar *d = dst;
  if (s < d && s + n > d) {   // overlapping with dst above src: copy backwards
    while (n-- > 0)
      d[n] = s[n];
  } else {
    uint64 i = 0;
    if ((uint64)d % 8 == 0 && (uint64)s % 8 == 0)
      for (; i + 8 <= n; i += 8)
        *(uint64 *)(d + i) = *(const uint64 *)(s + i);
    for (; i < n; i++)
      d[i] = s[i];
  }
  return dst;
}

// The compiler may emit calls to memcpy for struct copies.
void *memcpy(void *dst, const void *src, uint64 n)
{
  return memmove(dst, src, n);
}

int strncmp(const char *p, const char *q, uint64 n)
{
  for (; n > 0 && *p && *p == *q; n--, p++, q++)
    ;
  if (n == 0)
    return 0;
  return (uchar)*p - (uchar)*q;
}

char *strncpy(char *s, const char *t, int n)
{
  int i = 0;
  for (; i < n && t[i]; i++)
    s[i] = t[i];
  for (; i < n; i++)
    s[i] = 0;
  return s;
}

char *safestrcpy(char *s, const char *t, int n)
{
  if (n <= 0)
    return s;
  int i = 0;
  for (; i < n - 1 && t[i]; i++)
    s[i] = t[i];
  s[i] = 0;
  return s;
}

int strlen(const char *s)
{
  int n = 0;
  while (s[n])
    n++;
  return n;
}
