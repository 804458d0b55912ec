"""Pictures in Debian's Chromium: the browser picks AVIF at the width the screen needs, images
reserve their box (no layout shift), and axe finds nothing on illustrated pages."""

import pytest

from tests.support.browser import axe_violations
from tests.support.images import jpeg_bytes, new_site, photo
from tests.support.site import build_site, serve_directory

pytestmark = pytest.mark.browser
ARTICLE = "/articles/illustre/"
BODY = """\
Une introduction assez longue pour que la photo soit plus bas dans la page.

![Deux enfants jouent avec des cubes](/images/creche.jpg "La crèche de Massy © Caf")

Un paragraphe après la photo.
"""
CLS_OBSERVER = (
    "window.__cls = 0; new PerformanceObserver(list => { for (const e of list.getEntries())"
    " window.__cls += e.value; }).observe({type: 'layout-shift', buffered: true});"
)


@pytest.fixture(scope="module")
def images_site(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("images-browser")
    content = new_site(
        tmp,
        {"creche.jpg": jpeg_bytes(photo(2400, 1600)), "camille.jpg": jpeg_bytes(photo(400, 400))},
        {"illustre": {"body": BODY, "extra": ["Portraits: /images/camille.jpg"]}},
    )
    output = build_site(tmp / "output", PATH=str(content), IMAGES_CACHE_PATH=str(tmp / "cache"))
    with serve_directory(output) as url:
        yield url


@pytest.mark.parametrize(("ratio", "width"), [(1, 360), (2, 720), (3, 1080)])
def test_browser_takes_avif_at_the_width_the_screen_needs(browser, images_site, ratio, width):
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=ratio)
    try:
        page = context.new_page()
        page.goto(images_site + ARTICLE, wait_until="load")
        img = page.locator("figure img")
        img.scroll_into_view_if_needed()
        page.wait_for_function("document.querySelector('figure img').complete")
        current = img.evaluate("i => i.currentSrc")
        assert current.endswith(".avif") and f"-{width}." in current, current
        portrait = page.locator(".speakers img").evaluate("i => i.currentSrc")
        assert portrait.endswith(".avif")
    finally:
        context.close()


def test_no_layout_shift_while_pictures_load(browser, images_site):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    try:
        page = context.new_page()
        page.add_init_script(CLS_OBSERVER)
        page.goto(images_site + ARTICLE, wait_until="load")
        page.mouse.wheel(0, 3000)
        page.wait_for_load_state("networkidle")
        box = page.locator("figure img").bounding_box()
        assert box["width"] == pytest.approx(358, abs=1)
        assert box["height"] == pytest.approx(358 * 1600 / 2400, abs=1)
        assert page.evaluate("window.__cls") == 0
    finally:
        context.close()


@pytest.mark.parametrize("path", [ARTICLE, "/", "/intervenants/camille-martin/"])
@pytest.mark.parametrize("width", [320, 1280])
def test_axe_finds_no_violation_on_illustrated_pages(browser, images_site, path, width):
    context = browser.new_context(viewport={"width": width, "height": 900})
    try:
        page = context.new_page()
        page.goto(images_site + path, wait_until="load")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        assert axe_violations(page) == []
    finally:
        context.close()
