// SandCells: domains with quotas. Every process belongs to exactly one cell
// (p->cell); cells form a tree under the root cell, which init's first
// process starts in. A cell is named by a capability (an FD_CELL file); its
// quotas (kernel/cellinfo.h) bound the pages, processes, capability slots
// and CPU share of its processes, and a request beyond a quota fails inside
// the cell (-E_QUOTA, or a refused page) without touching anything outside.
//
// cell_lock protects every field of every cell, the cell pool and the
// fault-record queue (fault.c). It is a leaf lock: it is taken inside
// p->lock, caplock, the run-queue locks and kmem's callers, and nothing is taken
// under it but ftable.lock (filedup of a supervisor channel).
#ifndef ZENITH_CELL_H
#define ZENITH_CELL_H

#include "types.h"
#include "lib/spinlock.h"
#include "cellinfo.h"

struct proc;
struct file;
struct capnode;

#define NCELL 32   // cells alive at once, the root included

struct cell {
  int inuse;
  uint64 id;                  // never reused
  struct cell *parent;        // 0 for the root
  int depth;
  int dead;                   // destroyed: no new process, no new child
  struct cellquota quota;
  int pages, procs, slots;    // held by its own processes now
  struct cellquota reserved;  // set aside for live child cells
  int children;               // live child cells
  int files;                  // open FD_CELL objects naming it (and, for a
                              // moment, the creator's reference: cell_create)
  int peak_pages;
  uint64 cputime;             // rdtime units run by its processes
  uint64 win;                 // CPU window that win_used belongs to
  uint64 win_used;            // rdtime units used in window `win` (with
                              // the cell's descendants)
  uint64 last_win_pct;        // percent used in the last complete window
  uint64 throttled_win;       // last window it was found over its share
  struct cellinfo counters;   // only the anomaly counters are used
  struct capnode *superv;     // its supervisor channel: a record the kernel
                              // holds (cap_derive_held), derived from the
                              // creator's send end, freed when the cell is
                              // destroyed; 0 = none
};

extern struct spinlock cell_lock;

void cellinit(void);                 // after kinit: the root cell
struct cell *cell_root(void);
// Lifetime references held by open FD_CELL files (file.c): the last close
// destroys the cell (cell_destroy), and frees it once nothing else (a
// process, page or slot charged to it, a child cell) refers to it.
void cell_file_ref(struct cell *c);
void cell_file_unref(struct cell *c);

// Pages (kalloc.c). The cell new pages of the running kernel thread are
// charged to: its process's charge cell, 0 outside a process.
struct cell *cell_current_charge(void);
// Charge one page to c; returns c's index (> 0) to remember with the page,
// 0 when c is 0, or -E_QUOTA.
int cell_page_charge(struct cell *c);
void cell_page_uncharge(int index);   // the page remembered index is free
#if LAB >= 7
// One more holder of a shared page charged to index (kalloc.c): 0 or -E_QUOTA.
int cell_page_charge_index(int index);
#endif

// Processes (proc.c). Charge a new process to c, with its kernel stack
// (CELL_PROC_KPAGES pages, preallocated per process slot, so kalloc() does
// not charge them) counted in c's pages: 0, -E_QUOTA (process or page
// quota) or -E_CELLDEAD.
#define CELL_PROC_KPAGES 1
int cell_proc_charge(struct cell *c);
void cell_proc_uncharge(struct cell *c);   // freeproc
// Slots (cap.c, with caplock held). 0 or -E_QUOTA.
int cell_slot_charge(struct cell *c, int n);
void cell_slot_uncharge(struct cell *c, int n);
// How many more slots c's quota allows now.
int cell_slots_left(struct cell *c);

// CPU (proc.c's sched() and sched.c). Charge time run by a process of c.
void cell_cpu_charge(struct cell *c, uint64 ran);
// Has c (or an ancestor) used its share of this window, counting `extra`
// not yet charged? Always 0 for a dead cell or a share of 100%.
int cell_cpu_over(struct cell *c, uint64 now, uint64 extra);
// The number of the CPU window `now` (rdtime) falls in.
uint64 cell_cpu_window(uint64 now);

// Anomaly counters (atomic, no lock).
void cell_count_caperr(struct cell *c);
void cell_count_fault(struct cell *c);
void cell_count_slot_denied(struct cell *c);   // a refusal not made by cell_slot_charge

// Create a child of parent (which must be alive). 0 or an error; *out is
// the new cell with one file reference that the caller holds (so nothing
// can free it meanwhile) and drops with cell_file_unref once a capability
// names the cell (cell_install takes a reference of its own).
// superv (a held record for a channel send end, from cap_derive_held, or
// 0) is where its fault records go; the cell takes it over on success.
int cell_create(struct cell *parent, const struct cellquota *q, struct capnode *superv,
                struct cell **out);
// The supervisor channel of the nearest of c and its ancestors that has
// one, with a reference the caller drops with fileclose(); 0 if none, or
// if that channel's record has been revoked (the records then stay in the
// queue cell_faults reads: a revoked channel gets nothing more).
struct file *cell_supervisor(struct cell *c);
// For the capability audit (cap.c, caplock held): how many live cells
// hold a supervisor channel record; each must be a held record in use
// (the audit counts one more inconsistency if the totals differ).
int cell_audit_supervisors(void);
// Destroy c and every cell below it: their processes are killed and every
// capability they hold is revoked, with everything derived from it.
// Returns how many processes were killed. Idempotent.
int cell_destroy(struct cell *c);
// Describe the k-th cell of top's subtree: k = 0 is top itself, then every
// live cell below it. 1, or 0 when there is no k-th.
int cell_nth(struct cell *top, int k, struct cellinfo *ci);
// Is c in the subtree of top (or top itself)? cell_lock held.
int cell_within(struct cell *c, struct cell *top);
// Has c been destroyed? (No lock: the flag only ever goes from 0 to 1.)
int cell_dead(struct cell *c);
// The id of c, for messages.
uint64 cell_id(struct cell *c);
// Give p a capability (all cell rights) for c in the lowest free slot
// (slot < 0) or in slot. The slot, or the cap_install errors (syscell.c).
int cell_install(struct proc *p, struct cell *c, int slot);

#endif
