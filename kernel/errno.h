// Error codes. Every system call returns a negative code from this list on
// failure (so xv6-style "if(r < 0)" checks keep working) and the user library's
// errstr() turns one into text. sbrk alone returns -1 on failure, as in xv6.
// Shared by kernel and user programs.
#ifndef ZENITH_ERRNO_H
#define ZENITH_ERRNO_H

#define E_INVAL        1   // bad argument (value out of range, bad flags)
#define E_FAULT        2   // bad user address or length
#define E_BADCAP       3   // no such live capability in that slot (bad fd)
#define E_NORIGHT      4   // the capability lacks the right for this operation
#define E_NOCAP        5   // the process holds no capability for this at all
#define E_RIGHTS       6   // asked for rights the source capability lacks
#define E_CAPFULL      7   // capability table of the process is full
#define E_NFILE        8   // system-wide open-file table is full
#define E_NOMEM        9   // out of memory
#define E_NOENT       10   // no such file or directory
#define E_EXIST       11   // already exists
#define E_NOTDIR      12   // not a directory
#define E_ISDIR       13   // is a directory
#define E_NOSPC       14   // no space left on the file system
#define E_NOEXEC      15   // not a valid executable
#define E_CHILD       16   // no children to wait for
#define E_SRCH        17   // no such process
#define E_PIPE        18   // pipe has no reader
#define E_NAMETOOLONG 19   // path or name too long
#define E_NOTEMPTY    20   // directory not empty
#define E_PROCLIM     21   // process table full
#define E_BUSY        22   // object in use
#define E_XDEV        23   // link across devices
#define E_KILLED      24   // the calling process was killed while waiting
#define E_TOOBIG      25   // file would exceed the largest file size; message or
                           // argument list larger than the limit or the receiver's bound
#define E_NOSYS       26   // no such system call
#define E_CAPPOOL     27   // the kernel's pool of capability records is exhausted
// Channels (kernel/chan.h)
#define E_AGAIN       28   // would block: CHAN_NONBLOCK and the queue is full (send) or empty (recv)
#define E_PEER        29   // the other side of the channel is gone: no receiver (send), or no
                           // sender and nothing queued (recv: end of file)
// Scheduler (kernel/schedctl.h)
#define E_NOPOLICY    32   // no scheduling policy of that name
// Directory capabilities and badges (dircap, C2)
#define E_ESCAPE      30   // a path climbs ("..") above the directory capability it starts from
#define E_BADGE       31   // the capability already carries a badge
// SandCells and self-healing (kernel/cell/cell.c)
#define E_QUOTA       33   // a quota of the caller's (or the target) cell is used up
#define E_RESTARTED   34   // the peer was restarted: reconnect (new generation)
#define E_CELLDEAD    35   // the cell has been destroyed

#define E_SEALED      36   // the file is sealed by the image builder: read and run it only
// File system, more (lab 9: symbolic links, kernel/fs/symlink.c)
#define E_LOOP        37   // too many symbolic links in one path walk (a loop?), or O_NOFOLLOW met one
#define E_MAX         37

#endif
