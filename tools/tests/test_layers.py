"""The kernel's subsystem folders keep to their layers (tools/layers.py; book 1.4)."""
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
import layers  # noqa: E402


def test_every_back_edge_is_listed_in_the_book():
    run = subprocess.run([sys.executable, str(ROOT / "tools/layers.py"), "--check"],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr


def test_a_new_back_edge_is_caught(monkeypatch):
    found = layers.arrows()
    assert ("lib", "boot") not in found
    found[("lib", "boot")] = {"klib.c"}
    new = set(layers.back_edges(found)) - layers.kept_in_book()
    assert new == {("lib", "boot")}


def test_only_the_abi_is_at_the_top_of_kernel():
    top = sorted(p.name for p in (ROOT / "kernel").iterdir() if p.is_file())
    assert all(name.endswith(".h") or name == "README.md" for name in top), top
    assert {"types.h", "stat.h", "fcntl.h", "param.h", "fs.h"} <= set(top)


def test_every_folder_has_a_readme_and_a_layer():
    folders = [p for p in (ROOT / "kernel").iterdir() if p.is_dir()]
    assert sorted(p.name for p in folders) == sorted(layers.ORDER)
    for folder in folders:
        assert (folder / "README.md").is_file(), f"{folder} has no README.md"
