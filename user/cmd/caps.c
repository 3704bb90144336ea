// caps [PID]: list the capabilities a process holds (itself if no PID):
// one line each with where it is held (slot number, cwd, root, or the pid
// of a process capability), its type, rights, badge and object. Listing
// another process needs a process capability for it with the inspect
// right (the shell's children get it from the shell through the manifest
// entry proc:inspect); there is no other way to look.
#include "kernel/types.h"
#include "kernel/param.h"
#include "kernel/caprights.h"
#include "kernel/capinfo.h"
#include "user/user.h"
#include "user/lib/util.h"
#include "user/manifest.h"

ZENITH_MANIFEST("args:-", "proc:inspect");

#define NENT (NCAP + NPROC + 2)

static const char *type_name(uint t)
{
  switch (t) {
  case CAPT_FILE: return "file";
  case CAPT_DIR: return "dir";
  case CAPT_PIPE: return "pipe";
  case CAPT_DEVICE: return "device";
  case CAPT_PROC: return "process";
  case CAPT_CHANNEL: return "channel";
  case CAPT_SCHEDCTL: return "schedctl";
  case CAPT_CELL: return "cell";
  case CAPT_SYSCTL: return "sysctl";
  default: return "?";
  }
}

// Rights as letters, in bit order: r w s(tat) D(up) T(ransfer) V(revoke)
// x l(ookup) c d K(ill) W(ait) S(end) R(eceive) G(rant) I(nspect).
static void rights_text(char *out, uint r)
{
  const char *letters = "rwsDTVxlcdKWSRGI";
  int n = 0;
  for (int b = 0; letters[b]; b++)
    if (r & (1u << b))
      out[n++] = letters[b];
  if (n == 0)
    out[n++] = '-';
  out[n] = 0;
}

int main(int argc, char **argv)
{
  static struct capent ents[NENT];
  int pid = argc > 1 ? atoi(argv[1]) : 0;
  if (argc > 2 || (argc == 2 && pid <= 0)) {
    fprintf(2, "usage: caps [PID]\n");
    return 1;
  }
  int n = cap_list(pid, ents, NENT);
  if (n < 0)
    return complain("caps", argc > 1 ? argv[1] : "self", n);
  printf("%-6s %-8s %-16s %-6s %s\n", "held", "type", "rights", "badge", "object");
  for (int i = 0; i < n && i < NENT; i++) {
    struct capent *e = &ents[i];
    char where[12], rs[20];
    if (e->kind == CAPE_SLOT)
      snprintf(where, sizeof(where), "%d", e->index);
    else if (e->kind == CAPE_PROC)
      snprintf(where, sizeof(where), "pid%d", e->index);
    else
      snprintf(where, sizeof(where), "%s", e->kind == CAPE_CWD ? "cwd" : "root");
    rights_text(rs, e->rights);
    printf("%-6s %-8s %-16s %-6d %d%s\n", where, type_name(e->type), rs, (int)e->badge,
           (int)e->object, e->revoked ? " revoked" : "");
  }
  return 0;
}
