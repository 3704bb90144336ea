// The scheduler's event trace: one ring buffer of struct sched_event per
// hart (layout in schedtrace.h). A hart writes only its own ring, so the
// writer's lock is almost never contended; the reader (sched_trace) takes
// each ring's lock in turn and copies records out in small batches, never
// holding a lock across a copyout.
#include "types.h"
#include "param.h"
#include "riscv.h"
#include "errno.h"
#include "lib/spinlock.h"
#include "proc/proc.h"
#include "mm/vm.h"
#include "schedtrace.h"
#include "sched/sched.h"

struct ring {
  struct spinlock lock;
  uint32 seq;          // records ever written here
  uint32 read;         // records ever taken (or overwritten) from here
  uint64 lost;         // overwritten since the last read
  uint64 lost_total;   // overwritten since boot
  struct sched_event rec[SCHEDTRACE_RING];
};

static struct ring rings[NCPU];

void strace_init(void)
{
  for (int i = 0; i < NCPU; i++)
    initlock(&rings[i].lock, "schedtrace");
}

void strace_emit(int type, struct proc *p, int aux, uint64 arg)
{
  push_off();
  int hart = cpuid();
  struct ring *r = &rings[hart];
  acquire(&r->lock);
  if (r->seq - r->read == SCHEDTRACE_RING) {   // full: drop the oldest
    r->read++;
    r->lost++;
    r->lost_total++;
  }
  struct sched_event *e = &r->rec[r->seq % SCHEDTRACE_RING];
  e->time = r_time();
  e->arg = arg;
  e->pid = p ? p->pid : 0;
  e->aux = aux;
  e->seq = r->seq;
  e->type = type;
  e->hart = hart;
  e->cls = p ? p->se.cls : 0;
  e->policy = sched_policy_id();
  r->seq++;
  release(&r->lock);
  pop_off();
}

// An SEV_NAME record for p: the trace can then label each process with its
// program, not only its pid (tools/sched_trace.py).
void strace_name(struct proc *p)
{
  uchar b[12] = { 0 };
  for (int i = 0; i < 12 && p->name[i]; i++)
    b[i] = (uchar)p->name[i];
  uint64 lo = 0;
  for (int i = 7; i >= 0; i--)
    lo = lo << 8 | b[i];
  uint32 hi = (uint32)b[8] | (uint32)b[9] << 8 | (uint32)b[10] << 16 | (uint32)b[11] << 24;
  strace_emit(SEV_NAME, p, (int)hi, lo);
}

#define BATCH 16   // records copied per lock hold (512 bytes of stack)

// Take up to max records (an SEV_LOST first if some were lost) from ring r
// into out. Called with r->lock held.
static int take(struct ring *r, int hart, struct sched_event *out, int max)
{
  int n = 0;
  if (r->lost && n < max) {
    struct sched_event *e = &out[n++];
    e->time = r_time();
    e->arg = r->lost;
    e->pid = 0;
    e->aux = 0;
    e->seq = r->read;
    e->type = SEV_LOST;
    e->hart = hart;
    e->cls = 0;
    e->policy = sched_policy_id();
    r->lost = 0;
  }
  while (n < max && r->read != r->seq)
    out[n++] = r->rec[r->read++ % SCHEDTRACE_RING];
  return n;
}

int strace_read(uint64 user_buf, int max)
{
  if (max < 0)
    return -E_INVAL;
  struct sched_event batch[BATCH];
  int done = 0;
  for (int h = 0; h < NCPU && done < max; h++) {
    for (;;) {
      int want = max - done < BATCH ? max - done : BATCH;
      acquire(&rings[h].lock);
      int n = take(&rings[h], h, batch, want);
      release(&rings[h].lock);
      if (n == 0)
        break;
      // A bad buffer loses this batch: the caller asked for it to go there.
      if (copyout(myproc()->pagetable, user_buf + done * sizeof(batch[0]),
                  (char *)batch, n * sizeof(batch[0])) < 0)
        return -E_FAULT;
      done += n;
      if (done == max)
        break;
    }
  }
  return done;
}

uint64 strace_lost(void)
{
  uint64 t = 0;
  for (int h = 0; h < NCPU; h++)
    t += __atomic_load_n(&rings[h].lost_total, __ATOMIC_RELAXED);
  return t;
}
