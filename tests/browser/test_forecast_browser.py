"""Browser journey: the Forecast page before and after the forecast batch publishes.

On a fresh machine `./run.sh` starts the app at once and computes the forecasts in the background. The
page first explains that they are coming, then, when the batch publishes its version, shows the fan chart
by itself, with no click and no reload. The test runs its own server over a copy of the session's
warehouse and publishes the forecast-bearing version into that copy.
"""
from __future__ import annotations

import os
import shutil
import time

import pytest

from conftest import screenshot
from forecast_helpers import forecast_version

pytestmark = pytest.mark.browser


def test_the_forecast_page_shows_the_forecasts_as_soon_as_they_are_published(page, own_server, demo_version):
    url, root = own_server
    page.goto(url + "/du-bao?chi_tieu=bhxh_compulsory_share")
    page.get_by_text("Phiên bản dữ liệu này chưa có dự báo").first.wait_for(timeout=120_000)
    assert page.locator(".js-plotly-plot").count() == 0
    screenshot(page, "forecast-waiting")

    source_root, version, _ = forecast_version(demo_version)
    shutil.copytree(source_root / "versions" / version, root / "versions" / version)
    (root / "CURRENT.tmp").write_text(version, encoding="utf-8")
    os.replace(root / "CURRENT.tmp", root / "CURRENT")  # what a publish does, atomically
    published = time.time()

    page.get_by_text("Xác suất đạt mục tiêu 2030").first.wait_for(timeout=60_000)
    page.locator(".js-plotly-plot").first.wait_for(timeout=30_000)
    assert time.time() - published < 45, "picked up within a few checks of the version"
    assert page.get_by_text("Phiên bản dữ liệu này chưa có dự báo").count() == 0
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.get_by_text("Tỷ lệ LLLĐ trong độ tuổi tham gia BHXH bắt buộc").first.is_visible()
    screenshot(page, "forecast-published")
