// exec: load an ELF64 program into a fresh page table and switch the calling
// process to it. Every field of the file is checked before it is trusted; a
// bad file gives -E_NOEXEC (or -E_NOMEM) and leaves the caller unchanged.
// spawn (spawn.c) uses the same two steps, load and commit, for a new
// process.
//
// New user memory: the program's segments from address 0, then a guard page
// (no user access, so a stack overflow faults) and USERSTACK stack pages
// with argv at the top.
#include "types.h"
#include "param.h"
#include "riscv.h"
#include "memlayout.h"
#include "errno.h"
#include "lib/klib.h"
#include "mm/vm.h"
#include "proc/proc.h"
#include "fs.h"
#include "fs/log.h"
#include "elf.h"
#include "stat.h"
#include "fs/dircap.h"
#include "proc/exec.h"
#include "sched/sched.h"
#if LAB >= 3
#include "mm/lazymap.h"
#endif

#define MAX_PHNUM 64

static int elf_perm(uint32 flags)
{
  int perm = 0;
  if (flags & PF_X)
    perm |= PTE_X;
  if (flags & PF_W)
    perm |= PTE_W;
  return perm;
}

// Read filesz bytes at file offset off into user memory at va (page aligned).
static int loadseg(pagetable_t pt, uint64 va, struct inode *ip, uint off, uint filesz)
{
  for (uint i = 0; i < filesz; i += PGSIZE) {
    if (killed(myproc()))   // a huge program must not delay a kill
      return -E_KILLED;
    uint64 pa = walkaddr(pt, va + i);
    if (!pa)
      return -E_NOEXEC;
    uint n = filesz - i < PGSIZE ? filesz - i : PGSIZE;
    if (readi(ip, 0, pa, off + i, n) != (int)n)
      return -E_NOEXEC;
  }
  return 0;
}

static int check_header(struct elfhdr *eh)
{
  if (eh->magic != ELF_MAGIC || eh->ident[0] != ELFCLASS64 || eh->ident[1] != ELFDATA2LSB ||
      eh->type != ET_EXEC || eh->machine != EM_RISCV ||
      eh->phentsize != sizeof(struct proghdr) || eh->phnum > MAX_PHNUM)
    return -E_NOEXEC;
  return 0;
}

// Map and fill every loadable segment. *szp always holds the end of what is
// mapped so far, so the caller can free it whatever happens. 0 or an error.
static int load_segments(pagetable_t pt, struct inode *ip, struct elfhdr *eh, uint64 *szp)
{
  for (int i = 0; i < eh->phnum; i++) {
    struct proghdr ph;
    uint64 off = eh->phoff + (uint64)i * sizeof(ph);
    if (off >= ip->size || readi(ip, 0, (uint64)&ph, (uint)off, sizeof(ph)) != sizeof(ph))
      return -E_NOEXEC;
    if (ph.type != PT_LOAD || ph.memsz == 0)
      continue;   // an empty segment (a program without data) loads nothing
    if (ph.memsz < ph.filesz || ph.vaddr % PGSIZE != 0 || ph.vaddr < *szp ||
        ph.vaddr + ph.memsz < ph.vaddr || ph.off + ph.filesz < ph.off ||
        ph.off + ph.filesz > ip->size)
      return -E_NOEXEC;
    if (ph.vaddr + ph.memsz > USERTOP - (USERSTACK + 1) * PGSIZE)
      return -E_NOMEM;
    if (ph.vaddr < USERTEXT)
      return -E_NOEXEC;   // page 0 stays unmapped: null pointers must fault
    // From the segment's own page: a gap below it (page 0) stays unmapped.
    uint64 end = uvmalloc(pt, ph.vaddr, ph.vaddr + ph.memsz, elf_perm(ph.flags));
    if (end == 0)
      return -E_NOMEM;
    *szp = end;
    int r = loadseg(pt, ph.vaddr, ip, (uint)ph.off, (uint)ph.filesz);
    if (r < 0)
      return r;
  }
  return 0;
}

// Push the argument strings and the argv array onto the new stack.
// Returns the new sp, or 0 if they don't fit.
static uint64 push_args(pagetable_t pt, uint64 sp, uint64 stackbase, char **argv, int *argcp)
{
  uint64 ustack[MAXARG + 1];
  int argc;
  for (argc = 0; argv[argc]; argc++) {
    if (argc >= MAXARG)
      return 0;
    sp -= strlen(argv[argc]) + 1;
    sp -= sp % 16;   // RISC-V wants sp 16-byte aligned
    if (sp < stackbase || copyout(pt, sp, argv[argc], strlen(argv[argc]) + 1) < 0)
      return 0;
    ustack[argc] = sp;
  }
  ustack[argc] = 0;
  sp -= (argc + 1) * sizeof(uint64);
  sp -= sp % 16;
  if (sp < stackbase || copyout(pt, sp, ustack, (argc + 1) * sizeof(uint64)) < 0)
    return 0;
  *argcp = argc;
  return sp;
}

int exec_load(struct proc *target, char *path, char **argv, struct image *img)
{
  struct elfhdr eh;
  pagetable_t pt = 0;
  uint64 sz = 0;
  int err;

  // The program is found through a directory capability that may exec
  // (dircap.h): CAP_R_LOOKUP and CAP_R_EXEC on where the walk starts,
  // found as the caller finds it (spawn loads into another process).
  struct walkstart ws;
  if ((err = dircap_begin(myproc(), DIRCAP_PATH, path, CAP_R_LOOKUP | CAP_R_EXEC, &ws)) < 0)
    return err;
  begin_op();
  int depth;
  struct inode *ip = namei_in(&ws, path, NAMEI_FOLLOW, &depth, &err);
  if (!ip) {
    end_op();
    return err;
  }
  ilock(ip);
  if (ip->type != T_FILE) {
    err = ip->type == T_DIR ? -E_ISDIR : -E_NOEXEC;
    goto bad;
  }
  if (readi(ip, 0, (uint64)&eh, 0, sizeof(eh)) != sizeof(eh) || check_header(&eh) < 0) {
    err = -E_NOEXEC;
    goto bad;
  }
  if ((pt = proc_pagetable(target)) == 0) {
    err = -E_NOMEM;
    goto bad;
  }
  if ((err = load_segments(pt, ip, &eh, &sz)) < 0)
    goto bad;
  iunlockput(ip);
  end_op();
  ip = 0;

  // Guard page, then the stack.
  uint64 base = PGROUNDUP(sz);
  uint64 top = uvmalloc(pt, base, base + (USERSTACK + 1) * PGSIZE, PTE_W);
  if (top == 0) {
    err = -E_NOMEM;
    sz = base;
    goto bad;
  }
  sz = top;
  uvmclear(pt, base);
  uint64 sp = push_args(pt, top, base + PGSIZE, argv, &img->argc);
  if (sp == 0) {
    err = -E_TOOBIG;
    goto bad;
  }
  img->pt = pt;
  img->sz = sz;
  img->entry = eh.entry;
  img->sp = sp;
  return 0;

bad:
  if (pt)
    proc_freepagetable(pt, sz);
  if (ip) {
    iunlockput(ip);
    end_op();
  }
  return err;
}

void exec_commit(struct proc *p, const char *path, struct image *img)
{
  const char *last = path;
  for (const char *s = path; *s; s++)
    if (*s == '/')
      last = s + 1;
  safestrcpy(p->name, last, sizeof(p->name));
  strace_name(p);
  pagetable_t oldpt = p->pagetable;
  uint64 oldsz = p->sz;
  p->pagetable = img->pt;
  p->sz = img->sz;
  p->trapframe->epc = img->entry;
  p->trapframe->regs[REG_SP] = img->sp;
  p->trapframe->regs[REG_A1] = img->sp;   // argv
#if LAB >= 2
  memset(&p->alarm, 0, sizeof(p->alarm));   // the old handler address means nothing now
#endif
#if LAB >= 3
  lazy_drop(p, oldpt);   // the lazymap() region goes with the old image
#endif
#if LAB >= 8
  mmap_exit(p, oldpt);          // so do the file mappings, written back first
  vma_discard_all(p, oldpt);
#endif
  proc_freepagetable(oldpt, oldsz);
}

int exec(char *path, char **argv)
{
  struct proc *p = myproc();
  struct image img;
  int err = exec_load(p, path, argv, &img);
  if (err < 0)
    return err;
  exec_commit(p, path, &img);   // from here on exec cannot fail
  return img.argc;              // lands in a0 as main's argc
}
