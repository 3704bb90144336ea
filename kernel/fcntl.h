// open() mode flags. Shared with user programs ("kernel/fcntl.h").
#ifndef ZENITH_FCNTL_H
#define ZENITH_FCNTL_H

#define O_RDONLY  0x000
#define O_WRONLY  0x001
#define O_RDWR    0x002
#define O_CREATE  0x200
#define O_TRUNC   0x400
#if LAB >= 9
#define O_NOFOLLOW 0x800   // the last element may not be a symbolic link (-E_LOOP)
#endif

#endif
