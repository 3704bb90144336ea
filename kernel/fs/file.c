// Open files: the objects capability slots point at. An open file is a pipe
// end, an inode with a current offset, or a device file; fileread/filewrite
// send each to the right layer. Rights are checked before we get here (by
// cap_lookup in sysfile.c), so these functions trust their caller.
#include "types.h"
#include "param.h"
#include "errno.h"
#include "stat.h"
#include "lib/spinlock.h"
#include "lib/sleeplock.h"
#include "proc/proc.h"
#include "lib/printf.h"
#include "mm/vm.h"
#include "fs.h"
#include "fs/log.h"
#include "fs/pipe.h"
#include "cap/channel.h"
#include "cell/cell.h"
#include "file.h"

struct devsw devsw[NDEV];

static struct {
  // Protects ref (and, through ref == 0, the free state) of every file,
  // and next_id.
  struct spinlock lock;
  struct file file[NFILE];
  uint64 next_id;
} ftable;

void fileinit(void)
{
  initlock(&ftable.lock, "ftable");
}

struct file *filealloc(void)
{
  acquire(&ftable.lock);
  for (struct file *f = ftable.file; f < ftable.file + NFILE; f++) {
    if (f->ref == 0) {
      f->ref = 1;
      f->type = FD_NONE;
      f->id = ++ftable.next_id;
      release(&ftable.lock);
      return f;
    }
  }
  release(&ftable.lock);
  return 0;
}

struct file *filedup(struct file *f)
{
  acquire(&ftable.lock);
  if (f->ref < 1)
    panic("filedup: file not open");
  f->ref++;
  release(&ftable.lock);
  return f;
}

void fileclose(struct file *f)
{
  acquire(&ftable.lock);
  if (f->ref < 1)
    panic("fileclose: file not open");
  if (--f->ref > 0) {
    release(&ftable.lock);
    return;
  }
  struct file copy = *f;   // the slot is free once type is NONE
  f->type = FD_NONE;
  f->pipe = 0;
  f->chan = 0;
  f->ip = 0;
  f->walk_base = 0;
  f->walk_depth = 0;
  f->cell = 0;
  release(&ftable.lock);

  if (copy.type == FD_PIPE) {
    pipeclose(copy.pipe, copy.pipe_write_end);
  } else if (copy.type == FD_CHANNEL) {
    chan_close_end(copy.chan, copy.chan_send_end);
  } else if (copy.type == FD_INODE || copy.type == FD_DEVICE) {
    begin_op();   // the last reference to an unlinked file frees it
    iput(copy.ip);
    if (copy.walk_base)
      iput(copy.walk_base);
    end_op();
  } else if (copy.type == FD_CELL) {
    cell_file_unref(copy.cell);   // the last one destroys the cell
  }
}

int file_index(const struct file *f)
{
  uint64 a = (uint64)f, lo = (uint64)ftable.file;
  if (a < lo || a >= (uint64)(ftable.file + NFILE) || (a - lo) % sizeof(*f) != 0)
    return -1;
  return (int)((a - lo) / sizeof(*f));
}

int file_audit(const int *refs, int *open)
{
  int bad = 0;
  *open = 0;
  acquire(&ftable.lock);
  for (int i = 0; i < NFILE; i++) {
    if (ftable.file[i].ref > 0)
      (*open)++;
    if (ftable.file[i].ref != refs[i])
      bad++;
  }
  release(&ftable.lock);
  return bad;
}

int filestat(struct file *f, uint64 user_addr)
{
  struct stat st;

  if (f->type != FD_INODE && f->type != FD_DEVICE)
    return -E_INVAL;
  ilock(f->ip);
  stati(f->ip, &st);
  iunlock(f->ip);
  if (copyout(myproc()->pagetable, user_addr, &st, sizeof(st)) < 0)
    return -E_FAULT;
  return 0;
}

static struct devsw *device_of(struct file *f)
{
  if (f->major < 0 || f->major >= NDEV)
    return 0;
  return &devsw[f->major];
}

// Read in pieces, with the inode unlocked between them: a huge read neither
// holds the inode for its whole length nor outlives a kill by more than one
// piece.
#define READ_CHUNK (64 * 1024)

static int inode_read(struct file *f, uint64 user_addr, int n)
{
  int done = 0;
  while (done < n) {
    if (done > 0 && killed(myproc()))
      break;   // the caller exits on its way out; report what it read
    int m = n - done < READ_CHUNK ? n - done : READ_CHUNK;
    ilock(f->ip);
    int r = readi(f->ip, 1, user_addr + done, f->off, m);
    if (r > 0)
      f->off += r;
    iunlock(f->ip);
    if (r < 0)
      return done > 0 ? done : r;
    done += r;
    if (r != m)
      break;   // end of file, or a bad buffer part way
  }
  return done;
}

int fileread(struct file *f, uint64 user_addr, int n)
{
  if (n < 0)
    return -E_INVAL;
  switch (f->type) {
  case FD_PIPE:
    return piperead(f->pipe, user_addr, n);
  case FD_DEVICE: {
    struct devsw *d = device_of(f);
    return d && d->read ? d->read(1, user_addr, n) : -E_INVAL;
  }
  case FD_INODE:
    return inode_read(f, user_addr, n);
  case FD_CHANNEL:
    return -E_INVAL;   // messages, not bytes: chan_recv (no channel end has CAP_R_READ)
  case FD_SCHEDCTL:
  case FD_SYSCTL:
    return -E_INVAL;   // no bytes: use the sched_* calls, halt, procinfo
  default:
    panic("fileread: bad file type");
  }
}

// Write to an inode in pieces small enough for one log operation each.
// A piece of c blocks' worth of bytes, unaligned, spans c + 1 data blocks;
// add the inode block, at most 3 index blocks (single indirect, double
// indirect top, up to 2 of its middle blocks: never more than 3 at once)
// and up to 2 bitmap blocks: c + 7 must stay within MAXOPBLOCKS.
#define WRITE_CHUNK ((MAXOPBLOCKS - 7) * BSIZE)

static int inode_write(struct file *f, uint64 user_addr, int n)
{
  int done = 0;
  while (done < n) {
    if (killed(myproc()))   // stop between pieces: each piece is whole on disk
      return done > 0 ? done : -E_KILLED;
    int m = n - done < WRITE_CHUNK ? n - done : WRITE_CHUNK;
    begin_op();
    ilock(f->ip);
    int r = writei(f->ip, 1, user_addr + done, f->off, m);
    if (r > 0)
      f->off += r;
    iunlock(f->ip);
    end_op();
    if (r < 0)
      return done > 0 ? done : r;
    done += r;
    if (r != m)
      break;   // disk full or bad buffer part way: report what got written
  }
  return done;
}

int filewrite(struct file *f, uint64 user_addr, int n)
{
  if (n < 0)
    return -E_INVAL;
  switch (f->type) {
  case FD_PIPE:
    return pipewrite(f->pipe, user_addr, n);
  case FD_DEVICE: {
    struct devsw *d = device_of(f);
    return d && d->write ? d->write(1, user_addr, n) : -E_INVAL;
  }
  case FD_INODE:
    // A directory capability's CAP_R_WRITE lets it open files below it for
    // writing (dircap.h); the directory's own bytes are the file system's.
    if (f->ip->type == T_DIR)
      return -E_ISDIR;
    return inode_write(f, user_addr, n);
  case FD_CHANNEL:
    return -E_INVAL;   // messages, not bytes: chan_send
  case FD_SCHEDCTL:
  case FD_SYSCTL:
    return -E_INVAL;
  default:
    panic("filewrite: bad file type");
  }
}
