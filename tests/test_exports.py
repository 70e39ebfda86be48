"""Every download carries its figures' status and source (issue 14 item 7): for each export a page offers,
built for an analyst with its default parameters, the status and source columns are there and filled."""
from __future__ import annotations

import pytest

import service
from service.access import Principal
from service.exports import EXPORTS, export_table

FIGURES_EXEMPT = {"bang", "nhat-ky"}  # tables of the version as stored / the audit trail: not figures of a KPI
DEFAULTS = {"ke-hoach": {"indicator": "new_jobs", "year": "2026", "month": "10"}, "ho-so": {"area": "10417"}}


@pytest.mark.parametrize("name", sorted(set(EXPORTS) - FIGURES_EXEMPT))
def test_every_figure_download_says_its_status_and_source(name, demo_version, tmp_path, monkeypatch):
    monkeypatch.setenv("HANOI_AUDIT_DIR", str(tmp_path / "audit"))
    caller = service.Caller(Principal("phantich@hanoi.gov.vn", "analyst", admin=True), reads="none")
    table = export_table(caller, name, dict(DEFAULTS.get(name, {})), take_away=False)
    keys = [c.key for c in table.columns]
    assert "status" in keys and "source" in keys, (name, keys)
    frame = table.frame
    assert len(frame), name
    if "value" in frame.columns:  # a KPI without any figure has no status to state
        frame = frame[frame["value"].notna()]
    assert frame["status"].notna().all() and frame["status"].astype(str).str.len().gt(0).all(), name
    assert frame["source"].notna().all() and frame["source"].astype(str).str.len().gt(0).all(), (
        name, frame.loc[frame["source"].isna() | (frame["source"].astype(str) == ""), keys[:2]].head())
