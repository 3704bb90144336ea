// Capability rights bits. Shared with user programs ("kernel/caprights.h").
// A capability's rights mask is a set of these bits; rights only shrink:
// cap_dup and cap_restrict may drop bits, never add them. The values are
// part of the user API: never renumber one, only add new bits.
#ifndef ZENITH_CAPRIGHTS_H
#define ZENITH_CAPRIGHTS_H

#define CAP_R_READ     (1u << 0)    // read bytes
#define CAP_R_WRITE    (1u << 1)    // write bytes
#define CAP_R_STAT     (1u << 2)    // fstat
#define CAP_R_DUP      (1u << 3)    // duplicate the slot (dup, cap_dup)
#define CAP_R_TRANSFER (1u << 4)    // hand the capability to another process
                                    // (in a channel message, or to a spawned child)
#define CAP_R_REVOKE   (1u << 5)    // revoke everything derived from it
#define CAP_R_EXEC     (1u << 6)    // directory: exec programs found below it
#define CAP_R_LOOKUP   (1u << 7)    // directory: resolve names (every path walk)
#define CAP_R_CREATE   (1u << 8)    // directory: create entries (O_CREATE,
                                    // mkdir, mknod, link)
#define CAP_R_DELETE   (1u << 9)    // directory: remove entries (unlink)
#define CAP_R_KILL     (1u << 10)   // process: kill it
#define CAP_R_WAIT     (1u << 11)   // process: wait for (reap) it
#define CAP_R_SEND     (1u << 12)   // channel send end: send messages
#define CAP_R_RECEIVE  (1u << 13)   // channel receive end: receive messages
#define CAP_R_GRANT    (1u << 14)   // channel send end: messages may carry capabilities
#define CAP_R_INSPECT  (1u << 15)   // process: list its capabilities (cap_list)
#define CAP_R_ALL      0xffffffffu

#endif
