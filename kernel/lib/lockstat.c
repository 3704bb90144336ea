// Lock classes and per-class contention counters, in counts, not time.
//
// Cost: acquire() adds one to a counter of its own hart (and two more when it
// had to wait), plain stores into a row no other hart writes, so the counting
// needs no atomic instruction and shares no cache line between harts. A
// reader adds the rows up without stopping anyone: a figure may be a few
// acquires behind, never torn (aligned 64-bit words).
#include "types.h"
#include "param.h"
#include "lib/klib.h"
#include "lib/lockclass.h"
#include "proc/proc.h"

struct counts {
  uint64 acquires, contended, spins;
};

static struct {
  const char *name;
  uint inits;
} classes[LOCKSTAT_MAX];      // [0] unused: "no class"
static uint nclasses = 1;
static uint table_lock;       // a bare flag: initlock() cannot use a spinlock here

static struct counts counts[NCPU][LOCKSTAT_MAX];   // [hart][class], a row per hart

ushort lockclass_of(const char *name)
{
  push_off();
  while (__sync_lock_test_and_set(&table_lock, 1) != 0)
    ;
  ushort c;
  for (c = 1; c < nclasses; c++)
    if (classes[c].name == name || strncmp(classes[c].name, name, LOCKSTAT_NAME) == 0)
      break;
  if (c == nclasses) {
    if (nclasses < LOCKSTAT_MAX - 1) {
      classes[c].name = name;
      __atomic_store_n(&nclasses, nclasses + 1, __ATOMIC_RELEASE);
    } else {
      c = LOCKSTAT_MAX - 1;   // full: the last class takes in the rest
      classes[c].name = "other";
    }
  }
  classes[c].inits++;
  __sync_lock_release(&table_lock);
  pop_off();
  return c;
}

const char *lockclass_name(ushort cls)
{
  return cls && cls < LOCKSTAT_MAX ? classes[cls].name : "?";
}

void lockstat_count(ushort cls, uint64 spins)
{
  struct counts *c = &counts[cpuid()][cls];
  c->acquires++;
  if (spins) {
    c->contended++;
    c->spins += spins;
  }
}

int lockstat_class_read(int i, struct lockstat_class *out)
{
  uint n = __atomic_load_n(&nclasses, __ATOMIC_ACQUIRE);
  if (i < 1 || (uint)i >= n)
    return 0;
  memset(out, 0, sizeof(*out));
  safestrcpy(out->name, classes[i].name, LOCKSTAT_NAME);
  out->inits = classes[i].inits;
  for (int h = 0; h < NCPU; h++) {
    out->acquires += __atomic_load_n(&counts[h][i].acquires, __ATOMIC_RELAXED);
    out->contended += __atomic_load_n(&counts[h][i].contended, __ATOMIC_RELAXED);
    out->spins += __atomic_load_n(&counts[h][i].spins, __ATOMIC_RELAXED);
  }
  return 1;
}
