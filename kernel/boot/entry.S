# Kernel entry. OpenSBI jumps to _entry in S-mode on the boot hart with
# a0 = hart id, a1 = device-tree address; harts started later through SBI HSM
# enter at _secondary_entry with a0 = hart id. Each hart gets its own boot
# stack (indexed by hart id), keeps its id in tp, and calls into C.
#
# OpenSBI 1.1 has a start-up race in which a hart we asked to start arrives
# at _entry instead of _secondary_entry. So the first hart to reach _entry
# claims the boot path; any later one waits until the boot hart has set
# kernel_ready and then continues as a secondary hart.

#define BOOT_STACK_SIZE 16384
#define NCPU 8

.section .text.entry
.globl _entry
_entry:
        li t0, NCPU
        bgeu a0, t0, park            # hart id too large for our tables
        call set_boot_stack
        mv tp, a0
        la t0, boot_claimed
        li t1, 1
        amoswap.w.aqrl t1, t1, (t0)
        bnez t1, late_hart           # someone else is already booting
        call kmain                   # kmain(hartid, dtb); never returns
        j park
late_hart:
        la t0, kernel_ready
1:      lw t1, 0(t0)
        fence r, rw
        beqz t1, 1b
        call kmain_secondary
        j park

.globl _secondary_entry
_secondary_entry:
        li t0, NCPU
        bgeu a0, t0, park
        call set_boot_stack
        mv tp, a0
        call kmain_secondary         # kmain_secondary(hartid); never returns
park:
        wfi
        j park

# sp = boot_stacks + (a0 + 1) * BOOT_STACK_SIZE; uses only t0, t1.
set_boot_stack:
        la sp, boot_stacks
        li t0, BOOT_STACK_SIZE
        addi t1, a0, 1
        mul t0, t0, t1
        add sp, sp, t0
        ret

.section .bss
.align 3
boot_claimed:
        .word 0
.align 12
.globl boot_stacks
boot_stacks:
        .space BOOT_STACK_SIZE * NCPU
