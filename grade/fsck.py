"""Check a Zenith disk image from the host, after the guest has stopped.

    report = fsck.check(path)          # replays a committed log group first
    report.errors                      # [] when the disk is consistent
    report.orphans                     # allocated inodes no directory names
    report.lookup("/d/f")              # inode number of a path, or None
    report.read("/d/f")                # a regular file's bytes

What "consistent, nothing leaked" means here (kernel/fs_format.h layout):
  - every directory entry names an allocated inode; "." is the directory
    itself, ".." its parent (the root's is the root); no directory is
    named twice;
  - every allocated inode is reachable from the root, except orphans
    (nlink 0: unlinked while still open; only a crash leaves them);
  - nlink is exact: a file's is the number of entries naming it, a
    directory's 1 (its entry; the root has none but counts 1 too) plus
    one per subdirectory (its "..");  "." is never counted;
  - every block an inode uses is a data block, used once, and marked in
    the bitmap; every data block marked in the bitmap is used by an inode;
  - a symbolic link (T_SYMLINK, lab fs) holds its target as data: 1 to
    MAXPATH-1 bytes, in its first direct block, with no NUL in it;
  - every allocated inode has a known type;
  - the superblock's regions (log, inodes, bitmap, data) follow each other
    and fit in the image; the log header holds at most nlog-1 blocks, each
    a home block past the log, named once (else recovery would write
    garbage over the disk: then nothing is replayed and the rest is not
    checked).
A directory cycle shows as a directory named twice (the second name is
its way back up); ".." naming anything but the parent is reported too.
"""

import struct
from dataclasses import dataclass, field
from pathlib import Path

BSIZE = 1024
FSMAGIC = 0x5A454E31
ROOTINO = 1
NDIRECT = 11
NINDIRECT = BSIZE // 4
DIRSIZ = 14
T_DIR, T_FILE, T_DEVICE, T_SYMLINK = 1, 2, 3, 4
MAXPATH = 128          # a symbolic link holds a path: 1..MAXPATH-1 bytes
SUPER = struct.Struct("<8I")
DINODE = struct.Struct("<hhhhI13I")   # type major minor nlink size addrs[NDIRECT+2]
DIRENT = struct.Struct("<H14s")
IPB = BSIZE // DINODE.size
BPB = BSIZE * 8


@dataclass
class Inode:
    inum: int
    type: int
    nlink: int
    size: int
    addrs: tuple


@dataclass
class Report:
    errors: list = field(default_factory=list)
    orphans: list = field(default_factory=list)
    replayed: int = 0           # blocks of a committed group the log held
    free_inodes: int = 0
    free_blocks: int = 0
    image: "Image" = None

    def lookup(self, path):
        return self.image.lookup(path)

    def made_at_boot(self):
        """Names every boot adds to this (fresh) image's root: init makes
        /console, a device node (an inode, no blocks)."""
        return {"console"} - set(self.image.entries_of("/"))

    def free_after_a_clean_run(self, after):
        """(free inodes, free blocks) a disk booted from this fresh image
        must be back to once a run has removed everything it made; `after`
        is that disk's Report. Directories never shrink (as in xv6, removing
        an entry leaves an empty slot), so the blocks a directory of the
        fresh image gained while the run made entries in it stay its own."""
        grown = 0
        for inum in range(ROOTINO, self.image.ninodes):
            ip = self.image.inode(inum)
            if ip.type == T_DIR and after.image.inode(inum).type == T_DIR:
                grown += max(0, len(after.image.blocks_of(after.image.inode(inum))[0])
                             - len(self.image.blocks_of(ip)[0]))
        return self.free_inodes - len(self.made_at_boot()), self.free_blocks - grown

    def read(self, path):
        return self.image.read(path)


class Image:
    def __init__(self, data):
        self.data = bytearray(data)
        (self.magic, self.size, self.nblocks, self.ninodes, self.nlog,
         self.logstart, self.inodestart, self.bmapstart) = SUPER.unpack_from(self.data, BSIZE)
        if self.magic != FSMAGIC:
            raise ValueError(f"bad superblock magic {self.magic:#x}")
        self.datastart = self.bmapstart + self.size // BPB + 1

    def block(self, b):
        return bytes(self.data[b * BSIZE:(b + 1) * BSIZE])

    def words(self, b):
        return struct.unpack_from(f"<{NINDIRECT}I", self.data, b * BSIZE)

    def layout_errors(self, image_bytes):
        """What is wrong with the superblock's regions (kernel/fs_format.h)."""
        errs = []
        if self.size * BSIZE > image_bytes:
            errs.append(f"superblock: size {self.size} blocks, the image has "
                        f"{image_bytes // BSIZE}")
        inode_blocks = -(-self.ninodes // IPB)
        if not (2 <= self.logstart and self.logstart + self.nlog <= self.inodestart
                and self.inodestart + inode_blocks <= self.bmapstart
                and self.datastart <= self.size):
            errs.append(f"superblock: regions out of order or overlapping (log {self.logstart}"
                        f"+{self.nlog}, inodes {self.inodestart}+{inode_blocks}, bitmap "
                        f"{self.bmapstart}, data {self.datastart}, size {self.size})")
        if self.nblocks != self.size - self.datastart:
            errs.append(f"superblock: nblocks {self.nblocks}, the data area has "
                        f"{self.size - self.datastart}")
        if self.nlog < 2:
            errs.append(f"superblock: nlog {self.nlog}, no room for a log")
        return errs

    def log_errors(self):
        """What is wrong with the log header (a committed group must name
        at most nlog-1 distinct home blocks, each past the log)."""
        n = struct.unpack_from("<I", self.data, self.logstart * BSIZE)[0]
        if n > self.nlog - 1 or n > (BSIZE - 4) // 4:
            return [f"log header: {n} blocks, the log holds {self.nlog - 1}"]
        homes = struct.unpack_from(f"<{n}I", self.data, self.logstart * BSIZE + 4)
        errs = [f"log header: entry {i} names block {h}, not a home block (log ends at "
                f"{self.logstart + self.nlog}, disk at {self.size})"
                for i, h in enumerate(homes)
                if not self.logstart + self.nlog <= h < self.size]
        if len(set(homes)) != n:
            errs.append("log header: a block is named twice")
        return errs

    def replay_log(self):
        """Install a committed group (header count > 0) as recovery would."""
        n = struct.unpack_from("<I", self.data, self.logstart * BSIZE)[0]
        if n == 0:
            return 0
        homes = struct.unpack_from(f"<{n}I", self.data, self.logstart * BSIZE + 4)
        for i, home in enumerate(homes):
            src = (self.logstart + 1 + i) * BSIZE
            self.data[home * BSIZE:(home + 1) * BSIZE] = self.data[src:src + BSIZE]
        return n

    def inode(self, inum):
        off = (self.inodestart + inum // IPB) * BSIZE + (inum % IPB) * DINODE.size
        t, _major, _minor, nlink, size, *addrs = DINODE.unpack_from(self.data, off)
        return Inode(inum, t, nlink, size, tuple(addrs))

    def used(self, b):
        byte = self.data[(self.bmapstart + b // BPB) * BSIZE + (b % BPB) // 8]
        return bool(byte & (1 << (b % 8)))

    def blocks_of(self, ip):
        """(data and index blocks, bad pointers) of an inode."""
        out, bad = [], []

        def take(b):
            if self.datastart <= b < self.size:
                out.append(b)
                return True
            bad.append(b)
            return False

        for b in ip.addrs[:NDIRECT]:
            if b:
                take(b)
        ind = ip.addrs[NDIRECT]
        if ind and take(ind):
            for b in self.words(ind):
                if b:
                    take(b)
        top = ip.addrs[NDIRECT + 1]
        if top and take(top):
            for mid in self.words(top):
                if mid and take(mid):
                    for b in self.words(mid):
                        if b:
                            take(b)
        return out, bad

    def contents(self, ip):
        data = bytearray()
        nblocks = -(-ip.size // BSIZE)
        order = [b for b in ip.addrs[:NDIRECT]]
        if nblocks > NDIRECT and ip.addrs[NDIRECT]:
            order += list(self.words(ip.addrs[NDIRECT]))
        if nblocks > NDIRECT + NINDIRECT and ip.addrs[NDIRECT + 1]:
            for mid in self.words(ip.addrs[NDIRECT + 1]):
                order += list(self.words(mid)) if mid else [0] * NINDIRECT
        for b in order[:nblocks]:
            data += self.block(b) if b else bytes(BSIZE)
        return bytes(data[:ip.size])

    def entries(self, ip):
        raw = self.contents(ip)
        for off in range(0, len(raw) - DIRENT.size + 1, DIRENT.size):
            inum, name = DIRENT.unpack_from(raw, off)
            if inum:
                yield name.rstrip(b"\0").decode(errors="replace"), inum

    def lookup(self, path):
        inum = ROOTINO
        for part in [p for p in path.split("/") if p]:
            ip = self.inode(inum)
            if ip.type != T_DIR:
                return None
            inum = dict(self.entries(ip)).get(part[:DIRSIZ])
            if inum is None:
                return None
        return inum

    def entries_of(self, path):
        """{name: inum} of the directory at path ("." and ".." left out)."""
        inum = self.lookup(path)
        ip = self.inode(inum) if inum else None
        if ip is None or ip.type != T_DIR:
            return {}
        return {n: i for n, i in self.entries(ip) if n not in (".", "..")}

    def read(self, path):
        inum = self.lookup(path)
        if inum is None:
            return None
        return self.contents(self.inode(inum))


def symlink_error(img, ip):
    """What is wrong with symbolic link ip, or None."""
    if not 0 < ip.size < MAXPATH:
        return f"size {ip.size}, a target must be 1..{MAXPATH - 1} bytes"
    if not ip.addrs[0] or any(ip.addrs[1:]):
        return f"its target must be in its first direct block alone (addrs {list(ip.addrs)})"
    if b"\0" in img.contents(ip):
        return "its target holds a NUL byte"
    return None


def check(path):
    """Replay the log, then check the whole image; returns a Report."""
    raw = Path(path).read_bytes()
    if len(raw) < 2 * BSIZE:
        return Report(errors=[f"{len(raw)} bytes: too small for a boot block and a superblock"])
    try:
        img = Image(raw)
    except ValueError as e:     # not a Zenith image at all
        return Report(errors=[str(e)])
    rep = Report(image=img)
    rep.errors = img.layout_errors(len(raw)) or img.log_errors()
    if rep.errors:
        return rep   # the rest would be read from the wrong places
    rep.replayed = img.replay_log()
    err = rep.errors.append

    names = {}        # inum -> entries naming it (not "." or "..")
    subdirs = {}      # directory inum -> its subdirectories
    parent = {ROOTINO: ROOTINO}
    todo = [ROOTINO]
    while todo:
        d = todo.pop()
        dip = img.inode(d)
        if dip.type != T_DIR:
            err(f"inode {d} reached as a directory has type {dip.type}")
            continue
        subdirs.setdefault(d, 0)
        for name, inum in img.entries(dip):
            if not 0 < inum < img.ninodes:
                err(f"dir {d}: entry {name!r} names inode {inum}, out of range")
                continue
            ip = img.inode(inum)
            if name == ".":
                if inum != d:
                    err(f"dir {d}: '.' names {inum}")
                continue
            if name == "..":
                if inum != parent[d]:
                    err(f"dir {d}: '..' names {inum}, its parent is {parent[d]}")
                continue
            if ip.type == 0:
                err(f"dir {d}: entry {name!r} names free inode {inum}")
                continue
            names[inum] = names.get(inum, 0) + 1
            if ip.type == T_DIR:
                if inum in parent:
                    err(f"directory {inum} is named twice (again as {name!r} in {d})")
                    continue
                parent[inum] = d
                subdirs[d] += 1
                todo.append(inum)

    owner = {}
    for inum in range(1, img.ninodes):
        ip = img.inode(inum)
        if ip.type == 0:
            rep.free_inodes += 1
            continue
        reachable = inum == ROOTINO or inum in names
        if not reachable:
            if ip.nlink == 0:
                rep.orphans.append(inum)
            else:
                err(f"inode {inum} (type {ip.type}, nlink {ip.nlink}) is allocated "
                    "but no directory names it")
        elif ip.type == T_DIR:
            want = 1 + subdirs.get(inum, 0)
            if ip.nlink != want:
                err(f"directory {inum}: nlink {ip.nlink}, expected {want}")
        elif ip.nlink != names[inum]:
            err(f"inode {inum}: nlink {ip.nlink}, {names[inum]} entries name it")
        if ip.type not in (T_DIR, T_FILE, T_DEVICE, T_SYMLINK):
            err(f"inode {inum} has unknown type {ip.type}")
        elif ip.type == T_SYMLINK:
            err_symlink = symlink_error(img, ip)
            if err_symlink:
                err(f"symbolic link {inum}: {err_symlink}")
        blocks, bad = img.blocks_of(ip)
        for b in bad:
            err(f"inode {inum} points at block {b}, outside the data area")
        for b in blocks:
            if b in owner:
                err(f"block {b} used by inodes {owner[b]} and {inum}")
            owner[b] = inum
            if not img.used(b):
                err(f"block {b} of inode {inum} is free in the bitmap")

    for b in range(img.datastart, img.size):
        if not img.used(b):
            rep.free_blocks += 1
        elif b not in owner:
            err(f"block {b} is marked used but no inode uses it")
    return rep


def main(argv):
    """`python3 grade/fsck.py IMAGE...`: print each image's errors; exit 1 if any."""
    if len(argv) < 2:
        print("usage: python3 grade/fsck.py IMAGE...   (for example build/qemu-fs.img)")
        return 2
    status = 0
    for name in argv[1:]:
        if not Path(name).is_file():
            print(f"fsck: {name}: no such file")
            status = 2
            continue
        rep = check(name)
        for line in rep.errors:
            print(f"fsck: {name}: {line}")
        orphans = f", {len(rep.orphans)} orphan inode(s)" if rep.orphans else ""
        verdict = f"{len(rep.errors)} error(s)" if rep.errors else "consistent"
        print(f"fsck: {name}: {verdict}; {rep.free_blocks} free data blocks{orphans}")
        if rep.errors:
            status = max(status, 1)
    return status


if __name__ == "__main__":
    import sys
    sys.exit(main(sys.argv))
