// The shell's powerbox (see powerbox.h and docs/book/06-capabilities.md).
#include "kernel/types.h"
#include "kernel/param.h"
#include "kernel/fcntl.h"
#include "kernel/errno.h"
#include "kernel/elf.h"
#include "kernel/stat.h"
#include "kernel/caprights.h"
#include "kernel/capinfo.h"
#include "user/user.h"
#include "user/manifest.h"
#include "user/lib/powerbox.h"

#define PT_NOTE 4

static void show_rights(char *out, uint r);

// ---------------------------------------------------------------- manifest

// Read exactly n bytes at offset `off` of fd, which is at offset *pos
// (there is no lseek: skip forward by reading). 0 or -1.
static int read_at(int fd, uint *pos, uint off, void *dst, int n)
{
  static char junk[256];
  if (off < *pos)
    return -1;
  while (*pos < off) {
    int want = off - *pos < sizeof(junk) ? off - *pos : sizeof(junk);
    int r = read(fd, junk, want);
    if (r <= 0)
      return -1;
    *pos += r;
  }
  int got = 0;
  while (got < n) {
    int r = read(fd, (char *)dst + got, n - got);
    if (r <= 0)
      return -1;
    got += r;
  }
  *pos += n;
  return 0;
}

int manifest_read(const char *path, char *buf, int max)
{
  struct elfhdr eh;
  struct proghdr ph;
  uint pos = 0;
  int fd = open(path, O_RDONLY);
  if (fd < 0)
    return fd;
  int len = 0;
  if (read_at(fd, &pos, 0, &eh, sizeof(eh)) < 0 || eh.magic != ELF_MAGIC ||
      eh.phentsize != sizeof(ph) || eh.phnum > 64)
    goto out;
  // Program headers follow the ELF header in our files; find the note.
  uint64 note_off = 0, note_size = 0;
  for (int i = 0; i < eh.phnum; i++) {
    if (read_at(fd, &pos, eh.phoff + i * sizeof(ph), &ph, sizeof(ph)) < 0)
      goto out;
    if (ph.type == PT_NOTE && note_off == 0) {
      note_off = ph.off;
      note_size = ph.filesz;
    }
  }
  if (note_off == 0 || note_size < 20 || note_size > MANIFEST_MAX + 20)
    goto out;
  struct { uint namesz, descsz, type; char name[8]; } hdr;
  if (read_at(fd, &pos, note_off, &hdr, sizeof(hdr)) < 0 ||
      hdr.namesz != sizeof(ZENITH_NOTE_NAME) || hdr.type != ZENITH_NOTE_TYPE ||
      memcmp(hdr.name, ZENITH_NOTE_NAME, sizeof(ZENITH_NOTE_NAME)) != 0 ||
      hdr.descsz == 0 || (int)hdr.descsz > max || hdr.descsz > note_size - sizeof(hdr))
    goto out;
  if (read_at(fd, &pos, note_off + sizeof(hdr), buf, hdr.descsz) < 0)
    goto out;
  buf[hdr.descsz - 1] = 0;
  len = hdr.descsz - 1;
out:
  close(fd);
  return len;
}

// ---------------------------------------------------------------- plan
// (pb_parse, pb_extra and pb_arg_rights, the grant computation: pbgrant.c)

int pb_refuse(struct pb_plan *plan, const char *what, const char *why)
{
  snprintf(plan->refused, sizeof(plan->refused), "%s: %s", what, why);
  return -1;
}

// ---------------------------------------------------------------- opening

struct pb_grant *pb_new_grant(struct pb_plan *plan, char *name)
{
  if (plan->ngrant == MAXGRANTS)
    return 0;
  struct pb_grant *g = &plan->grant[plan->ngrant++];
  g->name = name;
  g->slot = -1;
  g->err = 0;
  g->rights = 0;
  return g;
}

// Open name for a grant of `rights` and shrink the slot to exactly those
// (intersected with what the shell itself could open it with).
static void open_grant(struct pb_grant *g, uint rights, int create)
{
  int mode = (rights & CAP_R_WRITE) ? ((rights & CAP_R_READ) ? O_RDWR : O_WRONLY) : O_RDONLY;
  int fd = open(g->name, mode | (create ? O_CREATE | O_TRUNC : 0));
  if (fd == -E_ISDIR)   // a directory is opened read-only; its rights say the rest
    fd = open(g->name, O_RDONLY);
  if (fd < 0) {
    g->err = fd;
    return;
  }
  struct capinfo ci;
  cap_info(fd, &ci);
  if (ci.type != CAPT_DIR)
    rights &= ~(CAP_R_LOOKUP | CAP_R_CREATE | CAP_R_DELETE | CAP_R_EXEC);
  // Rights are never quietly cut down: if the shell lacks one, say so.
  int r = (rights & ~ci.rights) ? -E_RIGHTS : cap_restrict(fd, rights);
  if (r < 0) {
    close(fd);
    g->err = r;
    return;
  }
  g->slot = fd;
  g->rights = rights & ci.rights;
}

int pb_open(struct pb_plan *plan, int argc, char **argv)
{
  // Explicit grants were queued by pb_extra with their rights: open them.
  for (int i = 0; i < plan->ngrant; i++) {
    struct pb_grant *g = &plan->grant[i];
    open_grant(g, g->rights, 0);
    if (g->err)
      return pb_refuse(plan, g->name, errstr(g->err));
  }
  for (int i = 1; i < argc; i++) {
    uint rights = pb_arg_rights(plan, i, argv[i]);
    if (rights == 0)
      continue;
    struct pb_grant *g = pb_new_grant(plan, argv[i]);
    if (g == 0)
      return pb_refuse(plan, argv[i], "too many files to grant");
    // CREATE: the shell creates (and truncates) the file; the program
    // gets write on it. An error is the program's to report.
    open_grant(g, rights & ~CAP_R_CREATE, (rights & CAP_R_CREATE) != 0);
  }
  return 0;
}

// ---------------------------------------------------------------- entering

// A new slot with a directory capability for path with exactly `rights`,
// or a negative error; -1 with plan->refused naming what the shell lacks.
static int open_dir(struct pb_plan *plan, const char *what, const char *path, uint rights)
{
  int fd = open(path, O_RDONLY);
  if (fd < 0) {
    pb_refuse(plan, what, errstr(fd));
    return -1;
  }
  struct capinfo ci;
  cap_info(fd, &ci);
  rights |= GRANT_BASE;
  if (rights & ~ci.rights) {
    char want[8], have[8], msg[64];
    show_rights(want, rights & ~ci.rights);
    show_rights(have, ci.rights);
    snprintf(msg, sizeof(msg), "wants %s, the shell holds only %s", want, have);
    pb_refuse(plan, what, msg);
    close(fd);
    return -1;
  }
  cap_restrict(fd, rights);
  return fd;
}

static char entries[MAXGRANTS][MAXPATH + 16];

int pb_enter(struct pb_plan *plan, char **argv, int argc)
{
  // "all" keeps the shell's own capability (-2 below: leave it alone).
  int root = plan->root_all ? -2 : open_dir(plan, "root", "/", plan->root_rights);
  if (root == -1)
    return -1;
  int cwd = plan->cwd_all ? -2
          : plan->cwd_rights ? open_dir(plan, "cwd", ".", plan->cwd_rights) : -1;
  if (plan->cwd_rights && cwd == -1)
    return -1;
  int keep[NCAP];
  memset(keep, 0, sizeof(keep));
  keep[0] = keep[1] = keep[2] = 1;
  for (int k = 0; k < NSYSCAPS; k++)
    keep[syscaps[k].slot] = *pb_keep(plan, k);
  for (int i = 0; i < plan->ngrant; i++)
    if (plan->grant[i].slot >= 0)
      keep[plan->grant[i].slot] = 1;
  int r = root == -2 ? 0 : setroot(root);
  if (r == 0 && cwd != -2)
    r = fchdir(cwd);   // -1 drops it
  if (r < 0)
    return pb_refuse(plan, "cwd/root", errstr(r));
  for (int s = 3; s < NCAP; s++)
    if (!keep[s])
      close(s);   // includes the temporary root and cwd slots
  if (plan->proc_rights == 0) {
    cap_dropproc(-1);
  } else if (plan->proc_rights != CAP_R_ALL) {
    r = cap_restrictproc(-1, plan->proc_rights);   // never quietly less either
    if (r < 0)
      return pb_refuse(plan, "proc", r == -E_RIGHTS
                       ? "wants a right the shell's process capabilities lack" : errstr(r));
  }
  // The grant table rides at the end of argv.
  if (plan->ngrant > 0) {
    if (argc + plan->ngrant + 1 > MAXARG)
      return pb_refuse(plan, argv[0], "too many arguments to pass the grants");
    argv[argc++] = GRANT_MARK;
    for (int i = 0; i < plan->ngrant; i++) {
      struct pb_grant *g = &plan->grant[i];
      if (g->slot >= 0)
        snprintf(entries[i], sizeof(entries[i]), "%d=%s", g->slot, g->name);
      else
        snprintf(entries[i], sizeof(entries[i]), "!%d=%s", -g->err, g->name);
      argv[argc++] = entries[i];
    }
    argv[argc] = 0;
  }
  return 0;
}

// ---------------------------------------------------------------- showing

static void show_rights(char *out, uint r)
{
  int n = 0;
  if (r & CAP_R_READ) out[n++] = 'r';
  if (r & CAP_R_WRITE) out[n++] = 'w';
  if (r & CAP_R_CREATE) out[n++] = 'c';
  if (r & CAP_R_DELETE) out[n++] = 'd';
  if (r & CAP_R_EXEC) out[n++] = 'x';
  if (r & CAP_R_LOOKUP) out[n++] = 'l';
  out[n] = 0;
}

void pb_show(struct pb_plan *plan, const char *prog)
{
  char rs[8];
  fprintf(2, "sh: grant %s: stdin stdout stderr", prog);
  for (int i = 0; i < plan->ngrant; i++) {
    struct pb_grant *g = &plan->grant[i];
    show_rights(rs, g->rights);
    if (g->slot >= 0)
      fprintf(2, " %s:%s", g->name, rs);
    else
      fprintf(2, " %s:(%s)", g->name, errstr(g->err));
  }
  show_rights(rs, plan->root_rights);
  fprintf(2, plan->root_all ? " root:all" : " root:%s", rs);
  if (plan->cwd_all) {
    fprintf(2, " cwd:all");
  } else if (plan->cwd_rights) {
    show_rights(rs, plan->cwd_rights | CAP_R_LOOKUP | CAP_R_EXEC);
    fprintf(2, " cwd:%s", rs);
  }
  if (plan->proc_rights == CAP_R_ALL)
    fprintf(2, " proc:all");
  else if (plan->proc_rights)
    fprintf(2, " proc:%s%s%s", plan->proc_rights & CAP_R_KILL ? "kill" : "",
            (plan->proc_rights & (CAP_R_KILL | CAP_R_INSPECT)) == (CAP_R_KILL | CAP_R_INSPECT) ? "," : "",
            plan->proc_rights & CAP_R_INSPECT ? "inspect" : "");
  for (int k = 0; k < NSYSCAPS; k++)
    if (*pb_keep(plan, k))
      fprintf(2, " %s", syscaps[k].word);
  fprintf(2, "\n");
}
