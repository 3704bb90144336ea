// Revocation (lab 4, stage B): what it means for a capability to be
// revoked, and the two operations on the derivation tree (capnode.h) that
// make revoke reach everything derived from a record:
//
//   cap_live                   every use of a capability asks this first
//   capnode_revoke_below       cap_revoke: mark the whole subtree revoked
//   capnode_adopt_children     capnode_free: a record leaves the tree, its
//                              children move up to its parent
//
// A revoked record stays where it is (in its slot, in a channel message)
// until its holder deletes it: revocation only marks; every use looks at
// the mark under caplock, so once cap_revoke has released caplock no use
// of a revoked capability succeeds on any hart.
//
// Everything here runs with caplock held and must not sleep, except
// cap_live: the read/write path (cap_lookup_badge in cap.c) calls it
// through cap_check without the lock, so it reads `revoked` with an atomic
// load (the one word another hart may change meanwhile).
#include "types.h"
#include "param.h"
#include "lib/spinlock.h"
#include "cap/capnode.h"

int cap_live(const struct capnode *n)
{
#if SOL >= 4
  return n != 0 && !__atomic_load_n(&n->revoked, __ATOMIC_RELAXED);
#else
  // Stub: nothing is ever treated as revoked.
  return n != 0;
#endif
}

int capnode_revoke_below(struct capnode *top)
{
#if SOL >= 4
  int count = 0;
  struct capnode *n = top->child;
  // Pre-order walk of the subtree without a stack: go down through
  // child, across through next, and back up through parent until a
  // record with a next sibling (or top itself) is found.
  while (n) {
    if (!n->revoked) {
      n->revoked = 1;
      count++;
    }
    if (n->child) {
      n = n->child;
      continue;
    }
    while (n != top && n->next == 0)
      n = n->parent;
    n = n == top ? 0 : n->next;
  }
  return count;
#else
  // Stub: revokes nothing.
  return 0;
#endif
}

void capnode_adopt_children(struct capnode *n)
{
#if SOL >= 4
  struct capnode *up = n->parent;
  while (n->child) {
    struct capnode *c = n->child;
    capnode_unlink(c);
    if (up)
      capnode_link(up, c);
  }
#else
  // Stub: the children become roots, out of reach of n's ancestors.
  while (n->child)
    capnode_unlink(n->child);
#endif
}
