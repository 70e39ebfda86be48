"""Browser journey: an administrator replaces the commune boundaries from the Data page. A file that fails
validation is refused with its reasons and the map keeps its boundaries; a good one is served at once and the
map names it; both uploads are in the audit trail."""
from __future__ import annotations

import json
import os

import pytest

from boundary_helpers import built_json
from conftest import screenshot
from store.audit import AuditLog

pytestmark = pytest.mark.browser


def _upload(page, path, name: str) -> None:
    page.get_by_role("tab", name="Ranh giới xã/phường").click()
    page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(str(path))
    page.get_by_label("Tên bộ ranh giới (không bắt buộc)").fill(name)
    page.get_by_role("button", name="Kiểm tra và lưu").click()


def test_an_administrator_uploads_boundaries_on_the_data_page(page, own_server, tmp_path):
    url, root = own_server
    good, bad = built_json(), built_json()
    bad["features"].pop(5)
    (tmp_path / "thieu_mot_xa.geojson").write_text(json.dumps(bad), encoding="utf-8")
    (tmp_path / "ranh_gioi_so_tnmt.geojson").write_text(json.dumps(good), encoding="utf-8")

    page.goto(url + "/du-lieu")
    page.get_by_role("tab", name="Ranh giới xã/phường").wait_for(timeout=90_000)
    _upload(page, tmp_path / "thieu_mot_xa.geojson", "Thiếu một xã")
    page.get_by_text("không dùng được; bộ ranh giới đang dùng được giữ nguyên", exact=False).wait_for(timeout=90_000)
    assert page.get_by_text("thiếu 1/126 mã", exact=False).count() >= 1
    screenshot(page, "data-boundaries-refused")

    _upload(page, tmp_path / "ranh_gioi_so_tnmt.geojson", "Ranh giới Sở TNMT (thử)")
    page.get_by_text("Đã lưu bộ ranh giới", exact=False).wait_for(timeout=90_000)
    assert page.get_by_text("Ranh giới Sở TNMT (thử)", exact=False).count() >= 1  # the name given, in the message
    page.get_by_text("Các bộ ranh giới đã lưu").wait_for()
    assert page.get_by_text("Chưa có bộ ranh giới nào", exact=False).count() == 0  # the new set is listed at once
    screenshot(page, "data-boundaries-stored")

    page.goto(url + "/ban-do")
    page.get_by_text("Ranh giới chính thức: Ranh giới Sở TNMT (thử)", exact=False).first.wait_for(timeout=90_000)

    events = AuditLog(os.environ["HANOI_AUDIT_DIR"]).read().events  # the test session's trail (tests/conftest.py)
    uploads = [e["params"] for e in events if e["action"] == "admin_action"
               and e["params"].get("action") == "boundary_upload"]
    assert [(u["file"], u["accepted"]) for u in uploads[-2:]] == [("thieu_mot_xa.geojson", False),
                                                                 ("ranh_gioi_so_tnmt.geojson", True)]
