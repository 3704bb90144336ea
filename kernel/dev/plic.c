// The platform-level interrupt controller (RISC-V PLIC specification).
// Device sources (UART, virtio disk) get priority 1; each hart's S-mode
// context (number 2*hart+1 on QEMU virt) enables them with threshold 0.
#include "types.h"
#include "dev/dtb.h"
#include "proc/proc.h"
#include "dev/virtio_blk.h"
#include "dev/plic.h"

#define PLIC_PRIORITY(irq)  (platform.plic_base + 4 * (irq))
#define PLIC_SENABLE(ctx)   (platform.plic_base + 0x2000 + 0x80 * (ctx))
#define PLIC_THRESHOLD(ctx) (platform.plic_base + 0x200000 + 0x1000 * (ctx))
#define PLIC_CLAIM(ctx)     (platform.plic_base + 0x200004 + 0x1000 * (ctx))
#define S_CONTEXT(hart)     (2 * (hart) + 1)

#define REG(addr) (*(volatile uint32 *)(addr))

static void enable_source(int irq)
{
  if (irq > 0)
    REG(PLIC_PRIORITY(irq)) = 1;
}

void plicinit(void)
{
  enable_source(platform.uart_irq);
  for (int i = 0; i < platform.nvirtio; i++)
    enable_source(platform.virtio_irq[i]);
}

void plicinithart(void)
{
  int ctx = S_CONTEXT(cpuid());
  uint32 bits[2] = { 0, 0 };   // sources 0..63
  int srcs[MAX_VIRTIO + 1];
  int n = 0;
  srcs[n++] = platform.uart_irq;
  for (int i = 0; i < platform.nvirtio; i++)
    srcs[n++] = platform.virtio_irq[i];
  for (int i = 0; i < n; i++)
    if (srcs[i] > 0 && srcs[i] < 64)
      bits[srcs[i] / 32] |= 1u << (srcs[i] % 32);
  REG(PLIC_SENABLE(ctx)) = bits[0];
  REG(PLIC_SENABLE(ctx) + 4) = bits[1];
  REG(PLIC_THRESHOLD(ctx)) = 0;
}

int plic_claim(void)
{
  return REG(PLIC_CLAIM(S_CONTEXT(cpuid())));
}

void plic_complete(int irq)
{
  REG(PLIC_CLAIM(S_CONTEXT(cpuid()))) = irq;
}
