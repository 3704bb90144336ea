// Where things live in physical and virtual memory.
//
// Physical (QEMU virt): OpenSBI owns 0x80000000..0x80200000; the kernel is
// linked at KERNBASE = 0x80200000 and everything after its image up to the end
// of RAM (read from the device tree) is handed to the page allocator.
// Device addresses are read from the device tree at boot (see dtb.c); the
// defaults below are QEMU virt's, used if the tree lacks a node.
//
// Virtual: the kernel maps RAM and devices at their physical addresses. The top
// page of every address space is the trampoline (trap entry/exit code), the
// page below it in a user space is that process's trap frame. Kernel stacks sit
// below the trampoline, each followed by an unmapped guard page.
#ifndef ZENITH_MEMLAYOUT_H
#define ZENITH_MEMLAYOUT_H

#include "riscv.h"

#define RAMBASE  0x80000000L
#define KERNBASE 0x80200000L

#define DEFAULT_UART0  0x10000000L
#define DEFAULT_UART0_IRQ 10
#define DEFAULT_PLIC   0x0c000000L
#define DEFAULT_VIRTIO0 0x10001000L
#define DEFAULT_VIRTIO0_IRQ 1
#define DEFAULT_TESTDEV 0x00100000L   // sifive test device: power-off with status

#define TRAMPOLINE (MAXVA - PGSIZE)
#define KSTACK(slot) (TRAMPOLINE - ((slot) + 1) * 2 * PGSIZE)
#define TRAPFRAME (TRAMPOLINE - PGSIZE)

// User addresses run from 0 up to USERTOP; the trap frame and trampoline sit above.
// Programs are linked at USERTEXT (user/user.ld): the page at 0 is never
// mapped, so dereferencing a null pointer faults.
#define USERTEXT 0x1000
#define USERTOP TRAPFRAME

#endif
