"""Browser journey: the map draws all 126 communes offline; a click on a commune leads to its profile."""
import os

import pytest

from conftest import SCREENSHOT_DIR, screenshot, start_server, stop_server


def screenshot_dir():
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    return SCREENSHOT_DIR

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


RENDERED_LABELS = """() => {
  const map = document.querySelector('.js-plotly-plot')._fullLayout.map._subplot.map;
  const ids = map.getStyle().layers.filter(l => l.type === 'symbol').map(l => l.id);
  return map.queryRenderedFeatures({layers: ids}).length;
}"""


def _external_requests(page) -> list[str]:
    """Every request the page makes to another host than the local server (tiles, glyphs, icons, fonts)."""
    seen: list[str] = []
    page.on("request", lambda r: seen.append(r.url) if not r.url.startswith(("http://127.0.0.1", "data:", "blob:"))
            else None)
    return seen


def _labels_after_idle(page) -> int:
    page.wait_for_function("""() => { const m = document.querySelector('.js-plotly-plot')._fullLayout.map._subplot.map;
                                      return m.loaded() && !m.isMoving(); }""", timeout=30_000)
    page.wait_for_timeout(800)
    return page.evaluate(RENDERED_LABELS)


def test_map_with_the_official_boundary_file(page, demo_version):
    path = os.environ.get("HANOI_OFFICIAL_BOUNDARY_TEST_FILE")
    if not path or not os.path.exists(path):
        pytest.skip("official boundary file not available here")
    url, proc = start_server({"HANOI_BOUNDARY_FILE": path})
    try:
        external = _external_requests(page)
        page.goto(url + "/ban-do")
        assert _wait_for_map(page) == 126
        page.get_by_text("Ranh giới chính thức:", exact=False).first.wait_for(timeout=30_000)
        screenshot(page, "map-official-geometry")
        assert external == []
    finally:
        stop_server(proc)


def test_map_with_an_uploaded_official_set_labels_outlines_and_the_chosen_commune(page, own_server):
    """An official set in the store: names appear as one zooms in, outlines drawn, ?xa= commune outlined."""
    path = os.environ.get("HANOI_OFFICIAL_BOUNDARY_TEST_FILE")
    if not path or not os.path.exists(path):
        pytest.skip("official boundary file not available here")
    url, root = own_server
    import subprocess
    import sys

    from conftest import ROOT

    upload = ("import sys; from pathlib import Path; from indicators.boundaries import upload_boundary_file; "
              "p = Path(sys.argv[1]); o = upload_boundary_file(p.read_bytes(), p.name, name='Ranh giới 126 xã, phường (thử)'); "
              "sys.exit(0 if o.served else 1)")
    subprocess.run([sys.executable, "-c", upload, path], cwd=ROOT, env={**os.environ, "HANOI_DATA_DIR": str(root)},
                   check=True)
    external = _external_requests(page)
    page.goto(url + "/ban-do?xa=00070")
    assert _wait_for_map(page) == 126
    page.get_by_text("Ranh giới chính thức: Ranh giới 126 xã, phường (thử)", exact=False).first.wait_for(timeout=30_000)
    layers = page.evaluate("""() => document.querySelector('.js-plotly-plot')._fullLayout.map._subplot.map
                                   .getStyle().layers.map(l => [l.type, (l.paint || {})['line-dasharray'] ? 'dash' : ''])""")
    assert ["line", "dash"] in layers and layers.count(["line", ""]) >= 3  # districts; outline + chosen commune
    at_city_zoom = _labels_after_idle(page)
    screenshot(page, "map-official-set-city")
    page.locator(".js-plotly-plot").first.screenshot(path=str(screenshot_dir() / "map-official-set-city-map.png"))
    page.evaluate("""() => document.querySelector('.js-plotly-plot')._fullLayout.map._subplot.map
                          .jumpTo({center: [105.85, 21.03], zoom: 12})""")
    zoomed = _labels_after_idle(page)
    page.locator(".js-plotly-plot").first.screenshot(path=str(screenshot_dir() / "map-official-set-zoomed-map.png"))
    assert 5 <= at_city_zoom < 126 and zoomed > 0
    assert external == []
