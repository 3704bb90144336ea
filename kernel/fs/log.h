// The crash-safe write-ahead log. A system call that writes the disk wraps its
// writes in begin_op()/end_op(); blocks are written with log_write() instead of
// bwrite(). Commit copies them to the log, marks it committed, installs them,
// then clears the log, so after a crash recovery replays or drops them whole.
#ifndef ZENITH_LOG_H
#define ZENITH_LOG_H

struct buf;
struct superblock;

void initlog(int dev, struct superblock *sb);
void begin_op(void);
void end_op(void);
void log_write(struct buf *b);
// Wait until every operation that has ended so far is committed (fsync).
void log_sync(void);

#endif
