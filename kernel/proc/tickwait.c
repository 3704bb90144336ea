// Timed waits (tickwait.h). A sleeping process is kept in a queue ordered
// by the tick it is due, protected by tickslock; each tick wakes only the
// processes at the head that are due. Before, every sleeper slept on
// &ticks and was woken at every tick to look at the clock: a process
// sleeping 100 ticks ran 100 times, and the adaptive scheduler saw a
// 1 ms sleep-run pattern that was not there (issue 15).
#include "types.h"
#include "param.h"
#include "errno.h"
#include "lib/spinlock.h"
#include "proc/proc.h"
#include "trap/trap.h"
#include "proc/tickwait.h"

static struct {
  struct proc *p;
  uint64 due;   // the tick at which it wakes
} queue[NPROC];          // sorted by due, earliest first; tickslock
static int queued;

// Each process sleeps on its own channel, so a wake touches only it.
static char channel[NPROC];

static void *channel_of(struct proc *p)
{
  return &channel[p - proc];
}

static void enqueue(struct proc *p, uint64 due)
{
  int i = queued++;
  for (; i > 0 && queue[i - 1].due > due; i--)   // after any with the same due
    queue[i] = queue[i - 1];
  queue[i].p = p;
  queue[i].due = due;
}

// Take p out of the queue if it is still there (woken early by a kill).
static void dequeue(struct proc *p)
{
  int i = 0;
  while (i < queued && queue[i].p != p)
    i++;
  if (i == queued)
    return;
  for (queued--; i < queued; i++)
    queue[i] = queue[i + 1];
}

int tick_sleep(uint64 n)
{
  struct proc *p = myproc();
  acquire(&tickslock);
  uint64 due = ticks + n;
  if (n > 0)
    enqueue(p, due);
  while (ticks < due) {
    if (killed(p)) {
      dequeue(p);
      release(&tickslock);
      return -E_KILLED;
    }
    sleep(channel_of(p), &tickslock);
  }
  release(&tickslock);
  return 0;
}

void tick_expire(uint64 now)
{
  int woken = 0;
  while (woken < queued && queue[woken].due <= now)
    wakeup(channel_of(queue[woken++].p));
  for (int i = woken; i < queued; i++)
    queue[i - woken] = queue[i];
  queued -= woken;
}
