// ELF64 file format: the parts exec needs (from the ELF specification).
#ifndef ZENITH_ELF_H
#define ZENITH_ELF_H

#include "types.h"

#define ELF_MAGIC 0x464C457FU   // "\x7FELF" read as a little-endian word
#define ELFCLASS64 2
#define ELFDATA2LSB 1
#define ET_EXEC 2
#define EM_RISCV 243

struct elfhdr {
  uint magic;
  uchar ident[12];   // class, data, version, ABI, padding
  ushort type;
  ushort machine;
  uint version;
  uint64 entry;
  uint64 phoff;
  uint64 shoff;
  uint flags;
  ushort ehsize;
  ushort phentsize;
  ushort phnum;
  ushort shentsize;
  ushort shnum;
  ushort shstrndx;
};

struct proghdr {
  uint32 type;
  uint32 flags;
  uint64 off;
  uint64 vaddr;
  uint64 paddr;
  uint64 filesz;
  uint64 memsz;
  uint64 align;
};

#define PT_LOAD 1
#define PF_X 1
#define PF_W 2
#define PF_R 4

#endif
