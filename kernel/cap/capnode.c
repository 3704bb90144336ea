// Capability records and the derivation tree (see capnode.h). Records
// come from a fixed pool; a record's id comes from a 64-bit counter that is
// never reset, so an id names one capability for the life of the system.
// The tree is kept with parent, first-child and sibling links, so revoke
// walks exactly the subtree below a record and deleting a record is O(its
// children). What revocation does with the tree (revoke a subtree, what
// counts as live, keeping the tree whole when a record goes) is in
// caprevoke.c.
#include "types.h"
#include "param.h"
#include "lib/spinlock.h"
#include "lib/klib.h"
#include "file.h"
#include "cap/pcap.h"
#include "cell/cell.h"
#include "cap/capnode.h"

struct spinlock caplock;

static struct capnode pool[NCAPNODE];
static struct capnode *free_list;   // free records, linked through next
static uint64 next_id = 1;

void capnode_init(void)
{
  initlock(&caplock, "caplock");
  for (int i = NCAPNODE - 1; i >= 0; i--) {
    pool[i].next = free_list;
    free_list = &pool[i];
  }
}

void capnode_link(struct capnode *parent, struct capnode *n)
{
  n->parent = parent;
  n->prev = 0;
  n->next = parent->child;
  if (parent->child)
    parent->child->prev = n;
  parent->child = n;
}

void capnode_unlink(struct capnode *n)
{
  if (n->prev)
    n->prev->next = n->next;
  else if (n->parent)
    n->parent->child = n->next;
  if (n->next)
    n->next->prev = n->prev;
  n->prev = n->next = 0;
  n->parent = 0;
}

struct capnode *capnode_alloc(struct capnode *parent, struct file *f,
                              uint32 rights, uint64 badge)
{
  struct capnode *n = free_list;
  if (n == 0)
    return 0;
  free_list = n->next;
  memset(n, 0, sizeof(*n));
  n->inuse = 1;
  n->file = f;
  n->rights = rights;
  n->badge = badge;
  n->id = next_id++;
  if (parent) {
    n->revoked = parent->revoked;
    capnode_link(parent, n);
  }
  return n;
}

void capnode_free(struct capnode *n)
{
  for (;;) {
    struct capnode *up = n->parent;
    struct cell *kept_for = n->keeper;
    capnode_adopt_children(n);   // caprevoke.c: n's children move up the tree
    capnode_unlink(n);
    memset(n, 0, sizeof(*n));
    n->next = free_list;
    free_list = n;
    if (kept_for)
      cell_slot_uncharge(kept_for, 1);
    if (up == 0 || up->keeper == 0 || up->child != 0)
      break;
    n = up;   // kept only for what was derived from it: nothing is now
  }
}

void capnode_keep(struct capnode *n, struct cell *c)
{
  n->keeper = c;
  n->file = 0;
  n->proc = 0;
  n->inflight = 0;
}

int capnode_drop_kept_dead(void)
{
  int count = 0;
  for (struct capnode *n = pool; n < pool + NCAPNODE; n++) {
    if (!n->inuse || n->keeper == 0 || !cell_dead(n->keeper))
      continue;
    capnode_revoke_below(n);
    n->revoked = 1;
    capnode_free(n);   // may free kept ancestors too: they are checked as met
    count++;
  }
  return count;
}

int capnode_index(const struct capnode *p)
{
  uint64 a = (uint64)p, lo = (uint64)pool;
  if (a < lo || a >= (uint64)(pool + NCAPNODE) || (a - lo) % sizeof(*p) != 0)
    return -1;
  return (int)((a - lo) / sizeof(*p));
}

// Does link point at a record in use? (0 counts as fine when allowed.)
static int good_link(const struct capnode *link, int may_be_null)
{
  if (link == 0)
    return may_be_null;
  return capnode_index(link) >= 0 && link->inuse;
}

int capnode_audit(const uchar *slot_refs, int *file_refs, int *inuse, int *revoked,
                  int *inflight, int *held, int *kept)
{
  int bad = 0, nfree = 0;
  *inuse = *revoked = *inflight = *held = *kept = 0;
  for (struct capnode *n = free_list; n && nfree <= NCAPNODE; n = n->next) {
    if (capnode_index(n) < 0 || n->inuse)
      return bad + 1;   // a broken free list: stop before walking into the weeds
    nfree++;
  }
  for (struct capnode *n = pool; n < pool + NCAPNODE; n++) {
    if (!n->inuse)
      continue;
    (*inuse)++;
    if (n->revoked)
      (*revoked)++;
    if (n->inflight)
      (*inflight)++;
#if LAB >= 8
    if (n->held && !n->mapped)   // a mapping's record is counted by no cell
#else
    if (n->held)
#endif
      (*held)++;
    if (n->inflight + n->held + (n->keeper != 0) > 1)
      bad++;
    if (slot_refs[n - pool] != (n->inflight || n->held || n->keeper ? 0 : 1))
      bad++;   // leaked (no slot) or shared (two slots, or a slot and a message)
    if (n->keeper) {
      (*kept)++;
      if (n->file || n->proc || n->child == 0)
        bad++;   // a kept record names nothing and is kept only for its children
    } else if (n->file) {
      int fi = file_index(n->file);
      if (fi < 0 || n->proc)
        bad++;
      else
        file_refs[fi]++;
    } else if (!pcap_target_ok(n)) {
      bad++;   // neither a file nor a process that still has its pid
    }
    if (n->id == 0 || n->id >= next_id)
      bad++;
    if (!good_link(n->parent, 1) || !good_link(n->child, 1) ||
        !good_link(n->prev, 1) || !good_link(n->next, 1)) {
      bad++;
      continue;
    }
    if (n->child && n->child->parent != n)
      bad++;
    if (n->next && (n->next->prev != n || n->next->parent != n->parent))
      bad++;
    if (n->prev ? n->prev->next != n : (n->parent && n->parent->child != n))
      bad++;
    // Revocation reaches the whole subtree, and a child is younger than
    // its parent: no cycle is possible.
    if (n->parent && ((n->parent->revoked && !n->revoked) || n->parent->id >= n->id))
      bad++;
  }
  if (nfree + *inuse != NCAPNODE)
    bad++;   // a record lost from both the free list and use
  return bad;
}
