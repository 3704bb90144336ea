// Power cuts at chosen points of a commit (crash tests: the fs lab's stage
// 3, grade/labs/fscrash.py; book 5.21). The boot argument
//     diskcut=NAME:K:W
// cuts the power just before the W-th disk write of the K-th commit run
// by a process called NAME (counting only commits that write something).
// The cut comes from the disk driver (virtio_blk_cut), below the log, so
// it hits exactly the write it names whatever order the log writes in,
// and it is deterministic on any number of harts: a commit runs alone
// (log.c), and its writes are issued one at a time.
#include "types.h"
#include "param.h"
#include "lib/spinlock.h"
#include "lib/printf.h"
#include "lib/klib.h"
#include "proc/proc.h"
#include "dev/dtb.h"
#include "dev/virtio_blk.h"
#include "fs/diskcut.h"

// Written at boot, then read only by the committer: commits run one at a
// time, handed over under the log's lock.
static struct {
  int on;
  char name[16];
  int commit;   // K
  int write;    // W
  int seen;     // non-empty commits NAME has run so far
} cut;

// Parse a decimal number at *s, moving *s past it; -1 if there is none.
static int number(const char **s)
{
  int n = -1;
  for (; **s >= '0' && **s <= '9'; (*s)++)
    n = (n < 0 ? 0 : n * 10) + (**s - '0');
  return n;
}

void diskcut_init(void)
{
  char arg[48];
  if (!bootarg("diskcut", arg, sizeof(arg)))
    return;
  const char *s = arg;
  int len = 0;
  while (s[len] && s[len] != ':')
    len++;
  if (s[len] != ':' || len == 0 || len >= (int)sizeof(cut.name)) {
    printf("diskcut: ignored: expected diskcut=NAME:COMMIT:WRITE\n");
    return;
  }
  memmove(cut.name, s, len);
  cut.name[len] = 0;
  s += len + 1;
  cut.commit = number(&s);
  int colon = *s == ':';
  s++;
  cut.write = colon ? number(&s) : -1;
  if (cut.commit < 1 || cut.write < 1) {
    printf("diskcut: ignored: expected diskcut=NAME:COMMIT:WRITE\n");
    return;
  }
  cut.on = 1;
}

void diskcut_commit_begin(void)
{
  if (!cut.on || strncmp(myproc()->name, cut.name, sizeof(cut.name)) != 0)
    return;
  if (++cut.seen == cut.commit) {
    printf("diskcut: commit %d of %s: cutting before its disk write %d\n", cut.commit,
           cut.name, cut.write);
    virtio_blk_cut(cut.write);
  }
}

void diskcut_commit_end(void)
{
  if (cut.on && cut.seen == cut.commit)
    virtio_blk_cut(0);   // the commit wrote fewer blocks than W: no cut
}
