// The periodic timer tick (TICK_HZ per second on every hart). With the Sstc
// extension the kernel programs stimecmp itself; without it, each tick asks
// the firmware through SBI TIME. Either way the next deadline is computed
// from the previous one, so ticks don't drift.
#include "types.h"
#include "riscv.h"
#include "param.h"
#include "dev/dtb.h"
#include "dev/sbi.h"
#include "proc/proc.h"
#include "dev/timer.h"

#define CSR_STIMECMP 0x14d

static int use_sstc;
static uint64 tick_interval;          // rdtime units per tick
static uint64 next_deadline[NCPU];    // per hart; touched only by that hart

void timerinit(void)
{
  char opt[8];
  use_sstc = platform.has_sstc;
  if (bootarg("timer", opt, sizeof(opt)) && opt[0] == 's' && opt[1] == 'b')
    use_sstc = 0;   // timer=sbi forces the firmware path
  tick_interval = platform.timebase_hz / TICK_HZ;
  if (tick_interval == 0)
    tick_interval = 1;
}

int timer_uses_sstc(void)
{
  return use_sstc;
}

static void set_deadline(uint64 when)
{
  if (use_sstc)
    asm volatile("csrw %0, %1" :: "i"(CSR_STIMECMP), "r"(when));
  else
    sbi_set_timer(when);
}

void timer_start_hart(void)
{
  csr_set(sie, SIE_STIE);
  next_deadline[cpuid()] = r_time() + tick_interval;
  set_deadline(next_deadline[cpuid()]);
}

void timer_next(void)
{
  int id = cpuid();
  uint64 now = r_time();
  next_deadline[id] += tick_interval;
  if (next_deadline[id] <= now)   // fell behind (debugger stop): skip, don't storm
    next_deadline[id] = now + tick_interval;
  set_deadline(next_deadline[id]);
}

uint64 timebase_hz(void)
{
  return platform.timebase_hz;
}
