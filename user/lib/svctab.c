// The service table parser (format in svctab.h).
#include "kernel/types.h"
#include "kernel/fcntl.h"
#include "kernel/errno.h"
#include "user/user.h"
#include "user/lib/svctab.h"

static void defaults(struct svcconf *c)
{
  memset(c, 0, sizeof(*c));
  c->pages = 64;
  c->procs = 4;
  c->slots = 16;
  c->cpu = 100;
  c->policy.restart = RESTART_ALWAYS;
  c->policy.limit = 5;
  c->policy.window = 1000;
  c->policy.backoff = 10;
  c->policy.maxbackoff = 1000;
  c->miss = 3;
}

// A decimal number filling all of s; -1 if it is not one.
static int number(const char *s)
{
  int n = 0;
  if (*s == 0)
    return -1;
  for (; *s; s++) {
    if (*s < '0' || *s > '9' || n > 100000000)
      return -1;
    n = n * 10 + (*s - '0');
  }
  return n;
}

static int word_is(const char *s, const char *a)
{
  return strcmp(s, a) == 0;
}

static int parse_grants(char *v, int *out)
{
  *out = 0;
  if (word_is(v, "none"))
    return 0;
  while (*v) {
    char *end = strchr(v, ',');
    if (end)
      *end = 0;
    if (word_is(v, "console"))
      *out |= GRANT_CONSOLE;
    else
      return -1;
    if (!end)
      break;
    v = end + 1;
  }
  return 0;
}

// Apply one key=value word; 0 or a message saying what is wrong.
static const char *apply(struct svcconf *c, char *word)
{
  char *v = strchr(word, '=');
  if (!v)
    return "expected key=value";
  *v++ = 0;
  int n = number(v);
  const char *k = word;
  if (word_is(k, "caps"))
    return parse_grants(v, &c->grants) < 0 ? "caps: console or none" : 0;
  if (word_is(k, "restart")) {
    if (word_is(v, "always")) c->policy.restart = RESTART_ALWAYS;
    else if (word_is(v, "on-failure")) c->policy.restart = RESTART_ONFAILURE;
    else if (word_is(v, "never")) c->policy.restart = RESTART_NEVER;
    else return "restart: always, on-failure or never";
    return 0;
  }
  if (word_is(k, "anomaly")) {
    if (word_is(v, "restart")) c->anomaly = ANOMALY_RESTART;
    else if (word_is(v, "quarantine")) c->anomaly = ANOMALY_QUARANTINE;
    else if (word_is(v, "log")) c->anomaly = ANOMALY_LOG;
    else return "anomaly: restart, quarantine or log";
    return 0;
  }
  if (word_is(k, "core") || word_is(k, "hooks")) {
    int yes = word_is(v, "yes");
    if (!yes && !word_is(v, "no"))
      return "expected yes or no";
    *(word_is(k, "core") ? &c->core : &c->hooks) = yes;
    return 0;
  }
  if (n < 0)
    return "expected a number";
  if (word_is(k, "pages")) c->pages = n;
  else if (word_is(k, "procs")) c->procs = n;
  else if (word_is(k, "slots")) c->slots = n;
  else if (word_is(k, "cpu")) {
    if (n < 1 || n > 100)
      return "cpu: 1..100";
    c->cpu = n;
  } else if (word_is(k, "limit")) {
    if (n > SVC_MAXLIMIT)
      return "limit: at most 32";
    c->policy.limit = n;
  }
  else if (word_is(k, "window")) c->policy.window = n;
  else if (word_is(k, "backoff")) c->policy.backoff = n;
  else if (word_is(k, "maxbackoff")) c->policy.maxbackoff = n;
  else if (word_is(k, "hb")) c->hb = n;
  else if (word_is(k, "miss")) c->miss = n < 1 ? 1 : n;
  else
    return "unknown key";
  return 0;
}

// Split line into words at blanks; returns how many (at most max).
static int split(char *line, char **w, int max)
{
  int n = 0;
  while (*line) {
    while (*line == ' ' || *line == '\t')
      *line++ = 0;
    if (*line == 0 || *line == '#')
      break;
    if (n == max)
      return max + 1;
    w[n++] = line;
    while (*line && *line != ' ' && *line != '\t')
      line++;
  }
  *line = 0;
  return n;
}

int svctab_parse(char *text, struct svcconf *out, int max, const char *who, const char *file)
{
  int count = 0, lineno = 0;
  char *line = text;
  while (line && *line) {
    char *next = strchr(line, '\n');
    if (next)
      *next++ = 0;
    lineno++;
    char *w[20];
    int nw = split(line, w, 20);
    line = next;
    if (nw == 0)
      continue;
    const char *bad = 0;
    struct svcconf c;
    defaults(&c);
    if (nw > 20)
      bad = "too many words";
    else if (nw < 2)
      bad = "expected NAME PROGRAM key=value...";
    else if (strlen(w[0]) >= SVC_NAMELEN || strlen(w[1]) >= sizeof(c.prog))
      bad = "name or program too long";
    else if (count == max)
      bad = "too many services";
    for (int i = 0; i < count && !bad; i++)
      if (strcmp(out[i].name, w[0]) == 0)
        bad = "service named twice";
    for (int i = 2; i < nw && !bad; i++)
      bad = apply(&c, w[i]);
    if (!bad && (c.pages == 0 || c.procs == 0 || c.policy.limit == 0))
      bad = "pages, procs and limit must be positive";
    if (bad) {
      fprintf(2, "%s: %s:%d: %s\n", who, file, lineno, bad);
      continue;
    }
    strcpy(c.name, w[0]);
    strcpy(c.prog, w[1]);
    out[count++] = c;
  }
  return count;
}

int svctab_load(const char *path, struct svcconf *out, int max, const char *who)
{
  static char text[2048];
  int fd = open(path, O_RDONLY);
  if (fd < 0)
    return fd;
  int n = read(fd, text, sizeof(text) - 1);
  close(fd);
  if (n < 0)
    return n;
  if (n == (int)sizeof(text) - 1)
    return -E_TOOBIG;
  text[n] = 0;
  return svctab_parse(text, out, max, who, path);
}
