// mkfs: builds a Zenith file-system image on the host.
//
//   mkfs IMAGE FILE...
//
// The image has FSSIZE blocks laid out as kernel/fs_format.h describes: boot
// block, superblock, log, inodes, free bitmap, data. The root directory holds
// "." and ".." and every FILE under its base name, minus one leading '_'
// (build/user/_cat becomes "cat"). Every program (an ELF file) is sealed
// (DI_SEALED): the running system can read and run it but never change,
// link or remove it.
// An input named syscaps.conf is the grant policy (user/lib/syscaps.h): it
// gets inode SYSCAPS_INO, is sealed too, and each of its lines must name only
// known system capabilities. Every input is checked before the image is
// written, so a bad argument leaves no half-built image behind. Multi-byte
// fields are stored little-endian explicitly, whatever the host.
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/types.h"
#include "kernel/param.h"
#include "kernel/fs_format.h"
#include "user/lib/syscaps.h"

// kernel/stat.h defines a struct stat of its own; rename it so the host's
// <sys/stat.h> can be used too.
#define stat zenith_stat
#include "kernel/stat.h"
#undef stat
#include <sys/stat.h>

#define NINODES 200
#define NLOG (LOGBLOCKS + 1)                 // log header + data blocks
#define NINODEBLOCKS (NINODES / IPB + 1)
#define NBITMAP (FSSIZE / BPB + 1)
#define DINODE_SIZE 64                        // bytes of struct dinode on disk
#define DIRENT_SIZE 16                        // bytes of struct dirent on disk
#define ROOT_MAXBLOCKS NDIRECT                // root directory uses direct blocks only

_Static_assert(sizeof(struct dinode) == DINODE_SIZE, "dinode layout");
_Static_assert(sizeof(struct dirent) == DIRENT_SIZE, "dirent layout");

// One input file, read completely into memory.
struct input {
  const char *path;
  char name[DIRSIZ + 1];
  unsigned char *data;
  size_t size;
  uint inum;
};

// The image under construction and the next free inode and data block.
static unsigned char *image;
static uint next_inum = ROOTINO;
static uint next_block;

static void die(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
static void die(const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  fprintf(stderr, "mkfs: ");
  vfprintf(stderr, fmt, ap);
  fprintf(stderr, "\n");
  va_end(ap);
  exit(1);
}

// ---- Little-endian field access ----

static void put16(unsigned char *p, uint v)
{
  p[0] = v & 0xff;
  p[1] = (v >> 8) & 0xff;
}

static void put32(unsigned char *p, uint v)
{
  for (int i = 0; i < 4; i++)
    p[i] = (v >> (8 * i)) & 0xff;
}

static uint get32(const unsigned char *p)
{
  return p[0] | (p[1] << 8) | (p[2] << 16) | ((uint)p[3] << 24);
}

static unsigned char *block(uint b)
{
  return image + (size_t)b * BSIZE;
}

// ---- Layout ----

static uint data_start(void)
{
  return 2 + NLOG + NINODEBLOCKS + NBITMAP;
}

// Blocks a file of `size` bytes occupies, counting its indirect blocks.
static size_t blocks_for(size_t size)
{
  size_t n = (size + BSIZE - 1) / BSIZE;
  size_t total = n;
  if (n > NDIRECT)
    total += 1;                                        // singly indirect
  if (n > NDIRECT + NINDIRECT) {
    size_t rest = n - NDIRECT - NINDIRECT;
    total += 1 + (rest + NINDIRECT - 1) / NINDIRECT;   // doubly indirect + its children
  }
  return total;
}

static void write_superblock(void)
{
  unsigned char *p = block(1);
  put32(p + 0, FSMAGIC);
  put32(p + 4, FSSIZE);
  put32(p + 8, FSSIZE - data_start());
  put32(p + 12, NINODES);
  put32(p + 16, NLOG);
  put32(p + 20, 2);
  put32(p + 24, 2 + NLOG);
  put32(p + 28, 2 + NLOG + NINODEBLOCKS);
}

// ---- Inodes and blocks ----

static uint alloc_block(void)
{
  uint b = next_block++;
  if (b >= FSSIZE)
    die("internal error: ran past the end of the image");
  return b;
}

static unsigned char *dinode_at(uint inum)
{
  uint per_block = BSIZE / DINODE_SIZE;
  return block(2 + NLOG + inum / per_block) + (inum % per_block) * DINODE_SIZE;
}

static uint alloc_inode(short type, short nlink)
{
  uint inum = next_inum++;
  unsigned char *d = dinode_at(inum);
  put16(d + 0, (ushort)type);
  put16(d + 6, (ushort)nlink);
  return inum;
}

// A program (an ELF file) or the grant policy: the running system must
// never change it (dinode.major of a file holds its flags).
static int sealed(const struct input *in)
{
  return (in->size >= 4 && memcmp(in->data, "\177ELF", 4) == 0) ||
         strcmp(in->name, SYSCAPS_NAME) == 0;
}

static void set_addr(uint inum, int slot, uint b)
{
  put32(dinode_at(inum) + 12 + 4 * slot, b);
}

// Returns the block number stored at entry i of the pointer block pb,
// allocating a fresh block for that entry when it is still 0.
static uint child_of(uint pb, uint i)
{
  unsigned char *p = block(pb) + 4 * i;
  if (get32(p) == 0)
    put32(p, alloc_block());
  return get32(p);
}

// Allocates the disk block for block index bn of inode inum, with any
// indirect blocks it needs, and returns its number.
static uint map_block(uint inum, size_t bn)
{
  unsigned char *d = dinode_at(inum);
  if (bn < NDIRECT) {
    uint b = alloc_block();
    set_addr(inum, bn, b);
    return b;
  }
  bn -= NDIRECT;
  int slot = bn < NINDIRECT ? NDIRECT : NDIRECT + 1;
  if (get32(d + 12 + 4 * slot) == 0)
    set_addr(inum, slot, alloc_block());
  uint top = get32(d + 12 + 4 * slot);
  if (bn < NINDIRECT)
    return child_of(top, bn);
  bn -= NINDIRECT;
  return child_of(child_of(top, bn / NINDIRECT), bn % NINDIRECT);
}

// Stores data as the contents of inode inum and sets its size.
static void write_contents(uint inum, const unsigned char *data, size_t size)
{
  for (size_t off = 0, bn = 0; off < size; off += BSIZE, bn++) {
    size_t n = size - off < BSIZE ? size - off : BSIZE;
    memcpy(block(map_block(inum, bn)), data + off, n);
  }
  put32(dinode_at(inum) + 8, (uint)size);
}

static void put_dirent(unsigned char *p, uint inum, const char *name)
{
  put16(p, inum);
  memset(p + 2, 0, DIRSIZ);
  memcpy(p + 2, name, strnlen(name, DIRSIZ));
}

// Marks blocks 0..next_block-1 used in the free bitmap.
static void write_bitmap(void)
{
  uint start = 2 + NLOG + NINODEBLOCKS;
  for (uint b = 0; b < next_block; b++)
    block(start + b / BPB)[(b % BPB) / 8] |= 1 << (b % 8);
}

// ---- Inputs ----

static void name_for(struct input *in)
{
  const char *base = strrchr(in->path, '/');
  base = base ? base + 1 : in->path;
  if (base[0] == '_')
    base++;
  if (base[0] == 0)
    die("%s: empty file name", in->path);
  if (strlen(base) > DIRSIZ)
    die("%s: name \"%s\" is longer than %d characters", in->path, base, DIRSIZ);
  if (strcmp(base, ".") == 0 || strcmp(base, "..") == 0)
    die("%s: name \"%s\" is reserved", in->path, base);
  strcpy(in->name, base);
}

static void read_input(struct input *in)
{
  struct stat st;
  FILE *f = fopen(in->path, "rb");
  if (f == 0)
    die("cannot read %s: %s", in->path, strerror(errno));
  if (fstat(fileno(f), &st) < 0 || !S_ISREG(st.st_mode))
    die("%s: not a regular file", in->path);
  if ((unsigned long long)st.st_size > (unsigned long long)MAXFILE * BSIZE)
    die("%s: too big for one file (%lld bytes)", in->path, (long long)st.st_size);
  in->size = st.st_size;
  in->data = malloc(in->size ? in->size : 1);
  if (in->data == 0)
    die("out of memory reading %s", in->path);
  if (fread(in->data, 1, in->size, f) != in->size)
    die("cannot read %s: %s", in->path, ferror(f) ? strerror(errno) : "file changed size");
  fclose(f);
}

// Rejects duplicate names, too many files and files that do not fit.
static void check_inputs(struct input *ins, int n)
{
  for (int i = 0; i < n; i++) {
    for (int j = 0; j < i; j++) {
      if (strcmp(ins[i].name, ins[j].name) == 0)
        die("duplicate name \"%s\" (%s and %s)", ins[i].name, ins[j].path, ins[i].path);
    }
  }
  if (n + ROOTINO >= NINODES)
    die("too many files: %d, at most %d fit in %d inodes", n, NINODES - ROOTINO - 1, NINODES);
  size_t dir_bytes = (size_t)(n + 2) * DIRENT_SIZE;
  if (dir_bytes > (size_t)ROOT_MAXBLOCKS * BSIZE)
    die("too many files: the root directory would need more than %d blocks", ROOT_MAXBLOCKS);
  size_t need = data_start() + blocks_for(dir_bytes);
  for (int i = 0; i < n; i++)
    need += blocks_for(ins[i].size);
  if (need > FSSIZE)
    die("image too small: need %zu blocks, have %d", need, FSSIZE);
}

// ---- The grant policy ----

static const char *const syscap_words[NSYSCAPS] = { SYSCAPS_WORDS };

static int is_input(struct input *ins, int n, const char *name)
{
  for (int i = 0; i < n; i++)
    if (strcmp(ins[i].name, name) == 0)
      return 1;
  return 0;
}

// Each line of the policy: a program name, then known words only. A
// misspelt capability would silently grant nothing, so the image is not
// built.
static void check_policy(struct input *pol, struct input *ins, int n)
{
  char *text = malloc(pol->size + 1);
  if (text == 0)
    die("out of memory");
  memcpy(text, pol->data, pol->size);
  text[pol->size] = 0;
  int lineno = 0;
  for (char *line = strtok(text, "\n"); line; line = strtok(0, "\n")) {
    lineno++;
    char *hash = strchr(line, '#');
    if (hash)
      *hash = 0;
    char *save, *prog = strtok_r(line, " \t\r", &save);
    if (prog == 0)
      continue;
    // A program the image lacks (a lab handout leaves some out) gets
    // nothing: its line names no inode (`grants` says "not installed").
    if (!is_input(ins, n, prog) && strlen(prog) > DIRSIZ)
      die("%s: line %d: %s: name longer than %d characters", pol->path, lineno, prog, DIRSIZ);
    for (char *w; (w = strtok_r(0, " \t\r", &save)) != 0;) {
      int known = 0;
      for (int k = 0; k < NSYSCAPS; k++)
        known |= strcmp(w, syscap_words[k]) == 0;
      if (!known)
        die("%s: line %d: %s: unknown system capability \"%s\"", pol->path, lineno, prog, w);
    }
  }
  if (pol->size > SYSCAPS_MAX)
    die("%s: longer than %d bytes", pol->path, SYSCAPS_MAX);
  free(text);
}

// The policy goes first, so that it gets inode SYSCAPS_INO.
static void policy_first(struct input *ins, int n)
{
  for (int i = 0; i < n; i++) {
    if (strcmp(ins[i].name, SYSCAPS_NAME) != 0)
      continue;
    check_policy(&ins[i], ins, n);
    struct input pol = ins[i];
    memmove(&ins[1], &ins[0], i * sizeof(*ins));
    ins[0] = pol;
    return;
  }
}

static void build(struct input *ins, int n)
{
  next_block = data_start();
  write_superblock();
  uint root = alloc_inode(T_DIR, 1);
  if (root != ROOTINO || ROOTINO + 1 != SYSCAPS_INO)
    die("internal error: root is inode %u", root);

  size_t dir_bytes = (size_t)(n + 2) * DIRENT_SIZE;
  unsigned char *dir = calloc(1, dir_bytes);
  if (dir == 0)
    die("out of memory");
  put_dirent(dir, root, ".");
  put_dirent(dir + DIRENT_SIZE, root, "..");
  for (int i = 0; i < n; i++) {
    ins[i].inum = alloc_inode(T_FILE, 1);
    if (sealed(&ins[i]))
      put16(dinode_at(ins[i].inum) + 2, DI_SEALED);
    write_contents(ins[i].inum, ins[i].data, ins[i].size);
    put_dirent(dir + (i + 2) * DIRENT_SIZE, ins[i].inum, ins[i].name);
  }
  write_contents(root, dir, dir_bytes);
  free(dir);
  write_bitmap();
}

static void save(const char *path)
{
  FILE *f = fopen(path, "wb");
  if (f == 0)
    die("cannot write %s: %s", path, strerror(errno));
  size_t bytes = (size_t)FSSIZE * BSIZE;
  if (fwrite(image, 1, bytes, f) != bytes || fclose(f) != 0) {
    int err = errno;
    remove(path);
    die("cannot write %s: %s", path, strerror(err));
  }
}

int main(int argc, char **argv)
{
  if (argc < 2) {
    fprintf(stderr, "usage: mkfs IMAGE FILE...\n");
    return 2;
  }
  int n = argc - 2;
  struct input *ins = calloc(n ? n : 1, sizeof(*ins));
  image = calloc(FSSIZE, BSIZE);
  if (ins == 0 || image == 0)
    die("out of memory");
  for (int i = 0; i < n; i++) {
    ins[i].path = argv[i + 2];
    name_for(&ins[i]);
    read_input(&ins[i]);
  }
  check_inputs(ins, n);
  policy_first(ins, n);
  build(ins, n);
  save(argv[1]);
  printf("mkfs: %s: %d files, %u of %d blocks used\n", argv[1], n, next_block, FSSIZE);
  return 0;
}
