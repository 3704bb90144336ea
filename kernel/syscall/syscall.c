// System-call dispatch: the number in a7 picks a handler from the table, the
// arguments are in a0..a5 of the trap frame, the result goes back in a0.
// The arg* helpers fetch arguments; the ones that read user memory check
// every address and return a negative error code on a bad one.
#include "types.h"
#include "param.h"
#include "errno.h"
#include "lib/klib.h"
#include "lib/printf.h"
#include "mm/vm.h"
#include "proc/proc.h"
#include "syscall.h"
#include "syscall/sysfile.h"
#include "syscall/sysproc.h"
#include "syscall/syscap.h"
#include "syscall/syssched.h"
#include "syscall/syscell.h"
#include "syscall/syslock.h"
#include "cell/cell.h"
#include "syscall/syscall_args.h"

static uint64 argraw(int n)
{
  struct trapframe *tf = myproc()->trapframe;
  return tf->regs[REG_A0 + n];
}

int argint(int n)
{
  return (int)argraw(n);
}

uint64 argaddr(int n)
{
  return argraw(n);
}

int argstr(int n, char *buf, int max)
{
  return fetchstr(argaddr(n), buf, max);
}

int fetchaddr(uint64 addr, uint64 *ip)
{
  return copyin(myproc()->pagetable, ip, addr, sizeof(*ip));
}

int fetchstr(uint64 addr, char *buf, int max)
{
  return copyinstr(myproc()->pagetable, buf, addr, max);
}

static uint64 (*const handlers[NSYSCALL])(void) = {
  [SYS_fork] = sys_fork,     [SYS_exit] = sys_exit,       [SYS_wait] = sys_wait,
  [SYS_pipe] = sys_pipe,     [SYS_read] = sys_read,       [SYS_kill] = sys_kill,
  [SYS_exec] = sys_exec,     [SYS_fstat] = sys_fstat,     [SYS_chdir] = sys_chdir,
  [SYS_dup] = sys_dup,       [SYS_getpid] = sys_getpid,   [SYS_sbrk] = sys_sbrk,
  [SYS_sleep] = sys_sleep,   [SYS_uptime] = sys_uptime,   [SYS_open] = sys_open,
  [SYS_write] = sys_write,   [SYS_mknod] = sys_mknod,     [SYS_unlink] = sys_unlink,
  [SYS_link] = sys_link,     [SYS_mkdir] = sys_mkdir,     [SYS_close] = sys_close,
  [SYS_halt] = sys_halt,     [SYS_procinfo] = sys_procinfo, [SYS_bootargs] = sys_bootargs,
  [SYS_cputime] = sys_cputime, [SYS_nfree] = sys_nfree,
#if LAB >= 2
#if SOL >= 2
  [SYS_sysinfo] = sys_sysinfo,
#endif
  [SYS_kbacktrace] = sys_kbacktrace,
  [SYS_alarm] = sys_alarm,     [SYS_alarmret] = sys_alarmret,
#endif
#if LAB >= 3
  [SYS_pgdump] = sys_pgdump,   [SYS_mprotect] = sys_mprotect, [SYS_lazymap] = sys_lazymap,
#endif
  [SYS_cap_dup] = sys_cap_dup,       [SYS_cap_restrict] = sys_cap_restrict,
  [SYS_cap_delete] = sys_cap_delete, [SYS_cap_revoke] = sys_cap_revoke,
  [SYS_cap_info] = sys_cap_info,     [SYS_cap_audit] = sys_cap_audit,
  // Channels and spawn
  [SYS_chan_create] = sys_chan_create, [SYS_chan_send] = sys_chan_send,
  [SYS_chan_recv] = sys_chan_recv,     [SYS_spawn] = sys_spawn,
  // Scheduler
  [SYS_sched_trace] = sys_sched_trace,         [SYS_sched_stats] = sys_sched_stats,
  [SYS_sched_setpolicy] = sys_sched_setpolicy, [SYS_sched_setweight] = sys_sched_setweight,
  [SYS_sched_policy] = sys_sched_policy,
  // Directory capabilities, badges, listing (dircap, C2)
  [SYS_openat] = sys_openat,         [SYS_setdir] = sys_setdir,
  [SYS_cap_dropproc] = sys_cap_dropproc, [SYS_cap_badge] = sys_cap_badge,
  [SYS_cap_list] = sys_cap_list,
  // SandCells
  [SYS_cell_create] = sys_cell_create, [SYS_cell_destroy] = sys_cell_destroy,
  [SYS_cell_info] = sys_cell_info,     [SYS_cell_spawn] = sys_cell_spawn,
  [SYS_cell_faults] = sys_cell_faults,
  // Capabilities, more (caps helper)
  [SYS_cap_restrictproc] = sys_cap_restrictproc,
  // Files, more
  [SYS_fsync] = sys_fsync,
#if LAB >= 8
  // File mappings
  [SYS_mmap] = sys_mmap,             [SYS_munmap] = sys_munmap,
#endif
#if LAB >= 9
  [SYS_symlink] = sys_symlink,   [SYS_readlink] = sys_readlink,
#endif
  // Locks
  [SYS_lockstat] = sys_lockstat,     [SYS_lockcheck] = sys_lockcheck,
};

void syscall(void)
{
  struct proc *p = myproc();
  uint64 num = p->trapframe->regs[REG_A7];
  uint64 r = (uint64)-E_NOSYS;
  if (num < NSYSCALL && handlers[num])
    r = handlers[num]();
  p->trapframe->regs[REG_A0] = r;
  // An anomaly counter (capability-error storms). cap_info is how a
  // program asks what a slot holds, so its answer is not an error.
  if ((r == (uint64)-E_BADCAP || r == (uint64)-E_NORIGHT) && num != SYS_cap_info)
    cell_count_caperr(p->cell);
}
