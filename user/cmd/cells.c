// cells: list the SandCells the caller can see, with usage against quota.
// Seeing a cell needs a capability for it (or for a cell above it) with the
// info right: every cell capability the caller holds is listed with every
// cell inside it, each cell once. The root cell's capability shows them all.
//   cells        one line per cell
//   cells -v     and the anomaly counters
#include "kernel/types.h"
#include "kernel/param.h"
#include "kernel/capinfo.h"
#include "kernel/cellinfo.h"
#include "user/user.h"
#include "user/lib/util.h"
#include "user/manifest.h"

ZENITH_MANIFEST("cell");

#define MAXCELLS 64
#define TIME_UNITS_PER_MS 10000   // cputime counts 100 ns units

static struct cellinfo found[MAXCELLS];
static int nfound;

static int seen(uint64 id)
{
  for (int i = 0; i < nfound; i++)
    if (found[i].id == id)
      return 1;
  return 0;
}

// Add the cells visible through slot. Returns 0 or an error.
static int collect(int slot)
{
  static struct cellinfo buf[MAXCELLS];
  int n = cell_info(slot, buf, MAXCELLS);
  if (n < 0)
    return n;
  for (int i = 0; i < n && nfound < MAXCELLS; i++)
    if (!seen(buf[i].id))
      found[nfound++] = buf[i];
  return 0;
}

int main(int argc, char **argv)
{
  int verbose = argc > 1 && strcmp(argv[1], "-v") == 0;
  if (argc > 2 || (argc == 2 && !verbose)) {
    fprintf(2, "usage: cells [-v]\n");
    return 1;
  }
  int caps = 0;
  for (int s = 0; s < NCAP; s++) {
    struct capinfo ci;
    if (cap_info(s, &ci) < 0 || ci.type != CAPT_CELL)
      continue;
    caps++;
    int r = collect(s);
    if (r < 0)
      complain("cells", "cell_info", r);
  }
  if (caps == 0) {
    fprintf(2, "cells: no cell capability held\n");
    return 1;
  }
  printf("CELL PARENT STATE PAGES         PROCS  SLOTS    CPU%%     CPUTIME\n");
  for (int i = 0; i < nfound; i++) {
    struct cellinfo *c = &found[i];
    char pages[24], procs[16], slots[16], cpu[16];
    snprintf(pages, sizeof(pages), "%d/%d", c->used.pages, c->quota.pages);
    snprintf(procs, sizeof(procs), "%d/%d", c->used.procs, c->quota.procs);
    snprintf(slots, sizeof(slots), "%d/%d", c->used.slots, c->quota.slots);
    snprintf(cpu, sizeof(cpu), "%d/%d", c->used.cpu, c->quota.cpu);
    printf("%-4d %-6d %-5s %-13s %-6s %-8s %-8s %lu\n", (int)c->id, (int)c->parent,
           c->dead ? "dead" : "live", pages, procs, slots, cpu, c->cputime / TIME_UNITS_PER_MS);
    if (verbose)
      printf("     reserved %d pages %d procs %d slots; peak %d pages; %d children; "
             "throttled %d, denied mem %d procs %d slots %d, caperrs %d, forks %d, "
             "faults %d (lost %d)\n", c->reserved.pages, c->reserved.procs, c->reserved.slots,
             c->peak_pages, c->children, c->throttled, c->mem_denied, c->proc_denied,
             c->slot_denied, c->caperrs, c->forks, c->faults, c->faults_lost);
  }
  return 0;
}
