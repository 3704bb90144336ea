#if LAB >= 8
// mmap and munmap (lab 8, docs/labs/mmap.md): the arguments are checked
// here, so the lab's code (kernel/mm/mmap.c) sees only well-formed ones.
#include "types.h"
#include "riscv.h"
#include "errno.h"
#include "mman.h"
#include "proc/proc.h"
#include "mm/mmap.h"
#include "syscall/syscall_args.h"
#include "syscall/sysproc.h"

// mmap(addr, len, prot, flags, fd, off): the mapping's address or an error.
uint64 sys_mmap(void)
{
  uint64 addr = argaddr(0), len = argaddr(1), off = argaddr(5);
  int prot = argint(2), flags = argint(3), fd = argint(4);
  if (len == 0 || len > MMAP_MAXLEN)
    return -E_INVAL;
  len = PGROUNDUP(len);
  // File offsets are 32-bit (readi, writei): the whole range must be one.
  if (addr % PGSIZE || off % PGSIZE || off > 0xffffffffUL - len)
    return -E_INVAL;
  if (prot != PROT_READ && prot != (PROT_READ | PROT_WRITE))
    return -E_INVAL;   // no write-only pages in Sv39; code runs through exec
  if (flags != MAP_SHARED && flags != MAP_PRIVATE)
    return -E_INVAL;
  return mmap_create(myproc(), addr, len, prot, flags, fd, off);
}

// munmap(addr, len): 0 or an error.
uint64 sys_munmap(void)
{
  uint64 addr = argaddr(0), len = argaddr(1);
  if (addr % PGSIZE || len == 0 || len > MMAP_MAXLEN)
    return -E_INVAL;
  return mmap_unmap(myproc(), addr, PGROUNDUP(len));
}
#endif
