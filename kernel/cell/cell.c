// SandCells (see cell.h): the cell pool, quota accounting for pages,
// processes, slots and CPU, creation, destruction and the usage report.
//
// Accounting model. Pages are charged by kalloc() to the cell of the kernel
// thread that asks (cell_current_charge) and uncharged by kfree() to the
// cell the page was charged to (kalloc.c remembers it per page), so every
// path that frees a page, whoever runs it, gives it back to the right cell.
// Processes are charged from allocproc() to freeproc() (a zombie still
// holds its slot); slots from the moment a capability lands in a slot of
// one of the cell's processes until it leaves it (cap.c). A child cell's
// page, process and slot quotas are set aside in its parent (reserved) for
// as long as the child exists, so a child can always use its whole quota
// and a parent can never hand out more than it has. CPU is charged at each
// switch (sched() in proc.c) to the cell and every ancestor, per window of
// CELL_CPU_WINDOW_MS; sched.c parks the runnable processes of a cell that
// has used its share until the next window, unless nothing else is
// runnable (a share is a cap under contention, not a reservation).
#include "types.h"
#include "param.h"
#include "riscv.h"
#include "errno.h"
#include "lib/spinlock.h"
#include "lib/klib.h"
#include "lib/printf.h"
#include "mm/kalloc.h"
#include "dev/timer.h"
#include "proc/proc.h"
#include "cap/cap.h"
#include "cap/capnode.h"
#include "cell/fault.h"
#include "file.h"
#include "cap/channel.h"
#include "cell/cell.h"

struct spinlock cell_lock;

static struct cell cells[NCELL];   // cells[0] is the root
static uint64 next_id = 1;

void cellinit(void)
{
  initlock(&cell_lock, "cell");
  struct cell *r = &cells[0];
  r->inuse = 1;
  r->id = next_id++;
  r->quota.pages = (uint32)kfree_count();
  r->quota.procs = NPROC;
  r->quota.slots = NPROC * NCAP;
  r->quota.cpu = 100;
}

struct cell *cell_root(void)
{
  return &cells[0];
}

int cell_dead(struct cell *c)
{
  return __atomic_load_n(&c->dead, __ATOMIC_RELAXED);
}

uint64 cell_id(struct cell *c)
{
  return c ? c->id : 0;
}

int cell_within(struct cell *c, struct cell *top)
{
  for (; c; c = c->parent)
    if (c == top)
      return 1;
  return 0;
}

// Give back c (and then any ancestor) once nothing refers to it any more:
// no capability, process, page, slot or child cell. cell_lock held. The
// decision is made here only, under the lock: whoever drops the last of
// these frees the cell, and a party that must use c after releasing
// cell_lock keeps one of them (cell_file_unref keeps its file reference)
// until it is done, so c cannot be freed under it.
static void maybe_free(struct cell *c)
{
  while (c && c != cell_root() && c->inuse && c->files == 0 && c->procs == 0 &&
         c->pages == 0 && c->slots == 0 && c->children == 0) {
    struct cell *up = c->parent;
    up->reserved.pages -= c->quota.pages;
    up->reserved.procs -= c->quota.procs;
    up->reserved.slots -= c->quota.slots;
    up->children--;
    fault_reparent(c, up);   // queued records stay readable from above
    memset(c, 0, sizeof(*c));
    c = up;
  }
}

void cell_file_ref(struct cell *c)
{
  acquire(&cell_lock);
  c->files++;
  release(&cell_lock);
}

// The last reference destroys the cell. It is dropped only after
// cell_destroy has returned: while it runs (without cell_lock) the killed
// processes exit and are reaped on other harts, and the last of their
// uncharges would otherwise free c under our feet.
void cell_file_unref(struct cell *c)
{
  acquire(&cell_lock);
  int last = c->files == 1 && c != cell_root();
  if (!last)
    c->files--;   // another reference remains: nothing can be freed
  release(&cell_lock);
  if (!last)
    return;
  cell_destroy(c);
  acquire(&cell_lock);
  c->files--;
  maybe_free(c);
  release(&cell_lock);
}

// ---------------------------------------------------------------- pages

struct cell *cell_current_charge(void)
{
  struct proc *p = myproc();
  return p ? p->charge : 0;
}

int cell_page_charge(struct cell *c)
{
  if (c == 0)
    return 0;
  acquire(&cell_lock);
  if ((uint64)c->pages + c->reserved.pages >= c->quota.pages) {
    c->counters.mem_denied++;
    release(&cell_lock);
    struct proc *p = myproc();
    if (p)
      p->page_refused = 1;
    return -E_QUOTA;
  }
  if (++c->pages > c->peak_pages)
    c->peak_pages = c->pages;
  release(&cell_lock);
  return (int)(c - cells) + 1;
}

#if LAB >= 7
int cell_page_charge_index(int index)
{
  if (index <= 0 || index > NCELL)
    panic("cell_page_charge_index: bad index");
  return cell_page_charge(&cells[index - 1]) < 0 ? -E_QUOTA : 0;
}
#endif

void cell_page_uncharge(int index)
{
  if (index <= 0 || index > NCELL)
    panic("cell_page_uncharge: bad index");
  struct cell *c = &cells[index - 1];
  acquire(&cell_lock);
  if (!c->inuse || c->pages <= 0)
    panic("cell_page_uncharge: not charged");
  c->pages--;
  maybe_free(c);
  release(&cell_lock);
}

// ---------------------------------------------------------------- processes and slots

// A process also holds CELL_PROC_KPAGES kernel pages kalloc() does not
// see being used (its kernel stack, allocated per process slot at boot):
// they are charged to its cell's pages with the process.
int cell_proc_charge(struct cell *c)
{
  int r = 0;
  acquire(&cell_lock);
  if (c->dead) {
    r = -E_CELLDEAD;
  } else if ((uint64)c->procs + c->reserved.procs >= c->quota.procs) {
    c->counters.proc_denied++;
    r = -E_QUOTA;
  } else if ((uint64)c->pages + c->reserved.pages + CELL_PROC_KPAGES > c->quota.pages) {
    c->counters.mem_denied++;
    r = -E_QUOTA;
  } else {
    c->procs++;
    c->counters.forks++;
    c->pages += CELL_PROC_KPAGES;
    if (c->pages > c->peak_pages)
      c->peak_pages = c->pages;
  }
  release(&cell_lock);
  return r;
}

void cell_proc_uncharge(struct cell *c)
{
  acquire(&cell_lock);
  c->procs--;
  c->pages -= CELL_PROC_KPAGES;
  maybe_free(c);
  release(&cell_lock);
}

int cell_slot_charge(struct cell *c, int n)
{
  int r = 0;
  acquire(&cell_lock);
  if ((uint64)c->slots + c->reserved.slots + n > c->quota.slots) {
    c->counters.slot_denied++;
    r = -E_QUOTA;
  } else {
    c->slots += n;
  }
  release(&cell_lock);
  return r;
}

int cell_slots_left(struct cell *c)
{
  acquire(&cell_lock);
  int left = (int)c->quota.slots - c->slots - (int)c->reserved.slots;
  release(&cell_lock);
  return left > 0 ? left : 0;
}

void cell_slot_uncharge(struct cell *c, int n)
{
  acquire(&cell_lock);
  c->slots -= n;
  if (c->slots < 0)
    panic("cell_slot_uncharge");
  maybe_free(c);
  release(&cell_lock);
}

// ---------------------------------------------------------------- CPU

static uint64 window_len(void)
{
  return timebase_hz() / 1000 * CELL_CPU_WINDOW_MS;
}

uint64 cell_cpu_window(uint64 now)
{
  return now / window_len();
}

// CPU time the whole machine has in one window.
static uint64 machine_window(void)
{
  int n = 0;
  for (int i = 0; i < NCPU; i++)
    n += cpus[i].started;
  return window_len() * (n ? n : 1);
}

// Move c's counters to window w. cell_lock held.
static void roll_window(struct cell *c, uint64 w)
{
  if (c->win == w)
    return;
  c->last_win_pct = c->win + 1 == w ? c->win_used * 100 / machine_window() : 0;
  c->win = w;
  c->win_used = 0;
}

void cell_cpu_charge(struct cell *c, uint64 ran)
{
  uint64 w = cell_cpu_window(r_time());
  acquire(&cell_lock);
  c->cputime += ran;
  for (; c; c = c->parent) {
    roll_window(c, w);
    c->win_used += ran;
  }
  release(&cell_lock);
}

int cell_cpu_over(struct cell *c, uint64 now, uint64 extra)
{
  uint64 w = cell_cpu_window(now);
  int over = 0;
  acquire(&cell_lock);
  if (c->dead) {   // let its processes run and die
    release(&cell_lock);
    return 0;
  }
  for (; c && !over; c = c->parent) {
    if (c->quota.cpu >= 100)
      continue;
    roll_window(c, w);
    if (c->win_used + extra >= machine_window() * c->quota.cpu / 100) {
      over = 1;
      if (c->throttled_win != w + 1) {   // count each window once
        c->throttled_win = w + 1;
        c->counters.throttled++;
      }
    }
  }
  release(&cell_lock);
  return over;
}

// ---------------------------------------------------------------- counters

void cell_count_caperr(struct cell *c)
{
  if (c)
    __atomic_fetch_add(&c->counters.caperrs, 1, __ATOMIC_RELAXED);
}

void cell_count_slot_denied(struct cell *c)
{
  if (c)
    __atomic_fetch_add(&c->counters.slot_denied, 1, __ATOMIC_RELAXED);
}

void cell_count_fault(struct cell *c)
{
  if (c)
    __atomic_fetch_add(&c->counters.faults, 1, __ATOMIC_RELAXED);
}

// ---------------------------------------------------------------- create, destroy, report

int cell_create(struct cell *parent, const struct cellquota *q, struct capnode *superv,
                struct cell **out)
{
  if (q->pages == 0 || q->procs == 0 || q->cpu == 0 || q->cpu > 100)
    return -E_INVAL;
  int r = 0;
  acquire(&cell_lock);
  struct cell *c = 0;
  if (parent->dead) {
    r = -E_CELLDEAD;
  } else if (parent->depth + 1 > CELL_MAXDEPTH) {
    r = -E_INVAL;
  } else if (q->cpu > parent->quota.cpu ||
             (uint64)parent->pages + parent->reserved.pages + q->pages > parent->quota.pages ||
             (uint64)parent->procs + parent->reserved.procs + q->procs > parent->quota.procs ||
             (uint64)parent->slots + parent->reserved.slots + q->slots > parent->quota.slots) {
    r = -E_QUOTA;
  } else {
    for (struct cell *x = cells + 1; x < cells + NCELL && !c; x++)
      if (!x->inuse)
        c = x;
    if (c == 0)
      r = -E_NOMEM;
  }
  if (c) {
    memset(c, 0, sizeof(*c));
    c->inuse = 1;
    c->id = next_id++;
    c->parent = parent;
    c->depth = parent->depth + 1;
    c->quota = *q;
    c->files = 1;   // the caller's, until its capability holds one
    c->superv = superv;
    parent->reserved.pages += q->pages;
    parent->reserved.procs += q->procs;
    parent->reserved.slots += q->slots;
    parent->children++;
    *out = c;
  }
  release(&cell_lock);
  return r;
}

// Is p (p->lock held) a process of a dead cell?
static int doomed(struct proc *p)
{
  return p->state != UNUSED && p->cell && cell_dead(p->cell);
}

// Revoke what every process of a dead cell holds, then kill it. Returns
// how many were still alive. Revoking first means a process cannot let go
// of a live record between its kill and the revoke; one that exits on its
// own meanwhile leaves its given-away records kept for the cell
// (cap_let_go), which cell_destroy revokes next.
static int end_processes(void)
{
  int n = 0;
  for (struct proc *p = proc; p < &proc[NPROC]; p++) {
    acquire(&p->lock);
    int ours = doomed(p);
    release(&p->lock);
    if (!ours)
      continue;
    cap_revoke_held(p);
    acquire(&p->lock);
    if (doomed(p) && p->state != ZOMBIE) {
      n++;
      p->killed = 1;
      if (p->state == SLEEPING) {
        p->state = RUNNABLE;
        sched_wake(p);
      }
    }
    release(&p->lock);
  }
  return n;
}

int cell_destroy(struct cell *c)
{
  if (c == cell_root())
    return -E_INVAL;
  uint64 died[NCELL];
  struct capnode *channels[NCELL];
  int ndied = 0, nchannels = 0;
  acquire(&cell_lock);
  for (struct cell *x = cells; x < cells + NCELL; x++) {
    if (!x->inuse || x->dead || !cell_within(x, c))
      continue;
    x->dead = 1;
    died[ndied++] = x->id;
    if (x->superv)
      channels[nchannels++] = x->superv;
    x->superv = 0;
  }
  release(&cell_lock);
  int n = end_processes();
  cap_revoke_kept_dead();   // what they handed out and let go of themselves
  sched_cells_changed();   // a parked process of a dead cell must run to die
  // Channels these incarnations served fail with -E_RESTARTED from now
  // on, and whoever is blocked on one wakes.
  for (int i = 0; i < ndied; i++)
    chan_cell_died(died[i]);
  for (int i = 0; i < nchannels; i++)
    cap_drop_held(channels[i]);
  return n;
}

int cell_audit_supervisors(void)
{
  int n = 0;
  acquire(&cell_lock);
  for (struct cell *x = cells; x < cells + NCELL; x++) {
    if (!x->inuse || x->superv == 0)
      continue;
    // Counted only if it is a held record in use: otherwise the audit's
    // totals differ and it reports an inconsistency.
    if (capnode_index(x->superv) >= 0 && x->superv->inuse && x->superv->held)
      n++;
    else
      n += NCELL + 1;
  }
  release(&cell_lock);
  return n;
}

// The liveness check is here, under cell_lock (which keeps the record
// from being freed: cell_destroy takes it out under the lock first), so
// a record is sent only if the channel's capability was live at that
// moment: a fault reported after a revoke returned never reaches it.
struct file *cell_supervisor(struct cell *c)
{
  struct file *f = 0;
  acquire(&cell_lock);
  for (; c; c = c->parent) {
    if (c->superv) {
      if (cap_live(c->superv))
        f = filedup(c->superv->file);
      break;
    }
  }
  release(&cell_lock);
  return f;
}

static void fill_info(struct cell *c, struct cellinfo *ci)
{
  *ci = c->counters;
  ci->id = c->id;
  ci->parent = c->parent ? c->parent->id : 0;
  ci->depth = c->depth;
  ci->dead = c->dead;
  ci->quota = c->quota;
  ci->used.pages = c->pages;
  ci->used.procs = c->procs;
  ci->used.slots = c->slots;
  roll_window(c, cell_cpu_window(r_time()));
  ci->used.cpu = (uint32)c->last_win_pct;
  ci->reserved = c->reserved;
  ci->reserved.cpu = 0;
  ci->peak_pages = c->peak_pages;
  ci->children = c->children;
  ci->cputime = c->cputime;
}

int cell_nth(struct cell *top, int k, struct cellinfo *ci)
{
  int found = 0;
  acquire(&cell_lock);
  if (k == 0) {
    fill_info(top, ci);
    found = 1;
  } else {
    for (struct cell *x = cells; x < cells + NCELL; x++) {
      if (x->inuse && x != top && cell_within(x, top) && --k == 0) {
        fill_info(x, ci);
        found = 1;
        break;
      }
    }
  }
  release(&cell_lock);
  return found;
}
