// The grant policy (user/lib/syscaps.h; docs/book/06-capabilities.md,
// 6.16): a system capability goes only to a program the image builder
// installed and the policy names, never on the strength of a file name or
// of what a program's manifest claims.
//
// Why a name check is enough here: the kernel refuses to write, truncate,
// link or remove a sealed file (every program mkfs installed, and the
// policy; DI_SEALED in kernel/fs_format.h). So /NAME is, for the whole life of the system, the
// program the image builder installed under NAME, it has no other name,
// and a file made at run time is a different inode. The shell compares
// the inode of the program it is about to run with that of /NAME. The
// policy itself is trusted only if /syscaps.conf is inode SYSCAPS_INO,
// which only the image builder can have made (a shell given another root
// directory finds no policy and grants nothing system-level).
#include "kernel/types.h"
#include "kernel/param.h"
#include "kernel/fcntl.h"
#include "kernel/stat.h"
#include "kernel/fs_format.h"
#include "kernel/capinfo.h"
#include "kernel/schedctl.h"
#include "kernel/sysctl.h"
#include "kernel/cellinfo.h"
#include "user/lib/svcproto.h"
#include "user/lib/syscaps.h"
#include "user/user.h"
#include "user/lib/powerbox.h"

const struct syscap syscaps[NSYSCAPS] = {
  { "schedctl", SCHEDCTL_SLOT, CAPT_SCHEDCTL },
  { "sysctl", SYSCTL_SLOT, CAPT_SYSCTL },
  { "cell", CELL_ROOT_SLOT, CAPT_CELL },
  { "svc", SVC_DIR_SLOT, CAPT_CHANNEL },
  { "svcctl", SVC_CTL_SLOT, CAPT_CHANNEL },
};

int *pb_keep(struct pb_plan *plan, int k)
{
  int *flags[NSYSCAPS] = { &plan->keep_schedctl, &plan->keep_sysctl, &plan->keep_cell,
                           &plan->keep_svc, &plan->keep_svcctl };
  return flags[k];
}

static int syscap_index(const char *word, int len)
{
  for (int k = 0; k < NSYSCAPS; k++)
    if ((int)strlen(syscaps[k].word) == len && strncmp(word, syscaps[k].word, len) == 0)
      return k;
  return -1;
}

// ---------------------------------------------------------------- the file

static char policy[SYSCAPS_MAX + 1];

// Read the policy into `policy`; 0, or -1 if the image builder's is not
// there (missing, unreadable, or not inode SYSCAPS_INO: made at run time).
static int policy_load(void)
{
  struct stat st;
  int fd = open(SYSCAPS_PATH, O_RDONLY);
  if (fd < 0)
    return -1;
  int n = 0, r = 0;
  if (fstat(fd, &st) < 0 || st.type != T_FILE || st.ino != SYSCAPS_INO)
    n = -1;
  while (n >= 0 && n < SYSCAPS_MAX && (r = read(fd, policy + n, SYSCAPS_MAX - n)) > 0)
    n += r;
  close(fd);
  if (n < 0 || r < 0)
    return -1;
  policy[n] = 0;
  return 0;
}

// The next word at *s on the current line (stopping at '\n' or '#'); its
// length, 0 at the end of the line. *s moves past it.
static int next_word(const char **s, const char **word)
{
  const char *p = *s;
  while (*p == ' ' || *p == '\t' || *p == '\r')
    p++;
  *word = p;
  while (*p && *p != ' ' && *p != '\t' && *p != '\r' && *p != '\n' && *p != '#')
    p++;
  *s = p;
  return p - *word;
}

static const char *next_line(const char *s)
{
  const char *nl = strchr(s, '\n');
  return nl ? nl + 1 : 0;
}

// The policy line for program `name`, just past the name; 0 if none.
static const char *policy_line(const char *name)
{
  int len = strlen(name);
  for (const char *s = policy; s; s = next_line(s)) {
    const char *w, *p = s;
    int n = next_word(&p, &w);
    if (n == len && strncmp(w, name, len) == 0)
      return p;
  }
  return 0;
}

// The capabilities (bit k: syscaps[k]) the rest of a policy line names.
static uint line_caps(const char *p)
{
  uint caps = 0;
  const char *w;
  int n;
  while ((n = next_word(&p, &w)) > 0) {
    int k = syscap_index(w, n);
    if (k >= 0)
      caps |= 1u << k;
  }
  return caps;
}

// ---------------------------------------------------------------- the check

static const char *base_name(const char *path)
{
  const char *base = path;
  for (const char *p = path; *p; p++)
    if (*p == '/')
      base = p + 1;
  return base;
}

// What the policy gives the program at path (bits as line_caps); why says,
// for a refusal, why it gets no more.
static uint allowed_caps(const char *path, char *why, int max)
{
  static char installed[DIRSIZ + 2];
  const char *name = base_name(path);
  if (policy_load() < 0) {
    snprintf(why, max, "no grant policy (%s is not the image's)", SYSCAPS_PATH);
    return 0;
  }
  const char *line = policy_line(name);
  if (line == 0 || strlen(name) > DIRSIZ) {
    snprintf(why, max, "%s is not in the grant policy %s", path, SYSCAPS_PATH);
    return 0;
  }
  // Same inode as the program installed under that name?
  struct stat want, have;
  snprintf(installed, sizeof(installed), "/%s", name);
  int fd = open(path, O_RDONLY);
  int r = fd < 0 ? fd : fstat(fd, &have);
  if (fd >= 0)
    close(fd);
  if (r < 0 || stat(installed, &want) < 0 || want.dev != have.dev || want.ino != have.ino) {
    snprintf(why, max, "%s is not the installed %s (grant policy %s)", path, installed,
             SYSCAPS_PATH);
    return 0;
  }
  snprintf(why, max, "the grant policy %s does not give it to %s", SYSCAPS_PATH, installed);
  return line_caps(line);
}

int pb_policy(struct pb_plan *plan, char *manifest, const char *path)
{
  int wanted = 0;
  for (int k = 0; k < NSYSCAPS; k++)
    wanted |= *pb_keep(plan, k);
  if (!wanted)
    return 0;   // nothing system-level asked for: no need to look
  static char why[96];
  uint caps = allowed_caps(path, why, sizeof(why));
  // What the manifest claims and the policy does not back is refused.
  for (const char *s = manifest; s && *s; s = next_line(s)) {
    const char *end = strchr(s, '\n');
    int k = syscap_index(s, end ? end - s : (int)strlen(s));
    if (k >= 0 && !(caps & (1u << k)))
      return pb_refuse(plan, syscaps[k].word, why);
  }
  // What the plan keeps beyond that (lab 4's stub keeps everything) goes.
  for (int k = 0; k < NSYSCAPS; k++)
    if (!(caps & (1u << k)))
      *pb_keep(plan, k) = 0;
  return 0;
}

void pb_drop_syscaps(void)
{
  for (int k = 0; k < NSYSCAPS; k++) {
    struct capinfo ci;
    if (cap_info(syscaps[k].slot, &ci) == 0 && ci.type == syscaps[k].type)
      close(syscaps[k].slot);
  }
}

int pb_policy_print(int fd)
{
  if (policy_load() < 0) {
    fprintf(fd, "no grant policy: %s is not the image's; no program gets a system capability\n",
            SYSCAPS_PATH);
    return -1;
  }
  fprintf(fd, "grant policy %s (sealed by the image builder):\n", SYSCAPS_PATH);
  for (const char *s = policy; s; s = next_line(s)) {
    const char *w, *p = s;
    int n = next_word(&p, &w);
    if (n == 0 || n > DIRSIZ)
      continue;
    char name[DIRSIZ + 2];
    struct stat st;
    snprintf(name, sizeof(name), "/%s", w);
    name[n + 1] = 0;
    if (stat(name, &st) < 0) {
      fprintf(fd, "  %-12s (not installed)\n", name + 1);
      continue;
    }
    fprintf(fd, "  %-12s inode %-3d", name + 1, (int)st.ino);
    uint caps = line_caps(p);
    for (int k = 0; k < NSYSCAPS; k++)
      if (caps & (1u << k))
        fprintf(fd, " %s", syscaps[k].word);
    fprintf(fd, "\n");
  }
  return 0;
}
