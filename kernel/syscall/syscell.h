// System calls on SandCells (syscell.c).
#ifndef ZENITH_SYSCELL_H
#define ZENITH_SYSCELL_H

#include "types.h"

uint64 sys_cell_create(void);
uint64 sys_cell_destroy(void);
uint64 sys_cell_info(void);
uint64 sys_cell_spawn(void);
uint64 sys_cell_faults(void);

#endif
