// Fault records (see fault.h). A record is made at the moment the kernel
// decides to kill a process for a fault, in the faulting process's own
// trap, so it names exactly the instruction and address that failed.
#include "types.h"
#include "param.h"
#include "errno.h"
#include "lib/spinlock.h"
#include "lib/klib.h"
#include "lib/printf.h"
#include "proc/proc.h"
#include "trap/trap.h"
#include "faultrec.h"
#include "file.h"
#include "cap/channel.h"
#include "cell/cell.h"
#include "cell/fault.h"

static struct {
  struct faultrec rec;
  struct cell *cell;
} queue[NFAULTQ];     // oldest first; cell_lock protects it all
static int queued;
static uint64 next_seq = 1;

// Readers sleep on `arrivals`, a count of records ever queued, under their
// own lock (sleep() must not be called with the leaf cell_lock held).
static struct spinlock arrivals_lock;
static uint64 arrivals;

void faultinit(void)
{
  initlock(&arrivals_lock, "faultq");
}

static void queue_record(struct cell *c, const struct faultrec *r);

void fault_report_nomem(struct proc *p, uint64 scause, uint64 addr)
{
  if (p->page_refused)
    fault_report(p, FAULT_QUOTA, scause, addr, "out of memory (cell page quota)");
  else
    fault_report(p, FAULT_NOMEM, scause, addr, "out of memory");
}

void fault_report(struct proc *p, int cause, uint64 scause, uint64 addr, const char *text)
{
  struct faultrec r;
  memset(&r, 0, sizeof(r));
  r.time = ticks;   // a racy read of a counter is fine for a time stamp
  r.pc = p->trapframe->epc;
  r.addr = addr;
  r.cell = cell_id(p->cell);
  r.cause = cause;
  r.scause = (uint32)scause;
  r.pid = p->pid;
  safestrcpy(r.name, p->name, sizeof(r.name));
  safestrcpy(r.text, text, sizeof(r.text));
  printf("pid %d (%s): killed by %s at va %p pc %p (cell %lu)\n", p->pid, p->name, text,
         (void *)addr, (void *)r.pc, r.cell);

  acquire(&cell_lock);
  r.seq = next_seq++;
  release(&cell_lock);
  cell_count_fault(p->cell);

  // To the supervisor channel of the cell (or of the nearest cell above
  // with one) if it takes it now; else into the queue for cell_faults().
  struct file *superv = cell_supervisor(p->cell);
  int sent = superv && chan_put_kernel(superv, &r, sizeof(r)) == 0;
  if (superv)
    fileclose(superv);
  if (!sent)
    queue_record(p->cell, &r);
  setkilled(p);
}

// Queue r for cell_faults() and wake readers.
static void queue_record(struct cell *c, const struct faultrec *r)
{
  acquire(&cell_lock);
  if (queued == NFAULTQ) {   // drop the oldest, and say so in its cell
    if (queue[0].cell)
      queue[0].cell->counters.faults_lost++;
    memmove(queue, queue + 1, sizeof(queue[0]) * (NFAULTQ - 1));
    queued--;
  }
  queue[queued].rec = *r;
  queue[queued].cell = c;
  queued++;
  release(&cell_lock);
  acquire(&arrivals_lock);
  arrivals++;
  wakeup(&arrivals);
  release(&arrivals_lock);
}

int fault_take(struct cell *top, struct faultrec *out)
{
  int found = 0;
  acquire(&cell_lock);
  for (int i = 0; i < queued; i++) {
    if (cell_within(queue[i].cell, top)) {
      *out = queue[i].rec;
      memmove(queue + i, queue + i + 1, sizeof(queue[0]) * (queued - i - 1));
      queued--;
      found = 1;
      break;
    }
  }
  release(&cell_lock);
  return found;
}

uint64 fault_arrivals(void)
{
  acquire(&arrivals_lock);
  uint64 n = arrivals;
  release(&arrivals_lock);
  return n;
}

int fault_wait(uint64 seen)
{
  struct proc *p = myproc();
  int r = 0;
  acquire(&arrivals_lock);
  while (arrivals == seen) {
    if (killed(p)) {
      r = -E_KILLED;
      break;
    }
    sleep(&arrivals, &arrivals_lock);
  }
  release(&arrivals_lock);
  return r;
}

void fault_reparent(struct cell *c, struct cell *parent)
{
  for (int i = 0; i < queued; i++)
    if (queue[i].cell == c)
      queue[i].cell = parent;
}
