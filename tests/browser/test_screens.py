"""Screen review: every page in Vietnamese and English on the IOC wall / a leader's monitor (1920×1080), an
analyst's laptop (1366×768) and a phone (390×844).

Each visit saves what the user first sees (`screen-<page>-<lang>-<size>.png`) and, when the page is taller
than the screen, the whole page (`...-full.png`) under $SCREENSHOT_DIR, for a person to look at; the test
itself fails on what can be measured: a program's leftovers on screen (None, nan, NaT, a Traceback), an
error box, and a heading, metric, button, tab or menu item cut off.
One browser and one server for the whole module (the session's `app_url`).
"""
from __future__ import annotations

import pytest

from conftest import SCREENSHOT_DIR
from screens import PAGES, SIZES, content_height, cut_off_labels, leftovers, open_page, page_url

pytestmark = pytest.mark.browser

FULL_PAGE_MAX = 9000
"""The tallest full-page shot (px): beyond it Chromium's screenshots get slow and nobody reviews them."""


@pytest.mark.parametrize("page_key", list(PAGES))
@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("size", list(SIZES))
def test_screen(browser, app_url, size, lang, page_key):
    width, height = SIZES[size]
    context = browser.new_context(viewport={"width": width, "height": height},
                                  locale="vi-VN" if lang == "vi" else "en-GB")
    pg = context.new_page()
    try:
        open_page(pg, page_url(app_url, page_key, lang))
        SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
        name = f"screen-{page_key}-{lang}-{size}"
        pg.screenshot(path=str(SCREENSHOT_DIR / f"{name}.png"))
        problems = [f"leftover on screen: {line}" for line in leftovers(pg.locator("body").inner_text())]
        if pg.locator('[data-testid="stException"]').count():
            problems.append("an error box (stException) is shown")
        problems += [f"cut off: {label}" for label in cut_off_labels(pg)]
        full = content_height(pg)
        if full > height + 20:
            pg.set_viewport_size({"width": width, "height": min(full, FULL_PAGE_MAX)})
            pg.wait_for_timeout(600)
            pg.screenshot(path=str(SCREENSHOT_DIR / f"{name}-full.png"))
        assert not problems, f"{name}:\n" + "\n".join(problems)
    finally:
        context.close()
