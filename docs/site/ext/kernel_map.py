"""The `kernel-map` directive: the kernel's subsystem folders in their
layers and every include arrow that points up a layer (a back-edge), read
from the tree by tools/layers.py when the site is built, so the picture
cannot disagree with the code or with `tools/layers.py --check`.

    ```{kernel-map}
    :caption: ...
    ```

The folders stand in a column, the lowest layer at the bottom; a folder
may call any folder below it. Each back-edge is a red arrow on the right,
from the lower folder to the higher one, labelled with the number of files
that include the higher folder's headers."""
import os
import sys

from docutils.parsers.rst import directives
from sphinx.ext.graphviz import figure_wrapper, graphviz
from sphinx.util.docutils import SphinxDirective


def load_layers(srcdir):
    sys.path.insert(0, os.path.join(srcdir, "tools"))
    try:
        import layers
    finally:
        sys.path.pop(0)
    return layers


def dot_source(order, back, files):
    """order: folders lowest first; back: {(from, to): files} of the arrows
    that point up; files: {folder: number of source files}."""
    out = ['digraph kernel_map {',
           '  graph [rankdir=BT, bgcolor="transparent", nodesep=0.5, ranksep=0.25];',
           '  node [shape=box, style="rounded,filled", fillcolor="#eef3fa", '
           'fontname="Helvetica", fontsize=11, width=1.3, fixedsize=true];',
           '  edge [fontname="Helvetica", fontsize=9, arrowsize=0.6];']
    for f in order:
        out.append('  "%s" [label="%s\\n%d files"];' % (f, f, files.get(f, 0)))
    # The column: each layer calls down to the one below it.
    for low, high in zip(order, order[1:]):
        out.append('  "%s" -> "%s" [dir=back, color="#777777", penwidth=1.5];' % (low, high))
    # Back-edges leave and enter on the right, so they arc beside the column.
    for (src, dst), names in sorted(back.items()):
        out.append('  "%s" -> "%s" [label="%d", color="#cc0000", fontcolor="#cc0000", '
                   'style=dashed, constraint=false, tailport=e, headport=e];'
                   % (src, dst, len(names)))
    out.append("}")
    return "\n".join(out) + "\n"


def source_files(kernel, folder):
    return sum(1 for n in os.listdir(os.path.join(kernel, folder))
               if n.endswith((".c", ".h", ".S")))


class KernelMap(SphinxDirective):
    option_spec = {"caption": directives.unchanged, "alt": directives.unchanged}

    def run(self):
        layers = load_layers(self.env.srcdir)
        kernel = os.path.join(self.env.srcdir, "kernel")
        order = list(layers.ORDER)
        files = {f: source_files(kernel, f) for f in order}
        node = graphviz()
        node["code"] = dot_source(order, layers.back_edges(layers.arrows()), files)
        node["options"] = {"docname": self.env.docname}
        node["alt"] = self.options.get(
            "alt", "the kernel's folders from the lowest layer up, and the arrows that point up")
        if "caption" in self.options:
            return [figure_wrapper(self, node, self.options["caption"])]
        return [node]


def setup(app):
    app.setup_extension("sphinx.ext.graphviz")
    app.add_directive("kernel-map", KernelMap)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
