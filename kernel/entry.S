# Kernel entry. OpenSBI jumps to _entry in S-mode on the boot hart with
# a0 = hart id, a1 = device-tree address; harts started later through SBI HSM
# enter at _secondary_entry with a0 = hart id. Each hart gets its own boot
# stack (indexed by hart id), keeps its id in tp, and calls into C.

#define BOOT_STACK_SIZE 16384
#define NCPU 8

.section .text.entry
.globl _entry
_entry:
        li t0, NCPU
        bgeu a0, t0, park            # hart id too large for our tables
        call set_boot_stack
        mv tp, a0
        call kmain                   # kmain(hartid, dtb); never returns
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
.align 12
.globl boot_stacks
boot_stacks:
        .space BOOT_STACK_SIZE * NCPU
