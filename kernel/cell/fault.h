// Fault records (kernel/faultrec.h): when the kernel kills a process for a
// fault it prints why, counts it against the process's cell and queues a
// record for whoever supervises the cell: a reader blocked in cell_faults()
// wakes at once. Records wait in one system-wide queue, each tagged with
// its cell; a reader takes the oldest record of any cell in the subtree of
// a cell it holds a capability for. cell_lock (cell.h) protects the queue;
// the count of arrivals that readers sleep on has its own lock.
#ifndef ZENITH_FAULT_H
#define ZENITH_FAULT_H

#include "types.h"

struct proc;
struct cell;
struct faultrec;

#define NFAULTQ 32   // records waiting at once; the oldest is dropped beyond

// Kill p for a fault: print "pid N (name): killed by TEXT at va ADDR pc PC
// (cell C)", count it, queue the record and wake readers. p is marked
// killed; it exits on its way back to user mode.
void fault_report(struct proc *p, int cause, uint64 scause, uint64 addr, const char *text);
// Kill p for a page fault at addr that found no page: its cell's quota
// refused it (p->page_refused, FAULT_QUOTA) or the machine had none
// (FAULT_NOMEM). The message says "out of memory".
void fault_report_nomem(struct proc *p, uint64 scause, uint64 addr);
// Take the oldest queued record of a cell in top's subtree. 1 or 0.
int fault_take(struct cell *top, struct faultrec *out);
void faultinit(void);
// How many records were ever queued. A reader notes it, looks with
// fault_take(), and if nothing was there sleeps in fault_wait(noted) until
// another record arrives (0) or the reader is killed (-E_KILLED).
uint64 fault_arrivals(void);
int fault_wait(uint64 seen);
// cell c is going away: its queued records now belong to its parent.
// cell_lock held.
void fault_reparent(struct cell *c, struct cell *parent);

#endif
