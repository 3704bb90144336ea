// wc: count lines, words and bytes of each named file (or standard input),
// with a total line when more than one file is named.
#include "kernel/types.h"
#include "kernel/fcntl.h"
#include "user/user.h"
#include "user/lib/util.h"
#include "user/manifest.h"

ZENITH_MANIFEST("args:r");

struct counts {
  uint64 lines, words, bytes;
};

static char buf[1024];

static int is_space(char c)
{
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

// Adds fd's counts to c; returns 0 or a negative error code from read.
static int count(int fd, struct counts *c)
{
  int n, in_word = 0;
  while ((n = read(fd, buf, sizeof(buf))) > 0) {
    c->bytes += n;
    for (int i = 0; i < n; i++) {
      if (buf[i] == '\n')
        c->lines++;
      if (is_space(buf[i])) {
        in_word = 0;
      } else if (!in_word) {
        in_word = 1;
        c->words++;
      }
    }
  }
  return n;
}

static void report(const struct counts *c, const char *name)
{
  printf("%lu %lu %lu %s\n", c->lines, c->words, c->bytes, name);
}

int main(int argc, char **argv)
{
  struct counts total = {0, 0, 0};
  int status = 0;
  if (argc < 2) {
    int r = count(0, &total);
    if (r < 0)
      return complain("wc", "read error", r);
    report(&total, "");
    return 0;
  }
  for (int i = 1; i < argc; i++) {
    struct counts c = {0, 0, 0};
    int fd = open(argv[i], O_RDONLY);
    if (fd < 0) {
      status = complain("wc", argv[i], fd);
      continue;
    }
    int r = count(fd, &c);
    close(fd);
    if (r < 0) {
      status = complain("wc", argv[i], r);
      continue;
    }
    report(&c, argv[i]);
    total.lines += c.lines;
    total.words += c.words;
    total.bytes += c.bytes;
  }
  if (argc > 2)
    report(&total, "total");
  return status;
}
