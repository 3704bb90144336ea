// Kernel printf to the console, panic, and a frame-pointer backtrace.
// Output is serialized by pr.lock so lines from different harts don't mix.
#include <stdarg.h>
#include "types.h"
#include "riscv.h"
#include "lib/spinlock.h"
#include "lib/printf.h"
#include "dev/console.h"
#include "dev/power.h"

volatile int panicked = 0;

static struct {
  struct spinlock lock;   // one printf at a time
  int locking;            // 0 once panicking: never block on the lock again
} pr;

static const char digits[] = "0123456789abcdef";

static void print_uint(uint64 x, int base, int width, char pad)
{
  char buf[24];
  int i = 0;
  do {
    buf[i++] = digits[x % base];
    x /= base;
  } while (x != 0);
  while (i < width && i < (int)sizeof(buf))
    buf[i++] = pad;
  while (--i >= 0)
    consputc(buf[i]);
}

static void print_int(int64 x, int width, char pad)
{
  if (x < 0) {
    consputc('-');
    print_uint((uint64)(-x), 10, width > 0 ? width - 1 : 0, pad);
  } else {
    print_uint((uint64)x, 10, width, pad);
  }
}

static void vprint(const char *fmt, va_list ap)
{
  for (int i = 0; fmt[i]; i++) {
    if (fmt[i] != '%') {
      consputc(fmt[i]);
      continue;
    }
    i++;
    char pad = ' ';
    int width = 0, islong = 0;
    if (fmt[i] == '0')
      pad = '0';
    while (fmt[i] >= '0' && fmt[i] <= '9')
      width = width * 10 + (fmt[i++] - '0');
    while (fmt[i] == 'l') {
      islong = 1;
      i++;
    }
    switch (fmt[i]) {
    case 'd':
      print_int(islong ? va_arg(ap, int64) : va_arg(ap, int), width, pad);
      break;
    case 'u':
      print_uint(islong ? va_arg(ap, uint64) : va_arg(ap, uint), 10, width, pad);
      break;
    case 'x':
      print_uint(islong ? va_arg(ap, uint64) : va_arg(ap, uint), 16, width, pad);
      break;
    case 'p':
      consputc('0');
      consputc('x');
      print_uint(va_arg(ap, uint64), 16, 16, '0');
      break;
    case 'c':
      consputc(va_arg(ap, int));
      break;
    case 's': {
      const char *s = va_arg(ap, const char *);
      for (s = s ? s : "(null)"; *s; s++)
        consputc(*s);
      break;
    }
    case '%':
      consputc('%');
      break;
    case 0:
      return;
    default:   // unknown: print it as written
      consputc('%');
      consputc(fmt[i]);
    }
  }
}

int printf(const char *fmt, ...)
{
  va_list ap;
  int locking = pr.locking;
  if (locking)
    acquire(&pr.lock);
  va_start(ap, fmt);
  vprint(fmt, ap);
  va_end(ap);
  if (locking)
    release(&pr.lock);
  return 0;
}

// Walk the frame-pointer chain of the current kernel stack. With
// -fno-omit-frame-pointer each frame keeps ra at fp-8 and the caller's fp at fp-16.
void backtrace(void)
{
#if SOL >= 2
  uint64 fp = r_fp();
  uint64 page = PGROUNDDOWN(fp);
  printf("backtrace:\n");
  for (int depth = 0; depth < 32 && PGROUNDDOWN(fp) == page && fp > page; depth++) {
    uint64 ra = *(uint64 *)(fp - 8);
    printf("  %p\n", (void *)ra);
    fp = *(uint64 *)(fp - 16);
  }
#endif
}

void panic(const char *s)
{
  pr.locking = 0;
  printf("panic: %s\n", s);
  backtrace();
  panicked = 1;   // freezes console output from other harts
  poweroff(101);
}

void printfinit(void)
{
  initlock(&pr.lock, "pr");
  pr.locking = 1;
}
