#!/usr/bin/env python3
"""Open the built course website (`make docs`: build/docs) in headless
Chromium and check that it renders: the start page, two book chapters
(7, with its diagrams; 1, with the map of the kernel's folders), a lab
handout and a results page each have their title and headings, a search
box, and every image on them loaded (an <img> with a natural size, a
Graphviz <object> whose SVG document has drawn nodes); the start page's
navigation follows the course order; every link in a page's body leads to
a file of the site (the source pages of `kernel/...` included); and the
search page finds chapter 7 by a word in it. Screenshots of each page go
to build/docs-screenshots/. Exits 1 and lists the problems if any.

    tools/site_check.py [--site DIR] [--shots DIR | --no-shots]

The site is served on 127.0.0.1 (a free port) so that a probe page can
look inside the pages it loads in frames; Chromium's --dump-dom returns the
probe's findings once every frame, image and SVG has loaded.
"""
import argparse
import contextlib
import functools
import http.server
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "grade"))
import zenith  # noqa: E402  (grade/zenith.py: timeout_scale)
# Seconds for one Chromium run (a page takes 2 to 10 on a loaded host),
# stretched by ZENITH_TIMEOUT_SCALE as the grader's timeouts are.
CHROMIUM_TIMEOUT = 120
WINDOW = (1280, 1600)   # screenshot size


@dataclass
class Page:
    name: str      # screenshot name
    path: str      # in the site
    title: str     # text the <title> and the <h1> contain
    min_h2: int    # at least this many section headings
    min_svg: int = 0   # Graphviz diagrams that must draw
    min_img: int = 0   # <img> images that must load
    min_sources: int = 0   # links to source files (kernel/...) that must work
    shot_at: str = ""  # the screenshot shows the page from this anchor on


PAGES = [
    Page("start", "index.html", "Zenith", 5),
    Page("chapter", "docs/book/07-scheduling.html", "Chapter 7", 10, min_svg=2,
         min_sources=10, shot_at="the-fair-policy"),
    Page("structure", "docs/book/01-boot-and-structure.html", "Chapter 1", 4, min_svg=1,
         shot_at="the-kernel-s-structure"),
    Page("handout", "docs/labs/sched.html", "Lab 5 (sched)", 3),
    Page("results", "docs/results/scheduler.html", "Scheduler benchmark", 3, min_img=5,
         shot_at="plots"),
]

# The start page's navigation must list these in this order (course order):
# guides, the book's chapters, the code's folders, the labs, the results.
COURSE_ORDER = (["docs/student-guide", "docs/instructor-guide", "docs/gdb-guide"]
                + ["docs/book/0%d-" % n for n in range(1, 9)]
                + ["kernel/README", "user/README"]
                + ["docs/labs/" + lab for lab in
                   ("util", "syscall", "vm", "caps", "sched", "selfheal")]
                + ["docs/results/scheduler"])

# Loads every page named in ?p=...&p=... in a frame of its own; when a
# frame has loaded (its images and SVG objects included: they hold up the
# load event) it writes what it found as JSON into a <pre>. Chromium's
# --dump-dom waits for this page's load event, which waits for the frames.
PROBE = """<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>
<script>
function look(f, out) {
  const d = f.contentDocument, w = f.contentWindow;
  const nav = w.performance.getEntriesByType('navigation')[0];
  const text = e => e.textContent.replace(/\\s+/g, ' ').trim();
  out.textContent = JSON.stringify({
    status: nav ? nav.responseStatus : 0,
    title: d.title,
    h1: [...d.querySelectorAll('h1')].map(text),
    h2: d.querySelectorAll('h2').length,
    search: !!d.querySelector('form[action$="search.html"] input[name="q"]'),
    links: [...d.querySelectorAll('div.body a[href]')].map(a => a.getAttribute('href'))
             .filter(h => !/^[a-z]+:/.test(h) && !h.startsWith('#')),
    sources: d.querySelectorAll('div.body a.source-link').length,
    nav: [...d.querySelectorAll('div.sphinxsidebar a.reference.internal')]
           .map(a => a.getAttribute('href')),
    img: [...d.querySelectorAll('div.body img')].map(i => ({
      src: i.getAttribute('src'), w: i.naturalWidth, h: i.naturalHeight})),
    svg: [...d.querySelectorAll('div.body object')].map(o => {
      const s = o.contentDocument && o.contentDocument.documentElement;
      const r = o.getBoundingClientRect();
      return {src: o.getAttribute('data'), root: s ? s.nodeName : null,
              nodes: s ? s.querySelectorAll('g.node').length : 0,
              w: Math.round(r.width), h: Math.round(r.height)};
    }),
  });
}
for (const p of new URLSearchParams(location.search).getAll('p')) {
  const f = document.createElement('iframe');
  const out = document.createElement('pre');
  out.className = 'result';
  out.dataset.page = p;
  f.width = 1280; f.height = 900;
  f.onload = () => look(f, out);
  f.src = '/' + p;
  document.body.append(f, out);
}
</script></body></html>
"""


def chromium_binary():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    raise SystemExit("site_check: no Chromium (tools/deps.sh docs installs it)")


def chromium(*args):
    """Run headless Chromium with its own profile; return its stdout."""
    with tempfile.TemporaryDirectory(prefix="zenith-chromium-") as profile:
        cmd = [chromium_binary(), "--headless", "--no-sandbox", "--disable-gpu",
               "--hide-scrollbars", "--no-first-run", "--disable-extensions",
               "--user-data-dir=" + profile, *args]
        proc = subprocess.run(cmd, capture_output=True, text=True,
                              timeout=zenith.scaled(CHROMIUM_TIMEOUT))
    if proc.returncode != 0:
        raise RuntimeError("chromium failed (%d): %s" % (proc.returncode, proc.stderr[-2000:]))
    return proc.stdout


# Shows one page (?p=path#anchor, the # encoded) in a frame filling the
# window: a headless screenshot of a page opened at an anchor comes out
# blank, one of a frame scrolled to it does not.
FRAME = """<!DOCTYPE html><html><head><meta charset="utf-8"><style>
html, body { margin: 0; height: 100%; overflow: hidden; }
iframe { border: 0; width: 100%; height: 100%; }
</style></head><body><iframe></iframe><script>
document.querySelector('iframe').src =
  '/' + new URLSearchParams(location.search).get('p');
</script></body></html>
"""

SERVED = {"/__probe.html": PROBE, "/__frame.html": FRAME}


class Handler(http.server.SimpleHTTPRequestHandler):
    def do_GET(self):
        page = SERVED.get(self.path.split("?")[0])
        if page is not None:
            body = page.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        else:
            super().do_GET()

    def log_message(self, *args):
        pass


@contextlib.contextmanager
def serve(site):
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Handler, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield "http://127.0.0.1:%d" % server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


def probe(base, pages):
    """What the probe found on each page: {path: dict}."""
    query = "&".join("p=" + p.path for p in pages)
    dom = chromium("--dump-dom", base + "/__probe.html?" + query)
    found = {}
    for m in re.finditer(r'<pre class="result" data-page="([^"]*)">(.*?)</pre>', dom, re.S):
        text = m.group(2).replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
        found[m.group(1)] = json.loads(text) if text.strip() else None
    return found


def png_size(path):
    with open(path, "rb") as f:
        head = f.read(24)
    if len(head) < 24 or head[:8] != b"\x89PNG\r\n\x1a\n":
        return None
    return struct.unpack(">II", head[16:24])


def page_problems(site, page, r):
    """What is wrong with one page, from the probe's findings r."""
    if r is None:
        return ["%s: the page did not load in the browser" % page.path]
    out = []
    bad = lambda msg: out.append("%s: %s" % (page.path, msg))
    if r["status"] != 200:
        bad("HTTP status %s" % r["status"])
        return out
    if page.title not in r["title"]:
        bad("title %r lacks %r" % (r["title"], page.title))
    if not any(page.title in h for h in r["h1"]):
        bad("no <h1> with %r (found %r)" % (page.title, r["h1"]))
    if r["h2"] < page.min_h2:
        bad("%d section headings, expected at least %d" % (r["h2"], page.min_h2))
    if not r["search"]:
        bad("no search box")
    here = (site / page.path).parent
    for im in r["img"]:
        f = here / im["src"]
        if not f.is_file() or f.stat().st_size == 0:
            bad("image file %s missing or empty" % im["src"])
        if im["w"] == 0 or im["h"] == 0:
            bad("image %s did not load (natural size %dx%d)" % (im["src"], im["w"], im["h"]))
    for sv in r["svg"]:
        f = here / sv["src"]
        if not f.is_file() or f.stat().st_size == 0:
            bad("diagram file %s missing or empty" % sv["src"])
        if sv["root"] != "svg" or sv["nodes"] < 3 or sv["w"] < 50 or sv["h"] < 50:
            bad("diagram %s did not draw (root %s, %d nodes, %dx%d)" % (
                sv["src"], sv["root"], sv["nodes"], sv["w"], sv["h"]))
    for href in r["links"]:
        f = here / href.split("#")[0].split("?")[0]
        if not f.is_file():
            bad("link to %s: no such file in the site" % href)
    if r["sources"] < page.min_sources:
        bad("%d links to source files, expected at least %d" % (r["sources"], page.min_sources))
    if len(r["img"]) < page.min_img:
        bad("%d images, expected at least %d" % (len(r["img"]), page.min_img))
    if len(r["svg"]) < page.min_svg:
        bad("%d diagrams, expected at least %d" % (len(r["svg"]), page.min_svg))
    return out


def order_problems(nav):
    """The start page's navigation must follow COURSE_ORDER."""
    places = []
    for want in COURSE_ORDER:
        at = [i for i, href in enumerate(nav) if href.startswith(want)]
        if not at:
            return ["index.html: the navigation has no link to %s" % want]
        places.append(at[0])
    if places != sorted(places):
        return ["index.html: the navigation is not in course order: %s" % nav]
    return []


# The search page must find this word in this page (Sphinx's search runs in
# JavaScript after the page has loaded: the virtual-time budget lets it).
SEARCH = ("eevdf", "docs/book/07-scheduling.html")


def search_problems(base):
    word, want = SEARCH
    dom = chromium("--virtual-time-budget=10000", "--dump-dom",
                   base + "/search.html?q=" + word)
    hits = re.findall(r'<li><a href="([^"?#]*)', dom)
    if want not in hits:
        return ["search.html: searching for %r does not find %s (found %s)" % (word, want, hits)]
    return []


def screenshot(base, page, shots):
    dest = Path(shots) / (page.name + ".png")
    dest.unlink(missing_ok=True)
    target = page.path + ("%23" + page.shot_at if page.shot_at else "")
    chromium("--screenshot=" + str(dest), "--window-size=%d,%d" % WINDOW,
             base + "/__frame.html?p=" + target)
    size = png_size(dest) if dest.is_file() else None
    if size != WINDOW:
        return ["%s: screenshot %s has size %s, expected %s" % (page.path, dest, size, WINDOW)]
    # A page of text and pictures compresses far less than a blank one.
    if dest.stat().st_size < 30000:
        return ["%s: screenshot %s looks blank (%d bytes)" % (page.path, dest, dest.stat().st_size)]
    return []


def check_site(site, shots=None, pages=PAGES):
    """Every problem found on the site, as text; [] if it renders."""
    site = Path(site)
    if not (site / "index.html").is_file():
        return ["%s/index.html missing: run `make docs`" % site]
    problems = []
    with serve(site) as base, ThreadPoolExecutor(max_workers=len(pages) + 1) as pool:
        # One Chromium probes every page while others take the screenshots.
        shooting = []
        if shots is not None:
            os.makedirs(shots, exist_ok=True)
            shooting = [pool.submit(screenshot, base, page, shots) for page in pages]
        searching = pool.submit(search_problems, base)
        found = probe(base, pages)
        for page in pages:
            problems += page_problems(site, page, found.get(page.path))
        start = found.get("index.html")
        if start:
            problems += order_problems(start["nav"])
        for job in shooting + [searching]:
            problems += job.result()
    return problems


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--site", default=str(REPO / "build" / "docs"))
    ap.add_argument("--shots", default=str(REPO / "build" / "docs-screenshots"))
    ap.add_argument("--no-shots", action="store_true", help="take no screenshots")
    args = ap.parse_args()
    problems = check_site(args.site, None if args.no_shots else args.shots)
    for p in problems:
        print("site_check:", p)
    if problems:
        sys.exit(1)
    print("site_check: %d pages render%s" % (
        len(PAGES), "" if args.no_shots else "; screenshots in " + args.shots))


if __name__ == "__main__":
    main()
