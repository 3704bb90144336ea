// File metadata returned by fstat. Shared with user programs ("kernel/stat.h").
#ifndef ZENITH_STAT_H
#define ZENITH_STAT_H

#define T_DIR     1   // directory
#define T_FILE    2   // regular file
#define T_DEVICE  3   // device file
#if LAB >= 9
#define T_SYMLINK 4   // symbolic link: its data is the target path (lab 9)
#endif

struct stat {
  int dev;      // file-system device number
  uint ino;     // inode number
  short type;   // T_DIR, T_FILE, T_DEVICE (or T_SYMLINK)
  short nlink;  // number of links to the file
  uint64 size;  // size in bytes
};

#endif
