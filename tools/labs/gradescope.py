"""`make gradescope LAB=<name>`: the zip Gradescope's autograder runs.

build/gradescope-<name>.zip holds
    setup.sh          (grade/gradescope/setup.sh) packages + a first build
    run_autograder    (grade/gradescope/run_autograder) grades one submission
    handout/          the lab's handout tree (tools/labs/handout.py)
Gradescope unpacks it into /autograder/source.
"""

import os
import shutil
import tempfile
import zipfile
from pathlib import Path

from . import handout


def _add_tree(z, root, prefix):
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            info = zipfile.ZipInfo.from_file(path, f"{prefix}/{path.relative_to(root)}")
            info.compress_type = zipfile.ZIP_DEFLATED
            with open(path, "rb") as f:
                z.writestr(info, f.read())


def _add_script(z, src, name):
    info = zipfile.ZipInfo(name)
    info.external_attr = (0o100755 << 16)      # executable regular file
    info.compress_type = zipfile.ZIP_DEFLATED
    z.writestr(info, Path(src).read_bytes())


def make_bundle(repo, lab_name, out_zip=None):
    repo = Path(repo).resolve()
    out_zip = Path(out_zip or repo / "build" / f"gradescope-{lab_name}.zip")
    out_zip.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        tree = Path(tmp) / "handout"
        handout.make_handout(repo, lab_name, tree)
        part = out_zip.with_suffix(".zip.part")
        with zipfile.ZipFile(part, "w") as z:
            _add_script(z, repo / "grade/gradescope/setup.sh", "setup.sh")
            _add_script(z, repo / "grade/gradescope/run_autograder", "run_autograder")
            _add_tree(z, tree, "handout")
        os.replace(part, out_zip)
    return out_zip


def unpack_bundle(zip_path, dest):
    """Unpack like Gradescope does (keeping executable bits); for local tests."""
    dest = Path(dest)
    with zipfile.ZipFile(zip_path) as z:
        for info in z.infolist():
            target = dest / info.filename
            target.parent.mkdir(parents=True, exist_ok=True)
            with z.open(info) as src, open(target, "wb") as f:
                shutil.copyfileobj(src, f)
            mode = (info.external_attr >> 16) & 0o777
            if mode:
                os.chmod(target, mode)
    return dest
