// The scheduling-policy switchboard: holds the table of policies, picks one
// at boot from sched=<name> on the kernel command line, and wraps every hook
// in the run-queue lock so policies need no locking of their own.
#include "types.h"
#include "spinlock.h"
#include "klib.h"
#include "printf.h"
#include "dtb.h"
#include "sbi.h"
#include "proc.h"
#include "sched.h"

static const struct sched_policy *policies[] = {
  &sched_rr,
};

static const struct sched_policy *active = &sched_rr;

// Protects the active policy's queues and the sched_entity of every process.
// Lock order: p->lock before rq_lock.
static struct spinlock rq_lock;

void sched_init(void)
{
  char name[16];
  initlock(&rq_lock, "runqueue");
  if (bootarg("sched", name, sizeof(name))) {
    int found = 0;
    for (uint64 i = 0; i < NELEM(policies); i++) {
      if (strncmp(policies[i]->name, name, sizeof(name)) == 0) {
        active = policies[i];
        found = 1;
      }
    }
    if (!found)
      printf("sched: unknown policy '%s', using %s\n", name, active->name);
  }
  active->init();
}

const char *sched_policy_name(void)
{
  return active->name;
}

void sched_enqueue(struct proc *p)
{
  acquire(&rq_lock);
  active->enqueue(p);
  release(&rq_lock);
}

void sched_dequeue(struct proc *p)
{
  acquire(&rq_lock);
  active->dequeue(p);
  release(&rq_lock);
}

struct proc *sched_pick_next(int cpu)
{
  acquire(&rq_lock);
  struct proc *p = active->pick_next(cpu);
  release(&rq_lock);
  return p;
}

int sched_tick(struct proc *p, uint64 ran)
{
  acquire(&rq_lock);
  int preempt = active->tick(p, ran);
  release(&rq_lock);
  return preempt;
}

void sched_wake(struct proc *p)
{
  acquire(&rq_lock);
  active->wake(p);
  release(&rq_lock);
  sched_kick_idle();
}

void sched_kick_idle(void)
{
  int me = cpuid();
  for (int i = 0; i < NCPU; i++) {
    if (i != me && cpus[i].started && cpus[i].idle) {
      cpus[i].idle = 0;   // one IPI is enough until it looks again
      sbi_send_ipi(1UL << i, 0);
      return;
    }
  }
}

void sched_block(struct proc *p, uint64 ran)
{
  acquire(&rq_lock);
  active->block(p, ran);
  release(&rq_lock);
}
