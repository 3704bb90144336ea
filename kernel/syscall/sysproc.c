// System calls about processes, time and the machine.
#include "types.h"
#include "param.h"
#include "riscv.h"
#include "errno.h"
#include "lib/spinlock.h"
#include "lib/klib.h"
#include "mm/kalloc.h"
#include "mm/vm.h"
#include "proc/proc.h"
#include "trap/trap.h"
#include "proc/exec.h"
#include "syscall.h"
#include "dev/dtb.h"
#include "dev/power.h"
#include "caprights.h"
#include "sysctl.h"
#include "lib/printf.h"
#include "syscall/syscall_args.h"
#include "syscall/sysproc.h"
#include "proc/tickwait.h"

uint64 sys_fork(void)
{
  return fork();
}

uint64 sys_exit(void)
{
  exit(argint(0));
}

uint64 sys_wait(void)
{
  return wait(argaddr(0));
}

uint64 sys_kill(void)
{
  return kill(argint(0));
}

uint64 sys_getpid(void)
{
  return myproc()->pid;
}

// sbrk(n) returns the old break, or -1 as xv6 programs expect.
uint64 sys_sbrk(void)
{
  uint64 old = myproc()->sz;
  if (growproc(argint(0)) < 0)
    return (uint64)-1;
  return old;
}

uint64 sys_sleep(void)
{
  int n = argint(0);
  if (n < 0)
    return -E_INVAL;
  return tick_sleep((uint64)n);
}

uint64 sys_uptime(void)
{
  acquire(&tickslock);
  uint64 t = ticks;
  release(&tickslock);
  return t;
}

int fetch_argv(uint64 uargv, char **argv)
{
  memset(argv, 0, (MAXARG + 1) * sizeof(char *));
  for (int n = 0;; n++) {
    uint64 uarg;
    int err;
    if (n > MAXARG)
      return -E_TOOBIG;
    if ((err = fetchaddr(uargv + n * sizeof(uint64), &uarg)) < 0)
      return err;
    if (uarg == 0)
      return 0;
    if ((argv[n] = kalloc()) == 0)
      return -E_NOMEM;
    if ((err = fetchstr(uarg, argv[n], PGSIZE)) < 0)
      return err;
  }
}

void free_argv(char **argv)
{
  for (int i = 0; i <= MAXARG && argv[i]; i++)
    kfree(argv[i]);
}

// exec(path, argv): argv is a user array of string pointers ending in 0.
uint64 sys_exec(void)
{
  char path[MAXPATH];
  char *argv[MAXARG + 1];
  int err = argstr(0, path, MAXPATH);
  if (err < 0)
    return err;
  if ((err = fetch_argv(argaddr(1), argv)) == 0)
    err = exec(path, argv);
  free_argv(argv);
  return err;
}

// halt and procinfo need the system-control capability (sysctl.h).
uint64 sys_halt(void)
{
  int status = argint(0);
  int err = sysctl_check(myproc(), CAP_R_WRITE);
  if (err < 0)
    return err;
  printf("zenith: halt with status %d\n", status);
  poweroff(status);
}

uint64 sys_procinfo(void)
{
  int err = sysctl_check(myproc(), CAP_R_READ);
  if (err < 0)
    return err;
  return procinfo_collect(argaddr(0), argint(1));
}

// bootargs(buf, len): copy the kernel command line; returns its length.
// Needs the system-control capability with CAP_R_READ (init and the shell
// hold it; programs get it only if their manifest asks): a grading boot's
// command line carries the nonce of the test program's report, which no
// other program may learn (docs/instructor-guide.md, "What the grader
// trusts").
uint64 sys_bootargs(void)
{
  int err = sysctl_check(myproc(), CAP_R_READ);
  if (err < 0)
    return err;
  uint64 buf = argaddr(0);
  int len = argint(1);
  int n = strlen(platform.bootargs);
  if (len <= n)
    return -E_INVAL;
  if (copyout(myproc()->pagetable, buf, platform.bootargs, n + 1) < 0)
    return -E_FAULT;
  return n;
}

// Interrupts off while reading: a preemption between the reads of
// run_start and cputime (a wake-up IPI makes that likely) would count the
// last run twice.
uint64 sys_cputime(void)
{
  push_off();
  uint64 t = proc_cputime(myproc());
  pop_off();
  return t;
}

uint64 sys_nfree(void)
{
  return kfree_count();
}

#if LAB >= 2
// Calls backtrace() from `depth` nested frames of its own, so the stack
// printed is depth x kbacktrace_nest, sys_kbacktrace, syscall, usertrap:
// the grader picks the depth, so a backtrace printed from memory fails.
// (The volatile add after the call keeps GCC from making it a loop.)
__attribute__((noinline)) static int kbacktrace_nest(int depth)
{
  volatile int after = 0;
  if (depth <= 1)
    backtrace();
  else
    after = kbacktrace_nest(depth - 1);
  return after + 0;
}

// kbacktrace(depth): print the kernel stack of this very system call, seen
// from depth (0..KBT_MAXDEPTH) extra frames; -E_INVAL for another depth.
uint64 sys_kbacktrace(void)
{
  int depth = argint(0);
  if (depth < 0 || depth > KBT_MAXDEPTH)
    return -E_INVAL;
  if (depth == 0)
    backtrace();
  else
    kbacktrace_nest(depth);
  return 0;
}
#endif
