// String and memory functions of the user library (no libc here).
#include "kernel/types.h"
#include "user/user.h"

uint strlen(const char *s)
{
  uint n = 0;
  while (s[n])
    n++;
  return n;
}

char *strcpy(char *dst, const char *src)
{
  char *d = dst;
  while ((*d++ = *src++) != 0)
    ;
  return dst;
}

// Copies at most n bytes and pads with NULs, like the C function: the result
// is not terminated when src is n bytes or longer.
char *strncpy(char *dst, const char *src, int n)
{
  int i = 0;
  for (; i < n && src[i]; i++)
    dst[i] = src[i];
  for (; i < n; i++)
    dst[i] = 0;
  return dst;
}

int strcmp(const char *p, const char *q)
{
  while (*p && *p == *q) {
    p++;
    q++;
  }
  return (uchar)*p - (uchar)*q;
}

int strncmp(const char *p, const char *q, uint n)
{
  for (; n > 0; n--, p++, q++) {
    if (*p != *q || *p == 0)
      return (uchar)*p - (uchar)*q;
  }
  return 0;
}

char *strchr(const char *s, char c)
{
  for (; *s; s++) {
    if (*s == c)
      return (char *)s;
  }
  return 0;
}

void *memset(void *dst, int c, uint n)
{
  uchar *d = dst;
  while (n-- > 0)
    *d++ = (uchar)c;
  return dst;
}

int memcmp(const void *a, const void *b, uint n)
{
  const uchar *p = a, *q = b;
  for (; n > 0; n--, p++, q++) {
    if (*p != *q)
      return *p - *q;
  }
  return 0;
}

// Handles overlap in either direction: copy backwards when dst is above src.
void *memmove(void *dst, const void *src, int n)
{
  uchar *d = dst;
  const uchar *s = src;
  if (n <= 0 || d == s)
    return dst;
  if (d < s) {
    while (n-- > 0)
      *d++ = *s++;
  } else {
    d += n;
    s += n;
    while (n-- > 0)
      *--d = *--s;
  }
  return dst;
}

// The compiler may emit calls to memcpy for struct copies, so it must exist.
void *memcpy(void *dst, const void *src, uint n)
{
  return memmove(dst, src, (int)n);
}

// Decimal, with optional leading blanks and sign; stops at the first non-digit.
int atoi(const char *s)
{
  int sign = 1, v = 0;
  while (*s == ' ' || *s == '\t')
    s++;
  if (*s == '-' || *s == '+') {
    if (*s == '-')
      sign = -1;
    s++;
  }
  while (*s >= '0' && *s <= '9')
    v = v * 10 + (*s++ - '0');
  return sign * v;
}
