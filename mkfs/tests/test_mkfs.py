"""Host tests for mkfs: a good image parses back correctly, bad input is refused.

Run with `/usr/bin/python3 -m pytest mkfs/tests`. The tool is compiled into a
temporary directory with the host gcc, so the tests do not depend on (or
touch) build/.
"""
import os
import re
import struct
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BSIZE = 1024
DIRSIZ = 14
NDIRECT = 11
NINDIRECT = BSIZE // 4
FSMAGIC = 0x5A454E31
ROOTINO = 1
T_DIR, T_FILE = 1, 2
DI_SEALED = 0x1         # dinode.major of a file: the running system never changes it
SYSCAPS_INO = 2         # the grant policy's inode (user/lib/syscaps.h)
DINODE = struct.Struct("<hhhhI13I")   # type major minor nlink size addrs[NDIRECT+2]
DIRENT = struct.Struct("<H14s")
SUPER = struct.Struct("<8I")


def param(name):
    """Evaluates a #define of kernel/param.h so the tests follow its values."""
    defs = dict(re.findall(r"#define\s+(\w+)\s+([^/\n]+)", (REPO / "kernel" / "param.h").read_text()))
    expr = re.sub(r"[A-Za-z_]\w*", lambda m: str(param(m.group(0))), defs[name].strip())
    return int(eval(expr))


def cost(nblocks):
    """Disk blocks a file of nblocks data blocks takes, pointer blocks included."""
    total = nblocks
    if nblocks > NDIRECT:
        total += 1
    if nblocks > NDIRECT + NINDIRECT:
        total += 1 + -(-(nblocks - NDIRECT - NINDIRECT) // NINDIRECT)
    return total


FSSIZE = param("FSSIZE")
LOGBLOCKS = param("LOGBLOCKS")


@pytest.fixture(scope="session")
def mkfs(tmp_path_factory):
    exe = tmp_path_factory.mktemp("bin") / "mkfs"
    subprocess.run(["gcc", "-Wall", "-Wextra", "-Werror", "-O2", "-I", str(REPO),
                    "-o", str(exe), str(REPO / "mkfs" / "mkfs.c")], check=True)
    return exe


def run(mkfs, *args):
    return subprocess.run([str(mkfs), *map(str, args)], capture_output=True, text=True)


def refused(result, pattern):
    """The run failed, said why on stderr, matching pattern."""
    assert result.returncode != 0, result.stdout
    assert re.search(pattern, result.stderr), result.stderr
    return True


class Image:
    """Reads a file-system image back with struct, following fs_format.h."""

    def __init__(self, path):
        self.data = Path(path).read_bytes()
        self.sb = dict(zip(["magic", "size", "nblocks", "ninodes", "nlog",
                            "logstart", "inodestart", "bmapstart"],
                           SUPER.unpack_from(self.data, BSIZE)))

    def block(self, b):
        return self.data[b * BSIZE:(b + 1) * BSIZE]

    def inode(self, inum):
        ipb = BSIZE // DINODE.size
        off = (self.sb["inodestart"] + inum // ipb) * BSIZE + (inum % ipb) * DINODE.size
        f = DINODE.unpack_from(self.data, off)
        return {"type": f[0], "major": f[1], "nlink": f[3], "size": f[4], "addrs": list(f[5:])}

    def pointers(self, b):
        return list(struct.unpack_from("<%dI" % NINDIRECT, self.data, b * BSIZE))

    def block_numbers(self, ino):
        """Every data block of the inode, in file order, plus its pointer blocks."""
        nblocks = (ino["size"] + BSIZE - 1) // BSIZE
        addrs = ino["addrs"]
        data = addrs[:NDIRECT]
        meta = []
        if nblocks > NDIRECT:
            meta.append(addrs[NDIRECT])
            data += self.pointers(addrs[NDIRECT])
        if nblocks > NDIRECT + NINDIRECT:
            meta.append(addrs[NDIRECT + 1])
            for mid in self.pointers(addrs[NDIRECT + 1]):
                if mid:
                    meta.append(mid)
                    data += self.pointers(mid)
        return data[:nblocks], meta

    def read(self, inum):
        ino = self.inode(inum)
        blocks, _ = self.block_numbers(ino)
        return b"".join(self.block(b) for b in blocks)[:ino["size"]]

    def root(self):
        raw = self.read(ROOTINO)
        entries = {}
        for off in range(0, len(raw), DIRENT.size):
            inum, name = DIRENT.unpack_from(raw, off)
            if inum:
                entries[name.rstrip(b"\0").decode()] = inum
        return entries

    def block_used(self, b):
        byte = self.data[self.sb["bmapstart"] * BSIZE + b // 8]
        return bool(byte & (1 << (b % 8)))


@pytest.fixture
def files(tmp_path):
    """A few inputs: a small text file, a '_'-prefixed program, an empty file,
    and one big enough to need the doubly indirect block."""
    d = tmp_path / "in"
    d.mkdir()
    contents = {
        "README": b"hello, zenith\n",
        "_prog": b"\x7fELF" + bytes(range(256)) * 40,            # a program: 11 blocks
        "empty": b"",
        "big": os.urandom((NDIRECT + NINDIRECT + 5) * BSIZE + 123),
        "fourteenchars_": b"x",                                   # exactly DIRSIZ
    }
    for name, data in contents.items():
        (d / name).write_bytes(data)
    return d, contents


def test_good_image(mkfs, files, tmp_path):
    d, contents = files
    img = tmp_path / "fs.img"
    r = run(mkfs, img, *(d / n for n in contents))
    assert r.returncode == 0, r.stderr
    assert img.stat().st_size == FSSIZE * BSIZE

    fs = Image(img)
    sb = fs.sb
    assert sb["magic"] == FSMAGIC
    assert sb["size"] == FSSIZE
    assert sb["logstart"] == 2 and sb["nlog"] == LOGBLOCKS + 1
    assert sb["inodestart"] == sb["logstart"] + sb["nlog"]
    assert sb["ninodes"] == 200
    ninodeblocks = sb["ninodes"] // (BSIZE // DINODE.size) + 1
    assert sb["bmapstart"] == sb["inodestart"] + ninodeblocks
    assert sb["nblocks"] == FSSIZE - (sb["bmapstart"] + 1)

    root = fs.inode(ROOTINO)
    assert root["type"] == T_DIR
    entries = fs.root()
    assert entries["."] == ROOTINO and entries[".."] == ROOTINO
    expected = {n.lstrip("_") if n.startswith("_") else n: data for n, data in contents.items()}
    assert set(entries) == set(expected) | {".", ".."}
    for name, data in expected.items():
        ino = fs.inode(entries[name])
        assert ino["type"] == T_FILE, name
        assert ino["major"] == (DI_SEALED if data[:4] == b"\x7fELF" else 0), name
        assert ino["nlink"] == 1, name
        assert ino["size"] == len(data), name
        assert fs.read(entries[name]) == data, name


def test_big_file_uses_indirect_blocks(mkfs, files, tmp_path):
    d, contents = files
    img = tmp_path / "fs.img"
    assert run(mkfs, img, d / "big").returncode == 0
    fs = Image(img)
    ino = fs.inode(fs.root()["big"])
    assert ino["addrs"][NDIRECT] != 0 and ino["addrs"][NDIRECT + 1] != 0
    assert fs.read(fs.root()["big"]) == contents["big"]


def test_bitmap_marks_exactly_the_used_blocks(mkfs, files, tmp_path):
    d, contents = files
    img = tmp_path / "fs.img"
    assert run(mkfs, img, *(d / n for n in contents)).returncode == 0
    fs = Image(img)
    used = set(range(fs.sb["bmapstart"] + 1))           # boot, super, log, inodes, bitmap
    for inum in fs.root().values():
        data, meta = fs.block_numbers(fs.inode(inum))
        used |= set(data) | set(meta)
    for b in range(FSSIZE):
        assert fs.block_used(b) == (b in used), b


def test_no_arguments_prints_usage(mkfs):
    assert refused(run(mkfs), r"usage")


def test_missing_file(mkfs, tmp_path):
    assert refused(run(mkfs, tmp_path / "fs.img", tmp_path / "nope"), r"nope")
    assert not (tmp_path / "fs.img").exists()


def test_unreadable_file(mkfs, tmp_path):
    if os.geteuid() == 0:
        pytest.skip("root can read a mode-000 file")
    f = tmp_path / "secret"
    f.write_bytes(b"x")
    f.chmod(0)
    assert refused(run(mkfs, tmp_path / "fs.img", f), r"secret")


def test_directory_argument(mkfs, tmp_path):
    (tmp_path / "adir").mkdir()
    assert refused(run(mkfs, tmp_path / "fs.img", tmp_path / "adir"), r"not a regular file")


def test_name_too_long(mkfs, tmp_path):
    f = tmp_path / "_fifteen_chars__"          # 15 characters once '_' is stripped
    f.write_bytes(b"x")
    assert refused(run(mkfs, tmp_path / "fs.img", f), r"longer than 14")


def test_duplicate_names(mkfs, tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "_cat").write_bytes(b"1")
    (tmp_path / "b" / "cat").write_bytes(b"2")
    r = run(mkfs, tmp_path / "fs.img", tmp_path / "a" / "_cat", tmp_path / "b" / "cat")
    assert refused(r, r"duplicate name \"cat\"")


def test_too_many_files(mkfs, tmp_path):
    d = tmp_path / "many"
    d.mkdir()
    paths = []
    for i in range(200):
        p = d / ("f%d" % i)
        p.write_bytes(b"")
        paths.append(p)
    assert refused(run(mkfs, tmp_path / "fs.img", *paths), r"too many files")
    # The largest count that fits: every inode but 0 and the root's.
    assert run(mkfs, tmp_path / "fs.img", *paths[:198]).returncode == 0


def test_image_too_small(mkfs, tmp_path):
    f = tmp_path / "huge"
    f.write_bytes(b"\1" * (FSSIZE * BSIZE))
    assert refused(run(mkfs, tmp_path / "fs.img", f),
                   r"image too small: need \d+ blocks, have %d" % FSSIZE)


def test_fills_image_exactly(mkfs, tmp_path):
    """A file that takes every remaining block fits; one block more does not."""
    probe = tmp_path / "probe"
    probe.write_bytes(b"")
    img = tmp_path / "fs.img"
    assert run(mkfs, img, probe).returncode == 0
    fs = Image(img)
    free = sum(not fs.block_used(b) for b in range(FSSIZE))
    n = free
    while cost(n) > free:
        n -= 1
    probe.write_bytes(b"z" * (n * BSIZE))
    r = run(mkfs, img, probe)
    assert r.returncode == 0, r.stderr
    fs = Image(img)
    assert fs.read(fs.root()["probe"]) == b"z" * (n * BSIZE)
    assert all(fs.block_used(b) for b in range(FSSIZE))
    probe.write_bytes(b"z" * (n * BSIZE + 1))
    assert refused(run(mkfs, img, probe), r"image too small: need %d blocks, have %d"
                   % (FSSIZE + cost(n + 1) - cost(n), FSSIZE))


def test_unwritable_output(mkfs, files, tmp_path):
    d, _ = files
    r = run(mkfs, tmp_path / "no" / "such" / "dir" / "fs.img", d / "README")
    assert refused(r, r"cannot write")


# ---- The grant policy (user/lib/syscaps.h)

def _policy(tmp_path, text):
    p = tmp_path / "syscaps.conf"
    p.write_text(text)
    return p


def test_policy_gets_its_inode(mkfs, files, tmp_path):
    """syscaps.conf is the first file (inode 2) wherever it is named, and
    sealed like the programs; data files and the root directory are not."""
    d, contents = files
    pol = _policy(tmp_path, "# comment\nprog sysctl cell  # the program\n\nREADME\n")
    img = tmp_path / "fs.img"
    r = run(mkfs, img, d / "README", d / "_prog", pol)
    assert r.returncode == 0, r.stderr
    fs = Image(img)
    assert fs.root()["syscaps.conf"] == SYSCAPS_INO
    assert fs.read(SYSCAPS_INO) == pol.read_bytes()
    assert fs.inode(SYSCAPS_INO)["major"] == DI_SEALED
    assert fs.inode(ROOTINO)["major"] == 0
    assert fs.inode(fs.root()["README"])["major"] == 0
    assert fs.inode(fs.root()["prog"])["major"] == DI_SEALED
    assert fs.read(fs.root()["prog"]) == contents["_prog"]


def test_policy_naming_a_missing_program(mkfs, files, tmp_path):
    """A lab handout leaves some programs out: their lines grant nothing,
    but a name no file could have is a mistake."""
    d, _ = files
    pol = _policy(tmp_path, "prog sysctl\nkv svc\n")
    r = run(mkfs, tmp_path / "fs.img", d / "_prog", pol)
    assert r.returncode == 0, r.stderr
    pol = _policy(tmp_path, "prog sysctl\nfifteen_chars__ svc\n")
    r = run(mkfs, tmp_path / "fs2.img", d / "_prog", pol)
    assert refused(r, r"line 2: fifteen_chars__: name longer than 14")
    assert not (tmp_path / "fs2.img").exists()


def test_policy_with_an_unknown_capability(mkfs, files, tmp_path):
    d, _ = files
    pol = _policy(tmp_path, "prog sysctl root\n")
    r = run(mkfs, tmp_path / "fs.img", d / "_prog", pol)
    assert refused(r, r'line 1: prog: unknown system capability "root"')
    assert not (tmp_path / "fs.img").exists()
