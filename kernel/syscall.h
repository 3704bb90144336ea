// System-call numbers, shared by the kernel's dispatcher (syscall.c) and the
// user library's stubs (user/lib/usys.S is generated from the list in
// user/lib/syscalls.txt, which must match these numbers).
#ifndef ZENITH_SYSCALL_H
#define ZENITH_SYSCALL_H

#define SYS_fork     1
#define SYS_exit     2
#define SYS_wait     3
#define SYS_pipe     4
#define SYS_read     5
#define SYS_kill     6
#define SYS_exec     7
#define SYS_fstat    8
#define SYS_chdir    9
#define SYS_dup     10
#define SYS_getpid  11
#define SYS_sbrk    12
#define SYS_sleep   13
#define SYS_uptime  14
#define SYS_open    15
#define SYS_write   16
#define SYS_mknod   17
#define SYS_unlink  18
#define SYS_link    19
#define SYS_mkdir   20
#define SYS_close   21
// Zenith additions
#define SYS_halt     22   // halt(int status): power off, QEMU exits with status
#define SYS_procinfo 23   // procinfo(struct procinfo *buf, int max): process list
#define SYS_bootargs 24   // bootargs(char *buf, int len): kernel command line
#define SYS_cputime  25   // cputime(): CPU time used by the caller, rdtime units
#define SYS_nfree    26   // nfree(): free physical pages (leak checks)
// Lab additions (docs/labs/)
#if LAB >= 2
#if SOL >= 2
#define SYS_sysinfo    27   // sysinfo(struct sysinfo *): memory, processes, time, harts
#endif
#define SYS_kbacktrace 28   // kbacktrace(depth): print the kernel stack of this call
#define KBT_MAXDEPTH 8      //   from up to this many extra nested frames
#define SYS_alarm      29   // alarm(ticks, handler): call handler every ticks ticks
#define SYS_alarmret   30   // alarmret(): leave the handler, resume the program
#endif
#if LAB >= 3
#define SYS_pgdump     31   // pgdump(): print the caller's page table
#define SYS_mprotect   32   // mprotect(addr, len, prot): change page permissions
#define SYS_lazymap    33   // lazymap(npages): reserve a demand-zero region
#endif
// Capabilities (kernel/syscall/syscap.c; docs/book/06-capabilities.md)
#define SYS_cap_dup      34   // cap_dup(slot, rights): derive with fewer rights
#define SYS_cap_restrict 35   // cap_restrict(slot, rights): shrink in place
#define SYS_cap_delete   36   // cap_delete(slot): empty the slot
#define SYS_cap_revoke   37   // cap_revoke(slot): revoke all derived from it
#define SYS_cap_info     38   // cap_info(slot, struct capinfo *)
#define SYS_cap_audit    39   // cap_audit(struct capaudit *): check everything (sysctl READ)
// Channels and spawn (kernel/syscall/syschan.c, kernel/syscall/sysspawn.c; kernel/chan.h)
#define SYS_chan_create  40   // chan_create(int ends[2]): [0] receive, [1] send
#define SYS_chan_send    41   // chan_send(slot, const struct chanmsg *)
#define SYS_chan_recv    42   // chan_recv(slot, struct chanmsg *)
#define SYS_spawn        43   // spawn(path, argv, const struct spawncap *, n)
// Scheduler (kernel/syscall/syssched.c, kernel/schedctl.h)
#define SYS_sched_trace     50   // sched_trace(slot, struct sched_event *, max)
#define SYS_sched_stats     51   // sched_stats(slot, struct schedstat *, struct schedproc *, max)
#define SYS_sched_setpolicy 52   // sched_setpolicy(slot, name)
#define SYS_sched_setweight 53   // sched_setweight(pid, weight, slot)
#define SYS_sched_policy    54   // sched_policy(buf, len): active policy's name and id
// Directory capabilities, badges, listing (dircap, C2; kernel/fs/dircap.h)
#define SYS_openat       45   // openat(dirslot, path, omode): open below a directory capability
#define SYS_setdir       46   // setdir(which, slot): cwd (0) / root (1) from a slot; -1 drops
#define SYS_cap_dropproc 47   // cap_dropproc(pid): drop process capabilities (-1: all)
#define SYS_cap_badge    48   // cap_badge(slot, badge): derive a badged copy
#define SYS_cap_list     49   // cap_list(pid, struct capent *, max): what a process holds
// SandCells (kernel/syscall/syscell.c; docs/book/08-sandcells-and-self-healing.md)
#define SYS_cell_create  55   // cell_create(slot, struct cellquota *, chanslot): new cell
#define SYS_cell_destroy 56   // cell_destroy(slot): kill its processes, revoke
#define SYS_cell_info    57   // cell_info(slot, struct cellinfo *, max): usage
#define SYS_cell_spawn   58   // cell_spawn(slot, path, argv, caps, ncaps): start in it
#define SYS_cell_faults  59   // cell_faults(slot, struct faultrec *, max, block)

// Capabilities, more (kernel/syscall/syscap.c; docs/book/06-capabilities.md)
#define SYS_cap_restrictproc 60   // cap_restrictproc(pid, rights): attenuate process capabilities
// Files, more (kernel/syscall/sysfile.c; docs/book/05-file-system.md 5.5)
#define SYS_fsync        61   // fsync(fd): wait until every ended operation is on disk
#if LAB >= 8
// File mappings (lab 8; kernel/syscall/sysmmap.c, kernel/mm/mmap.c; kernel/mman.h)
#define SYS_mmap         64   // mmap(addr, len, prot, flags, fd, off): map a file
#define SYS_munmap       65   // munmap(addr, len): unmap, writing shared pages back
#endif
#if LAB >= 9
// Symbolic links (lab 9; kernel/fs/symlink.c, docs/labs/fs.md)
#define SYS_symlink      67   // symlink(target, path): make a symbolic link
#define SYS_readlink     68   // readlink(path, buf, n): a link's target
#endif
// Locks (kernel/syscall/syslock.c, kernel/lockstat.h; book 4.16)
#define SYS_lockstat     69   // lockstat(struct lockstat_report *): per-class lock counters
#define SYS_lockcheck    70   // lockcheck(op): the locks lab's self-checks

#define NSYSCALL     80   // size of the dispatch table; a number without a handler gives -E_NOSYS

#endif
