"""Makes index.html, the page a web server shows for the site's folder, a copy
of the start page (the root document, README.html)."""
import os
import shutil


def copy_start_page(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    start = os.path.join(app.outdir, app.config.root_doc + ".html")
    shutil.copyfile(start, os.path.join(app.outdir, "index.html"))


def setup(app):
    app.connect("build-finished", copy_start_page)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
