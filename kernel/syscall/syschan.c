// System calls on channels (the API and its rules: chan.h). Each fetches
// and checks its arguments, looks up the channel end through the caller's
// capability table, and joins the two layers: the queue (channel.c) and
// the transfer of capabilities (captransfer.c). Any integer is a safe slot
// number, any address a safe pointer. The errors:
//   -E_BADCAP   no such live capability (also: revoked while the call waited)
//   -E_NORIGHT  the channel slot lacks CAP_R_SEND / CAP_R_RECEIVE / CAP_R_GRANT,
//               or a slot being sent lacks CAP_R_TRANSFER
//   -E_INVAL    not a channel end of the right kind, bad flags, or a
//               channel's receive end in the list of capabilities to send
//   -E_TOOBIG   send: more than CHAN_MAXBYTES bytes or CHAN_MAXCAPS caps;
//               recv: the next message exceeds the buffer or the cap bound
//   -E_CAPFULL  recv: fewer free slots in the caller's table than the next
//               message carries
//   -E_QUOTA    recv: the table has room, but the slot quota of the
//               caller's cell has fewer slots left than the message carries
//               (not counting records charged to that cell already);
//               send: the capabilities, which count against the caller's
//               cell's slot quota while in flight, would exceed it
//   -E_CAPPOOL  send: the kernel's pool of capability records is exhausted
//   -E_AGAIN    CHAN_NONBLOCK and the call would block
//   -E_PEER     send: no receive end left; recv: queue empty, no send end left
//   -E_RESTARTED the cell serving the channel (its generation, cap_info's
//               gen) was destroyed: the service is being restarted; get a
//               channel to the new incarnation (from the supervisor's name
//               service) and retry
//   -E_KILLED   the caller was killed while blocked
//   -E_NFILE, -E_NOMEM  chan_create: out of open files or memory
//   -E_FAULT    bad user address
#include "types.h"
#include "param.h"
#include "errno.h"
#include "lib/spinlock.h"
#include "proc/proc.h"
#include "mm/vm.h"
#include "file.h"
#include "cap/cap.h"
#include "cap/captransfer.h"
#include "chan.h"
#include "cap/channel.h"
#include "cell/cell.h"
#include "syscall/syscall_args.h"
#include "syscall/syscap.h"

// chan_create(int ends[2]) -> 0: ends[0] the receive end (CHAN_RECV_RIGHTS),
// ends[1] the send end (CHAN_SEND_RIGHTS). -E_NFILE, -E_NOMEM, -E_CAPFULL,
// -E_CAPPOOL, -E_FAULT (then no slot is used).
uint64 sys_chan_create(void)
{
  struct file *rf, *sf;
  int r = chan_alloc(&rf, &sf);
  if (r < 0)
    return r;
  chan_bind(rf, cell_id(myproc()->cell));   // served by its creator's cell
  return cap_install_pair(myproc(), rf, CHAN_RECV_RIGHTS, sf, CHAN_SEND_RIGHTS, argaddr(0));
}

// Fetch the user's chanmsg at uaddr and check that its flags are among
// `allowed`. 0 or an error.
static int fetch_msg(uint64 uaddr, struct chanmsg *m, uint32 allowed)
{
  if (copyin(myproc()->pagetable, m, uaddr, sizeof(*m)) < 0)
    return -E_FAULT;
  if (m->flags & ~allowed)
    return -E_INVAL;
  return 0;
}

// The channel named by slot, if it is the wanted end and the slot has
// the rights in u->need; else 0 and *err. Sets *badge to the slot's badge.
static struct chan *channel_end(const struct chanuser *u, int send_end, uint64 *badge, int *err)
{
  struct file *f = cap_lookup_badge(u->p, u->slot, u->need, badge, err);
  if (f == 0)
    return 0;
  if (f->type != FD_CHANNEL || f->chan_send_end != send_end) {
    *err = -E_INVAL;
    return 0;
  }
  return f->chan;
}

// chan_send(slot, const struct chanmsg *m) -> 0. Needs CAP_R_SEND on slot,
// CAP_R_GRANT too if m->ncaps > 0, and CAP_R_TRANSFER on each of
// m->caps[0..ncaps-1]. The message is queued whole, or (on any error)
// nothing is. The capabilities count against the caller's cell's slot
// quota while in flight (-E_QUOTA). -E_BADCAP, -E_NORIGHT, -E_INVAL,
// -E_TOOBIG, -E_CAPPOOL, -E_QUOTA, -E_AGAIN, -E_PEER, -E_KILLED, -E_FAULT.
uint64 sys_chan_send(void)
{
  struct chanmsg m;
  int err;
  struct chanuser u = { myproc(), argint(0), 0 };
  if ((err = fetch_msg(argaddr(1), &m, CHAN_NONBLOCK)) < 0)
    return err;
  if (m.len > CHAN_MAXBYTES || m.ncaps > CHAN_MAXCAPS)
    return -E_TOOBIG;
  u.need = chan_send_rights(m.ncaps);
  uint64 badge;
  struct chan *c = channel_end(&u, 1, &badge, &err);
  if (c == 0)
    return err;

  struct capnode *recs[CHAN_MAXCAPS];
  if ((err = cap_send_prepare(u.p, m.caps, m.ncaps, recs)) < 0)
    return err;
  if ((err = cap_charge_inflight(u.p, recs, m.ncaps)) < 0)
    return err;
  err = chan_put(c, &u, (uint64)m.buf, m.len, recs, m.ncaps, badge, m.flags & CHAN_NONBLOCK);
  if (err < 0)
    cap_drop_inflight(recs, m.ncaps);
  return err;
}

// chan_recv(slot, struct chanmsg *m) -> bytes received (also in m->len).
// Needs CAP_R_RECEIVE. In m: buf and len (its size), ncaps (the most
// capabilities accepted; more than CHAN_MAXCAPS counts as CHAN_MAXCAPS),
// flags. Out: len, ncaps, caps[] (new slots; -E_BADCAP for one revoked
// in flight) and badge (of the sender's send capability). A message that does not fit stays queued: -E_TOOBIG (m->len
// and m->ncaps then say what it needs), -E_CAPFULL (the caller's table)
// or -E_QUOTA (its cell's slot quota); with CHAN_DISCARD in flags it is
// dropped instead (same error; on a send it is a bad flag). -E_BADCAP,
// -E_NORIGHT, -E_INVAL, -E_AGAIN, -E_PEER (end of file), -E_KILLED, -E_FAULT.
uint64 sys_chan_recv(void)
{
  struct chanmsg m;
  int err;
  uint64 uaddr = argaddr(1);
  struct chanuser u = { myproc(), argint(0), CAP_R_RECEIVE };
  if ((err = fetch_msg(uaddr, &m, CHAN_NONBLOCK | CHAN_DISCARD)) < 0)
    return err;
  uint64 own_badge;
  struct chan *c = channel_end(&u, 0, &own_badge, &err);
  if (c == 0)
    return err;
  // Make sure the results can be written back before taking a message.
  if (copyout(u.p->pagetable, uaddr, &m, sizeof(m)) < 0)
    return -E_FAULT;

  int maxcaps = m.ncaps > CHAN_MAXCAPS ? CHAN_MAXCAPS : (int)m.ncaps;
  struct capnode *recs[CHAN_MAXCAPS];
  int ncaps;
  struct chanroom room = { 0, 0, u.p->cell };
  room.table_free = cap_free_slots(u.p, &room.quota_left);
  err = chan_take(c, &u, (uint64)m.buf, m.len, maxcaps, &room,
                  m.flags, &m.len, &ncaps, recs, &m.badge);
  if (err == -E_QUOTA)
    cell_count_slot_denied(u.p->cell);   // the table had room: the cell's quota refused
  if (err == -E_TOOBIG || err == -E_CAPFULL || err == -E_QUOTA) {
    m.ncaps = ncaps;   // what the next message needs
    copyout(u.p->pagetable, uaddr, &m, sizeof(m));
  }
  if (err < 0)
    return err;
  cap_receive_install(u.p, recs, ncaps, m.caps);
  m.ncaps = ncaps;
  copyout(u.p->pagetable, uaddr, &m, sizeof(m));   // checked writable above
  return m.len;
}
