// Channels: the user API (shared by the kernel and user programs as
// "kernel/chan.h"). A channel is a bounded queue of messages with two ends,
// each an object a capability slot can name (type CAPT_CHANNEL):
//
//   send end     CHAN_SEND_RIGHTS:  CAP_R_SEND, CAP_R_GRANT and the meta-rights
//   receive end  CHAN_RECV_RIGHTS:  CAP_R_RECEIVE and the meta-rights
//
// A message is up to CHAN_MAXBYTES bytes and up to CHAN_MAXCAPS capabilities.
// It arrives whole or not at all. The capabilities travel as new records
// derived from the sender's (cap_revoke of an ancestor reaches them while
// they are queued and after they arrive).
//
// The calls (kernel/syscall/syschan.c says the same, with every error code):
//
//   int chan_create(int ends[2]);
//       ends[0] = receive end, ends[1] = send end (like pipe()).
//   int chan_send(int slot, const struct chanmsg *m);
//       Needs CAP_R_SEND on slot, plus CAP_R_GRANT if m->ncaps > 0, plus
//       CAP_R_TRANSFER on every slot in m->caps. Blocks while the queue
//       holds CHAN_QLEN messages (-E_AGAIN instead with CHAN_NONBLOCK;
//       also while other senders are blocked waiting for room: a freed
//       slot is theirs first, so a sender spinning on CHAN_NONBLOCK cannot
//       keep a waiting one out). Returns 0. The sender keeps its
//       capabilities. Capabilities in flight count against the sender's
//       cell's slot quota until received or dropped (-E_QUOTA if they
//       would take it past the quota).
//   int chan_recv(int slot, struct chanmsg *m);
//       Needs CAP_R_RECEIVE. In: m->buf/m->len = buffer and its size,
//       m->ncaps = how many capabilities the caller accepts at most.
//       Out: m->len = bytes received, m->ncaps = capabilities received,
//       m->caps[i] = the new slot of each (or -E_BADCAP for one revoked
//       while in flight: it is dropped, not installed), m->badge = the
//       badge of the sender's send capability, which the sender cannot
//       choose (a server gives each client a differently badged send end
//       and knows who is asking). Returns m->len.
//       Blocks while the queue is empty (-E_AGAIN with CHAN_NONBLOCK).
//       If the next message does not fit (-E_TOOBIG: m->len and m->ncaps
//       are set to its sizes; -E_CAPFULL: too few free slots in the
//       caller's table; -E_QUOTA: too few left in its cell's slot quota),
//       it stays queued and nothing else changes, unless m->flags has
//       CHAN_DISCARD: then it is removed and its capabilities dropped
//       (the same error and sizes are returned), so a receiver that cannot
//       take a message never stalls on it (a server drops a client's
//       oversized request and goes on).
//
// End of life, like a pipe: when no capability (in any slot or message)
// names the receive end any more, queued messages are dropped and sends
// fail with -E_PEER; when none names the send end, recv returns the
// queued messages and then -E_PEER (end of file). A receive end cannot be
// sent in a message (-E_INVAL): a queue could then hold the only way to
// reach itself and never be freed. spawn() may pass one.
//
// Generations (SandCells, kernel/cellinfo.h): a channel is served by one
// cell, the creator's or, once cell_spawn passes its receive end to a
// process, that process's cell; the cell's id is the channel's generation
// (cap_info: gen). When that cell is destroyed (the incarnation died and
// is being replaced) the channel is restarted: a blocked send or recv
// wakes, and every send and recv fails with -E_RESTARTED (cap_info:
// flags & CAPF_RESTARTED). Reconnect through the supervisor, whose name
// service hands out the new incarnation's channel and generation.
#ifndef ZENITH_CHAN_H
#define ZENITH_CHAN_H

#include "types.h"
#include "caprights.h"

#define CHAN_MAXBYTES 512   // bytes in one message
#define CHAN_MAXCAPS    8   // capabilities in one message
#define CHAN_QLEN       8   // messages a channel holds before send blocks

// chanmsg.flags
#define CHAN_NONBLOCK   1   // fail with -E_AGAIN instead of blocking
#define CHAN_DISCARD    2   // recv only: drop a message that does not fit (chan_recv)

#define CHAN_META_RIGHTS (CAP_R_DUP | CAP_R_TRANSFER | CAP_R_REVOKE)
#define CHAN_SEND_RIGHTS (CAP_R_SEND | CAP_R_GRANT | CHAN_META_RIGHTS)
#define CHAN_RECV_RIGHTS (CAP_R_RECEIVE | CHAN_META_RIGHTS)

struct chanmsg {
  void *buf;                // the bytes (send), or where they go (recv)
  uint32 len;               // send: byte count; recv: in buffer size, out bytes received
  uint32 ncaps;             // send: slots in caps[]; recv: in most accepted, out received
  uint32 flags;             // CHAN_NONBLOCK or 0
  int caps[CHAN_MAXCAPS];   // send: slots to pass; recv: the new slots
  uint64 badge;             // recv: the badge of the send capability the message
                            // came through (0 if unbadged); send: ignored
};

#endif
