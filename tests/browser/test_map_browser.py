"""Browser journey: the map draws all 126 communes offline; a click on a commune leads to its profile."""
import os

import pytest

from conftest import screenshot, start_server, stop_server

pytestmark = pytest.mark.browser

COUNT_LOCATIONS = """() => {
  const gd = document.querySelector('.js-plotly-plot');
  if (!gd || !gd._fullData) return -1;
  const sub = gd._fullLayout.map && gd._fullLayout.map._subplot;
  if (!sub || !sub.map || !sub.map.loaded()) return -1;
  return gd._fullData.reduce((n, t) => n + (t.locations ? t.locations.length : 0), 0);
}"""


def _wait_for_map(page):
    """Wait until MapLibre has drawn the map; returns how many communes the figure holds."""
    page.locator(".maplibregl-canvas").first.wait_for(timeout=90_000)
    # a rerun may replace the figure at any moment: take the count in the same tick it is read
    handle = page.wait_for_function(f"(() => {{ const n = ({COUNT_LOCATIONS})(); return n > 0 ? n : false; }})",
                                    timeout=90_000)
    return handle.json_value()


def test_map_draws_126_communes_and_a_click_opens_the_profile(page, app_url):
    page.goto(app_url + "/ban-do")
    assert _wait_for_map(page) == 126
    assert page.locator('[data-testid="stException"]').count() == 0
    screenshot(page, "map-built-geometry")
    # click the centre of the map: inner-city wards are there
    canvas = page.locator(".maplibregl-canvas").first
    box = canvas.bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.55, box["y"] + box["height"] * 0.5)
    link = page.get_by_text("Mở hồ sơ")
    link.wait_for(timeout=60_000)
    link.click()
    page.get_by_text("Hồ sơ", exact=False).first.wait_for(timeout=60_000)
    page.get_by_text("So với thành phố và nhóm tương đồng").wait_for(timeout=60_000)
    assert "xa=" in page.url
    screenshot(page, "profile-after-click")


def test_profile_url_opens_straight_on_the_commune(page, app_url):
    page.goto(app_url + "/ho-so?xa=00004")
    page.get_by_text("Hồ sơ Phường Ba Đình").wait_for(timeout=60_000)
    page.get_by_text("Nguồn gốc hình thành").wait_for(timeout=60_000)
    screenshot(page, "profile-ba-dinh")


def test_map_with_the_official_boundary_file(page, demo_version):
    path = os.environ.get("HANOI_OFFICIAL_BOUNDARY_TEST_FILE")
    if not path or not os.path.exists(path):
        pytest.skip("official boundary file not available here")
    url, proc = start_server({"HANOI_BOUNDARY_FILE": path})
    try:
        page.goto(url + "/ban-do")
        assert _wait_for_map(page) == 126
        page.get_by_text(os.path.basename(path), exact=False).first.wait_for(timeout=30_000)
        screenshot(page, "map-official-geometry")
    finally:
        stop_server(proc)
