// The write-ahead log that makes file-system updates crash safe.
//
// A system call brackets its disk changes with begin_op()/end_op() and writes
// blocks with log_write(), which only records the block number and pins the
// buffer in the cache. Operations that overlap in time form one group; when
// the last of them ends, the group commits:
//   1. copy every recorded block into the log area,
//   2. write the log header with the count (the commit point),
//   3. write every block to its home location,
//   4. write the header again with count 0.
// A crash before 2 loses the whole group, after 2 initlog() replays it.
//
// begin_op() admits an operation only if the group still has room for
// MAXOPBLOCKS more blocks per outstanding operation, so a group never
// overflows the log. It admits waiters in the order they arrived (a
// ticket each): otherwise a process looping on writes, which is running
// when its own commit ends and wakes everybody, would get in again before
// the woken ones run, and on one hart would starve them for good. How a
// group reaches the disk (the four steps above, and recovery at boot) is
// logcommit.c's job.
//
// So end_op() returns before its blocks are on disk whenever another
// operation of its group is still running. log_sync() (fsync) is the way
// to wait: it closes the current group to newcomers and sleeps until the
// group commits. Groups commit one at a time, in order, so after that
// every operation that had ended before the call is on disk.
#include "types.h"
#include "param.h"
#include "lib/spinlock.h"
#include "proc/proc.h"
#include "lib/printf.h"
#include "lib/klib.h"
#include "fs_format.h"
#include "fs/bio.h"
#include "fs/log.h"
#include "fs/logdisk.h"
#include "fs/diskcut.h"

// Cache buffers kept out of the log's reach, so readers and running
// operations always find a free one while the group's blocks are pinned.
#define BUF_SPARE 6

static struct {
  // Protects every field below but area. While committing is set no
  // operation is running and begin_op() waits, so the committer uses lh
  // without holding the lock.
  struct spinlock lock;
  struct logarea area;  // where the log is on disk (set once, at boot)
  int outstanding;      // operations between begin_op() and end_op()
  int committing;       // a commit is running
  int closing;          // log_sync() waits for this group: admit nobody new
  uint64 next_ticket;   // begin_op() callers take tickets in arrival order
  uint64 now_serving;   // and are admitted in that order
  uint64 committed;     // groups committed since boot (log_sync waits on it)
  struct logheader lh;  // blocks recorded by the current group
} log;

static uint min_u(uint a, uint b)
{
  return a < b ? a : b;
}

void initlog(int dev, struct superblock *sb)
{
  initlock(&log.lock, "log");
  log.area.dev = dev;
  log.area.start = sb->logstart;
  log.area.capacity = min_u(sb->nlog - 1, LOGBLOCKS);
  log.area.capacity = min_u(log.area.capacity, NBUF - BUF_SPARE);
  log.area.capacity = min_u(log.area.capacity, NELEM(log.lh.block));
  if (sb->nlog < 1 || log.area.capacity < MAXOPBLOCKS)
    panic("log: log area too small for one operation");
  diskcut_init();
  log_recover(&log.area, sb->size);
}

static void commit(void)
{
  if (log.lh.n == 0)
    return;   // an operation that wrote nothing: no disk write at all
  diskcut_commit_begin();
  log_commit_group(&log.area, &log.lh);
  diskcut_commit_end();
}

// Would one more operation fit in the current group?
static int room_for_one_more(void)
{
  return log.lh.n + (uint)(log.outstanding + 1) * MAXOPBLOCKS <= log.area.capacity;
}

// A waiter must not give up its ticket (say, when killed): everybody
// behind it would wait forever.
void begin_op(void)
{
  acquire(&log.lock);
  uint64 ticket = log.next_ticket++;
  while (ticket != log.now_serving || log.committing || log.closing ||
         !room_for_one_more())
    sleep(&log, &log.lock);
  log.now_serving++;
  log.outstanding++;
  wakeup(&log);   // the next ticket may fit in this group too
  release(&log.lock);
}

void end_op(void)
{
  int do_commit = 0;

  acquire(&log.lock);
  if (log.outstanding < 1 || log.committing)
    panic("end_op: not inside an operation");
  log.outstanding--;
  if (log.outstanding == 0) {
    do_commit = 1;
    log.committing = 1;
  } else {
    wakeup(&log);   // our reserved room may let a waiter in
  }
  release(&log.lock);

  if (do_commit) {
    commit();   // sleeps on disk I/O, so no spinlock held
    acquire(&log.lock);
    log.committing = 0;
    log.closing = 0;
    log.committed++;
    wakeup(&log);   // begin_op() waiters and log_sync() waiters
    release(&log.lock);
  }
}

// Every operation that has ended so far is in the current group or in
// an earlier one, and the earlier ones are on disk already: with nothing
// running and nothing committing, the current group is empty too. Else
// wait for the current group's commit, and meanwhile keep new operations
// out (they wait in begin_op() as they would for a commit), so the group
// commits as soon as the operations already in it end: a steady stream
// of writers cannot keep an fsync waiting.
void log_sync(void)
{
  acquire(&log.lock);
  if (log.outstanding > 0 || log.committing) {
    uint64 target = log.committed + 1;   // the group running or committing now
    if (!log.committing)
      log.closing = 1;
    while (log.committed < target)
      sleep(&log, &log.lock);
  }
  release(&log.lock);
}

void log_write(struct buf *b)
{
  acquire(&log.lock);
  if (log.outstanding < 1)
    panic("log_write: outside an operation");
  uint i;
  for (i = 0; i < log.lh.n; i++)
    if (log.lh.block[i] == b->blockno)
      break;   // already in this group: one log slot per block
  if (i == log.lh.n) {
    if (log.lh.n >= log.area.capacity)
      panic("log_write: group too big for the log");
    log.lh.block[log.lh.n++] = b->blockno;
    bpin(b);
  }
  release(&log.lock);
}
