// spawn: a new process running a program with exactly the listed
// capabilities (the user API and its rules: spawncap.h).
#ifndef ZENITH_SPAWN_H
#define ZENITH_SPAWN_H

struct spawncap;
struct cell;

// Start path with argv holding exactly list[0..n). The child's pid, or
// -E_INVAL (bad list), -E_PROCLIM, -E_NOMEM, exec's errors, or a
// capability error (captransfer.h: cap_give_spawn); then no child exists.
int spawn(char *path, char **argv, const struct spawncap *list, int n);
// The same in SandCell c (cell_spawn, syscell.c): everything the child
// needs is charged to c (-E_QUOTA, -E_CELLDEAD). With path == 0 the child
// is a copy of the caller's memory (not its lazymap region) and returns 0
// from the call, like fork's child.
int spawn_in(struct cell *c, char *path, char **argv, const struct spawncap *list, int n);

#endif
