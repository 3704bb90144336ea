// Kernel start-up. entry.S calls kmain() on the hart OpenSBI booted (any hart
// id) and kmain_secondary() on each hart started later through SBI HSM.
// The boot hart sets up everything shared, creates the first process, then
// starts the other harts; every hart ends in its scheduler loop.
#include "types.h"
#include "param.h"
#include "riscv.h"
#include "lib/printf.h"
#include "lib/lockdep.h"
#include "lib/klib.h"
#include "dev/sbi.h"
#include "dev/dtb.h"
#include "mm/kalloc.h"
#include "mm/vm.h"
#include "proc/proc.h"
#include "cap/channel.h"
#include "sched/sched.h"
#include "trap/trap.h"
#include "dev/plic.h"
#include "dev/timer.h"
#include "dev/uart.h"
#include "dev/console.h"
#include "fs/bio.h"
#include "file.h"
#include "cap/capnode.h"
#include "cell/cell.h"
#include "cell/fault.h"
#include "dev/virtio_blk.h"

void _secondary_entry(void);

static volatile int harts_started;   // count, for the boot banner
volatile int kernel_ready;           // shared set-up done; entry.S waits on it

// Ask OpenSBI to start every other hart. Returns how many should arrive.
static int start_other_harts(int boot_hart)
{
  int asked = 0;
  for (int i = 0; i < platform.nharts; i++) {
    int h = platform.harts[i];
    if (h == boot_hart)
      continue;
    if (h >= NCPU) {
      printf("zenith: hart %d ignored (NCPU is %d)\n", h, NCPU);
      continue;
    }
    long err = sbi_hart_start(h, (uint64)_secondary_entry, 0);
    if (err && err != SBI_ERR_ALREADY_AVAILABLE)   // already here through _entry
      printf("zenith: hart %d did not start (SBI error %ld)\n", h, err);
    else
      asked++;
  }
  return asked;
}

// Wait (at most a second) until `n` harts have announced themselves, so
// their boot lines come before anything the first process prints.
static void wait_for_harts(int n)
{
  uint64 start = r_time();
  while (harts_started < n && r_time() - start < timebase_hz())
    ;
  printf("zenith: %d of %d harts running\n", harts_started, n);
}

void kmain(uint64 hartid, uint64 dtb)
{
  dtb_parse(dtb);
  uartinit();
  printfinit();
  consoleinit();
  printf("\nzenith: booting on hart %d, %d harts, %lu MiB RAM\n", (int)hartid,
         platform.nharts, platform.ram_size >> 20);
  if (platform.bootargs[0])
    printf("zenith: boot args: %s\n", platform.bootargs);
  char lockdep_opt[8];
  lockdep_enable(!(bootarg("lockdep", lockdep_opt, sizeof(lockdep_opt)) &&
                   strncmp(lockdep_opt, "off", 4) == 0));

  kinit(platform.ram_base + platform.ram_size);
  cellinit();   // the root cell's page quota is all the free pages
  faultinit();
  kvminit();
  kvminithart();
  procinit();
  trapinit();
  trapinithart();
  plicinit();
  plicinithart();
  timerinit();
  binit();
  fileinit();
  capnode_init();
  chaninit();
  virtio_blk_init();
  sched_init();
  printf("zenith: scheduler %s, timer %s, %lu free pages\n", sched_policy_name(),
         timer_uses_sstc() ? "sstc" : "sbi", kfree_count());

  __sync_synchronize();
  mycpu()->started = 1;
  __sync_fetch_and_add(&harts_started, 1);
  kernel_ready = 1;
  int others = start_other_harts((int)hartid);
  timer_start_hart();   // armed before spinning: under -icount a spin needs a timer
  wait_for_harts(1 + others);
  userinit();
  scheduler();
}

void kmain_secondary(uint64 hartid)
{
  kvminithart();
  trapinithart();
  plicinithart();
  timer_start_hart();
  mycpu()->started = 1;
  // Printed under the printf lock before counting in, so the boot hart's
  // wait_for_harts() also waits for this line.
  printf("zenith: hart %d started\n", (int)hartid);
  __sync_add_and_fetch(&harts_started, 1);
  scheduler();
}
