"""Browser journey: the operations-centre wall runs unattended, rotates, and survives a publish.

The wall is opened with a 3-second rotation; a MutationObserver counts, at every DOM change, whether the
KPI tiles ever vanish or an exception appears, and the test also samples the page every second for 40 s.
In the middle a new demo version is published into the warehouse (as the pipeline does), and the wall must
pick it up by itself without a blank frame or an error. The test runs its own server over a copy of the
session's warehouse, so the publish does not change the version the other tests read.
"""
from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from conftest import ROOT, screenshot

pytestmark = pytest.mark.browser

WATCH = """() => {
  window.__wall = {minTiles: 1e9, blankMutations: 0, exceptions: 0};
  const check = () => {
    const n = document.querySelectorAll('.wall-tile').length;
    window.__wall.minTiles = Math.min(window.__wall.minTiles, n);
    if (n === 0) window.__wall.blankMutations += 1;
    if (document.querySelector('[data-testid="stException"]')) window.__wall.exceptions += 1;
  };
  new MutationObserver(check).observe(document.body, {subtree: true, childList: true, characterData: true});
  check();
}"""
SAMPLE = """() => ({
  tiles: document.querySelectorAll('.wall-tile').length,
  values: Array.from(document.querySelectorAll('.wall-value')).map(e => e.textContent.trim()).filter(Boolean).length,
  exception: document.querySelectorAll('[data-testid="stException"]').length,
  version: document.querySelector('.wall-head')?.dataset.version || null,
  view: document.querySelector('.wall-view')?.textContent || '',
  clock: document.querySelector('[data-testid="wall-clock"] b')?.textContent || '',
  sidebarShown: !!Array.from(document.querySelectorAll('[data-testid="stSidebar"]')).find(e => e.offsetWidth > 0),
  watch: window.__wall,
})"""


def _open_wall(page, url: str) -> None:
    page.goto(url)
    page.locator(".wall-tile").first.wait_for(timeout=120_000)


@pytest.fixture
def wall_page(browser):
    context = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="vi-VN")
    yield context.new_page()
    context.close()


def test_wall_rotates_and_survives_a_publish_without_a_blank_frame(wall_page, own_server, demo_version):
    page = wall_page
    app_url, root = own_server
    external: list[str] = []
    page.on("request", lambda r: external.append(r.url) if not r.url.startswith((app_url, "data:", "blob:")) else None)
    _open_wall(page, app_url + "/man-hinh-tuong?xoay=3")
    page.evaluate(WATCH)
    samples, publisher, new_version = [], None, None
    for second in range(40):
        time.sleep(1)
        if second == 10:  # publish a new demo version while the wall is running
            publisher = subprocess.Popen(
                [sys.executable, "-c", "from pipeline.publish import publish_demo; print(publish_demo(end='2026-10'))"],
                cwd=ROOT, env={**os.environ, "HANOI_DATA_DIR": str(root)}, stdout=subprocess.PIPE, text=True)
        samples.append(page.evaluate(SAMPLE))
        if second % 8 == 0:
            screenshot(page, f"wall-sample-{second:02d}")
        if publisher is not None and new_version is None and publisher.poll() is not None:
            new_version = publisher.stdout.read().strip().splitlines()[-1]
    if new_version is None:
        publisher.wait(timeout=180)
        new_version = publisher.stdout.read().strip().splitlines()[-1]
    assert publisher.returncode == 0
    bad = [(i, s) for i, s in enumerate(samples) if not (s["tiles"] >= 4 and s["values"] == s["tiles"])]
    assert bad == []
    assert all(s["exception"] == 0 for s in samples)
    watch = samples[-1]["watch"]
    assert watch["blankMutations"] == 0 and watch["minTiles"] >= 4 and watch["exceptions"] == 0, watch
    assert not any(s["sidebarShown"] for s in samples)
    assert len({s["view"][:5] for s in samples}) == 3, "the three views rotated"
    assert len({s["clock"] for s in samples}) >= 5, "the clock kept moving"
    versions = [s["version"] for s in samples]
    assert versions[0] == demo_version
    deadline = time.time() + 60
    while page.evaluate(SAMPLE)["version"] != new_version and time.time() < deadline:
        time.sleep(1)
    assert page.evaluate(SAMPLE)["version"] == new_version, "the wall picked up the new version by itself"
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.get_by_text("Page not found").count() == 0, "a deep link opens cleanly, even as a first session"
    assert external == [], "the wall fetches nothing from outside"
    screenshot(page, "wall-after-publish")


@pytest.mark.parametrize("lang, title", [("vi", "KPI thị trường lao động Hà Nội"), ("en", "Hanoi labour-market KPIs")])
def test_wall_embedded_in_an_iframe(browser, app_url, portal, lang, title):
    context = browser.new_context(viewport={"width": 1920, "height": 1080})
    page = context.new_page()
    page.goto(portal("127.0.0.1", f"{app_url}/man-hinh-tuong?embed=true&xoay=60&xem=ban-do&lang={lang}"))
    frame = page.frame_locator("iframe")
    frame.locator(".wall-tile").first.wait_for(timeout=120_000)
    frame.locator('[data-testid="wall-map"] svg').wait_for(timeout=60_000)
    assert frame.get_by_text(title).first.is_visible()
    assert frame.locator('[data-testid="stException"]').count() == 0
    assert frame.locator("path").count() >= 126
    page.wait_for_timeout(1500)
    screenshot(page, f"wall-embedded-{lang}")
    context.close()


def test_a_portal_that_is_not_listed_cannot_frame_the_dashboard(browser, app_url, portal):
    """Clickjacking: only the origins in HANOI_FRAME_ANCESTORS may embed the pages (the IOC's portal)."""
    context = browser.new_context(viewport={"width": 1200, "height": 800})
    page = context.new_page()
    page.goto(portal("localhost", f"{app_url}/man-hinh-tuong?embed=true"))  # 'localhost' is not listed
    page.wait_for_timeout(8000)
    assert page.frame_locator("iframe").locator(".wall-tile").count() == 0
    context.close()


FIT = """() => {
  const grid = Array.from(document.querySelectorAll('[data-testid="wall-grid"]')).pop();
  const tiles = Array.from(document.querySelectorAll('.wall-tile'));
  const bottom = Math.max(0, ...tiles.map(e => e.getBoundingClientRect().bottom),
                          ...Array.from(document.querySelectorAll('.wall-legend')).map(e => e.getBoundingClientRect().bottom));
  return {tiles: tiles.length, bottom, inner: window.innerHeight, innerW: window.innerWidth,
          scroll: document.scrollingElement.scrollHeight, grid: !!grid,
          wide: tiles.filter(e => e.scrollWidth > e.clientWidth + 1).length,
          view: document.querySelector('.wall-view')?.textContent || ''};
}"""


@pytest.mark.parametrize("width,height", [(1920, 1080), (1366, 768)])
@pytest.mark.parametrize("views", ["chi-tieu", "uu-tien", "ban-do"])
def test_every_wall_page_fits_the_screen_without_scrolling(browser, app_url, width, height, views):
    """A wall has nobody to scroll it: every page of tiles (and the map view's tiles, map and legend) ends
    inside the screen at both common sizes, in embed mode as the IOC portal shows it."""
    context = browser.new_context(viewport={"width": width, "height": height}, locale="vi-VN")
    page = context.new_page()
    try:
        _open_wall(page, app_url + f"/man-hinh-tuong?xem={views}&xoay=3600&embed=true")
        page.wait_for_timeout(1500)
        fit = page.evaluate(FIT)
        screenshot(page, f"wall-fit-{views}-{width}x{height}")
        assert fit["tiles"] >= 1 and fit["grid"], fit
        assert fit["bottom"] <= fit["inner"], fit
        assert fit["scroll"] <= fit["inner"] + 1, fit
        assert fit["wide"] == 0, fit
        banner = page.get_by_text("Chế độ phát triển")
        assert not any(banner.nth(i).is_visible() for i in range(banner.count()))  # none in embed mode
    finally:
        context.close()
