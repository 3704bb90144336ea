"""Writes the source pages the site links to (source_links.py collects the
paths): a file with syntax colouring and numbered lines (#L12 jumps to line
12); for a folder, a list of what it holds, with a page for each of its
files. Every folder on the way gets a list page too (breadcrumbs link to
them), where the files that have a page are links. Only files the
repository tracks are listed. Binary files are copied as they are. The
pages live under code/ in the output, outside the search index: they are
the code, not the course."""
import functools
import html
import os
import posixpath
import shutil
import subprocess

from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import TextLexer, get_lexer_for_filename
from pygments.util import ClassNotFound

from source_links import SOURCE_DIR, source_uri

PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} — {project}</title>
<link rel="stylesheet" href="{css}">
</head><body>
<nav><a href="{home}">{project}</a> · {crumbs}</nav>
<h1>{title}</h1>
{body}
</body></html>
"""

CSS = """body { font-family: sans-serif; margin: 1.5em; color: #222; }
nav { margin-bottom: 1em; } h1 { font-family: monospace; font-size: 1.3em; }
td.linenos, td.linenos a { color: #999; text-decoration: none; }
td.linenos { padding-right: .8em; } pre { margin: 0; }
ul.listing { font-family: monospace; line-height: 1.6; }
"""

SKIP_DIRS = {".git", "build", "__pycache__"}


def tracked_files(root):
    """The repository's files, relative to root: git's list when this is a
    checkout, else every file outside build output."""
    try:
        out = subprocess.run(["git", "-C", root, "ls-files", "-z"],
                             capture_output=True, check=True).stdout
        return [p for p in out.decode().split("\0") if p]
    except (OSError, subprocess.CalledProcessError):
        found = []
        for top, dirs, files in os.walk(root):
            dirs[:] = [d for d in dirs if d not in SKIP_DIRS]
            rel = os.path.relpath(top, root)
            if rel.replace(os.sep, "/").startswith("grade/out"):
                continue
            found += [os.path.normpath(os.path.join(rel, f)).replace(os.sep, "/")
                      for f in files]
        return found


@functools.lru_cache(maxsize=None)
def lexer_for(kind):
    """The lexer for a file name's suffix (or a whole name without one):
    looked up once per kind, since Pygments' lookup scans every lexer."""
    try:
        return get_lexer_for_filename("x" + kind if kind.startswith(".") else kind)
    except ClassNotFound:
        return TextLexer()


def kind_of(path):
    base = posixpath.basename(path)
    if base == "Makefile":
        return ".mk"
    suffix = posixpath.splitext(base)[1]
    return suffix or base


class SourcePages:
    def __init__(self, app):
        self.project = app.config.project
        self.docs = app.env.found_docs  # a listed .md that is a page links there
        self.root = app.srcdir
        self.out = app.outdir
        self.formatter = HtmlFormatter(linenos="table", lineanchors="L",
                                       anchorlinenos=True)
        self.files = set(tracked_files(self.root))
        self.folders = {posixpath.dirname(p) + "/" for p in self.files}
        for f in list(self.folders):  # and every folder above those
            while f.count("/") > 1:
                f = f.rsplit("/", 2)[0] + "/"
                self.folders.add(f)
        self.pages = set()  # files that get a page

    def write(self, uri, title, crumbs, body):
        here = posixpath.dirname(uri)
        rel = lambda target: posixpath.relpath(target, here)
        nav = []
        for folder in crumbs:
            nav.append('<a href="%s">%s</a>' % (
                rel(source_uri(folder, True)), html.escape(folder.rstrip("/").rsplit("/", 1)[-1] + "/")))
        text = PAGE.format(title=html.escape(title), project=html.escape(self.project),
                           css=rel(posixpath.join(SOURCE_DIR, "source.css")),
                           home=rel("index.html"), crumbs=" ".join(nav), body=body)
        dest = os.path.join(self.out, uri)
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        with open(dest, "w", encoding="utf-8") as f:
            f.write(text)

    @staticmethod
    def above(path):
        """The folders that hold path, outermost first, as 'a/', 'a/b/'."""
        parts = path.rstrip("/").split("/")[:-1]
        return ["/".join(parts[: i + 1]) + "/" for i in range(len(parts))]

    def file_page(self, path):
        full = os.path.join(self.root, path)
        try:
            with open(full, encoding="utf-8") as f:
                text = f.read()
            body = highlight(text, lexer_for(kind_of(path)), self.formatter)
        except (UnicodeDecodeError, ValueError):  # binary: a copy to open
            dest = os.path.join(self.out, SOURCE_DIR, path)
            os.makedirs(os.path.dirname(dest), exist_ok=True)
            shutil.copyfile(full, dest)
            body = '<p><a href="%s">%s</a> (binary file)</p>' % (
                html.escape(os.path.basename(path)), html.escape(path))
        self.write(source_uri(path, False), path, self.above(path), body)

    def folder_page(self, folder):
        items = []
        subs = sorted(f for f in self.folders
                      if f.startswith(folder) and f != folder and f[len(folder):].count("/") == 1)
        for sub in subs:
            name = sub[len(folder):]
            items.append('<li><a href="%sindex.html">%s</a></li>' % (
                html.escape(name), html.escape(name)))
        here = posixpath.dirname(source_uri(folder, True))
        for path in sorted(p for p in self.files if posixpath.dirname(p) + "/" == folder):
            name = html.escape(posixpath.basename(path))
            if self.is_doc(path):
                href = posixpath.relpath(path[:-3] + ".html", here)
                items.append('<li><a href="%s">%s</a> (a page of the course)</li>' % (href, name))
            elif path in self.pages:
                items.append('<li><a href="%s.html">%s</a></li>' % (name, name))
            else:
                items.append("<li>%s</li>" % name)
        self.write(source_uri(folder, True), folder, self.above(folder),
                   '<ul class="listing">%s</ul>' % "".join(items))

    def is_doc(self, path):
        return path.endswith(".md") and path[:-3] in self.docs

    def write_all(self, linked):
        for path in linked:
            if path.endswith("/"):
                self.pages |= {p for p in self.files if posixpath.dirname(p) + "/" == path
                               and not self.is_doc(p)}
            else:
                self.pages.add(path)
        for path in sorted(self.pages):
            self.file_page(path)
        for folder in sorted(self.folders | {p for p in linked if p.endswith("/")}):
            self.folder_page(folder)
        with open(os.path.join(self.out, SOURCE_DIR, "source.css"), "w") as f:
            f.write(CSS + self.formatter.get_style_defs(".highlight"))


def write_pages(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    SourcePages(app).write_all(app.source_link_files)


def setup(app):
    app.setup_extension("source_links")
    app.connect("build-finished", write_pages)
    return {"parallel_read_safe": True, "parallel_write_safe": False}
