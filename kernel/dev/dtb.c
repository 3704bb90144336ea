// A small reader for the flattened device tree (format from the Devicetree
// Specification) that OpenSBI passes in a1. It walks the structure block once
// at boot and records, in `platform`, what the kernel needs: RAM, the UART,
// PLIC, virtio-mmio slots, the test (power-off) device, hart ids, the time
// base and /chosen/bootargs. Defaults are QEMU virt's in case a node is missing.
#include "types.h"
#include "param.h"
#include "memlayout.h"
#include "lib/klib.h"
#include "dev/dtb.h"

struct platform platform = {
  .ram_base = RAMBASE, .ram_size = 128UL * 1024 * 1024,
  .uart_base = DEFAULT_UART0, .uart_irq = DEFAULT_UART0_IRQ,
  .plic_base = DEFAULT_PLIC, .plic_size = 0x4000000,
  .testdev_base = DEFAULT_TESTDEV,
  .timebase_hz = 10000000,
};

#define FDT_MAGIC 0xd00dfeed
#define FDT_BEGIN_NODE 1
#define FDT_END_NODE 2
#define FDT_PROP 3
#define FDT_NOP 4
#define FDT_END 9
#define MAX_DEPTH 8

static uint32 be32(const void *p)
{
  const uchar *b = p;
  return ((uint32)b[0] << 24) | ((uint32)b[1] << 16) | ((uint32)b[2] << 8) | b[3];
}

// Read a number of `cells` 32-bit big-endian cells.
static uint64 read_cells(const uchar *p, int cells)
{
  uint64 v = 0;
  for (int i = 0; i < cells; i++)
    v = (v << 32) | be32(p + 4 * i);
  return v;
}

// Does the NUL-separated string list contain s?
static int strlist_has(const char *list, int len, const char *s)
{
  int n = strlen(s);
  for (int i = 0; i < len;) {
    int l = strlen(list + i);
    if (l == n && strncmp(list + i, s, n) == 0)
      return 1;
    i += l + 1;
  }
  return 0;
}

static int has_substring(const char *s, int len, const char *sub)
{
  int n = strlen(sub);
  for (int i = 0; i + n <= len; i++)
    if (strncmp(s + i, sub, n) == 0)
      return 1;
  return 0;
}

// What we collect about the node being walked.
struct node {
  const char *name;
  int addr_cells, size_cells;     // for this node's children
  const uchar *reg; int reg_len;  // interpreted with the parent's cells
  uint32 irq; int has_irq;
  const char *compat; int compat_len;
  const char *isa; int isa_len;
};

static void record_node(struct node *n, struct node *parent, int depth)
{
  uint64 base = 0, size = 0;
  if (n->reg && parent) {
    base = read_cells(n->reg, parent->addr_cells);
    if (n->reg_len >= 4 * (parent->addr_cells + parent->size_cells))
      size = read_cells(n->reg + 4 * parent->addr_cells, parent->size_cells);
  }
  const char *c = n->compat;
  int cl = n->compat_len;
  if (depth == 1 && strncmp(n->name, "memory", 6) == 0 && n->reg) {
    platform.ram_base = base;
    platform.ram_size = size;
  } else if (depth == 2 && strncmp(n->name, "cpu@", 4) == 0 && n->reg) {
    if (platform.nharts < NCPU)
      platform.harts[platform.nharts++] = (int)base;
    if (n->isa && has_substring(n->isa, n->isa_len, "sstc"))
      platform.has_sstc = 1;
  } else if (c && strlist_has(c, cl, "ns16550a")) {
    platform.uart_base = base;
    if (n->has_irq)
      platform.uart_irq = n->irq;
  } else if (c && (strlist_has(c, cl, "riscv,plic0") || strlist_has(c, cl, "sifive,plic-1.0.0"))) {
    platform.plic_base = base;
    platform.plic_size = size;
  } else if (c && strlist_has(c, cl, "virtio,mmio")) {
    if (platform.nvirtio < MAX_VIRTIO) {
      platform.virtio_base[platform.nvirtio] = base;
      platform.virtio_irq[platform.nvirtio] = n->has_irq ? (int)n->irq : 0;
      platform.nvirtio++;
    }
  } else if (c && (strlist_has(c, cl, "sifive,test1") || strlist_has(c, cl, "sifive,test0"))) {
    platform.testdev_base = base;
  }
}

void dtb_parse(uint64 dtb_pa)
{
  const uchar *fdt = (const uchar *)dtb_pa;
  if (dtb_pa == 0 || be32(fdt) != FDT_MAGIC)
    return;   // keep the defaults
  const uchar *p = fdt + be32(fdt + 8);          // structure block
  const char *strings = (const char *)fdt + be32(fdt + 12);
  struct node stack[MAX_DEPTH];
  int depth = -1;
  int virtio_sorted = 0;

  for (;;) {
    uint32 tok = be32(p);
    p += 4;
    if (tok == FDT_BEGIN_NODE) {
      const char *name = (const char *)p;
      p += (strlen(name) + 1 + 3) & ~3;
      if (++depth >= MAX_DEPTH)
        return;
      memset(&stack[depth], 0, sizeof(stack[depth]));
      stack[depth].name = name;
      stack[depth].addr_cells = 2;   // spec defaults
      stack[depth].size_cells = 1;
    } else if (tok == FDT_END_NODE) {
      if (depth < 0)
        return;
      record_node(&stack[depth], depth > 0 ? &stack[depth - 1] : 0, depth);
      depth--;
    } else if (tok == FDT_PROP) {
      uint32 len = be32(p);
      const char *pname = strings + be32(p + 4);
      const uchar *val = p + 8;
      p += 8 + ((len + 3) & ~3);
      if (depth < 0)
        continue;
      struct node *n = &stack[depth];
      if (strncmp(pname, "#address-cells", 15) == 0)
        n->addr_cells = be32(val);
      else if (strncmp(pname, "#size-cells", 12) == 0)
        n->size_cells = be32(val);
      else if (strncmp(pname, "reg", 4) == 0) {
        n->reg = val;
        n->reg_len = len;
      } else if (strncmp(pname, "interrupts", 11) == 0 && len >= 4) {
        n->irq = be32(val);
        n->has_irq = 1;
      } else if (strncmp(pname, "compatible", 11) == 0) {
        n->compat = (const char *)val;
        n->compat_len = len;
      } else if (strncmp(pname, "riscv,isa", 10) == 0) {
        n->isa = (const char *)val;
        n->isa_len = len;
      } else if (strncmp(pname, "timebase-frequency", 19) == 0 && len >= 4) {
        platform.timebase_hz = read_cells(val, len >= 8 ? 2 : 1);
      } else if (depth == 1 && strncmp(n->name, "chosen", 7) == 0 &&
                 strncmp(pname, "bootargs", 9) == 0) {
        safestrcpy(platform.bootargs, (const char *)val,
                   len < BOOTARGS_MAX ? (int)len : BOOTARGS_MAX);
      }
    } else if (tok == FDT_NOP) {
      continue;
    } else {
      break;   // FDT_END or garbage
    }
  }

  // QEMU lists virtio-mmio slots from the highest address down; sort them so
  // slot 0 (where -device ...bus=virtio-mmio-bus.0 lands) comes first.
  while (!virtio_sorted) {
    virtio_sorted = 1;
    for (int i = 0; i + 1 < platform.nvirtio; i++) {
      if (platform.virtio_base[i] > platform.virtio_base[i + 1]) {
        uint64 b = platform.virtio_base[i];
        int q = platform.virtio_irq[i];
        platform.virtio_base[i] = platform.virtio_base[i + 1];
        platform.virtio_irq[i] = platform.virtio_irq[i + 1];
        platform.virtio_base[i + 1] = b;
        platform.virtio_irq[i + 1] = q;
        virtio_sorted = 0;
      }
    }
  }
}

// Find key=value in the boot arguments (space separated; the value ends at
// the next space).
int bootarg(const char *key, char *buf, int len)
{
  const char *s = platform.bootargs;
  int klen = strlen(key);
  for (int i = 0; s[i];) {
    while (s[i] == ' ')
      i++;
    if (strncmp(s + i, key, klen) == 0 && s[i + klen] == '=') {
      int j = 0;
      i += klen + 1;
      while (s[i] && s[i] != ' ' && j < len - 1)
        buf[j++] = s[i++];
      buf[j] = 0;
      return 1;
    }
    while (s[i] && s[i] != ' ')
      i++;
  }
  return 0;
}
