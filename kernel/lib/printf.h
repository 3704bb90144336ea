// Kernel console output and panic.
#ifndef ZENITH_PRINTF_H
#define ZENITH_PRINTF_H

void printfinit(void);
int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void panic(const char *s) __attribute__((noreturn));
void backtrace(void);

extern volatile int panicked;

#endif
