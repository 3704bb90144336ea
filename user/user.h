// The user-level API: system calls and the user library. Programs written for
// xv6 include "kernel/types.h", "kernel/stat.h" and "user/user.h" and compile
// unchanged. System calls return a negative error code (kernel/errno.h) on
// failure; sbrk returns (char*)-1. Programs in user/xv6/ are built with
// XV6_COMPAT and see xv6's conventions instead (user/xv6/compat/).
#ifndef ZENITH_USER_H
#define ZENITH_USER_H

#include "kernel/types.h"

struct stat;
struct procinfo;

// System calls (user/lib/usys.S, generated from user/lib/syscalls.txt)
int fork(void);
int exit(int status) __attribute__((noreturn));
int wait(int *status);
int pipe(int *fds);
int write(int fd, const void *buf, int n);
int read(int fd, void *buf, int n);
int close(int fd);
int kill(int pid);
int exec(const char *path, char **argv);
int open(const char *path, int omode);
int mknod(const char *path, short major, short minor);
int unlink(const char *path);
int fstat(int fd, struct stat *st);
int fsync(int fd);   // returns once every ended operation is on disk; needs CAP_R_WRITE
int link(const char *old, const char *new);
#if LAB >= 9
int symlink(const char *target, const char *path);  // path names a new link to target
int readlink(const char *path, char *buf, int n);   // bytes of the target (no NUL)
#endif
int mkdir(const char *path);
int chdir(const char *path);
int dup(int fd);
int getpid(void);
char *sbrk(int n);
int sleep(int ticks);
int uptime(void);
int halt(int status);   // needs the system-control capability (kernel/sysctl.h)
int procinfo(struct procinfo *buf, int max);
int bootargs(char *buf, int len);
uint64 cputime(void);
int nfree(void);
#if LAB >= 2
struct sysinfo;
#if SOL >= 2
int sysinfo(struct sysinfo *info);                 // kernel/sysinfo.h
#endif
int kbacktrace(int depth);
int alarm(int ticks, void (*handler)(void));
int alarmret(void);
#endif
#if LAB >= 3
int pgdump(void);
int mprotect(void *addr, int len, int prot);       // prot: kernel/mman.h
long lazymap(int npages);                          // base address or error
#endif
#if LAB >= 8
// prot, flags: kernel/mman.h. The mapping's address, or an error (< 0).
long mmap(void *addr, uint64 len, int prot, int flags, int fd, uint64 off);
int munmap(void *addr, uint64 len);
#endif
// Capabilities (kernel/caprights.h, kernel/capinfo.h, docs/book/06-capabilities.md)
struct capinfo;
struct capaudit;
int cap_dup(int slot, uint rights);                // new slot with exactly rights
int cap_restrict(int slot, uint rights);           // shrink rights in place
int cap_delete(int slot);                          // empty the slot (= close)
int cap_revoke(int slot);                          // count revoked below slot
int cap_info(int slot, struct capinfo *info);
int cap_audit(struct capaudit *audit);
// Channels and spawn (kernel/chan.h)
struct chanmsg;
int chan_create(int *ends);                        // ends[0] receive, ends[1] send
int chan_send(int slot, const struct chanmsg *m);  // 0
int chan_recv(int slot, struct chanmsg *m);        // bytes received
struct spawncap;                                   // kernel/spawncap.h
int spawn(const char *path, char **argv, const struct spawncap *caps, int ncaps);  // pid
// Scheduler (kernel/schedctl.h, kernel/schedtrace.h, docs/book/07-scheduling.md)
struct sched_event;
struct schedstat;
struct schedproc;
int sched_trace(int slot, struct sched_event *buf, int max);   // records copied
int sched_stats(int slot, struct schedstat *st, struct schedproc *procs, int max);
int sched_setpolicy(int slot, const char *name);               // new policy id
int sched_setweight(int pid, int weight, int slot);            // slot -1: use a process capability
int sched_policy(char *name, int len);                         // active policy id
// Directory capabilities, badges, listing (kernel/fs/dircap.h)
struct capent;
int openat(int dirslot, const char *path, int omode);  // path below a directory slot
int setdir(int which, int slot);                   // DIRCAP_CWD/ROOT from slot; -1 drops
int cap_dropproc(int pid);                         // drop process caps for pid (-1: all)
int cap_restrictproc(int pid, uint rights);        // attenuate process caps for pid (-1: all)
int cap_badge(int slot, uint64 badge);             // new slot: badged copy of an unbadged one
int cap_list(int pid, struct capent *buf, int max); // count held by pid (0: me)
int fchdir(int slot);                              // setdir(DIRCAP_CWD, slot)
int setroot(int slot);                             // setdir(DIRCAP_ROOT, slot)
// SandCells (kernel/cellinfo.h, kernel/faultrec.h,
// docs/book/08-sandcells-and-self-healing.md)
struct cellquota;
struct cellinfo;
struct faultrec;
int cell_create(int slot, struct cellquota *q, int chanslot);   // slot of the new cell
int cell_destroy(int slot);                        // processes killed
int cell_info(int slot, struct cellinfo *buf, int max);   // records: it, then below
int cell_spawn(int slot, const char *path, char **argv,   // as spawn, in the cell;
               const struct spawncap *caps, int ncaps);  // path 0: a copy, like fork
int cell_faults(int slot, struct faultrec *buf, int max, int block);
// Locks (kernel/lockstat.h, docs/book/04-processes-and-scheduling.md 4.16)
struct lockstat_report;
int lockstat(struct lockstat_report *r);          // classes filled
int lockcheck(int op);                             // LOCKCHECK_*

// Library (user/lib/)
int stat(const char *path, struct stat *st);
char *strcpy(char *dst, const char *src);
char *strncpy(char *dst, const char *src, int n);
void *memmove(void *dst, const void *src, int n);
char *strchr(const char *s, char c);
int strcmp(const char *p, const char *q);
int strncmp(const char *p, const char *q, uint n);
#ifdef XV6_COMPAT
// Built in xv6's style (user/xv6/, book 2 "Running xv6 programs"): xv6's
// printf habits (%d given a uint64, %p given an integer) are not errors, and
// a failed call returns -1 with the error code, positive, in errno.
void fprintf(int fd, const char *fmt, ...);
void printf(const char *fmt, ...);
extern int errno;
#else
void fprintf(int fd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
#endif
int snprintf(char *buf, int size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
char *gets(char *buf, int max);
uint strlen(const char *s);
void *memset(void *dst, int c, uint n);
int atoi(const char *s);
int memcmp(const void *a, const void *b, uint n);
void *memcpy(void *dst, const void *src, uint n);
void *malloc(uint n);
void free(void *p);
const char *errstr(int err);          // text for a negative error code
uint64 rdtime(void);                   // read the time CSR (10 MHz on QEMU virt)

#endif
