// exec: replace the calling process's memory with an ELF64 program.
#ifndef ZENITH_EXEC_H
#define ZENITH_EXEC_H

int exec(char *path, char **argv);   // argc on success, negative error

#endif
