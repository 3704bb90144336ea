// spawn: a new process running a program with exactly the listed
// capabilities (the user API and its rules: spawncap.h).
#ifndef ZENITH_SPAWN_H
#define ZENITH_SPAWN_H

struct spawncap;

// Start path with argv holding exactly list[0..n). The child's pid, or
// -E_INVAL (bad list), -E_PROCLIM, -E_NOMEM, exec's errors, or a
// capability error (captransfer.h: cap_give_spawn); then no child exists.
int spawn(char *path, char **argv, const struct spawncap *list, int n);

#endif
