// RISC-V definitions the kernel needs: CSR bits and accessors, Sv39 page-table
// entry layout. Facts from the RISC-V privileged specification.
#ifndef ZENITH_RISCV_H
#define ZENITH_RISCV_H

#include "types.h"

#ifndef __ASSEMBLER__

// Read or write a CSR by name, e.g. csr_read(sstatus).
#define csr_read(csr) ({ uint64 __v; asm volatile("csrr %0, " #csr : "=r"(__v)); __v; })
#define csr_write(csr, val) asm volatile("csrw " #csr ", %0" :: "r"((uint64)(val)))
#define csr_set(csr, bits) asm volatile("csrs " #csr ", %0" :: "r"((uint64)(bits)))
#define csr_clear(csr, bits) asm volatile("csrc " #csr ", %0" :: "r"((uint64)(bits)))

// sstatus
#define SSTATUS_SIE  (1UL << 1)   // supervisor interrupts enabled
#define SSTATUS_SPIE (1UL << 5)   // interrupts enabled before the trap
#define SSTATUS_SPP  (1UL << 8)   // previous mode: 1 = supervisor, 0 = user
#define SSTATUS_SUM  (1UL << 18)  // supervisor may touch user pages

// sie / sip
#define SIE_SSIE (1UL << 1)   // software (IPI)
#define SIE_STIE (1UL << 5)   // timer
#define SIE_SEIE (1UL << 9)   // external (PLIC)

// scause values (interrupt bit set for interrupts)
#define SCAUSE_INTR (1UL << 63)
#define IRQ_S_SOFT  1
#define IRQ_S_TIMER 5
#define IRQ_S_EXT   9
#define EXC_INST_MISALIGNED 0
#define EXC_INST_ACCESS     1
#define EXC_ILLEGAL_INST    2
#define EXC_BREAKPOINT      3
#define EXC_LOAD_MISALIGNED 4
#define EXC_LOAD_ACCESS     5
#define EXC_STORE_MISALIGNED 6
#define EXC_STORE_ACCESS    7
#define EXC_ECALL_U         8
#define EXC_INST_PAGE_FAULT 12
#define EXC_LOAD_PAGE_FAULT 13
#define EXC_STORE_PAGE_FAULT 15

static inline uint64 r_tp(void) { uint64 x; asm volatile("mv %0, tp" : "=r"(x)); return x; }
static inline void w_tp(uint64 x) { asm volatile("mv tp, %0" :: "r"(x)); }
static inline uint64 r_sp(void) { uint64 x; asm volatile("mv %0, sp" : "=r"(x)); return x; }
static inline uint64 r_fp(void) { uint64 x; asm volatile("mv %0, s0" : "=r"(x)); return x; }
static inline uint64 r_time(void) { uint64 x; asm volatile("rdtime %0" : "=r"(x)); return x; }

static inline void intr_on(void) { csr_set(sstatus, SSTATUS_SIE); }
static inline void intr_off(void) { csr_clear(sstatus, SSTATUS_SIE); }
static inline int intr_get(void) { return (csr_read(sstatus) & SSTATUS_SIE) != 0; }

static inline void sfence_vma(void) { asm volatile("sfence.vma zero, zero" ::: "memory"); }

typedef uint64 pte_t;
typedef uint64 *pagetable_t;   // 512 PTEs

#endif // __ASSEMBLER__

#define PGSIZE 4096
#define PGSHIFT 12
#define PGROUNDUP(a)   (((a) + PGSIZE - 1) & ~((uint64)PGSIZE - 1))
#define PGROUNDDOWN(a) ((a) & ~((uint64)PGSIZE - 1))

// Sv39 page-table entry bits
#define PTE_V (1L << 0)
#define PTE_R (1L << 1)
#define PTE_W (1L << 2)
#define PTE_X (1L << 3)
#define PTE_U (1L << 4)
#define PTE_G (1L << 5)
#define PTE_A (1L << 6)
#define PTE_D (1L << 7)

#define PA2PTE(pa) ((((uint64)(pa)) >> 12) << 10)
#define PTE2PA(pte) (((pte) >> 10) << 12)
#define PTE_FLAGS(pte) ((pte) & 0x3FF)

// Index into level 2, 1 or 0 of a Sv39 page table.
#define PXSHIFT(level) (PGSHIFT + 9 * (level))
#define PX(level, va) ((((uint64)(va)) >> PXSHIFT(level)) & 0x1FF)

#define SATP_SV39 (8L << 60)
#define MAKE_SATP(pt) (SATP_SV39 | (((uint64)(pt)) >> 12))

// One past the highest virtual address we use. Sv39 allows 2^39, but staying
// below 2^38 avoids sign-extension of the top bit.
#define MAXVA (1L << (9 + 9 + 9 + 12 - 1))

#endif
