// Lock classes and their contention counters (book 4.16). A class is every
// lock initialised with one name; class 0 means "none" (a lock never passed
// to initlock()).
#ifndef ZENITH_LIB_LOCKCLASS_H
#define ZENITH_LIB_LOCKCLASS_H

#include "types.h"
#include "lockstat.h"

// The class of locks named `name`, created on first use (never 0).
ushort lockclass_of(const char *name);
const char *lockclass_name(ushort cls);
// One acquire of a lock of class cls that failed `spins` tries first.
// Interrupts are off (the caller holds or is taking a spinlock).
void lockstat_count(ushort cls, uint64 spins);
// Fill entry i of a report; 0 when there is no class i.
int lockstat_class_read(int i, struct lockstat_class *out);

#endif
