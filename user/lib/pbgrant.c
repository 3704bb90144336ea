// The powerbox's grant computation (lab 4, stage D): from a program's
// manifest (user/manifest.h), the command line and the person's explicit
// +grants, work out exactly which capabilities the program gets. The
// mechanics (reading the manifest, opening what the plan names, dropping
// everything else) are in powerbox.c; see powerbox.h for the plan.
#include "kernel/types.h"
#include "kernel/param.h"
#include "kernel/caprights.h"
#include "user/user.h"
#include "user/lib/powerbox.h"

#if SOL >= 4
// Directory rights for letters r w c d x ("all": every directory right).
static uint dir_rights(const char *letters)
{
  if (strcmp(letters, "all") == 0)
    return CAP_R_READ | CAP_R_WRITE | CAP_R_LOOKUP | CAP_R_CREATE | CAP_R_DELETE |
           CAP_R_EXEC | CAP_R_TRANSFER | CAP_R_REVOKE | GRANT_BASE;
  uint r = 0;
  for (const char *s = letters; *s; s++) {
    switch (*s) {
    case 'r': r |= CAP_R_READ; break;
    case 'w': r |= CAP_R_WRITE; break;
    case 'c': r |= CAP_R_CREATE; break;
    case 'd': r |= CAP_R_DELETE; break;
    case 'x': r |= CAP_R_EXEC; break;
    default: return 0;
    }
  }
  return r | CAP_R_LOOKUP | GRANT_BASE;
}

// An argument position rule "args", "argN" or "argN+" with kind k.
static int arg_rule(struct pb_plan *plan, const char *key, char k)
{
  int from, to;
  if (strcmp(key, "args") == 0) {
    from = 1;
    to = MAXARG - 1;
  } else {
    const char *s = key + 3;
    if (*s < '1' || *s > '9')
      return -1;
    from = atoi(s);
    while (*s >= '0' && *s <= '9')
      s++;
    to = *s == '+' ? MAXARG - 1 : from;
    if ((*s == '+' && s[1]) || (*s && *s != '+') || from >= MAXARG)
      return -1;
  }
  for (int i = from; i <= to; i++)   // a later entry overrides an earlier one
    plan->argkind[i] = k == '-' ? 0 : k;
  return 0;
}

// One manifest entry: a word, or "key:value".
static int pb_entry(struct pb_plan *plan, char *entry)
{
  if (strcmp(entry, "stdio") == 0)
    return 0;
  int *keep = strcmp(entry, "schedctl") == 0 ? &plan->keep_schedctl
            : strcmp(entry, "cell") == 0     ? &plan->keep_cell
            : strcmp(entry, "svc") == 0      ? &plan->keep_svc
            : strcmp(entry, "svcctl") == 0   ? &plan->keep_svcctl
            : strcmp(entry, "sysctl") == 0   ? &plan->keep_sysctl : 0;
  if (keep) {
    *keep = 1;
    return 0;
  }
  char *colon = strchr(entry, ':');
  if (colon == 0)
    return pb_refuse(plan, entry, "not understood");
  *colon = 0;
  char *key = entry, *val = colon + 1;
  int bad = 0;
  if (strcmp(key, "cwd") == 0 || strcmp(key, "root") == 0) {
    uint r = dir_rights(val);
    bad = r == 0;
    int all = strcmp(val, "all") == 0;
    if (key[0] == 'c') {
      plan->cwd_rights |= r;
      plan->cwd_all |= all;
    } else {
      plan->root_rights |= r;
      plan->root_all |= all;
    }
  } else if (strcmp(key, "proc") == 0) {
    uint r = strcmp(val, "kill") == 0    ? CAP_R_KILL
           : strcmp(val, "inspect") == 0 ? CAP_R_INSPECT
           : strcmp(val, "all") == 0     ? CAP_R_ALL : 0;
    bad = r == 0;
    plan->proc_rights |= r;
  } else if (strncmp(key, "arg", 3) == 0) {
    char k = val[0];
    bad = val[1] != 0 || (k != 'r' && k != 'w' && k != 'c' && k != '-') ||
          arg_rule(plan, key, k) < 0;
  } else {
    bad = 1;
  }
  *colon = ':';
  return bad ? pb_refuse(plan, entry, "not understood") : 0;
}

int pb_parse(struct pb_plan *plan, char *manifest, int argc)
{
  memset(plan, 0, sizeof(*plan));
  // To be run at all the program must be found and exec'd: the root (and
  // a cwd for a program named relative to it) keep lookup + exec only.
  plan->root_rights = CAP_R_LOOKUP | CAP_R_EXEC | GRANT_BASE;
  char *s = manifest;
  while (*s) {
    char *nl = strchr(s, '\n');
    if (nl)
      *nl = 0;
    int r = pb_entry(plan, s);
    if (nl)
      *nl = '\n';
    if (r < 0)
      return -1;
    if (nl == 0)
      break;
    s = nl + 1;
  }
  (void)argc;
  return 0;
}

int pb_extra(struct pb_plan *plan, char *word)
{
  char *colon = strchr(word, ':');
  if (colon == 0 || colon == word)
    return pb_refuse(plan, word, "grant must be +WHAT:RIGHTS");
  *colon = 0;
  if (strcmp(word, "cwd") == 0 || strcmp(word, "root") == 0 || strcmp(word, "proc") == 0) {
    *colon = ':';
    return pb_entry(plan, word);
  }
  uint rights = dir_rights(colon + 1);
  struct pb_grant *g = rights ? pb_new_grant(plan, word) : 0;
  if (g == 0) {
    *colon = ':';
    return pb_refuse(plan, word, rights ? "too many grants" : "rights are letters of rwcdx");
  }
  g->rights = rights;   // opened by pb_open; the name ends at the colon
  return 0;
}

uint pb_arg_rights(struct pb_plan *plan, int i, const char *arg)
{
  char k = i < MAXARG ? plan->argkind[i] : 0;
  if (k == 0 || arg[0] == '-')
    return 0;   // not a file, or an option
  if (k == 'r')
    return CAP_R_READ | CAP_R_LOOKUP | GRANT_BASE;   // lookup: a directory to read below
  if (k == 'c')
    return CAP_R_CREATE | CAP_R_WRITE | GRANT_BASE;
  return CAP_R_WRITE | GRANT_BASE;
}
#else
// Stub (lab 4, stage D): the behaviour before the powerbox. The plan keeps
// everything the shell has (its root and cwd, its process capabilities,
// the capabilities it passes on) and grants no file: the program runs
// with the shell's authority, as one without a manifest does.
int pb_parse(struct pb_plan *plan, char *manifest, int argc)
{
  memset(plan, 0, sizeof(*plan));
  plan->root_all = plan->cwd_all = 1;
  plan->proc_rights = CAP_R_ALL;
  plan->keep_schedctl = plan->keep_cell = 1;
  plan->keep_svc = plan->keep_svcctl = plan->keep_sysctl = 1;
  return 0;
}

int pb_extra(struct pb_plan *plan, char *word)
{
  return pb_refuse(plan, "+grants", "not implemented");
}

uint pb_arg_rights(struct pb_plan *plan, int i, const char *arg)
{
  return 0;
}
#endif
