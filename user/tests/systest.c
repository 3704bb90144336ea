// systest: the in-guest checks of the syscall lab (docs/labs/syscall.md).
// `systest CASE...` runs the named cases (`systest all` runs every one) and
// prints one line per case for the grader:
//   ST <case> PASS
//   ST <case> FAIL <reason>
// The exit status is 0 when every case passed.
#include "kernel/types.h"
#include "kernel/param.h"
#include "kernel/errno.h"
#include "kernel/procinfo.h"
#include "user/user.h"
#include "user/lib/casekit.h"
#include "user/lib/stamp.h"
#include "kernel/syscall.h"
#if LAB >= 2
#include "kernel/sysinfo.h"
#include "user/manifest.h"

ZENITH_MANIFEST("root:all", "cwd:all", "proc:all", "sysctl");


// ---------------------------------------------------------------- sysinfo

// The number the system-call ABI gives sysinfo (docs/labs/syscall.md). It is
// written here, not taken from kernel/syscall.h, which the student writes:
// a program built elsewhere calls 27 whatever the header says.
#define SYSINFO_ABI_NUMBER 27

// The student numbers the call, adds its table entry and its user stub
// (kernel/syscall.h, kernel/syscall/syscall.c, user/lib/syscalls.txt,
// user/user.h). Until the number exists there is no stub to call.
#ifdef SYS_sysinfo
static int call_sysinfo(struct sysinfo *si) { return sysinfo(si); }
#else
static int call_sysinfo(struct sysinfo *si) { return -E_NOSYS; }
#endif

// (Reasons are cut at 160 bytes: casekit.c.)
static const char *const plumbing =
  "the handler's stub, or no entry for 27 in kernel/syscall/syscall.c's table";

static int get_info(struct sysinfo *si)
{
  int r = call_sysinfo(si);
  if (r == -E_NOSYS)
    return why("sysinfo returned -E_NOSYS: %s", plumbing);
  if (r != 0)
    return why("sysinfo returned %d (%s), expected 0", r, errstr(r));
  return 1;
}

#ifdef SYS_sysinfo
static long ecall1(long num, long arg)
{
  register long a0 asm("a0") = arg;
  register long a7 asm("a7") = num;
  asm volatile("ecall" : "+r"(a0) : "r"(a7) : "memory");
  return a0;
}
#endif

// The call's plumbing: its number is the ABI's, a raw ecall with that
// number reaches sys_sysinfo, and the stub agrees with it.
static int case_sysinfo_abi(void)
{
#ifndef SYS_sysinfo
  return why("SYS_sysinfo (27) is not defined in kernel/syscall.h");
#else
  if (SYS_sysinfo != SYSINFO_ABI_NUMBER)
    return why("SYS_sysinfo is %d in kernel/syscall.h; the ABI numbers sysinfo %d",
               SYS_sysinfo, SYSINFO_ABI_NUMBER);
  struct sysinfo raw, stub;
  long r = ecall1(SYSINFO_ABI_NUMBER, (long)&raw);
  if (r != 0)
    return why("ecall with a7 = %d returned %ld (%s), expected 0: the table in "
               "kernel/syscall/syscall.c must send %d to sys_sysinfo",
               SYSINFO_ABI_NUMBER, r, errstr(r), SYSINFO_ABI_NUMBER);
  if (!get_info(&stub))
    return 0;
  if (raw.harts != stub.harts || raw.harts == 0 || stub.uptime < raw.uptime)
    return why("ecall %d and the stub disagree: harts %lu and %lu, uptime %lu then %lu",
               SYSINFO_ABI_NUMBER, raw.harts, stub.harts, raw.uptime, stub.uptime);
  r = ecall1(SYSINFO_ABI_NUMBER, 0);
  if (r != -E_FAULT)
    return why("ecall %d with a null pointer returned %ld, expected -E_FAULT (%d)",
               SYSINFO_ABI_NUMBER, r, -E_FAULT);
  r = ecall1(SYS_nfree, 0);
  if (r <= 0)
    return why("ecall %d (nfree, the number before sysinfo) returned %ld: the table "
               "entries around sysinfo must stay as they were", SYS_nfree, r);
  return 1;
#endif
}

static int case_sysinfo_freepages(void)
{
  struct sysinfo si;
  if (!get_info(&si))
    return 0;
  int before = nfree();
  if (si.freepages + 2 < (uint64)before || si.freepages > (uint64)before + 2)
    return why("freepages %lu, but nfree() says %d", si.freepages, before);
  enum { GROW = 20 };
  if (sbrk(GROW * 4096) == (char *)-1)
    return why("sbrk failed");
  struct sysinfo after;
  int ok = get_info(&after);
  sbrk(-GROW * 4096);
  if (!ok)
    return 0;
  if (after.freepages + GROW > si.freepages || after.freepages + GROW + 3 < si.freepages)
    return why("freepages went from %lu to %lu after sbrk of %d pages", si.freepages,
               after.freepages, GROW);
  return 1;
}

static int count_procinfo(void)
{
  static struct procinfo pi[NPROC];
  return procinfo(pi, NPROC);
}

static int case_sysinfo_nproc(void)
{
  struct sysinfo si;
  if (!get_info(&si))
    return 0;
  int listed = count_procinfo();
  if (si.nproc != (uint64)listed)
    return why("nproc %lu, but procinfo lists %d processes", si.nproc, listed);
  int fds[2];
  if (pipe(fds) < 0)
    return why("pipe failed");
  int pid = fork();
  if (pid < 0)
    return why("fork failed");
  if (pid == 0) {
    char c;
    close(fds[1]);
    read(fds[0], &c, 1);   // until the parent closes its end
    exit(0);
  }
  close(fds[0]);
  struct sysinfo with;
  int ok = get_info(&with);
  close(fds[1]);
  wait(0);
  if (!ok)
    return 0;
  if (with.nproc != si.nproc + 1)
    return why("nproc %lu with one more child, %lu before", with.nproc, si.nproc);
  struct sysinfo after;
  if (!get_info(&after))
    return 0;
  if (after.nproc != si.nproc)
    return why("nproc %lu after the child was reaped, %lu before", after.nproc, si.nproc);
  return 1;
}

static int case_sysinfo_uptime(void)
{
  struct sysinfo si;
  int t0 = uptime();
  if (!get_info(&si))
    return 0;
  int t1 = uptime();
  if (si.uptime < (uint64)t0 || si.uptime > (uint64)t1)
    return why("uptime %lu, but uptime() said %d before and %d after", si.uptime, t0, t1);
  sleep(20);
  struct sysinfo later;
  if (!get_info(&later))
    return 0;
  if (later.uptime < si.uptime + 20)
    return why("uptime %lu, then %lu after sleep(20)", si.uptime, later.uptime);
  return 1;
}

static int expect_fault(const char *what, void *ptr)
{
  int r = call_sysinfo((struct sysinfo *)ptr);
  if (r != -E_FAULT)
    return why("sysinfo(%s = %p) returned %d, expected -E_FAULT (%d)", what, ptr, r, -E_FAULT);
  return 1;
}

static int case_sysinfo_badptr(void)
{
  char *end = sbrk(0);
  return expect_fault("null", 0) &&
         expect_fault("kernel address", (void *)0x80200000L) &&
         expect_fault("trap frame", (void *)0x3fffffe000L) &&
         expect_fault("read-only code", (void *)expect_fault) &&
         expect_fault("end of memory", end - 8) &&
         expect_fault("wrapping address", (void *)-16L) &&
         expect_fault("beyond MAXVA", (void *)(1L << 40));
}

// ---------------------------------------------------------------- backtrace

// The kernel calls backtrace() from 1 + seed % KBT_MAXDEPTH nested frames
// (the grader passes the seed: grade/labs/test_syscall.py checks each frame).
static int case_kbacktrace(void)
{
  int depth = 1 + stamp_seed % KBT_MAXDEPTH;
  printf("kbacktrace depth %d\n", depth);
  int r = kbacktrace(depth);
  if (r != 0)
    return why("kbacktrace(%d) returned %d (%s), expected 0", depth, r, errstr(r));
  if ((r = kbacktrace(-1)) != -E_INVAL || (r = kbacktrace(KBT_MAXDEPTH + 1)) != -E_INVAL)
    return why("kbacktrace with a depth out of range returned %d, expected -E_INVAL", r);
  return 1;
}

// ---------------------------------------------------------------- alarm

static volatile int calls;           // handler invocations
static volatile uint64 call_time[16]; // cputime() at each of the first calls

static void on_alarm(void)
{
  if (calls < 16)
    call_time[calls] = cputime();
  calls++;
  alarmret();
}

// Burns CPU in user mode until `calls` reaches n or `limit` ticks pass.
static int spin_until_calls(int n, int limit)
{
  int t0 = uptime();
  volatile uint64 x = 0;
  while (calls < n && uptime() - t0 < limit)
    for (int i = 0; i < 100000; i++)
      x += i;
  return calls >= n;
}

static int start_alarm(int ticks)
{
  calls = 0;
  int r = alarm(ticks, on_alarm);
  if (r != 0)
    return why("alarm(%d, handler) returned %d (%s), expected 0", ticks, r, errstr(r));
  return 1;
}

static int case_alarm_args(void)
{
  int r;
  if ((r = alarm(-1, on_alarm)) != -E_INVAL)
    return why("alarm(-1, handler) returned %d, expected -E_INVAL (%d)", r, -E_INVAL);
  if ((r = alarm(2, (void (*)(void))0x3fffff0000L)) != -E_FAULT)
    return why("alarm(2, unmapped address) returned %d, expected -E_FAULT", r);
  if ((r = alarm(2, (void (*)(void))(uint64)&calls)) != -E_FAULT)
    return why("alarm(2, address of data) returned %d, expected -E_FAULT", r);
  if ((r = alarmret()) != -E_INVAL)
    return why("alarmret() outside a handler returned %d, expected -E_INVAL", r);
  if ((r = alarm(0, 0)) != 0)
    return why("alarm(0, 0) returned %d, expected 0", r);
  return 1;
}

static int case_alarm_calls(void)
{
  if (!start_alarm(2))
    return 0;
  int ok = spin_until_calls(10, 5000);
  alarm(0, 0);
  if (!ok)
    return why("only %d handler calls in 5000 ticks of computing with alarm(2, ...)", calls);
  return 1;
}

static int case_alarm_stop(void)
{
  if (!start_alarm(1))
    return 0;
  if (!spin_until_calls(3, 5000)) {
    alarm(0, 0);
    return why("only %d handler calls in 5000 ticks with alarm(1, ...)", calls);
  }
  int r = alarm(0, 0);
  int seen = calls;
  spin_until_calls(1 << 30, 200);
  if (r != 0)
    return why("alarm(0, 0) returned %d", r);
  if (calls != seen)
    return why("%d more handler calls after alarm(0, 0)", calls - seen);
  return 1;
}

// Every tick counts once: ten intervals of `ticks` ticks take about ten
// times `ticks` ticks of CPU time (run under -icount for exact timing).
static int case_alarm_interval(void)
{
  enum { TICKS = 10, N = 11 };
  if (!start_alarm(TICKS))
    return 0;
  int ok = spin_until_calls(N, 20000);
  alarm(0, 0);
  if (!ok)
    return why("only %d handler calls with alarm(%d, ...)", calls, TICKS);
  uint64 per_tick = 10000;   // rdtime units (10 MHz) per 1 ms tick
  uint64 used = (call_time[N - 1] - call_time[0]) / per_tick;
  if (used < (N - 1) * TICKS * 8 / 10 || used > (N - 1) * TICKS * 3 / 2)
    return why("%d calls of alarm(%d, ...) %lu CPU ticks apart, expected about %d",
               N - 1, TICKS, used, (N - 1) * TICKS);
  return 1;
}

// regcheck(&calls, target): fill nearly every register, a0 included, with
// a known value, spin until *calls reaches target, then check that every
// register still holds its value. Returns 0 if all did, the number of the
// first one that changed, or -1 if the calls never came. The counter's
// address stays on the stack, so a handler return that clobbers a0 (the
// classic alarmret bug) is reported as a0, not as calls that stopped.
int regcheck(volatile int *counter, int target);

#define SET(r, n) "  li " #r ", 0x5a5a5a5a5a5a00" #n "\n"
#define CHECK(r, n) "  li a2, 0x5a5a5a5a5a5a00" #n "\n  li a0, " #n "\n  bne " #r ", a2, 3f\n"
#define EACH(F) F(ra, 1) F(gp, 3) F(tp, 4) F(t0, 5) F(t1, 6) F(t2, 7) F(s0, 8) F(s1, 9) \
  F(a4, 14) F(a5, 15) F(a6, 16) F(a7, 17) F(s2, 18) F(s3, 19) F(s4, 20) F(s5, 21) \
  F(s6, 22) F(s7, 23) F(s8, 24) F(s9, 25) F(s10, 26) F(s11, 27) F(t3, 28) F(t4, 29) \
  F(t5, 30) F(t6, 31)

asm(".text\n"
    ".globl regcheck\n"
    "regcheck:\n"
    "  addi sp, sp, -144\n"
    "  sd ra, 0(sp)\n  sd gp, 8(sp)\n  sd tp, 16(sp)\n  sd s0, 24(sp)\n"
    "  sd s1, 32(sp)\n  sd s2, 40(sp)\n  sd s3, 48(sp)\n  sd s4, 56(sp)\n"
    "  sd s5, 64(sp)\n  sd s6, 72(sp)\n  sd s7, 80(sp)\n  sd s8, 88(sp)\n"
    "  sd s9, 96(sp)\n  sd s10, 104(sp)\n  sd s11, 112(sp)\n  sd a0, 128(sp)\n"
    "  li a3, 1\n  slli a3, a3, 32\n"     // give up after 2^32 rounds
    EACH(SET)
    SET(a0, 10)
    "1:\n  ld a2, 128(sp)\n  lw a2, 0(a2)\n  bge a2, a1, 2f\n  addi a3, a3, -1\n  bnez a3, 1b\n"
    "  li a0, -1\n  j 3f\n"
    "2:\n"
    "  li a2, 0x5a5a5a5a5a5a0010\n  bne a0, a2, 4f\n"
    EACH(CHECK)
    "  li a0, 0\n  j 3f\n"
    "4:\n  li a0, 10\n"
    "3:\n"
    "  ld ra, 0(sp)\n  ld gp, 8(sp)\n  ld tp, 16(sp)\n  ld s0, 24(sp)\n"
    "  ld s1, 32(sp)\n  ld s2, 40(sp)\n  ld s3, 48(sp)\n  ld s4, 56(sp)\n"
    "  ld s5, 64(sp)\n  ld s6, 72(sp)\n  ld s7, 80(sp)\n  ld s8, 88(sp)\n"
    "  ld s9, 96(sp)\n  ld s10, 104(sp)\n  ld s11, 112(sp)\n"
    "  addi sp, sp, 144\n"
    "  ret\n");

static const char *const regname[32] = {
  "zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "s0", "s1", "a0", "a1", "a2", "a3",
  "a4", "a5", "a6", "a7", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11",
  "t3", "t4", "t5", "t6",
};

static int case_alarm_regs(void)
{
  if (!start_alarm(1))
    return 0;
  if (!spin_until_calls(1, 5000)) {
    alarm(0, 0);
    return why("no handler call in 5000 ticks with alarm(1, ...)");
  }
  int r = regcheck(&calls, calls + 3);
  alarm(0, 0);
  if (r == -1)
    return why("the handler calls stopped while registers were being checked");
  if (r == 10)
    return why("register a0 (x10) changed across a handler call: alarmret must give "
               "the interrupted code its own a0 back (its return value becomes a0)");
  if (r != 0)
    return why("register %s (x%d) changed across a handler call", regname[r & 31], r);
  return 1;
}

// ---------------------------------------------------------------- driver

static const struct testcase cases[] = {
  { "sysinfo-abi", case_sysinfo_abi },
  { "sysinfo-freepages", case_sysinfo_freepages },
  { "sysinfo-nproc", case_sysinfo_nproc },
  { "sysinfo-uptime", case_sysinfo_uptime },
  { "sysinfo-badptr", case_sysinfo_badptr },
  { "kbacktrace", case_kbacktrace },
  { "alarm-args", case_alarm_args },
  { "alarm-calls", case_alarm_calls },
  { "alarm-stop", case_alarm_stop },
  { "alarm-interval", case_alarm_interval },
  { "alarm-regs", case_alarm_regs },
};
#define NCASES (int)(sizeof(cases) / sizeof(cases[0]))

int main(int argc, char **argv)
{
  return run_cases("systest", "ST", cases, NCASES, 0, argc, argv);
}
#else
int main(void)
{
  fprintf(2, "systest: comes with lab 2 (syscall)\n");
  return 1;
}
#endif
