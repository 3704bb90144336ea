// Pipes: a 512-byte ring buffer shared by a read end and a write end, each
// an open file. Readers sleep while it is empty, writers while it is full;
// closing the last writer gives readers end-of-file, closing the last
// reader makes writes fail with -E_PIPE.
//
// Data moves straight between the ring and user memory. A read advances the
// ring only after its copy succeeded, so a bad buffer loses no bytes.
#include "types.h"
#include "param.h"
#include "errno.h"
#include "lib/spinlock.h"
#include "proc/proc.h"
#include "mm/kalloc.h"
#include "mm/vm.h"
#include "file.h"
#include "fs/pipe.h"

#define PIPESIZE 512

struct pipe {
  struct spinlock lock;   // protects everything below
  char data[PIPESIZE];
  uint64 nread;           // bytes read so far (ring index = nread % PIPESIZE)
  uint64 nwrite;          // bytes written so far
  int readopen;           // read end still open?
  int writeopen;          // write end still open?
};

int pipealloc(struct file **rf, struct file **wf)
{
  struct pipe *pi = 0;

  *rf = *wf = 0;
  if ((*rf = filealloc()) == 0 || (*wf = filealloc()) == 0)
    goto fail_nfile;
  if ((pi = (struct pipe *)kalloc()) == 0)
    goto fail_nomem;

  initlock(&pi->lock, "pipe");
  pi->nread = pi->nwrite = 0;
  pi->readopen = pi->writeopen = 1;

  (*rf)->type = FD_PIPE;
  (*rf)->pipe = pi;
  (*rf)->pipe_write_end = 0;
  (*wf)->type = FD_PIPE;
  (*wf)->pipe = pi;
  (*wf)->pipe_write_end = 1;
  return 0;

fail_nomem:
  fileclose(*rf);
  fileclose(*wf);
  *rf = *wf = 0;
  return -E_NOMEM;
fail_nfile:
  if (*rf)
    fileclose(*rf);   // type FD_NONE: nothing else to undo
  *rf = *wf = 0;
  return -E_NFILE;
}

void pipeclose(struct pipe *pi, int writable)
{
  acquire(&pi->lock);
  if (writable) {
    pi->writeopen = 0;
    wakeup(&pi->nread);    // readers: end of file
  } else {
    pi->readopen = 0;
    wakeup(&pi->nwrite);   // writers: nobody will read
  }
  int gone = !pi->readopen && !pi->writeopen;
  release(&pi->lock);
  if (gone)
    kfree(pi);
}

static uint64 min64(uint64 a, uint64 b)
{
  return a < b ? a : b;
}

// Copy up to n bytes from user memory into the free part of the ring, no
// further than the ring's wrap point. Returns bytes copied or -E_FAULT.
static int fill_from_user(struct pipe *pi, uint64 src, uint64 n)
{
  uint64 at = pi->nwrite % PIPESIZE;
  uint64 space = PIPESIZE - (pi->nwrite - pi->nread);
  uint64 m = min64(n, min64(space, PIPESIZE - at));
  if (copyin(myproc()->pagetable, pi->data + at, src, m) < 0)
    return -E_FAULT;
  pi->nwrite += m;
  return m;
}

// The tally of procinfo.h: p's first write also counts it as a writer.
static void count_pipe_write(struct proc *p)
{
  p->tally.pipe_writes++;
  if (!p->wrote_pipe) {
    p->wrote_pipe = 1;
    p->tally.pipe_writers++;
  }
}

int pipewrite(struct pipe *pi, uint64 user_addr, int n)
{
  int done = 0;

  acquire(&pi->lock);
  while (done < n) {
    if (!pi->readopen) {
      done = done > 0 ? done : -E_PIPE;
      break;
    }
    if (killed(myproc())) {
      done = -E_KILLED;
      break;
    }
    if (pi->nwrite == pi->nread + PIPESIZE) {   // full
      wakeup(&pi->nread);
      sleep(&pi->nwrite, &pi->lock);
      continue;
    }
    int m = fill_from_user(pi, user_addr + done, n - done);
    if (m < 0) {
      done = done > 0 ? done : m;
      break;
    }
    done += m;
  }
  wakeup(&pi->nread);
  release(&pi->lock);
  if (done > 0)
    count_pipe_write(myproc());
  return done;
}

// Copy up to n buffered bytes to user memory, then consume them.
static int drain_to_user(struct pipe *pi, uint64 dst, uint64 n)
{
  uint64 done = 0;
  n = min64(n, pi->nwrite - pi->nread);
  while (done < n) {
    uint64 at = (pi->nread + done) % PIPESIZE;
    uint64 m = min64(n - done, PIPESIZE - at);
    if (copyout(myproc()->pagetable, dst + done, pi->data + at, m) < 0)
      break;
    done += m;
  }
  pi->nread += done;
  return done > 0 || n == 0 ? (int)done : -E_FAULT;
}

int piperead(struct pipe *pi, uint64 user_addr, int n)
{
  if (n <= 0)
    return 0;
  acquire(&pi->lock);
  while (pi->nread == pi->nwrite && pi->writeopen) {   // empty, more may come
    if (killed(myproc())) {
      release(&pi->lock);
      return -E_KILLED;
    }
    sleep(&pi->nread, &pi->lock);
  }
  int r = drain_to_user(pi, user_addr, n);
  wakeup(&pi->nwrite);
  release(&pi->lock);
  if (r > 0)
    myproc()->tally.pipe_reads++;
  return r;
}
