// Open-file objects: what a capability slot refers to. One struct file may be
// shared by many slots (dup, fork); the slot's rights, not the file, say what
// each holder may do with it.
#ifndef ZENITH_FILE_H
#define ZENITH_FILE_H

#include "types.h"
#include "param.h"

struct pipe;
struct chan;
struct inode;
struct stat;
struct cell;

struct file {
  enum { FD_NONE, FD_PIPE, FD_INODE, FD_DEVICE,
         FD_SCHEDCTL,   // the scheduler-control object (schedctl.h): no data
         FD_CHANNEL,    // one end of a channel (channel.h)
         FD_CELL,       // a SandCell (cell.h)
         FD_SYSCTL,     // the system-control object (sysctl.h): no data
  } type;
  int ref;              // references (capability slots); ftable.lock protects it
  struct pipe *pipe;    // FD_PIPE
  int pipe_write_end;   // FD_PIPE: 1 for the write end
  struct chan *chan;    // FD_CHANNEL (channel.c)
  int chan_send_end;    // FD_CHANNEL: 1 for the send end, 0 for the receive end
  struct inode *ip;     // FD_INODE and FD_DEVICE
  uint off;             // FD_INODE: current offset
  struct inode *walk_base;  // FD_INODE directory: the boundary no path walk
                            // from it may climb above (0 = ip itself);
                            // holds a reference (dircap.c)
  int walk_depth;       // levels ip is below walk_base (0 when it is 0)
  short major;          // FD_DEVICE
  struct cell *cell;    // FD_CELL: holds a reference (cell_file_ref)
  uint64 id;            // object id, never reused (set by filealloc)
};

// Device switch: drivers for device files, by major number.
struct devsw {
  int (*read)(int user_dst, uint64 dst, int n);
  int (*write)(int user_src, uint64 src, int n);
};
extern struct devsw devsw[NDEV];

#define CONSOLE 1   // major number of the console

void fileinit(void);
struct file *filealloc(void);           // 0 if the table is full
struct file *filedup(struct file *f);
void fileclose(struct file *f);
int filestat(struct file *f, uint64 user_addr);
int fileread(struct file *f, uint64 user_addr, int n);
int filewrite(struct file *f, uint64 user_addr, int n);
// For the capability audit (cap.c): f's index in the table or -1, and a
// check of every file's ref against refs[index]; returns mismatches and
// sets *open to the number of files in use.
int file_index(const struct file *f);
int file_audit(const int *refs, int *open);

#endif
