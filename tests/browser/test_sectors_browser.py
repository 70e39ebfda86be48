"""Browser journey: a planner opens the Sectors page for the city, then for one commune, and reads
employment and insurance by sector, demand against supply, the forecast and the heat map."""
import re

import pytest

from conftest import screenshot

pytestmark = pytest.mark.browser

TITLE = "Ngành kinh tế & cung–cầu lao động"
FULL_HEIGHT = {"width": 1500, "height": 6400}  # the whole page, heat map included, in one screenshot


def _wait_for_page(page) -> None:
    page.get_by_role("heading", name=TITLE).wait_for(timeout=90_000)
    page.locator('[data-testid="stMetric"]').nth(9).wait_for(timeout=90_000)
    # the six figures: stocks, flows, demand-supply, two forecast fans, the heat map
    page.locator(".js-plotly-plot").nth(5).wait_for(timeout=180_000)
    page.wait_for_timeout(1500)  # let plotly finish drawing before the screenshot


def _no_errors(page) -> None:
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.locator('[data-testid="stAlertContentError"]').count() == 0


def test_city_sectors_page(page, app_url):
    page.set_viewport_size(FULL_HEIGHT)
    page.goto(app_url + "/nganh-kinh-te")
    _wait_for_page(page)
    _no_errors(page)
    assert page.get_by_text("Dữ liệu minh họa (demo)").first.is_visible()
    assert page.get_by_text("Lao động và người tham gia BHXH bắt buộc theo ngành").is_visible()
    values = page.locator('[data-testid="stMetricValue"]').all_inner_texts()
    assert len(values) == 10
    assert re.fullmatch(r"\d{1,3}(\.\d{3})+", values[0])  # vi-VN: 4.149.998
    assert re.fullmatch(r"\d+,\d%", values[2])  # coverage: 54,2%
    ticks = page.locator(".js-plotly-plot .xtick text").all_text_contents()
    assert any(re.fullmatch(r"\d{1,3}(\.\d{3})+", x) for x in ticks)  # plotly axes in vi-VN too
    assert page.get_by_text("C · Công nghiệp chế biến chế tạo ★").first.is_visible()
    screenshot(page, "sectors-city")


def test_commune_sectors_page(page, app_url):
    page.set_viewport_size(FULL_HEIGHT)
    page.goto(app_url + "/nganh-kinh-te?xa=10417&ky=year&nganh=C,J,M,G")
    _wait_for_page(page)
    _no_errors(page)
    page.get_by_text("Xã Hòa Xá (10417) · Năm 2026").first.wait_for(timeout=30_000)
    assert page.get_by_text("Đang lọc theo ngành").first.is_visible()
    assert page.get_by_text("▶ Xã Hòa Xá (10417)").count() >= 1
    screenshot(page, "sectors-hoa-xa")
