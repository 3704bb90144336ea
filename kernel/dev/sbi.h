// Calls into the SBI firmware (OpenSBI), per the RISC-V SBI specification.
#ifndef ZENITH_SBI_H
#define ZENITH_SBI_H

#include "types.h"

struct sbiret { long error; long value; };

#define SBI_ERR_ALREADY_AVAILABLE (-6)   // hart_start: the hart is already running

struct sbiret sbi_call(long ext, long fid, long a0, long a1, long a2);
void sbi_set_timer(uint64 when);
long sbi_hart_start(uint64 hartid, uint64 start_addr, uint64 opaque);
long sbi_hart_get_status(uint64 hartid);
void sbi_send_ipi(uint64 hart_mask, uint64 hart_mask_base);
void sbi_shutdown(void) __attribute__((noreturn));
long sbi_probe_extension(long ext);

#endif
