// The grant policy for system capabilities: which installed programs the
// shell may hand which system capabilities (docs/book/06-capabilities.md,
// 6.16). The person who builds the image writes it (user/files/syscaps.conf:
// a line per program, "NAME WORD...", '#' comments); the image builder
// (mkfs) checks it, installs it as SYSCAPS_PATH at inode SYSCAPS_INO and
// seals it with every program it installs (DI_SEALED, kernel/fs_format.h).
// Shared by mkfs and the shell (user/lib/pbpolicy.c): plain C, no includes.
#ifndef ZENITH_SYSCAPS_H
#define ZENITH_SYSCAPS_H

#define SYSCAPS_NAME "syscaps.conf"
#define SYSCAPS_PATH "/" SYSCAPS_NAME
// The first inode after the root: a file made at run time can never have
// it, because a sealed file is never removed (so its inode never freed).
#define SYSCAPS_INO 2
#define SYSCAPS_MAX 2048   // bytes of policy the shell reads

// The words of a policy line, in the order `grants on` prints them: the
// scheduler-control, system-control and root cell capabilities, the service
// directory and the service-control key.
#define SYSCAPS_WORDS "schedctl", "sysctl", "cell", "svc", "svcctl"
#define NSYSCAPS 5

#endif
