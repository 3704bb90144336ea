// Library helpers that are not part of the xv6-compatible API in user.h:
// uniform error reporting for the programs in user/.
#ifndef ZENITH_USER_UTIL_H
#define ZENITH_USER_UTIL_H

// Prints "who: what: <errstr(err)>" on fd 2 and returns 1 (an exit status).
int complain(const char *who, const char *what, int err);
// Same, then exit(1).
void fail(const char *who, const char *what, int err) __attribute__((noreturn));

#endif
