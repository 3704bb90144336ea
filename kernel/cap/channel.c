// Channels (see channel.h for this layer, chan.h for the user API): a ring
// of CHAN_QLEN messages, each up to CHAN_MAXBYTES bytes kept in one page
// of the channel's own, plus up to CHAN_MAXCAPS capability records. A
// channel is a fixed entry in chans[]; there can be no more than NFILE/2,
// since each needs two open files, so a process flooding channels runs out
// of files (-E_NFILE), never of kernel memory beyond one page each.
//
// Senders sleep while the ring is full, receivers while it is empty. The
// last close of the receive end drops every queued message (nobody can
// receive it) and wakes senders; the last close of the send end wakes
// receivers, which drain the ring and then see -E_PEER.
#include "types.h"
#include "param.h"
#include "errno.h"
#include "lib/spinlock.h"
#include "lib/klib.h"
#include "mm/kalloc.h"
#include "proc/proc.h"
#include "mm/vm.h"
#include "file.h"
#include "cap/cap.h"
#include "cap/captransfer.h"
#include "cap/channel.h"

#define NCHAN (NFILE / 2)

struct queued {
  uint32 len;                            // bytes, at data + index * CHAN_MAXBYTES
  uint64 badge;                          // of the sender's send capability
  int ncaps;
  struct capnode *caps[CHAN_MAXCAPS];    // records owned by the queue
};

struct chan {
  struct spinlock lock;    // protects everything below but inuse
  int inuse;               // chans_lock protects it
  int recv_open;           // some reference to the receive end exists
  int send_open;           // some reference to the send end exists
  uint64 gen;              // generation: id of the SandCell whose processes
                           // serve the receive end (chan_bind), 0 = none
  int restarted;           // that cell was destroyed: every call fails
                           // with -E_RESTARTED (chan_cell_died)
  uint head;               // index of the oldest message
  uint count;              // messages queued
  int send_waiters;        // senders asleep waiting for space: a free slot
                           // is theirs before a CHAN_NONBLOCK sender's
  struct queued msg[CHAN_QLEN];
  char *data;              // one page: CHAN_QLEN * CHAN_MAXBYTES bytes
};

_Static_assert(CHAN_QLEN * CHAN_MAXBYTES <= PGSIZE, "a channel's bytes fit a page");

static struct chan chans[NCHAN];
static struct spinlock chans_lock;   // protects chans[i].inuse

// What sleepers wait on: senders for space (or the receiver leaving),
// receivers for a message (or the last sender leaving).
static void *space_event(struct chan *c) { return &c->recv_open; }
static void *message_event(struct chan *c) { return &c->send_open; }

void chaninit(void)
{
  initlock(&chans_lock, "chans");
  for (int i = 0; i < NCHAN; i++)
    initlock(&chans[i].lock, "chan");
}

static struct chan *chan_get(void)
{
  acquire(&chans_lock);
  for (struct chan *c = chans; c < chans + NCHAN; c++) {
    if (!c->inuse) {
      c->inuse = 1;
      release(&chans_lock);
      return c;
    }
  }
  release(&chans_lock);
  return 0;
}

static void chan_put_back(struct chan *c)
{
  acquire(&chans_lock);
  c->inuse = 0;
  release(&chans_lock);
}

int chan_alloc(struct file **rf, struct file **sf)
{
  *rf = *sf = 0;
  struct chan *c = 0;
  int err = -E_NFILE;
  if ((*rf = filealloc()) == 0 || (*sf = filealloc()) == 0)
    goto fail;
  err = -E_NOMEM;   // chans[] cannot run out before the file table does
  char *data;
  if ((c = chan_get()) == 0 || (data = kalloc()) == 0)
    goto fail;
  acquire(&c->lock);
  c->data = data;
  c->recv_open = c->send_open = 1;
  c->head = c->count = 0;
  c->gen = 0;
  c->restarted = 0;
  release(&c->lock);
  (*rf)->type = (*sf)->type = FD_CHANNEL;
  (*rf)->chan = (*sf)->chan = c;
  (*rf)->chan_send_end = 0;
  (*sf)->chan_send_end = 1;
  return 0;

fail:
  if (c)
    chan_put_back(c);
  if (*rf)
    fileclose(*rf);   // still FD_NONE: only frees the table entry
  if (*sf)
    fileclose(*sf);
  *rf = *sf = 0;
  return err;
}

void chan_wake(struct chan *c)
{
  acquire(&c->lock);   // a sleeper checks and sleeps under it: no lost wake-up
  wakeup(space_event(c));
  wakeup(message_event(c));
  release(&c->lock);
}

void chan_close_end(struct chan *c, int send_end)
{
  struct capnode *dropped[CHAN_QLEN * CHAN_MAXCAPS];
  int ndropped = 0;

  acquire(&c->lock);
  if (send_end) {
    c->send_open = 0;
    wakeup(message_event(c));
  } else {
    c->recv_open = 0;
    for (; c->count > 0; c->count--, c->head = (c->head + 1) % CHAN_QLEN) {
      struct queued *q = &c->msg[c->head];
      for (int i = 0; i < q->ncaps; i++)
        dropped[ndropped++] = q->caps[i];
      q->ncaps = 0;
    }
    wakeup(space_event(c));
  }
  char *data = 0;
  if (!c->recv_open && !c->send_open) {   // both ends gone: free it
    data = c->data;
    c->data = 0;
  }
  release(&c->lock);

  // Dropping a record may close the last reference to another channel's
  // end (or to this channel's send end: then that inner call frees it).
  cap_drop_inflight(dropped, ndropped);
  if (data) {
    kfree(data);
    chan_put_back(c);
  }
}

// The caller's capability is still live with the rights it needs?
static int recheck(const struct chanuser *u)
{
  int err;
  cap_lookup(u->p, u->slot, u->need, &err);
  return err;
}

int chan_put(struct chan *c, const struct chanuser *u, uint64 ubuf, uint32 len,
             struct capnode **recs, int ncaps, uint64 badge, int nonblock)
{
  int r;
  acquire(&c->lock);
  for (;;) {
    if ((r = recheck(u)) < 0)
      break;
    if (c->restarted) {
      r = -E_RESTARTED;
      break;
    }
    if (!c->recv_open) {
      r = -E_PEER;
      break;
    }
    // A sender that waited goes before one that did not: a client
    // spinning on CHAN_NONBLOCK sends cannot keep a patient one out.
    if (c->count < CHAN_QLEN && !(nonblock && c->send_waiters > 0)) {
      uint at = (c->head + c->count) % CHAN_QLEN;
      if (len > 0 && copyin(u->p->pagetable, c->data + at * CHAN_MAXBYTES, ubuf, len) < 0) {
        r = -E_FAULT;
        break;
      }
      struct queued *q = &c->msg[at];
      q->len = len;
      q->badge = badge;
      q->ncaps = ncaps;
      for (int i = 0; i < ncaps; i++)
        q->caps[i] = recs[i];
      c->count++;
      wakeup(message_event(c));
      r = 0;
      break;
    }
    if (nonblock) {
      r = -E_AGAIN;
      break;
    }
    if (killed(u->p)) {
      r = -E_KILLED;
      break;
    }
    c->send_waiters++;
    sleep(space_event(c), &c->lock);
    c->send_waiters--;
  }
  release(&c->lock);
  return r;
}

int chan_take(struct chan *c, const struct chanuser *u, uint64 ubuf, uint32 bufsize,
              int maxcaps, const struct chanroom *room, uint32 flags, uint32 *len,
              int *ncaps, struct capnode **recs, uint64 *badge)
{
  int r;
  int nonblock = flags & CHAN_NONBLOCK;
  struct capnode *unwanted[CHAN_MAXCAPS];
  int nunwanted = 0;
  *len = 0;
  *ncaps = 0;
  acquire(&c->lock);
  for (;;) {
    if ((r = recheck(u)) < 0)
      goto out;
    if (c->restarted) {
      r = -E_RESTARTED;
      goto out;
    }
    if (c->count > 0)
      break;
    if (!c->send_open) {
      r = -E_PEER;   // end of file: nothing queued and nobody can send
      goto out;
    }
    if (nonblock) {
      r = -E_AGAIN;
      goto out;
    }
    if (killed(u->p)) {
      r = -E_KILLED;
      goto out;
    }
    sleep(message_event(c), &c->lock);
  }

  // Whole or not at all: every check before anything moves.
  struct queued *q = &c->msg[c->head];
  *len = q->len;
  *ncaps = q->ncaps;
  r = 0;
  if (q->len > bufsize || q->ncaps > maxcaps)
    r = -E_TOOBIG;
  else if (q->ncaps > room->table_free)
    r = -E_CAPFULL;
  else if (q->ncaps - cap_count_charged(q->caps, q->ncaps, room->cell) > room->quota_left)
    r = -E_QUOTA;   // records charged to the receiver's cell need no more quota
  if (r < 0) {
    if (flags & CHAN_DISCARD) {   // the receiver does not want it: drop it
      for (int i = 0; i < q->ncaps; i++)
        unwanted[nunwanted++] = q->caps[i];
      goto dequeue;
    }
    goto out;
  }
  if (q->len > 0 &&
      copyout(u->p->pagetable, ubuf, c->data + c->head * CHAN_MAXBYTES, q->len) < 0) {
    r = -E_FAULT;
    goto out;
  }
  for (int i = 0; i < q->ncaps; i++)
    recs[i] = q->caps[i];
  *badge = q->badge;
  r = 0;
dequeue:
  q->ncaps = 0;
  c->head = (c->head + 1) % CHAN_QLEN;
  c->count--;
  wakeup(space_event(c));
out:
  release(&c->lock);
  cap_drop_inflight(unwanted, nunwanted);   // outside the lock (see chan_close_end)
  return r;
}

void chan_bind(struct file *f, uint64 gen)
{
  if (f->type != FD_CHANNEL)
    return;
  struct chan *c = f->chan;
  acquire(&c->lock);
  if (!c->restarted)
    c->gen = gen;
  release(&c->lock);
}

void chan_cell_died(uint64 gen)
{
  for (struct chan *c = chans; c < chans + NCHAN; c++) {
    acquire(&c->lock);
    if (c->data && c->gen == gen && !c->restarted) {
      c->restarted = 1;
      wakeup(space_event(c));     // blocked senders
      wakeup(message_event(c));   // blocked receivers
    }
    release(&c->lock);
  }
}

uint64 chan_generation(struct file *f, int *restarted)
{
  struct chan *c = f->chan;
  acquire(&c->lock);
  uint64 gen = c->gen;
  *restarted = c->restarted;
  release(&c->lock);
  return gen;
}

int chan_put_kernel(struct file *f, const void *data, uint32 len)
{
  struct chan *c = f->chan;
  int r = 0;
  if (f->type != FD_CHANNEL || !f->chan_send_end || len > CHAN_MAXBYTES)
    return -E_INVAL;
  acquire(&c->lock);
  if (c->restarted)
    r = -E_RESTARTED;
  else if (!c->recv_open)
    r = -E_PEER;
  else if (c->count == CHAN_QLEN)
    r = -E_AGAIN;
  if (r == 0) {
    uint at = (c->head + c->count) % CHAN_QLEN;
    memmove(c->data + at * CHAN_MAXBYTES, data, len);
    c->msg[at].len = len;
    c->msg[at].ncaps = 0;
    c->msg[at].badge = 0;   // from the kernel, not from a capability
    c->count++;
    wakeup(message_event(c));
  }
  release(&c->lock);
  return r;
}

int chan_is_receive_end(const struct file *f)
{
  return f->type == FD_CHANNEL && !f->chan_send_end;
}

int chan_count_queued(int *channels)
{
  int recs = 0;
  *channels = 0;
  for (struct chan *c = chans; c < chans + NCHAN; c++) {
    acquire(&c->lock);
    if (c->data) {
      (*channels)++;
      for (uint i = 0; i < c->count; i++)
        recs += c->msg[(c->head + i) % CHAN_QLEN].ncaps;
    }
    release(&c->lock);
  }
  return recs;
}
