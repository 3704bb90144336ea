// exec: replace the calling process's memory with an ELF64 program.
#ifndef ZENITH_EXEC_H
#define ZENITH_EXEC_H

#include "types.h"
#include "riscv.h"

struct proc;

int exec(char *path, char **argv);   // argc on success, negative error

// The two steps of exec, shared with spawn.
struct image {
  pagetable_t pt;   // the new page table, program and stack mapped
  uint64 sz;        // bytes of user memory in it
  uint64 entry;     // first instruction
  uint64 sp;        // initial stack pointer (argv is there)
  int argc;
};
// Load the program at path (looked up as the calling process would) into
// a new page table for process target (its trap frame is mapped there),
// with argv on the stack. Changes nothing else. 0 or -E_NOENT,
// -E_ISDIR, -E_NOEXEC, -E_NOMEM, -E_TOOBIG.
int exec_load(struct proc *target, char *path, char **argv, struct image *img);
// Switch p to the loaded image and free its old memory. Cannot fail.
void exec_commit(struct proc *p, const char *path, struct image *img);

#endif
