// xv6's conventions for programs built in xv6's style (user/xv6/; book 2,
// "Running xv6 programs"). The build renames such a program's calls to
// xv6's system calls (and to stat) to the xv6_ functions below
// (rename.syms), so Zenith's own library and programs are untouched. Each
// wrapper keeps one of xv6's habits:
//   - a failed call returns -1 (sbrk: (char *)-1) and leaves Zenith's error
//     code, made positive, in errno: `if (open(...) == -1)` works, and
//     errstr(-errno) still says why;
//   - a path component longer than DIRSIZ (14) is cut to DIRSIZ, as xv6's
//     directory lookup does, where Zenith says "name too long";
//   - sleep(n) and uptime() count xv6's ticks of 100 ms, not Zenith's 1 ms.
#include "kernel/types.h"
#include "kernel/param.h"
#include "kernel/errno.h"
#include "kernel/fs_format.h"
#include "user/user.h"

#define XV6_TICK 100   // Zenith ticks (1 ms) in one of xv6's (100 ms)

int errno;   // the last failed call's code (kernel/errno.h), positive

static int xv6_result(int r)
{
  if (r < 0) {
    errno = -r;
    return -1;
  }
  return r;
}

// `path` with every component cut to DIRSIZ characters, in buf. Only
// called once the kernel has read the path (it said "name too long"), so
// the pointer is known to be good. 0 if the result would not fit.
static const char *cut_names(const char *path, char *buf)
{
  int n = 0, in_name = 0;
  for (const char *s = path; *s; s++) {
    if (*s == '/')
      in_name = 0;
    else if (in_name++ >= DIRSIZ)
      continue;
    if (n == MAXPATH - 1)
      return 0;
    buf[n++] = *s;
  }
  buf[n] = 0;
  return buf;
}

// Run a path call as Zenith would; if a name was too long, again with
// the names cut, as xv6 would have seen them.
#define WITH_CUT_NAMES(call, path, ...)                       \
  do {                                                        \
    int r_ = call(path, ##__VA_ARGS__);                       \
    char buf_[MAXPATH];                                       \
    const char *cut_;                                         \
    if (r_ == -E_NAMETOOLONG && (cut_ = cut_names(path, buf_)) != 0) \
      r_ = call(cut_, ##__VA_ARGS__);                         \
    return xv6_result(r_);                                    \
  } while (0)

int xv6_open(const char *path, int omode) { WITH_CUT_NAMES(open, path, omode); }
int xv6_mknod(const char *path, short major, short minor) { WITH_CUT_NAMES(mknod, path, major, minor); }
int xv6_unlink(const char *path) { WITH_CUT_NAMES(unlink, path); }
int xv6_mkdir(const char *path) { WITH_CUT_NAMES(mkdir, path); }
int xv6_chdir(const char *path) { WITH_CUT_NAMES(chdir, path); }
int xv6_exec(const char *path, char **argv) { WITH_CUT_NAMES(exec, path, argv); }
int xv6_stat(const char *path, struct stat *st) { WITH_CUT_NAMES(stat, path, st); }

int xv6_link(const char *old, const char *new)
{
  int r = link(old, new);
  char a[MAXPATH], b[MAXPATH];
  const char *ca, *cb;
  if (r == -E_NAMETOOLONG && (ca = cut_names(old, a)) != 0 && (cb = cut_names(new, b)) != 0)
    r = link(ca, cb);
  return xv6_result(r);
}

int xv6_fork(void) { return xv6_result(fork()); }
int xv6_wait(int *status) { return xv6_result(wait(status)); }
int xv6_pipe(int *fds) { return xv6_result(pipe(fds)); }
int xv6_write(int fd, const void *buf, int n) { return xv6_result(write(fd, buf, n)); }
int xv6_read(int fd, void *buf, int n) { return xv6_result(read(fd, buf, n)); }
int xv6_close(int fd) { return xv6_result(close(fd)); }
int xv6_kill(int pid) { return xv6_result(kill(pid)); }
int xv6_fstat(int fd, struct stat *st) { return xv6_result(fstat(fd, st)); }
int xv6_dup(int fd) { return xv6_result(dup(fd)); }
int xv6_getpid(void) { return getpid(); }

char *xv6_sbrk(int n)
{
  char *p = sbrk(n);
  if (p == (char *)-1)
    errno = E_NOMEM;
  return p;
}

int xv6_sleep(int n)
{
  if (n <= 0)
    return 0;
  int64 ticks = (int64)n * XV6_TICK;
  return xv6_result(sleep(ticks > 0x7fffffff ? 0x7fffffff : (int)ticks));
}

int xv6_uptime(void) { return uptime() / XV6_TICK; }
