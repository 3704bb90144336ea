// Reads what the kernel needs from the flattened device tree that OpenSBI
// passes in a1: RAM size, device addresses and IRQs, the boot arguments.
#ifndef ZENITH_DTB_H
#define ZENITH_DTB_H

#include "types.h"
#include "param.h"

#define MAX_VIRTIO 8

struct platform {
  uint64 ram_base, ram_size;
  uint64 uart_base; int uart_irq;
  uint64 plic_base, plic_size;
  uint64 virtio_base[MAX_VIRTIO]; int virtio_irq[MAX_VIRTIO]; int nvirtio;
  uint64 testdev_base;
  uint64 timebase_hz;
  int has_sstc;                    // harts implement the Sstc stimecmp CSR
  int harts[NCPU]; int nharts;     // hart ids found under /cpus
  char bootargs[BOOTARGS_MAX];
};

extern struct platform platform;

void dtb_parse(uint64 dtb_pa);   // fills platform; keeps defaults for anything missing
// Value of key=value in the boot arguments, copied into buf; 0 if absent.
int bootarg(const char *key, char *buf, int len);

#endif
