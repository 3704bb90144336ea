// Calls to the SBI firmware (OpenSBI) by ecall from S-mode. Extension and
// function ids are from the RISC-V SBI specification v1.0.
#include "dev/sbi.h"

#define SBI_EXT_BASE 0x10
#define SBI_EXT_TIME 0x54494D45
#define SBI_EXT_IPI  0x735049
#define SBI_EXT_HSM  0x48534D
#define SBI_EXT_SRST 0x53525354

struct sbiret sbi_call(long ext, long fid, long arg0, long arg1, long arg2)
{
  register long a0 asm("a0") = arg0;
  register long a1 asm("a1") = arg1;
  register long a2 asm("a2") = arg2;
  register long a6 asm("a6") = fid;
  register long a7 asm("a7") = ext;
  asm volatile("ecall" : "+r"(a0), "+r"(a1) : "r"(a2), "r"(a6), "r"(a7) : "memory");
  struct sbiret r = { a0, a1 };
  return r;
}

long sbi_probe_extension(long ext)
{
  struct sbiret r = sbi_call(SBI_EXT_BASE, 3, ext, 0, 0);
  return r.error ? 0 : r.value;
}

void sbi_set_timer(uint64 when)
{
  sbi_call(SBI_EXT_TIME, 0, (long)when, 0, 0);
}

long sbi_hart_start(uint64 hartid, uint64 start_addr, uint64 opaque)
{
  return sbi_call(SBI_EXT_HSM, 0, (long)hartid, (long)start_addr, (long)opaque).error;
}

long sbi_hart_get_status(uint64 hartid)
{
  struct sbiret r = sbi_call(SBI_EXT_HSM, 2, (long)hartid, 0, 0);
  return r.error ? r.error : r.value;
}

void sbi_send_ipi(uint64 hart_mask, uint64 hart_mask_base)
{
  sbi_call(SBI_EXT_IPI, 0, (long)hart_mask, (long)hart_mask_base, 0);
}

void sbi_shutdown(void)
{
  sbi_call(SBI_EXT_SRST, 0, 0 /* shutdown */, 0 /* no reason */, 0);
  for (;;)
    asm volatile("wfi");
}
