"""The course website (`make docs`, build/docs) renders in headless
Chromium: tools/site_check.py opens the start page, a book chapter, a lab
handout and a results page, checks their titles, headings, search box,
images and diagrams and the navigation's course order, and saves
screenshots in build/docs-screenshots/. `make test` builds the site first.
The second test breaks a copy of the site (a page deleted, a diagram and a
plot spoilt, the search index and the source pages gone) and checks that the check sees each."""
import re
import shutil
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tools"))
import site_check  # noqa: E402

SITE = REPO / "build" / "docs"

pytestmark = [
    pytest.mark.skipif((REPO / "labs" / "HANDOUT").exists(),
                       reason="a lab handout's `make test` builds no website"),
    pytest.mark.timeout(600),
]


@pytest.fixture
def site():
    if not (SITE / "index.html").is_file():
        pytest.fail("build/docs holds no site: run `make docs` (make test does it first)")
    return SITE


def test_site_renders_in_chromium(site):
    problems = site_check.check_site(site, REPO / "build" / "docs-screenshots")
    assert problems == [], "\n".join(problems)


def first_image(page, pattern):
    """The first image file that page (a path in the site) shows."""
    html = page.read_text(encoding="utf-8")
    src = re.search(pattern, html).group(1)
    return (page.parent / src).resolve()


def test_check_fails_on_a_broken_site(site, tmp_path):
    broken = tmp_path / "site"
    shutil.copytree(site, broken)
    (broken / "docs/labs/sched.html").unlink()
    svg = first_image(broken / "docs/book/07-scheduling.html", r'<object data="([^"]+\.svg)"')
    svg.write_bytes(b"")
    png = first_image(broken / "docs/results/scheduler.html", r'<img[^>]* src="([^"]+\.png)"')
    png.write_bytes(b"not a picture")
    (broken / "searchindex.js").unlink()
    source = re.search(r'<a class="source-link[^"]*" href="([^"]+)"',
                       (broken / "docs/book/07-scheduling.html").read_text(encoding="utf-8")).group(1)
    shutil.rmtree(broken / "code")  # every source page
    problems = "\n".join(site_check.check_site(broken))
    assert "docs/labs/sched.html: HTTP status 404" in problems
    assert "diagram file ../../_images/%s missing or empty" % svg.name in problems
    assert "image ../../_images/%s did not load" % png.name in problems
    assert "search.html: searching for 'eevdf' does not find" in problems
    assert "link to %s: no such file in the site" % source in problems
