// The shell's powerbox (powerbox.c): from a program's manifest (its
// ZENITH_MANIFEST note, user/manifest.h), the command line and the
// person's explicit +grants, work out exactly which capabilities the
// program gets, open them, and set up the process to hold those and
// nothing else before exec. The steps:
//   manifest_read    read the note out of the ELF file
//   pb_parse         turn manifest entries into a plan (what kind of grant
//                    each argument position gets; cwd, root, processes)
//   pb_extra         add the person's explicit +grants to the plan
//   pb_arg_rights    the rights a command-line argument gets
//   pb_open          open what the plan names, with exactly those rights
//   pb_policy        keep a system capability only if the grant policy
//                    (/syscaps.conf, user/lib/syscaps.h) gives it to this
//                    installed program; refuse a manifest claiming more
//   pb_enter         drop everything else and hand the grants to the program
//   pb_show          say what was granted (sh -v, `grants on`)
// pb_parse, pb_extra and pb_arg_rights, the grant computation, are in
// pbgrant.c (lab 4, stage D); pb_policy and the policy file in pbpolicy.c;
// the rest, the mechanics, in powerbox.c.
#ifndef ZENITH_POWERBOX_H
#define ZENITH_POWERBOX_H

#include "kernel/types.h"
#include "kernel/param.h"
#include "kernel/caprights.h"
#include "user/lib/grant.h"
#include "user/lib/syscaps.h"

#define MANIFEST_MAX 256

// Rights every granted capability carries besides its kind's: fstat, and
// dup (the library's open() hands out copies; fchdir/setroot derive).
#define GRANT_BASE (CAP_R_STAT | CAP_R_DUP)

struct pb_grant {
  char *name;         // what it is called (the argument, or +PATH)
  uint rights;        // CAP_R_* it carries
  int slot;           // where it is in the shell's child, -1 if err
  int err;            // why it could not be opened (passed to the program)
};

struct pb_plan {
  char argkind[MAXARG];   // per argv position: 0 none, 'r', 'w', 'c'
  uint cwd_rights;        // 0 = no cwd capability
  uint root_rights;       // always at least LOOKUP | EXEC (to run it)
  int cwd_all, root_all;  // "all": keep the shell's own (its boundary too,
                          // so `cd ..` works as in the shell)
  uint proc_rights;       // the shell's process capabilities, each cut to
                          // exactly these rights (CAP_R_KILL, CAP_R_INSPECT);
                          // 0 drops them, CAP_R_ALL keeps them as they are
  int keep_schedctl;      // keep the scheduler-control slot (kernel/schedctl.h)
  int keep_cell;          // keep the root cell slot (kernel/cellinfo.h)
  int keep_svc;           // keep the service directory (user/lib/svcproto.h)
  int keep_svcctl;        // keep the service-control key
  int keep_sysctl;        // keep the system-control slot (kernel/sysctl.h)
  int ngrant;
  struct pb_grant grant[MAXGRANTS];
  char refused[96];       // set when the plan cannot be granted
};

// Copy the manifest of the program at path into buf (entries separated by
// '\n', NUL-terminated). Returns its length, 0 if the program has none,
// or a negative error code if the file cannot be read.
int manifest_read(const char *path, char *buf, int max);
// Start plan from manifest text (and argc); 0, or -1 with plan->refused.
int pb_parse(struct pb_plan *plan, char *manifest, int argc);
// Add an explicit grant word ("cwd:R", "root:R", "proc:all", "PATH:R",
// without the '+'); 0 or -1 with plan->refused.
int pb_extra(struct pb_plan *plan, char *word);
// The rights argument argv[i] = arg gets from plan: 0 if it is not a file
// (its position's kind is none, or it is an option starting with '-');
// with CAP_R_CREATE when the shell is to create the file.
uint pb_arg_rights(struct pb_plan *plan, int i, const char *arg);
// Say why plan cannot be granted ("WHAT: WHY" in plan->refused); -1.
int pb_refuse(struct pb_plan *plan, const char *what, const char *why);
// A new grant of plan for name (rights 0, not opened yet); 0 if full.
struct pb_grant *pb_new_grant(struct pb_plan *plan, char *name);
// Open every file argument and explicit grant of the plan in this
// process; 0 or -1 with plan->refused.
int pb_open(struct pb_plan *plan, int argc, char **argv);
// Keep slots 0-2 and the grants, close every other slot, set cwd and root
// to exactly the planned capabilities, drop process capabilities unless
// kept, and append the grant table to argv (which must have room for
// MAXGRANTS + 2 more entries). 0 or -1 with plan->refused.
int pb_enter(struct pb_plan *plan, char **argv, int argc);
// Print "sh: grant PROG: ..." to fd 2.
void pb_show(struct pb_plan *plan, const char *prog);

// ---- System capabilities and the grant policy (pbpolicy.c) ----
// The system capabilities, indexed like SYSCAPS_WORDS (user/lib/syscaps.h):
// the word, the fixed slot the shell holds it in, and its capability type.
struct syscap {
  const char *word;
  int slot;
  uint type;
};
extern const struct syscap syscaps[NSYSCAPS];
// The plan's keep flag for system capability k.
int *pb_keep(struct pb_plan *plan, int k);
// Before exec of the program at path (its manifest in `manifest`): refuse
// (-1, plan->refused "WORD: why") if the manifest claims a system
// capability the grant policy does not give this installed program, and
// clear every keep flag the policy does not back (0).
int pb_policy(struct pb_plan *plan, char *manifest, const char *path);
// Close every system capability this process holds (a program that runs
// without a manifest gets none).
void pb_drop_syscaps(void);
// Print the grant policy (the `grants` builtin) to fd; 0, or -1 if there
// is none the image builder installed.
int pb_policy_print(int fd);

#endif
