// System calls on files, directories and pipes (sysfile.c). Each returns its
// result or a negative error code (errno.h), placed in a0 by syscall().
#ifndef ZENITH_SYSFILE_H
#define ZENITH_SYSFILE_H

#include "types.h"

uint64 sys_read(void);
uint64 sys_write(void);
uint64 sys_close(void);
uint64 sys_dup(void);
uint64 sys_pipe(void);
uint64 sys_fstat(void);
uint64 sys_open(void);
uint64 sys_link(void);
uint64 sys_unlink(void);
uint64 sys_mkdir(void);
uint64 sys_mknod(void);
uint64 sys_chdir(void);
uint64 sys_openat(void);
uint64 sys_setdir(void);
uint64 sys_fsync(void);
#if LAB >= 9
uint64 sys_symlink(void);
uint64 sys_readlink(void);
#endif

#endif
