"""Browser journey: the Forecast page has its forecasts at once, and shows a new version on its next run.

There is no background forecast job any more: every version has its forecasts and verdicts (stored at
publish time, or derived by the server on first use with the same code). The test runs its own server
over a copy of the session's warehouse (published with its stored tables, as every entry point does), then
publishes into that copy a version made without the derive hook: the next page run shows it, with the
forecasts the server derives for it, without a restart.
"""
from __future__ import annotations

import os
import shutil

import pytest

from conftest import screenshot
from forecast_helpers import plain_version

pytestmark = pytest.mark.browser


def test_the_forecast_page_has_forecasts_at_once_and_follows_a_publish(page, own_server, demo_version):
    url, root = own_server
    page.goto(url + "/du-bao?chi_tieu=bhxh_compulsory_share")
    page.get_by_text("Xác suất đạt mục tiêu 2030").first.wait_for(timeout=120_000)
    page.locator(".js-plotly-plot").first.wait_for(timeout=30_000)
    assert page.get_by_text("chưa có dự báo").count() == 0
    screenshot(page, "forecast-at-once")

    source_root, version = plain_version(demo_version)
    shutil.copytree(source_root / "versions" / version, root / "versions" / version)
    (root / "CURRENT.tmp").write_text(version, encoding="utf-8")
    os.replace(root / "CURRENT.tmp", root / "CURRENT")  # what a publish does, atomically

    page.reload()  # the next page run reads the new version (no restart)
    page.get_by_text(version).first.wait_for(timeout=60_000)  # the caption names the version shown
    page.locator(".js-plotly-plot").first.wait_for(timeout=30_000)
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.get_by_text("Tỷ lệ LLLĐ trong độ tuổi tham gia BHXH bắt buộc").first.is_visible()
    screenshot(page, "forecast-published")
