"""The course website's link checker (docs/site/ext/source_links.py): inline
code naming a repository file becomes a link to it, and a path that does
not exist fails the build, so a page that still names a moved file cannot
be published. Each test builds a one-page Sphinx project in a temporary
folder laid out like the repository."""
import io
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "docs" / "site" / "ext"))
sphinx_app = pytest.importorskip("sphinx.application")
pytest.importorskip("myst_parser")
import source_links  # noqa: E402
from sphinx.util.docutils import docutils_namespace  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

CONF = """
import sys
sys.path.insert(0, %r)
extensions = ["myst_parser", "source_links", "source_pages"]
root_doc = "index"
source_suffix = {".md": "markdown"}
exclude_patterns = ["out", "doctrees"]
source_link_roots = ["kernel", "tools"]
source_link_not_files = ["*<*>*"]
""" % str(REPO / "docs" / "site" / "ext")


def build(tmp_path, page, conf_extra=""):
    """Build a project whose one page is `page`; (status, warnings, out folder).
    make docs turns every warning into a failure (-W)."""
    (tmp_path / "kernel" / "mm").mkdir(parents=True)
    (tmp_path / "kernel" / "mm" / "vm.c").write_text("int vm;\n")
    (tmp_path / "tools").mkdir()
    (tmp_path / "tools" / "x.py").write_text("print(1)\n")
    (tmp_path / "conf.py").write_text(CONF + conf_extra)
    (tmp_path / "index.md").write_text("# Page\n\n" + page + "\n")
    warnings = io.StringIO()
    out = tmp_path / "out"
    # A namespace of its own, as sphinx-build has: several builds in one
    # process would otherwise warn that nodes are registered twice.
    with docutils_namespace():
        app = sphinx_app.Sphinx(str(tmp_path), str(tmp_path), str(out),
                                str(tmp_path / "doctrees"), "html",
                                status=io.StringIO(), warning=warnings)
        app.build()
    return app.statuscode, warnings.getvalue(), out


def test_existing_paths_become_links(tmp_path):
    status, warnings, out = build(
        tmp_path, "See `kernel/mm/vm.c`, the folder `kernel/mm/` and `tools/x.py ARGS`.")
    assert warnings == "" and status == 0
    html = (out / "index.html").read_text()
    assert 'href="code/kernel/mm/vm.c.html"' in html
    assert 'href="code/kernel/mm/index.html"' in html
    assert 'href="code/tools/x.py.html"' in html
    assert "int" in (out / "code" / "kernel" / "mm" / "vm.c.html").read_text()


def test_a_missing_path_is_a_warning(tmp_path):
    status, warnings, _ = build(
        tmp_path, "The old place: `kernel/vm.c`; a family: `kernel/<name>.c`; none: `kernel/*.zz`.")
    assert "kernel/vm.c names a file that does not exist" in warnings
    assert "no file matches kernel/*.zz" in warnings
    assert "<name>" not in warnings


def test_a_handout_leaves_missing_paths_unlinked(tmp_path):
    # A lab handout leaves out later labs' files that the pages still name.
    status, warnings, out = build(tmp_path, "Later: `kernel/mm/lazymap.c`.",
                                  "source_link_check_missing = False\n")
    assert warnings == "" and status == 0
    assert "lazymap.c.html" not in (out / "index.html").read_text()


def test_repo_path_reads_only_paths_under_the_roots():
    roots = ["kernel", "tools"]
    assert source_links.repo_path("kernel/mm/vm.c", roots) == "kernel/mm/vm.c"
    assert source_links.repo_path("tools/fuzz.py --seeds 9", roots) == "tools/fuzz.py"
    assert source_links.repo_path("user/sh.c", roots) is None
    assert source_links.repo_path("make qemu", roots) is None
    assert source_links.repo_path("kernel", roots) is None
