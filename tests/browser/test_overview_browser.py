"""Browser journey: a city leader opens the dashboard and finds the scorecard, then a commune's."""
import pytest

from conftest import screenshot
from store.catalogue import load_catalogue

KPIS = len(load_catalogue().indicators)  # one card per KPI of the catalogue

pytestmark = pytest.mark.browser


def test_opens_on_the_scorecard(page, app_url):
    page.goto(app_url + "/")
    page.get_by_text("Tổng quan: KPI sức khỏe thị trường lao động").wait_for(timeout=60_000)
    metrics = page.locator('[data-testid="stMetric"]')
    metrics.nth(KPIS - 1).wait_for(timeout=60_000)
    assert metrics.count() == KPIS
    assert page.get_by_text("Dữ liệu minh họa (demo)").first.is_visible()
    assert page.locator('[data-testid="stException"]').count() == 0
    screenshot(page, "overview-city")


def test_commune_deep_link(page, app_url):
    page.goto(app_url + "/?xa=10417")
    page.locator('[data-testid="stMetric"]').nth(KPIS - 1).wait_for(timeout=60_000)
    page.get_by_text("Xã Hòa Xá").first.wait_for(timeout=30_000)
    assert page.get_by_text("Không có số liệu").count() >= 2
    screenshot(page, "overview-hoa-xa")


def test_a_deep_link_is_the_first_visit_after_a_start(page, own_server):
    """`streamlit run app.py` (the one entry point) serves a deep link to a fresh server without the false
    "Page not found" that a legacy pages/ folder used to cause on the first session."""
    url, _ = own_server
    page.goto(url + "/ban-do?chi_tieu=bhyt_coverage")
    page.locator(".st-key-chi_tieu input").wait_for(timeout=120_000)
    page.wait_for_timeout(1500)
    assert page.get_by_text("Page not found").count() == 0 and page.get_by_text("Không tìm thấy trang").count() == 0
    assert page.locator('[data-testid="stException"]').count() == 0
