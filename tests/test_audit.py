"""The audit log (store/audit.py): durable appends, rotation, torn lines, concurrent writers."""
from __future__ import annotations

import json
import multiprocessing
import os
import threading
from datetime import datetime, timedelta, timezone

import pandas as pd
import pytest

from store.audit import LOG_NAME, AuditEvent, AuditLog


def _event(i: int = 0, **extra) -> AuditEvent:
    fields = dict(action="query", user="phantich@hanoi.gov.vn", role="analyst", page="tong-quan",
                  params={"i": i, "until": pd.Timestamp("2026-10-01"), "sectors": ("J", "C")}, rows=25)
    fields.update(extra)
    return AuditEvent(**fields)


def test_an_event_is_written_as_one_json_line_and_fsynced(tmp_path, monkeypatch):
    synced = []
    real_fsync = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: (synced.append(fd), real_fsync(fd)))
    log = AuditLog(tmp_path)
    record = log.append(_event(commune="10417"))
    assert synced, "every event is fsync'ed before append returns"
    lines = (tmp_path / LOG_NAME).read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1
    stored = json.loads(lines[0])
    assert stored == record
    assert stored["params"] == {"i": 0, "until": "2026-10-01T00:00:00", "sectors": ["J", "C"]}
    assert (stored["user"], stored["role"], stored["rows"], stored["commune"]) == \
        ("phantich@hanoi.gov.vn", "analyst", 25, "10417")
    assert datetime.fromisoformat(stored["time"]).tzinfo is not None


def test_unknown_actions_are_refused():
    with pytest.raises(ValueError):
        AuditEvent(action="delete", user="x", role="analyst")


def test_rotation_keeps_n_files_and_the_newest_events(tmp_path):
    log = AuditLog(tmp_path, max_bytes=1500, keep=3)
    for i in range(200):
        log.append(_event(i))
    files = sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(LOG_NAME))
    assert files == [LOG_NAME, f"{LOG_NAME}.1", f"{LOG_NAME}.2", f"{LOG_NAME}.3"]
    assert all(p.stat().st_size <= 1500 for p in tmp_path.iterdir() if p.name.startswith(LOG_NAME))
    got = [e["params"]["i"] for e in log.read().events]
    assert got == list(range(200 - len(got), 200)), "oldest first, newest kept, none lost in between"
    assert 0 < len(got) < 200


def test_a_line_torn_by_a_crash_is_skipped_and_does_not_spoil_the_next(tmp_path):
    log = AuditLog(tmp_path)
    log.append(_event(1))
    with open(tmp_path / LOG_NAME, "ab") as fh:
        fh.write(b'{"time": "2026-11-22T10:00:00.000+00:00", "action": "que')  # crash mid-write
    log.append(_event(2))
    read = log.read()
    assert [e["params"]["i"] for e in read.events] == [1, 2]
    assert read.damaged == 1


def test_reading_from_a_time(tmp_path):
    log = AuditLog(tmp_path)
    log.append(_event(1))
    assert log.read(datetime.now(timezone.utc) + timedelta(minutes=1)).events == []
    assert len(log.read(datetime.now(timezone.utc) - timedelta(minutes=1)).events) == 1


def test_concurrent_threads_never_interleave_lines(tmp_path):
    log = AuditLog(tmp_path, max_bytes=20_000, keep=50)

    def write(n: int) -> None:
        for i in range(40):
            log.append(_event(n * 1000 + i))

    threads = [threading.Thread(target=write, args=(n,)) for n in range(6)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    read = log.read()
    assert read.damaged == 0
    assert sorted(e["params"]["i"] for e in read.events) == sorted(n * 1000 + i for n in range(6) for i in range(40))


def _write_from_process(directory: str, base: int) -> None:
    log = AuditLog(directory, max_bytes=8_000, keep=100)
    for i in range(60):
        log.append(_event(base + i))


def test_two_processes_share_one_log(tmp_path):
    ctx = multiprocessing.get_context("fork")
    procs = [ctx.Process(target=_write_from_process, args=(str(tmp_path), base)) for base in (0, 1000)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
    read = AuditLog(tmp_path, max_bytes=8_000, keep=100).read()
    assert read.damaged == 0
    assert sorted(e["params"]["i"] for e in read.events) == list(range(60)) + list(range(1000, 1060))


# --- the app writes the trail (ui/audit.py) ------------------------------------------------------

from apphelpers import run_app  # noqa: E402


@pytest.fixture
def trail(tmp_path, monkeypatch):
    monkeypatch.setenv("HANOI_AUDIT_DIR", str(tmp_path / "audit"))
    return lambda: AuditLog(tmp_path / "audit").read().events


def test_page_views_filter_changes_and_reads_are_recorded(trail, monkeypatch):
    monkeypatch.setenv("HANOI_DEV_USER", "phantich@hanoi.gov.vn")
    at = run_app(ky="year")
    assert not at.exception
    events = trail()
    assert events[0]["action"] == "session_start" and events[0]["params"] == {"method": "dev"}
    view = next(e for e in events if e["action"] == "page_view")
    assert (view["user"], view["role"], view["page"], view["params"]) == \
        ("phantich@hanoi.gov.vn", "analyst", "tong-quan", {"ky": "year"})
    query = next(e for e in events if e["action"] == "query")
    assert query["params"]["read"] == "scorecard" and query["params"]["period"]["grain"] == "year"
    assert query["rows"] == 25 and query["params"]["area"] == "city"
    assert view["version"] and view["session"]
    count = len(events)
    at.run()  # a rerun that changes nothing writes nothing
    assert len(trail()) == count
    at.sidebar.selectbox[0].set_value("10417").run()
    new = trail()[count:]
    assert {e["action"] for e in new[:-1]} == {"query"} and new[-1]["action"] == "filter"
    assert new[0]["params"]["area"] == "10417" and new[-1]["params"] == {"ky": "year", "xa": "10417"}


def test_downloads_are_links_to_the_audited_route_and_not_offered_to_the_public(trail, monkeypatch):
    """Pages hand out no Streamlit media file: a download is a link the server answers only with the
    identity of the request (tests/test_api.py and tests/test_downloads.py fetch them)."""
    monkeypatch.setenv("HANOI_DEV_USER", "phantich@hanoi.gov.vn")
    at = run_app()
    assert not at.download_button, "no media-URL downloads"
    links = {b.proto.label: b.proto.url for b in at.get("link_button")}
    assert links["Tải CSV"] == "/api/v1/downloads/tong-quan.csv?area=city&grain=month&period=2026-10&lang=vi"
    assert links["Tải Excel (XLSX)"].startswith("/api/v1/downloads/tong-quan.xlsx?")
    assert not [e for e in trail() if e["action"] == "download"], "showing a link takes nothing away"
    monkeypatch.setenv("HANOI_DEV_USER", "congchung@example.vn")
    public = run_app()
    assert not public.exception and not [b for b in public.get("link_button") if b.proto.label == "Tải CSV"]


def test_the_audit_page_shows_the_trail_to_an_administrator(trail, monkeypatch):
    monkeypatch.setenv("HANOI_DEV_USER", "dev.analyst")
    at = run_app("audit", hanh_dong="page_view")
    assert not at.exception
    table = at.dataframe[0].value
    assert len(table) >= 1 and set(table["Thao tác"]) == {"Xem trang"}
    assert "dev.analyst" in set(table["Người dùng"])
    assert any(m.label == "Số sự kiện" for m in at.metric)
