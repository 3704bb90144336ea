// The program's side of the powerbox (grant.h): the grant table and the
// open() that consults it, so programs written for open(path) work with
// exactly the capabilities the shell passed them.
#include "kernel/types.h"
#include "kernel/fcntl.h"
#include "kernel/errno.h"
#include "kernel/caprights.h"
#include "kernel/capinfo.h"
#include "user/user.h"
#include "user/lib/grant.h"

int ngrants;
struct grant grants[MAXGRANTS];

int grant_take(int argc, char **argv)
{
  int mark = -1;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], GRANT_MARK) == 0) {
      mark = i;
      break;
    }
  }
  if (mark < 0)
    return argc;
  for (int i = mark + 1; i < argc && ngrants < MAXGRANTS; i++) {
    char *s = argv[i], *eq = strchr(s, '=');
    if (eq == 0)
      continue;
    struct grant *g = &grants[ngrants++];
    g->name = eq + 1;
    if (s[0] == '!') {
      g->slot = -1;
      g->err = -atoi(s + 1);
    } else {
      g->slot = atoi(s);
      g->err = 0;
    }
  }
  argv[mark] = 0;
  return mark;
}

const struct grant *grant_find(const char *path, const char **rest)
{
  const struct grant *best = 0;
  uint bestlen = 0;
  for (int i = 0; i < ngrants; i++) {
    const char *n = grants[i].name;
    uint len = strlen(n);
    while (len > 1 && n[len - 1] == '/')
      len--;   // "dir/" names the same directory as "dir"
    if (strncmp(path, n, len) != 0)
      continue;
    const char *r = path + len;
    if (*r != 0 && *r != '/' && !(len == 1 && n[0] == '/'))
      continue;
    if (best == 0 || len > bestlen) {
      best = &grants[i];
      bestlen = len;
      while (*r == '/')
        r++;
      *rest = r;
    }
  }
  return best;
}

// Rights an open mode needs on the granted capability itself.
static uint mode_needs(int omode)
{
  switch (omode & (O_WRONLY | O_RDWR)) {
  case O_WRONLY:
    return CAP_R_WRITE;
  case O_RDWR:
    return CAP_R_READ | CAP_R_WRITE;
  default:
    return CAP_R_READ;
  }
}

int open(const char *path, int omode)
{
  const char *rest;
  const struct grant *g = ngrants ? grant_find(path, &rest) : 0;
  if (g == 0)
    return sys_open(path, omode);
  if (g->err)
    return g->err;
  if (*rest)
    return openat(g->slot, rest, omode);
  struct capinfo ci;
  int r = cap_info(g->slot, &ci);
  if (r < 0)
    return r;
  uint need = mode_needs(omode);
  if ((ci.rights & need) != need)
    return -E_NORIGHT;
  return dup(g->slot);
}
