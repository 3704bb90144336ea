# Sphinx configuration of the course website (`make docs`, build/docs).
# The source directory is the repository root, so that README.md is the start
# page and every relative link in the Markdown means what it means on disk;
# include_patterns picks the pages. Extensions of our own are in ext/.
import os
import sys

SITE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(SITE, "ext"))

project = "Zenith"
author = "the Zenith course"
copyright = "the Zenith course"

root_doc = "README"
source_suffix = {".md": "markdown"}
include_patterns = ["README.md", "docs/**.md", "labs/README.md", "kernel/README.md",
                    "kernel/*/README.md", "user/README.md"]
exclude_patterns = ["build", "grade/out", ".git", "docs/site"]

extensions = [
    "myst_parser",
    "sphinx.ext.graphviz",
    "course_nav",
    "source_links",
    "source_pages",
    "start_page",
    "kernel_map",
]

# Headings of levels 1-3 get GitHub-style anchors, so [x](page.md#a-heading)
# links work on the site as they do on GitHub.
myst_heading_anchors = 3
myst_enable_extensions = ["colon_fence"]

# Every warning fails the build (make docs passes -W --keep-going); nitpicky
# also reports references that resolve to nothing.
nitpicky = True

graphviz_output_format = "svg"

html_theme = "alabaster"
html_title = "Zenith — a RISC-V teaching OS"
html_static_path = [os.path.join(SITE, "static")]
html_css_files = ["course.css"]
html_show_sourcelink = False
html_copy_source = False
html_theme_options = {
    "description": "A RISC-V teaching operating system: the course book, the labs, the guides.",
    "fixed_sidebar": True,
    "page_width": "1100px",
    "sidebar_width": "260px",
}
html_sidebars = {"**": ["about.html", "searchbox.html", "navigation.html", "relations.html"]}

# The course's navigation, in course order (course_nav.py appends it to the
# start page as a hidden table of contents).
course_navigation = os.path.join(SITE, "navigation.md")

# Inline code that names a repository path becomes a link to that file
# (source_links.py); these patterns name files that are made at run time or
# stand for a family of files, so they are neither linked nor checked.
source_link_roots = ["kernel", "user", "grade", "tools", "labs", "mkfs", "docs", ".ci"]
# A lab handout leaves out the files of later labs that the pages still
# name (tools/labs/handout.py): there such a path is plain text, not an
# error. The reference tree, where every named file exists, is checked.
source_link_check_missing = not os.path.exists(
    os.path.join(os.path.dirname(os.path.dirname(SITE)), "labs", "HANDOUT"))
source_link_not_files = [
    "grade/out/*",
    "build/*",
    "labs/HANDOUT",
    "*<*>*",
    "*NAME*",
    "*POLICY*",
    "*SUITE-RUN*",
]
