"""Appends the course's table of contents (conf: course_navigation, a
Markdown file of hidden toctrees) to the start page while Sphinx reads it.
README.md stays plain Markdown for readers of the repository; on the site it
is the root of the navigation."""


def append_navigation(app, docname, source):
    if docname != app.config.root_doc:
        return
    path = app.config.course_navigation
    app.env.note_dependency(path)
    with open(path, encoding="utf-8") as f:
        source[0] += "\n\n" + f.read()


def setup(app):
    app.add_config_value("course_navigation", "", "env")
    app.connect("source-read", append_navigation)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
