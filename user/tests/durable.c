// durable: the guest half of the crash test of fsync
// (grade/tests/test_durability.py; docs/book/05-file-system.md 5.5).
//
//   durable SEED
//
// Two background processes keep the log busy (a group rarely commits on
// its own, so an end_op() returns before its commit), while this process
// makes a seeded series of changes to the names f0..f5 in /dur<SEED>: writes
// (create or truncate, then data), links, unlinks, truncating opens. It
// first prints what they will leave, which must survive a crash once
// synced, one line per name:
//   DUR <name> <bytes> <fnv-1a hash of the bytes>      or   DUR <name> -
// then makes them, calls fsync on that directory or on another file (the
// seed chooses) and prints "DURABLE-SYNCED <seed>". The host kills QEMU as soon as it reads
// that line; meanwhile this process goes on changing other files, so the
// kill lands amid unsynced work. It never exits by itself.
#include "kernel/types.h"
#include "kernel/fcntl.h"
#include "kernel/errno.h"
#include "user/user.h"
#include "user/manifest.h"

ZENITH_MANIFEST("root:all", "cwd:all", "proc:all");

static char dir[16];   // /dur<SEED>: each run its own, so runs can follow each other on one disk
#define NNAME 6
#define NSTEP 8
#define MAXLEN 5000

static uint rng;

static uint next_rand(void)
{
  rng = rng * 1103515245u + 12345u;
  return (rng >> 8) & 0xffffff;
}

// What the model says a name holds: the inode it names (0 = no name) and,
// per inode, the bytes it has.
static int name_ino[NNAME];
static int ino_len[NNAME * NSTEP + 1];
static uint ino_hash[NNAME * NSTEP + 1];
static int next_ino = 1;
static char buf[MAXLEN];
static int acting;   // 0: only work out the model; 1: make the changes too

static uint fnv(const char *p, int n)
{
  uint h = 2166136261u;
  for (int i = 0; i < n; i++)
    h = (h ^ (uchar)p[i]) * 16777619u;
  return h;
}

static void path_of(int i, char *out)
{
  snprintf(out, 32, "%s/f%d", dir, i);
}

static void die(const char *what, int r)
{
  printf("durable: %s: %d\n", what, r);
  exit(1);
}

// Create or truncate name i and write n seeded bytes to it.
static void write_name(int i, int n)
{
  char p[32];
  path_of(i, p);
  for (int k = 0; k < n; k++)
    buf[k] = 'a' + next_rand() % 26;
  if (acting) {
    int fd = open(p, O_CREATE | O_TRUNC | O_WRONLY);
    if (fd < 0)
      die("open", fd);
    int w = write(fd, buf, n);
    if (w != n)
      die("write", w);
    close(fd);
  }
  if (name_ino[i] == 0)
    name_ino[i] = next_ino++;
  ino_len[name_ino[i]] = n;
  ino_hash[name_ino[i]] = fnv(buf, n);
}

static void step(void)
{
  int i = next_rand() % NNAME, j = next_rand() % NNAME;
  char a[32], b[32];
  path_of(i, a);
  path_of(j, b);
  int r;
  switch (next_rand() % 4) {
  case 0:
    write_name(i, next_rand() % MAXLEN);
    break;
  case 1:   // link f_i to f_j when f_i exists and f_j does not
    if (name_ino[i] == 0 || name_ino[j] != 0) {
      write_name(i, next_rand() % MAXLEN);
      break;
    }
    if (acting && (r = link(a, b)) < 0)
      die("link", r);
    name_ino[j] = name_ino[i];
    break;
  case 2:
    if (name_ino[i] == 0)
      break;
    if (acting && (r = unlink(a)) < 0)
      die("unlink", r);
    name_ino[i] = 0;
    break;
  default:   // a truncating open of an existing name
    if (name_ino[i] == 0)
      break;
    if (acting) {
      if ((r = open(a, O_TRUNC | O_WRONLY)) < 0)
        die("truncating open", r);
      close(r);
    }
    ino_len[name_ino[i]] = 0;
    ino_hash[name_ino[i]] = fnv(buf, 0);
    break;
  }
}

// The last change before fsync is one operation (an unlink or a link): a
// write_name() ends with close(), whose operation would wait for room in
// the log, that is for the commit of the write's own group, and so would
// sync the write before fsync is even called.
static void last_step(void)
{
  int i = next_rand() % NNAME;
  char a[32], b[32];
  path_of(i, a);
  int r;
  if (name_ino[i]) {
    if (acting && (r = unlink(a)) < 0)
      die("last unlink", r);
    name_ino[i] = 0;
    return;
  }
  for (int j = 0; j < NNAME; j++) {
    if (name_ino[j]) {
      path_of(j, b);
      if (acting && (r = link(b, a)) < 0)
        die("last link", r);
      name_ino[i] = name_ino[j];
      return;
    }
  }
  write_name(i, next_rand() % MAXLEN);   // no name at all (rare)
}

// Keeps the log busy: each write() is a series of operations, and the
// unlinks free what they made. Never returns.
static void __attribute__((noreturn)) churn(const char *name)
{
  static char junk[48 * 1024];
  memset(junk, 'j', sizeof(junk));
  for (;;) {
    int fd = open(name, O_CREATE | O_TRUNC | O_WRONLY);
    if (fd >= 0) {
      write(fd, junk, sizeof(junk));
      close(fd);
    }
    unlink(name);
  }
}

int main(int argc, char **argv)
{
  if (argc != 2) {
    printf("usage: durable SEED\n");
    exit(2);
  }
  rng = atoi(argv[1]);
  snprintf(dir, sizeof(dir), "/dur%s", argv[1]);
  int r = mkdir(dir);
  if (r < 0 && r != -E_EXIST)
    die("mkdir", r);
  char name[32];
  for (int k = 0; k < 2; k++) {
    snprintf(name, sizeof(name), "%s/busy%d", dir, k);
    if (fork() == 0)
      churn(name);
  }

  // Open what fsync will be called on before any change, so that no
  // operation stands between the last change and fsync.
  snprintf(name, sizeof(name), "%s/anchor", dir);
  int dirfd = open(dir, O_RDONLY);
  int anchor = open(name, O_CREATE | O_WRONLY);
  if (dirfd < 0 || anchor < 0)
    die("open for fsync", dirfd < 0 ? dirfd : anchor);

  // Work the steps out first and print what fsync will have to keep, so
  // that nothing but the marker stands between fsync and the host's kill.
  uint seed = rng;
  for (int s = 0; s < NSTEP; s++)
    step();
  last_step();
  for (int i = 0; i < NNAME; i++) {
    if (name_ino[i])
      printf("DUR f%d %d %u\n", i, ino_len[name_ino[i]], ino_hash[name_ino[i]]);
    else
      printf("DUR f%d -\n", i);
  }
  // The same steps again, for real.
  rng = seed;
  next_ino = 1;
  memset(name_ino, 0, sizeof(name_ino));
  acting = 1;
  for (int s = 0; s < NSTEP; s++)
    step();
  last_step();

  // fsync the directory or a file that took no part: either way every
  // operation that has ended is committed.
  if ((r = fsync(seed % 2 ? dirfd : anchor)) < 0)
    die("fsync", r);
  printf("DURABLE-SYNCED %s\n", argv[1]);
  snprintf(name, sizeof(name), "%s/after", dir);
  churn(name);   // unsynced work until the host kills us
}
