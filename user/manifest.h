// ZENITH_MANIFEST("entry", ...): the capabilities a program needs, kept in
// its ELF file as a note (section .note.zenith, its own PT_NOTE segment:
// user/user.ld) that the shell reads before running it (the powerbox,
// user/lib/manifest.c; docs/book/06-capabilities.md). Write it once at
// file scope:
//
//   ZENITH_MANIFEST("args:r");            // cat: read each file argument
//   ZENITH_MANIFEST("arg1:r", "arg2:c");  // cp: read the first, create the second
//
// Entries (the shell always passes stdin, stdout and stderr):
//   args:R  argN:R  argN+:R   file arguments (all, the Nth, the Nth on)
//                             get rights R: r read, w write, c create+write,
//                             - not a file (a pattern, a number)
//   cwd:R  root:R             the current / root directory with rights R:
//                             r list+read, w write, c create, d delete,
//                             x exec, all = whatever the shell has
//   proc:kill  proc:inspect   keep the shell's process capabilities, each
//                             cut to the kill (or inspect) right only
//   proc:all                  keep them as they are (kill, wait, inspect)
//   schedctl                  keep the scheduler-control capability
//   sysctl                    keep the system-control capability (halt, ps)
//   stdio                     nothing beyond the standard streams
// The note's payload is the entries joined by newlines.
#ifndef ZENITH_MANIFEST_H
#define ZENITH_MANIFEST_H

#define ZENITH_NOTE_NAME "Zenith"
#define ZENITH_NOTE_TYPE 0x4d5a   // "ZM"

#define ZM_J1(a) a
#define ZM_J2(a, ...) a "\n" ZM_J1(__VA_ARGS__)
#define ZM_J3(a, ...) a "\n" ZM_J2(__VA_ARGS__)
#define ZM_J4(a, ...) a "\n" ZM_J3(__VA_ARGS__)
#define ZM_J5(a, ...) a "\n" ZM_J4(__VA_ARGS__)
#define ZM_J6(a, ...) a "\n" ZM_J5(__VA_ARGS__)
#define ZM_J7(a, ...) a "\n" ZM_J6(__VA_ARGS__)
#define ZM_J8(a, ...) a "\n" ZM_J7(__VA_ARGS__)
#define ZM_PICK(_1, _2, _3, _4, _5, _6, _7, _8, N, ...) N
#define ZM_JOIN(...) ZM_PICK(__VA_ARGS__, ZM_J8, ZM_J7, ZM_J6, ZM_J5, ZM_J4, \
                             ZM_J3, ZM_J2, ZM_J1)(__VA_ARGS__)

// An ELF note: name and descriptor sizes, type, name padded to 4, payload.
#define ZENITH_MANIFEST(...)                                                   \
  __attribute__((section(".note.zenith"), used, aligned(4)))                  \
  static const struct {                                                        \
    unsigned int namesz, descsz, type;                                         \
    char name[8];                                                              \
    char desc[(sizeof(ZM_JOIN(__VA_ARGS__)) + 3) & ~3];                        \
  } zenith_manifest = {                                                        \
    sizeof(ZENITH_NOTE_NAME), sizeof(ZM_JOIN(__VA_ARGS__)), ZENITH_NOTE_TYPE,  \
    ZENITH_NOTE_NAME, ZM_JOIN(__VA_ARGS__)                                     \
  }

#endif
