// grep: print the lines of each file (or standard input) that match a
// pattern. The pattern is a small regular expression: '.' matches any
// character, 'x*' any run of x (including none), '^' anchors at the start
// and '$' at the end of a line; every other character matches itself.
#include "kernel/types.h"
#include "kernel/fcntl.h"
#include "user/user.h"
#include "user/lib/util.h"
#include "user/manifest.h"

ZENITH_MANIFEST("args:r", "arg1:-");

#define MAXITEMS 128
#define LINEMAX 1024

// The pattern is compiled into a list of items, each one character class
// (a literal or "any") that may repeat.
struct item {
  char ch;      // literal to match; ignored when any is set
  char any;     // '.': matches every character
  char star;    // followed by '*': zero or more times
};

static struct item items[MAXITEMS];
static int nitems;
static int anchor_start, anchor_end;

// Returns 0, or -1 when the pattern is too long.
static int compile(const char *re)
{
  int n = strlen(re);
  nitems = 0;
  anchor_start = n > 0 && re[0] == '^';
  anchor_end = n > anchor_start && re[n - 1] == '$';
  int end = anchor_end ? n - 1 : n;
  for (int i = anchor_start; i < end; i++) {
    if (nitems == MAXITEMS)
      return -1;
    struct item *it = &items[nitems++];
    it->any = re[i] == '.';
    it->ch = re[i];
    it->star = i + 1 < end && re[i + 1] == '*';
    if (it->star)
      i++;
  }
  return 0;
}

static int item_matches(const struct item *it, char c)
{
  return c != 0 && (it->any || it->ch == c);
}

// Does items[k..] match a prefix of s (all of s when anchored at the end)?
// A starred item tries its longest run first and backs off one at a time.
static int match_from(int k, const char *s)
{
  for (; k < nitems; k++) {
    const struct item *it = &items[k];
    if (it->star) {
      int run = 0;
      while (item_matches(it, s[run]))
        run++;
      for (; run >= 0; run--) {
        if (match_from(k + 1, s + run))
          return 1;
      }
      return 0;
    }
    if (!item_matches(it, *s))
      return 0;
    s++;
  }
  return !anchor_end || *s == 0;
}

static int line_matches(const char *line)
{
  if (anchor_start)
    return match_from(0, line);
  for (const char *s = line;; s++) {
    if (match_from(0, s))
      return 1;
    if (*s == 0)
      return 0;
  }
}

static char buf[LINEMAX + 1];

static void consider(const char *line, const char *name)
{
  if (!line_matches(line))
    return;
  if (name)
    printf("%s:%s\n", name, line);
  else
    printf("%s\n", line);
}

// Prints the matching lines of fd, prefixed by name when name is not 0.
// A line longer than LINEMAX is treated as several lines. Returns 0 or a
// read error.
static int grep_fd(int fd, const char *name)
{
  int have = 0, n;
  while ((n = read(fd, buf + have, LINEMAX - have)) > 0) {
    have += n;
    int start = 0;
    for (int i = 0; i < have; i++) {
      if (buf[i] == '\n') {
        buf[i] = 0;
        consider(buf + start, name);
        start = i + 1;
      }
    }
    if (start == 0 && have == LINEMAX) {
      buf[have] = 0;
      consider(buf, name);
      start = have;
    }
    memmove(buf, buf + start, have - start);
    have -= start;
  }
  if (have > 0) {      // last line without a newline
    buf[have] = 0;
    consider(buf, name);
  }
  return n;
}

int main(int argc, char **argv)
{
  if (argc < 2) {
    fprintf(2, "usage: grep PATTERN [FILE...]\n");
    return 1;
  }
  if (compile(argv[1]) < 0) {
    fprintf(2, "grep: pattern too long\n");
    return 1;
  }
  if (argc == 2) {
    int r = grep_fd(0, 0);
    return r < 0 ? complain("grep", "read error", r) : 0;
  }
  int status = 0;
  for (int i = 2; i < argc; i++) {
    int fd = open(argv[i], O_RDONLY);
    if (fd < 0) {
      status = complain("grep", argv[i], fd);
      continue;
    }
    int r = grep_fd(fd, argc > 3 ? argv[i] : 0);
    if (r < 0)
      status = complain("grep", argv[i], r);
    close(fd);
  }
  return status;
}
