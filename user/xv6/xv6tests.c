// xv6tests: a program written the way xv6's user programs are written, to
// prove that such programs build unchanged and see xv6's conventions
// (book 2, "Running xv6 programs"). It is built like every file in
// user/xv6/: xv6's warning set, no printf format checking, and the
// compatibility shim. Its habits are deliberate and must stay: a printf
// given a uint64 for %d and %p, a lone %l, -1 checks on failed calls,
// names of more than DIRSIZ characters, sleep() in xv6's ticks, a
// comparison of int and uint, a switch falling through after a call that
// does not return. Compiled with Zenith's own flags it does not build
// (tools/tests/test_xv6_build.py checks that it still does not).
//
// Output in xv6 usertests' shape: "test NAME: OK" per test, then
// "ALL TESTS PASSED", or "FAILED" and exit status 1.

#include "kernel/types.h"
#include "kernel/stat.h"
#include "user/user.h"
#include "kernel/fcntl.h"
#include "kernel/fs.h"
#include "kernel/param.h"

char *testname = "?";

void
fail(char *why)
{
  printf("%s: %s\n", testname, why);
  printf("FAILED\n");
  exit(1);
}

// printf conversions as xv6 uses them. The grader compares the lines.
void
formats(void)
{
  uint64 big = 0x123456789aULL;
  uint64 small = 42;
  int neg = -7;

  printf("fmt d: %d %d %d\n", small, neg, 0);
  printf("fmt ld: %ld %lld\n", big, (uint64)-1);
  printf("fmt u: %u %lu %llu\n", 3000000000U, big, big);
  printf("fmt x: %x %lx %llx\n", 255, big, big);
  printf("fmt p: %p %p\n", big, (void *)0);
  printf("fmt s c: %s %c%c %%\n", "str", 'o', 'k');
  printf("fmt lone l: %l|\n");
  printf("fmt unknown: %q|\n");
}

// Failed calls return -1, as xv6's do.
void
minusone(void)
{
  char buf[8];

  if(open("no-such-file", O_RDONLY) != -1)
    fail("open of a missing file did not return -1");
  if(errno == 0)
    fail("errno not set after a failed open");
  if(read(99, buf, 1) != -1)
    fail("read of a bad fd did not return -1");
  if(write(-1, buf, 1) != -1)
    fail("write of a bad fd did not return -1");
  if(close(77) != -1)
    fail("close of a bad fd did not return -1");
  if(exec("no-such-program", 0) != -1)
    fail("exec of a missing program did not return -1");
  if(kill(123456) != -1)
    fail("kill of a missing pid did not return -1");
  if(chdir("no-such-dir") != -1)
    fail("chdir to a missing directory did not return -1");
  if(unlink("no-such-file") != -1)
    fail("unlink of a missing file did not return -1");
  if(mkdir("/") != -1)
    fail("mkdir / did not return -1");
  if(link("no-such-file", "x") != -1)
    fail("link of a missing file did not return -1");
  if(wait(0) != -1)
    fail("wait with no children did not return -1");
  if(sbrk(0x7fffffff) != (char*)-1)
    fail("a huge sbrk did not return (char*)-1");
  // A bad address is -1 too, never a crash: xv6's copyinstr tests.
  if(open((char*)0x80000000L, O_RDONLY) != -1)
    fail("open of a kernel address did not return -1");
  if(open((char*)0x3fffffe000L, O_RDONLY) != -1)
    fail("open of the trap frame's address did not return -1");
}

// xv6 cuts a name to DIRSIZ (14) characters: a 15-character name opens
// the 14-character file.
void
fourteen(void)
{
  int fd;
  char buf[4];

  if(mkdir("12345678901234") != 0)
    fail("mkdir 12345678901234 failed");
  if(mkdir("12345678901234/123456789012345") != 0)
    fail("mkdir of a 15-character name failed");
  fd = open("123456789012345/123456789012345/123456789012345", O_CREATE|O_RDWR);
  if(fd < 0)
    fail("create through 15-character names failed");
  write(fd, "hi", 2);
  close(fd);
  fd = open("12345678901234/12345678901234/12345678901234", O_RDONLY);
  if(fd < 0)
    fail("the file is not there under its 14-character names");
  if(read(fd, buf, sizeof(buf)) != 2 || buf[0] != 'h')
    fail("the file read back wrong");
  close(fd);
  if(unlink("12345678901234/12345678901234/123456789012345") != 0)
    fail("unlink through a 15-character name failed");
  if(unlink("12345678901234/123456789012345") != 0)
    fail("unlink of the inner directory failed");
  if(unlink("12345678901234") != 0)
    fail("unlink of the outer directory failed");
}

// sleep and uptime count xv6's ticks of 100 ms.
void
ticks(void)
{
  int t0, t1, i;
  uint n = 3;

  t0 = uptime();
  for(i = 0; i < n; i++)   // int against uint: fine under xv6's flags
    sleep(1);
  t1 = uptime();
  if(t1 - t0 < 3 || t1 - t0 > 5)
    fail("3 sleeps of 1 tick did not take about 3 ticks of uptime");
  printf("ticks: 3 sleep(1) took %d uptime ticks\n", t1 - t0);
}

// xv6's habit of falling through after a function that never returns.
int
classify(int c)
{
  switch(c){
  case 0:
    return 10;
  case 1:
    fail("classify(1)");
  case 2:
    return 20;
  default:
    return -1;
  }
}

void
forkwait(void)
{
  int pid, xstatus, i;

  for(i = 0; i < 5; i++){
    pid = fork();
    if(pid < 0)
      fail("fork failed");
    if(pid == 0)
      exit(i);
    if(wait(&xstatus) != pid || xstatus != i)
      fail("wait returned the wrong child or status");
  }
  if(classify(0) != 10 || classify(2) != 20)
    fail("classify");
}

struct test {
  void (*f)(void);
  char *s;
} tests[] = {
  {formats, "formats"},
  {minusone, "minusone"},
  {fourteen, "fourteen"},
  {ticks, "ticks"},
  {forkwait, "forkwait"},
  {0, 0},
};

int
main(int argc, char *argv[])
{
  struct test *t;

  for(t = tests; t->s != 0; t++){
    testname = t->s;
    printf("test %s: ", t->s);
    printf("\n");
    t->f();
    printf("test %s: OK\n", t->s);
  }
  printf("ALL TESTS PASSED\n");
  exit(0);
}
