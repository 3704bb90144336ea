// Formatted output: printf, fprintf and snprintf share one formatter that
// feeds characters to a sink (a file descriptor or a caller's buffer).
// Conversions: %d %u %x %p %s %c %%, the l modifier (%ld %lu %lx, also ll),
// a field width, '0' padding and '-' left alignment: every conversion
// xv6's printf has, with the same output (docs/book/02, "Running xv6
// programs").
#include <stdarg.h>
#include "kernel/types.h"
#include "user/user.h"

// Where formatted characters go. Output to an fd is buffered so a line costs
// one write, not one per character.
struct sink {
  int fd;          // -1: write into buf only
  char *buf;
  int cap;         // usable bytes in buf (room for the NUL excluded)
  int len;         // bytes stored in buf
  int total;       // characters produced, for snprintf's return value
};

static void flush(struct sink *s)
{
  if (s->fd >= 0 && s->len > 0)
    write(s->fd, s->buf, s->len);
  s->len = 0;
}

static void put(struct sink *s, char c)
{
  s->total++;
  if (s->len < s->cap)
    s->buf[s->len++] = c;
  else if (s->fd >= 0) {
    flush(s);
    s->buf[s->len++] = c;
  }
}

static void pad(struct sink *s, char c, int n)
{
  while (n-- > 0)
    put(s, c);
}

// Describes one conversion's layout.
struct spec {
  int width;
  int zero;    // pad numbers with '0' instead of ' '
  int left;    // pad on the right
};

// Puts str (len bytes) padded to the field width. For zero padding the
// sign or 0x prefix (plen bytes at the front of str) stays in front.
static void put_field(struct sink *s, const struct spec *sp, const char *str, int len, int plen)
{
  int fill = sp->width > len ? sp->width - len : 0;
  int i = 0;
  if (sp->left) {
    for (; i < len; i++)
      put(s, str[i]);
    pad(s, ' ', fill);
    return;
  }
  if (sp->zero) {
    for (; i < plen; i++)
      put(s, str[i]);
    pad(s, '0', fill);
  } else {
    pad(s, ' ', fill);
  }
  for (; i < len; i++)
    put(s, str[i]);
}

// Formats v in the given base, with a '-' when neg, or "0x" when prefix.
static void put_number(struct sink *s, const struct spec *sp, uint64 v, int base, int neg, int prefix)
{
  static const char digits[] = "0123456789abcdef";
  char tmp[24];
  char out[26];
  int n = 0, len = 0, plen = 0;
  do {
    tmp[n++] = digits[v % base];
    v /= base;
  } while (v != 0);
  if (neg)
    out[len++] = '-';
  if (prefix) {
    out[len++] = '0';
    out[len++] = 'x';
  }
  plen = len;
  while (n > 0)
    out[len++] = tmp[--n];
  put_field(s, sp, out, len, plen);
}

// Reads an integer argument of the size the modifiers asked for.
static uint64 get_unsigned(va_list *ap, int longs)
{
  return longs ? va_arg(*ap, uint64) : va_arg(*ap, uint);
}

static int64 get_signed(va_list *ap, int longs)
{
  return longs ? va_arg(*ap, int64) : va_arg(*ap, int);
}

// An unknown conversion is printed as written, as xv6's printf does: '%',
// its l modifiers, then the character c (if any); it takes no argument.
static void show_as_written(struct sink *s, int longs, char c)
{
  put(s, '%');
  for (int i = 0; i < longs; i++)
    put(s, 'l');
  if (c)
    put(s, c);
}

static void format(struct sink *s, const char *fmt, va_list ap_in)
{
  va_list ap;
  va_copy(ap, ap_in);
  for (; *fmt; fmt++) {
    if (*fmt != '%') {
      put(s, *fmt);
      continue;
    }
    struct spec sp = {0, 0, 0};
    fmt++;
    for (; *fmt == '0' || *fmt == '-'; fmt++) {
      if (*fmt == '0')
        sp.zero = 1;
      else
        sp.left = 1;
    }
    for (; *fmt >= '0' && *fmt <= '9'; fmt++)
      sp.width = sp.width * 10 + (*fmt - '0');
    int longs = 0;
    for (; *fmt == 'l'; fmt++)
      longs++;

    switch (*fmt) {
    case 'd': {
      int64 v = get_signed(&ap, longs);
      uint64 mag = v < 0 ? (uint64)0 - (uint64)v : (uint64)v;
      put_number(s, &sp, mag, 10, v < 0, 0);
      break;
    }
    case 'u':
      put_number(s, &sp, get_unsigned(&ap, longs), 10, 0, 0);
      break;
    case 'x':
      put_number(s, &sp, get_unsigned(&ap, longs), 16, 0, 0);
      break;
    case 'p': {
      struct spec p = {18, 1, sp.left};
      put_number(s, &p, (uint64)va_arg(ap, void *), 16, 0, 1);
      break;
    }
    case 's': {
      const char *str = va_arg(ap, const char *);
      if (str == 0)
        str = "(null)";
      sp.zero = 0;
      put_field(s, &sp, str, strlen(str), 0);
      break;
    }
    case 'c': {
      char c = (char)va_arg(ap, int);
      sp.zero = 0;
      put_field(s, &sp, &c, 1, 0);
      break;
    }
    case '%':
      put(s, '%');
      break;
    case 0:          // format ends in '%' (nothing shown, as on xv6) or '%l'
      if (longs)
        show_as_written(s, longs, 0);
      fmt--;
      break;
    default:         // unknown conversion (a lone %l too)
      show_as_written(s, longs, *fmt);
      break;
    }
  }
  va_end(ap);
}

static void vfdprintf(int fd, const char *fmt, va_list ap)
{
  char buf[128];
  struct sink s = {fd, buf, sizeof(buf), 0, 0};
  format(&s, fmt, ap);
  flush(&s);
}

void fprintf(int fd, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  vfdprintf(fd, fmt, ap);
  va_end(ap);
}

void printf(const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  vfdprintf(1, fmt, ap);
  va_end(ap);
}

// Like C's snprintf: stores at most size-1 characters plus a NUL and returns
// the length the full output would have had.
int snprintf(char *buf, int size, const char *fmt, ...)
{
  va_list ap;
  struct sink s = {-1, buf, size > 0 ? size - 1 : 0, 0, 0};
  va_start(ap, fmt);
  format(&s, fmt, ap);
  va_end(ap);
  if (size > 0)
    buf[s.len] = 0;
  return s.total;
}
