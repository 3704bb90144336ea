#if LAB >= 3
// pgdump(): print the calling process's page table on the console, one
// line per valid entry, indented by depth. A table entry names the page
// that holds the next level; a leaf names the page it maps and its rights:
//   pgdump: pid 4 (vmtest) page table at pa 0x0000000087f5e000
//    L2 [0] table pa 0x0000000087f5d000
//     L1 [0] table pa 0x0000000087f5c000
//      L0 [0] va 0x0000000000000000 pa 0x0000000087f5b000 R-XU
#include "types.h"
#include "riscv.h"
#include "errno.h"
#include "lib/printf.h"
#include "proc/proc.h"
#include "syscall/sysproc.h"

#if SOL >= 3
// Leading spaces for an entry at level: one for L2, two for L1, three for L0.
static const char *indent(int level)
{
  return &"   "[level];
}

static void print_leaf(int level, int index, uint64 va, pte_t pte)
{
  printf("%sL%d [%d] va %p pa %p %c%c%c%c\n", indent(level), level, index, (void *)va,
         (void *)PTE2PA(pte), (pte & PTE_R) ? 'R' : '-', (pte & PTE_W) ? 'W' : '-',
         (pte & PTE_X) ? 'X' : '-', (pte & PTE_U) ? 'U' : '-');
}

// Print the table at `level` whose entries map addresses from va_base up.
static void dump(pagetable_t pt, int level, uint64 va_base)
{
  for (int i = 0; i < 512; i++) {
    pte_t pte = pt[i];
    if (!(pte & PTE_V))
      continue;
    uint64 va = va_base | ((uint64)i << PXSHIFT(level));
    if (pte & (PTE_R | PTE_W | PTE_X)) {
      print_leaf(level, i, va, pte);
    } else if (level > 0) {
      printf("%sL%d [%d] table pa %p\n", indent(level), level, i, (void *)PTE2PA(pte));
      dump((pagetable_t)PTE2PA(pte), level - 1, va);
    } else {
      printf("%sL0 [%d] bad entry %p\n", indent(level), i, (void *)pte);
    }
  }
}
#endif

uint64 sys_pgdump(void)
{
#if SOL >= 3
  struct proc *p = myproc();
  printf("pgdump: pid %d (%s) page table at pa %p\n", p->pid, p->name, (void *)p->pagetable);
  dump(p->pagetable, 2, 0);
  return 0;
#else
  return -E_NOSYS;
#endif
}
#endif
