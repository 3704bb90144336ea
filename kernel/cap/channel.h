// Channels, the kernel side: the message queue behind the two channel ends
// (the user API and its rules are in chan.h). This layer moves bytes and
// opaque capability records; it never looks inside a record. Which slots a
// message may carry and how records are derived, installed and dropped is
// captransfer.c; the system calls that join the two are syschan.c.
//
// Locks: each channel's lock protects its queue and end flags. It is taken
// before caplock (the queue re-checks the caller's capability under it, so
// a revoke that has returned stops a sender or receiver that was asleep),
// and before p->lock (sleep, wakeup); never under caplock.
#ifndef ZENITH_CHANNEL_H
#define ZENITH_CHANNEL_H

#include "types.h"
#include "chan.h"

struct file;
struct proc;
struct chan;
struct capnode;
struct cell;

// Who is using the channel: checked again (cap_lookup) under the channel
// lock just before a message moves, so the call fails with -E_BADCAP if
// the capability was revoked meanwhile.
struct chanuser {
  struct proc *p;
  int slot;
  uint32 need;   // CAP_R_* rights the call needs on slot
};

void chaninit(void);
// A new channel: *rf the receive end, *sf the send end, each an open file
// with one reference. 0, -E_NFILE or -E_NOMEM (then nothing is allocated).
int chan_alloc(struct file **rf, struct file **sf);
// fileclose(): the last reference to one end went away.
void chan_close_end(struct chan *c, int send_end);
// Wake every sender and receiver blocked on c (they recheck their
// capability, the peer and the generation): after a revoke.
void chan_wake(struct chan *c);
// Queue a message of len bytes from user address ubuf and ncaps records
// (which the queue then owns), sent through a capability with `badge`. Blocks while full unless nonblock.
// 0, -E_PEER, -E_AGAIN, -E_KILLED, -E_FAULT, or the re-check's error;
// on error the records are still the caller's.
int chan_put(struct chan *c, const struct chanuser *u, uint64 ubuf, uint32 len,
             struct capnode **recs, int ncaps, uint64 badge, int nonblock);
// Room the receiver has for capabilities: free entries in its table, and
// slots its cell's quota still allows. A record in flight is charged to
// its sender's cell (cap_charge_inflight), so records charged to the
// receiver's own cell need no quota: their charge moves with them.
struct chanroom {
  int table_free;
  int quota_left;
  const struct cell *cell;   // the receiver's
};
// Take the oldest message if it fits: at most bufsize bytes (copied to
// ubuf), maxcaps records and no more than *room allows (stored in recs,
// now the caller's), and its badge in *badge. *len and *ncaps get its
// sizes whenever there is one.
// Blocks while empty unless flags has CHAN_NONBLOCK. 0, -E_PEER (empty,
// no sender left), -E_AGAIN, -E_KILLED, -E_TOOBIG, -E_CAPFULL (the
// table), -E_QUOTA (the cell's slot quota), -E_FAULT or the re-check's
// error; on error the message stays queued, except that with
// CHAN_DISCARD one that does not fit (-E_TOOBIG, -E_CAPFULL, -E_QUOTA) is
// removed and its records dropped.
int chan_take(struct chan *c, const struct chanuser *u, uint64 ubuf, uint32 bufsize,
              int maxcaps, const struct chanroom *room, uint32 flags, uint32 *len,
              int *ncaps, struct capnode **recs, uint64 *badge);
// Generations (SandCells, docs/book/08-sandcells-and-self-healing.md):
// a channel is served by the processes of one cell, whose id is the
// channel's generation. chan_create binds a new channel to its creator's
// cell; cell_spawn binds a channel whose receive end it passes to the new
// process's cell. When that cell is destroyed, chan_cell_died marks the
// channel restarted: blocked senders and receivers wake, and every send
// and recv on it fails with -E_RESTARTED from then on.
void chan_bind(struct file *f, uint64 gen);   // f: either end; no-op if not a channel
void chan_cell_died(uint64 gen);
// f's channel's generation, and whether it was restarted.
uint64 chan_generation(struct file *f, int *restarted);
// A message of len bytes from the kernel, never blocking: 0, -E_AGAIN
// (full), -E_PEER (no receiver), -E_RESTARTED, -E_INVAL (f is not a send
// end or len is too big). Fault records go to supervisors this way.
int chan_put_kernel(struct file *f, const void *data, uint32 len);
// Is f the receive end of a channel? (Those may not travel in messages.)
int chan_is_receive_end(const struct file *f);
// For the audit: records held by queued messages, all channels, and the
// number of channels in use.
int chan_count_queued(int *channels);

#endif
