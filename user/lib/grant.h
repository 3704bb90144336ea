// The powerbox's grant table, as a program sees it. The shell passes the
// capabilities it granted for file arguments as slots, and their names at
// the end of argv after GRANT_MARK ("S=name": slot S is `name`; "!E=name":
// opening `name` failed with error E). _start (start.c) takes the table
// off argv before main runs, and the library's open() (grant.c) looks a
// path up in it first: the granted name itself gives a copy of its slot,
// a path below a granted directory is opened with openat() through it,
// anything else goes to the kernel's open, which resolves it through the
// program's cwd and root capabilities (usually none: -E_NOCAP).
#ifndef ZENITH_GRANT_H
#define ZENITH_GRANT_H

#define GRANT_MARK "\x1dgrants"   // not typable at the shell prompt
#define MAXGRANTS  12

struct grant {
  const char *name;   // the path as the person typed it
  int slot;           // the slot holding it, -1 if err
  int err;            // negative error code if the shell could not open it
};

extern int ngrants;
extern struct grant grants[MAXGRANTS];

// Take the grant table off the end of argv; returns the new argc.
int grant_take(int argc, char **argv);
// The grant covering path: its own name, or a directory whose name is a
// prefix of path ending at a '/'; *rest is the part of path below it
// ("" for the name itself). 0 if none.
const struct grant *grant_find(const char *path, const char **rest);
// The raw system call behind open().
int sys_open(const char *path, int omode);

#endif
