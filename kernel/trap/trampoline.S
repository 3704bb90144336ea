# The trampoline page: the code that crosses between user and kernel mode.
# It is mapped at TRAMPOLINE (the top page) in the kernel's and in every
# process's page table, so it keeps running while satp switches.
#
# While a process runs in user mode, sscratch holds TRAPFRAME, the virtual
# address of its trap-frame page (struct trapframe in proc.h, offsets below).

#define TRAPFRAME 0x3fffffe000   /* MAXVA - 2*PGSIZE; checked in trap.c */
#define TF_KSATP  0
#define TF_KSP    8
#define TF_KTRAP  16
#define TF_HARTID 32
#define TF_REG(n) (40 + 8 * (n))

.section .text.trampoline
.globl trampoline
.globl uservec
.globl userret

trampoline:                          # start of the page (kernel.ld aligns it)

# Trap from user mode: stvec points here.
uservec:
        csrrw a0, sscratch, a0       # a0 = TRAPFRAME, sscratch = user a0
        sd x1,  TF_REG(1)(a0)
        sd x2,  TF_REG(2)(a0)
        sd x3,  TF_REG(3)(a0)
        sd x4,  TF_REG(4)(a0)
        sd x5,  TF_REG(5)(a0)
        sd x6,  TF_REG(6)(a0)
        sd x7,  TF_REG(7)(a0)
        sd x8,  TF_REG(8)(a0)
        sd x9,  TF_REG(9)(a0)
        sd x11, TF_REG(11)(a0)
        sd x12, TF_REG(12)(a0)
        sd x13, TF_REG(13)(a0)
        sd x14, TF_REG(14)(a0)
        sd x15, TF_REG(15)(a0)
        sd x16, TF_REG(16)(a0)
        sd x17, TF_REG(17)(a0)
        sd x18, TF_REG(18)(a0)
        sd x19, TF_REG(19)(a0)
        sd x20, TF_REG(20)(a0)
        sd x21, TF_REG(21)(a0)
        sd x22, TF_REG(22)(a0)
        sd x23, TF_REG(23)(a0)
        sd x24, TF_REG(24)(a0)
        sd x25, TF_REG(25)(a0)
        sd x26, TF_REG(26)(a0)
        sd x27, TF_REG(27)(a0)
        sd x28, TF_REG(28)(a0)
        sd x29, TF_REG(29)(a0)
        sd x30, TF_REG(30)(a0)
        sd x31, TF_REG(31)(a0)
        csrr t0, sscratch            # the user's a0
        sd t0, TF_REG(10)(a0)

        ld sp, TF_KSP(a0)            # this process's kernel stack
        ld tp, TF_HARTID(a0)
        ld t0, TF_KTRAP(a0)          # usertrap()
        ld t1, TF_KSATP(a0)
        sfence.vma zero, zero        # finish user-mode memory accesses first
        csrw satp, t1                # kernel page table
        sfence.vma zero, zero
        jr t0                        # usertrap() does not return here

# Return to user mode: userret(user satp). sepc and sstatus are already set.
.align 4
userret:
        sfence.vma zero, zero
        csrw satp, a0                # the process's page table
        sfence.vma zero, zero
        li a0, TRAPFRAME
        csrw sscratch, a0            # for the next trap
        ld x1,  TF_REG(1)(a0)
        ld x2,  TF_REG(2)(a0)
        ld x3,  TF_REG(3)(a0)
        ld x4,  TF_REG(4)(a0)
        ld x5,  TF_REG(5)(a0)
        ld x6,  TF_REG(6)(a0)
        ld x7,  TF_REG(7)(a0)
        ld x8,  TF_REG(8)(a0)
        ld x9,  TF_REG(9)(a0)
        ld x11, TF_REG(11)(a0)
        ld x12, TF_REG(12)(a0)
        ld x13, TF_REG(13)(a0)
        ld x14, TF_REG(14)(a0)
        ld x15, TF_REG(15)(a0)
        ld x16, TF_REG(16)(a0)
        ld x17, TF_REG(17)(a0)
        ld x18, TF_REG(18)(a0)
        ld x19, TF_REG(19)(a0)
        ld x20, TF_REG(20)(a0)
        ld x21, TF_REG(21)(a0)
        ld x22, TF_REG(22)(a0)
        ld x23, TF_REG(23)(a0)
        ld x24, TF_REG(24)(a0)
        ld x25, TF_REG(25)(a0)
        ld x26, TF_REG(26)(a0)
        ld x27, TF_REG(27)(a0)
        ld x28, TF_REG(28)(a0)
        ld x29, TF_REG(29)(a0)
        ld x30, TF_REG(30)(a0)
        ld x31, TF_REG(31)(a0)
        ld a0,  TF_REG(10)(a0)       # last: a0 held the frame address
        sret
