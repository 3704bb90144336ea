// The scheduler's event trace: the record layout shared by the kernel
// (schedtrace.c) and user programs and host tools ("kernel/schedtrace.h":
// the `sched` command, schedbench, tools/sched_trace.py).
//
// Each hart appends to its own ring buffer of SCHEDTRACE_RING records; a
// holder of a scheduler-control capability with CAP_R_READ drains them
// with sched_trace(slot, buf, max) (schedctl.h). Records come out hart by
// hart, each hart's in the order they were written (time and seq both
// increase); sort by `time` to merge harts (rdtime is one clock for all
// harts). When a ring overflows the oldest records are overwritten and
// the next read of that hart starts with an SEV_LOST record saying how
// many were lost.
//
// The layout is part of the user API: 32 bytes, little-endian, no padding.
// Add new event types at the end; never change a field.
#ifndef ZENITH_SCHEDTRACE_H
#define ZENITH_SCHEDTRACE_H

#include "types.h"

#define SCHEDTRACE_VERSION 1
#define SCHEDTRACE_RING    8192   // records per hart: about 3 s of a busy benchmark

// Event types (sched_event.type). `aux` and `arg` mean:
#define SEV_WAKE     1   // pid became runnable after a sleep. aux = pid of the
                         // waker (0: an interrupt, e.g. the clock or a disk).
#define SEV_RUN      2   // pid got hart `hart`. arg = how long it waited
                         // runnable (rdtime units); aux = 0.
#define SEV_PREEMPT  3   // pid left the hart still runnable (its turn was
                         // over, or a wake-up preempted it). arg = time it
                         // ran since its SEV_RUN.
#define SEV_BLOCK    4   // pid left the hart to sleep. arg = time it ran.
#define SEV_EXIT     5   // pid left the hart for good (exit). arg = time it ran.
#define SEV_FORK     6   // pid was created. aux = parent pid.
#define SEV_CLASS    7   // pid's class changed to `cls`. aux = old class.
#define SEV_POLICY   8   // the policy changed to `policy`. pid = who switched;
                         // aux = old policy id.
#define SEV_LOST     9   // arg = records of this hart overwritten (lost)
                         // before this read. pid = 0.
#define SEV_NAME    10   // pid's program name is now (after exec, or at fork):
                         // its first 12 bytes, NUL-padded: bytes 0-7 in
                         // `arg`, 8-11 in `aux` (little-endian).
#define SEV_NTYPES  11   // one past the last type

// Every SEV_RUN on a hart is followed, on the same hart, by exactly one of
// SEV_PREEMPT, SEV_BLOCK or SEV_EXIT for the same pid before the next
// SEV_RUN there (unless an SEV_LOST intervenes).

// Process classes (sched_event.cls, schedproc.cls). Only the adaptive
// policy classifies; the others report SCLASS_NONE.
#define SCLASS_NONE         0
#define SCLASS_LATENCY      1   // latency-critical: short bursts, woken often
#define SCLASS_INTERACTIVE  2   // mostly sleeps, wakes up for short work
#define SCLASS_IO           3   // sleeps on I/O between medium bursts
#define SCLASS_BATCH        4   // CPU-bound
#define SCLASS_N            5
#define SCLASS_NAMES { "-", "latency", "interactive", "io", "batch" }

struct sched_event {
  uint64 time;     // rdtime when it happened (100 ns units on QEMU virt)
  uint64 arg;      // see the event type
  int pid;       // the process it is about (0: none)
  int aux;       // see the event type
  uint32 seq;      // per-hart sequence number: +1 per record written
  uint8 type;      // SEV_*
  uint8 hart;      // hart that wrote it
  uint8 cls;       // SCLASS_* of pid at the time
  uint8 policy;    // policy id (schedctl.h SCHED_POLICY_*) at the time
};

#endif
