"""Inline code that names a file of the repository (`kernel/mm/vm.c`,
`grade/fsck.py`, `tools/fuzz_reduce.py FILE`) becomes a link: to the page of
that file on the site when it is one of the site's documents, otherwise to
its source page (source_pages.py writes those). A path that does not exist
is a warning, and so fails the build: this is what catches a chapter that
still names a file after it moved.

Configuration (conf.py): source_link_roots, the top-level folders whose
paths are recognised; source_link_not_files, fnmatch patterns of paths that
stand for a family of files or are made at run time (neither checked nor
linked); source_link_check_missing, False in a lab handout (which leaves
out later labs' files), makes a missing path plain text instead of a
warning. A path with a * must match at least one file; it is not linked."""
import fnmatch
import glob
import os
import posixpath
import re

from docutils import nodes
from sphinx.util import logging

logger = logging.getLogger(__name__)

SOURCE_DIR = "code"  # where source pages live in the output


def repo_path(text, roots):
    """The repository path that inline code `text` names, or None: the
    literal itself, or the first word of a command line (`tools/x.py ARGS`)."""
    word = text.split()[0] if text.strip() else ""
    if not re.fullmatch(r"[\w.<>*/+-]+", word):
        return None
    top = word.split("/", 1)[0]
    if "/" not in word or top not in roots:
        return None
    return word


def source_uri(path, is_dir):
    """Where the source page of `path` is, relative to the output root."""
    path = path.rstrip("/")
    return posixpath.join(SOURCE_DIR, path, "index.html") if is_dir else \
        posixpath.join(SOURCE_DIR, path + ".html")


def relative_uri(from_doc, target):
    return posixpath.relpath(target, posixpath.dirname(from_doc) or ".")


def link_paths(app, doctree, docname):
    cfg = app.config
    root = app.srcdir
    referenced = app.source_link_files
    for lit in list(doctree.findall(nodes.literal)):
        if isinstance(lit.parent, nodes.reference):
            continue
        path = repo_path(lit.astext(), cfg.source_link_roots)
        if path is None:
            continue
        if any(fnmatch.fnmatch(path, pat) for pat in cfg.source_link_not_files):
            continue
        if "*" in path:
            if cfg.source_link_check_missing and not glob.glob(os.path.join(root, path)):
                logger.warning("no file matches %s", path, location=lit,
                               type="source_links", subtype="missing")
            continue
        full = os.path.join(root, path)
        if not os.path.exists(full):
            if cfg.source_link_check_missing:
                logger.warning("%s names a file that does not exist", path,
                               location=lit, type="source_links", subtype="missing")
            continue
        doc = path[:-3] if path.endswith(".md") else None
        if doc in app.env.found_docs:
            uri = app.builder.get_relative_uri(docname, doc)
        else:
            is_dir = os.path.isdir(full)
            referenced.add(path.rstrip("/") + ("/" if is_dir else ""))
            uri = relative_uri(docname, source_uri(path, is_dir))
        ref = nodes.reference("", "", internal=True, refuri=uri,
                              classes=["source-link"])
        lit.replace_self(ref)
        ref.append(lit)


def init_set(app):
    app.source_link_files = set()


def setup(app):
    app.add_config_value("source_link_roots", [], "env")
    app.add_config_value("source_link_not_files", [], "env")
    app.add_config_value("source_link_check_missing", True, "env")
    app.connect("builder-inited", init_set)
    app.connect("doctree-resolved", link_paths)
    return {"parallel_read_safe": True, "parallel_write_safe": False}
