"""grade/fsck.py finds what it is meant to find: the image `make` builds is
clean, and each kind of damage it claims to detect, made on a copy of that
image, is reported (a checker that passes everything would make the tests
that rely on it, test_fs_consistency and test_durability, vacuous)."""

import struct

import pytest

import fsck
from zenith import FS_IMG

BSIZE = fsck.BSIZE


@pytest.fixture
def image():
    img = fsck.Image(FS_IMG.read_bytes())
    img.write_to = lambda path: path.write_bytes(bytes(img.data))
    return img


def inode_offset(img, inum):
    return (img.inodestart + inum // fsck.IPB) * BSIZE + (inum % fsck.IPB) * fsck.DINODE.size


def set_inode(img, inum, **fields):
    ip = img.inode(inum)
    vals = {"type": ip.type, "nlink": ip.nlink, "size": ip.size, "addrs": list(ip.addrs)}
    vals.update(fields)
    struct.pack_into(fsck.DINODE.format, img.data, inode_offset(img, inum), vals["type"], 0, 0,
                     vals["nlink"], vals["size"], *vals["addrs"])


def flip_bitmap(img, b):
    img.data[(img.bmapstart + b // fsck.BPB) * BSIZE + (b % fsck.BPB) // 8] ^= 1 << (b % 8)


def first_free_inode(img):
    return next(i for i in range(1, img.ninodes) if img.inode(i).type == 0)


def check(img, tmp_path):
    path = tmp_path / "damaged.img"
    img.write_to(path)
    return fsck.check(path)


def test_clean_image(image, tmp_path):
    rep = check(image, tmp_path)
    assert rep.errors == [] and rep.orphans == []
    assert rep.lookup("/README") is not None
    assert rep.free_inodes > 0 and rep.free_blocks > 0


def test_unreachable_inode(image, tmp_path):
    inum = first_free_inode(image)
    set_inode(image, inum, type=fsck.T_FILE, nlink=1, size=0, addrs=[0] * 13)
    rep = check(image, tmp_path)
    assert any(f"inode {inum}" in e and "no directory names it" in e for e in rep.errors)


def test_orphan_is_not_an_error(image, tmp_path):
    inum = first_free_inode(image)
    set_inode(image, inum, type=fsck.T_FILE, nlink=0, size=0, addrs=[0] * 13)
    rep = check(image, tmp_path)
    assert rep.errors == [] and rep.orphans == [inum]


def test_wrong_link_count(image, tmp_path):
    inum = image.lookup("/README")
    set_inode(image, inum, nlink=2)
    rep = check(image, tmp_path)
    assert any(f"inode {inum}: nlink 2" in e for e in rep.errors)


def test_symbolic_link_checked(image, tmp_path):
    """A link (lab fs) whose data is its target: a sound one passes; one that
    is empty, too long for a path, or holds a NUL is reported; so is an
    inode of a type nobody knows."""
    readme = image.inode(image.lookup("/README"))
    b = readme.addrs[0]
    image.data[b * BSIZE:b * BSIZE + 9] = b"../target"
    set_inode(image, readme.inum, type=fsck.T_SYMLINK, size=9, addrs=[b] + [0] * 12)
    for extra in readme.addrs[1:]:   # give the rest of README's blocks back
        if extra:
            flip_bitmap(image, extra)
    if readme.addrs[fsck.NDIRECT]:
        for ptr in image.words(readme.addrs[fsck.NDIRECT]):
            if ptr:
                flip_bitmap(image, ptr)
    assert check(image, tmp_path).errors == []
    for fields, words in [({"size": 0}, "size 0"), ({"size": fsck.MAXPATH}, "size 128"),
                          ({"type": 9}, "unknown type 9")]:
        set_inode(image, readme.inum, **fields)
        rep = check(image, tmp_path)
        assert any(f"{readme.inum}" in e and words in e for e in rep.errors), rep.errors
        set_inode(image, readme.inum, type=fsck.T_SYMLINK, size=9)
    image.data[b * BSIZE + 2] = 0
    rep = check(image, tmp_path)
    assert any("NUL" in e for e in rep.errors), rep.errors


def test_used_block_free_in_bitmap(image, tmp_path):
    b = image.inode(image.lookup("/README")).addrs[0]
    flip_bitmap(image, b)
    rep = check(image, tmp_path)
    assert any(f"block {b} of inode" in e and "free in the bitmap" in e for e in rep.errors)


def test_leaked_block(image, tmp_path):
    b = next(b for b in range(image.datastart, image.size) if not image.used(b))
    flip_bitmap(image, b)
    rep = check(image, tmp_path)
    assert any(f"block {b} is marked used but no inode uses it" in e for e in rep.errors)


def test_block_used_twice(image, tmp_path):
    readme = image.inode(image.lookup("/README"))
    root = image.inode(fsck.ROOTINO)
    addrs = list(readme.addrs)
    addrs[1] = root.addrs[0]
    set_inode(image, readme.inum, addrs=addrs)
    rep = check(image, tmp_path)
    assert any(f"block {root.addrs[0]} used by inodes" in e for e in rep.errors)


def test_entry_names_free_inode(image, tmp_path):
    inum = image.lookup("/README")
    set_inode(image, inum, type=0, nlink=0)
    rep = check(image, tmp_path)
    assert any("names free inode" in e for e in rep.errors)


def test_committed_log_is_replayed(image, tmp_path):
    """A committed group in the log counts as on disk, as recovery makes it."""
    readme = image.inode(image.lookup("/README"))
    home = readme.addrs[0]
    logged = bytes([0x5A]) * BSIZE
    image.data[(image.logstart + 1) * BSIZE:(image.logstart + 2) * BSIZE] = logged
    struct.pack_into("<II", image.data, image.logstart * BSIZE, 1, home)
    rep = check(image, tmp_path)
    assert rep.replayed == 1
    assert rep.read("/README")[:4] == b"\x5a" * 4


def test_directory_cycle(image, tmp_path):
    """A subdirectory holding an entry for its ancestor: the way back up is
    a second name of a directory."""
    root = image.inode(fsck.ROOTINO)
    # Turn README's root entry into one for the root itself ("/README" -> "/").
    raw = image.contents(root)
    off = next(o for o in range(0, len(raw), fsck.DIRENT.size)
               if fsck.DIRENT.unpack_from(raw, o)[1].rstrip(b"\0") == b"README")
    blk, within = root.addrs[off // BSIZE], off % BSIZE
    struct.pack_into("<H", image.data, blk * BSIZE + within, fsck.ROOTINO)
    rep = check(image, tmp_path)
    assert any("directory 1 is named twice" in e for e in rep.errors)


def test_dotdot_wrong(image, tmp_path):
    """The root's ".." must name the root (the fresh image has no other
    directory to damage)."""
    root = image.inode(fsck.ROOTINO)
    raw = image.contents(root)
    off = next(o for o in range(0, len(raw), fsck.DIRENT.size)
               if fsck.DIRENT.unpack_from(raw, o)[1].rstrip(b"\0") == b"..")
    other = image.lookup("/README")
    struct.pack_into("<H", image.data, root.addrs[off // BSIZE] * BSIZE + off % BSIZE, other)
    rep = check(image, tmp_path)
    assert any(f"dir 1: '..' names {other}, its parent is 1" in e for e in rep.errors)


def test_log_header_names_log_block(image, tmp_path):
    """A header naming a block inside the log (or past the disk): recovery
    would scribble over the disk; fsck says so and replays nothing."""
    struct.pack_into("<II", image.data, image.logstart * BSIZE, 1, image.logstart + 1)
    rep = check(image, tmp_path)
    assert rep.replayed == 0
    assert any("log header: entry 0 names block" in e for e in rep.errors)


def test_log_header_count_too_big(image, tmp_path):
    struct.pack_into("<I", image.data, image.logstart * BSIZE, image.nlog)
    rep = check(image, tmp_path)
    assert any(f"log header: {image.nlog} blocks" in e for e in rep.errors)


def test_superblock_regions(image, tmp_path):
    struct.pack_into("<I", image.data, BSIZE + 4, image.size + 100)   # size
    rep = check(image, tmp_path)
    assert any("superblock: size" in e for e in rep.errors)


def test_command_line(image, tmp_path):
    """`python3 grade/fsck.py IMAGE` (book 5 exercises): a verdict line per
    image, status 1 on damage, 2 on a missing file; junk is an error, not a
    traceback."""
    import subprocess
    import sys
    tool = str(fsck.__file__)
    clean = subprocess.run([sys.executable, tool, str(FS_IMG)], capture_output=True, text=True)
    assert clean.returncode == 0 and "consistent" in clean.stdout, clean.stdout + clean.stderr
    ip = image.inode(fsck.ROOTINO)
    set_inode(image, fsck.ROOTINO, nlink=ip.nlink + 1)
    image.write_to(tmp_path / "bad.img")
    bad = subprocess.run([sys.executable, tool, str(tmp_path / "bad.img")], capture_output=True, text=True)
    assert bad.returncode == 1 and "nlink" in bad.stdout, bad.stdout + bad.stderr
    (tmp_path / "junk.img").write_bytes(b"\x01" * 5000)
    junk = subprocess.run([sys.executable, tool, str(tmp_path / "junk.img")], capture_output=True, text=True)
    assert junk.returncode == 1 and "magic" in junk.stdout and not junk.stderr, junk.stdout + junk.stderr
    missing = subprocess.run([sys.executable, tool, str(tmp_path / "none.img")], capture_output=True, text=True)
    assert missing.returncode == 2 and "no such file" in missing.stdout
