// Small freestanding C library for the kernel: memory and string routines.
#ifndef ZENITH_KLIB_H
#define ZENITH_KLIB_H

#include "types.h"

void *memset(void *dst, int c, uint64 n);
void *memmove(void *dst, const void *src, uint64 n);
void *memcpy(void *dst, const void *src, uint64 n);
int memcmp(const void *a, const void *b, uint64 n);
int strncmp(const char *p, const char *q, uint64 n);
char *strncpy(char *s, const char *t, int n);
char *safestrcpy(char *s, const char *t, int n);   // always NUL-terminates
int strlen(const char *s);

#define NELEM(x) (sizeof(x) / sizeof((x)[0]))

#endif
