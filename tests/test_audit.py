"""The audit log (store/audit.py): two streams, durable appends, rotation, retention, bounded events,
the per-session rate limit, torn lines, concurrent writers; and the app writing it (ui/audit.py)."""
from __future__ import annotations

import json
import multiprocessing
import os
import threading
from datetime import datetime, timedelta, timezone

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from store.audit import (ACTION_STREAMS, ACTIVITY, ACTIVITY_NAME, LEGACY_NAME, RATE_LIMITED, SECURITY, AuditEvent,
                         AuditLog, default_log)
from store.bounded_json import MAX_BYTES, MAX_TEXT, bound_json, canonical_json, sha256_text
from store.ratelimit import SessionRateLimiter
from store.catalogue import load_catalogue

SECURITY_ACTIONS = {"session_start", "download", "export", "denied", "admin_view",
                    "admin_action", "incident", "retention", "denied_counted"}


def _event(i: int = 0, action: str = "query", **extra) -> AuditEvent:
    fields = dict(action=action, user="phantich@hanoi.gov.vn", role="analyst", page="tong-quan",
                  params={"i": i, "until": pd.Timestamp("2026-10-01"), "sectors": ("J", "C")}, rows=25)
    fields.update(extra)
    return AuditEvent(**fields)


class Clock:
    """A settable UTC clock for the log (months and years pass in a test)."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now


def _unlimited() -> SessionRateLimiter:
    return SessionRateLimiter(per_minute=1e9, burst=10**9)


def test_an_event_is_written_as_one_json_line_and_fsynced(tmp_path, monkeypatch):
    synced = []
    real_fsync = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: (synced.append(fd), real_fsync(fd)))
    log = AuditLog(tmp_path)
    record = log.append(_event(commune="10417", client="203.0.113.7", channel="ui"))
    assert synced, "every event is fsync'ed before append returns"
    lines = (tmp_path / ACTIVITY_NAME).read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1
    stored = json.loads(lines[0])
    assert stored == record
    assert stored["params"] == {"i": 0, "until": "2026-10-01T00:00:00", "sectors": ["J", "C"]}
    assert (stored["user"], stored["role"], stored["rows"], stored["commune"], stored["client"], stored["channel"]) == \
        ("phantich@hanoi.gov.vn", "analyst", 25, "10417", "203.0.113.7", "ui")
    assert (stored["stream"], stored["cut"]) == (ACTIVITY, False)
    assert len(stored["hash"]) == 64 and stored["prev"] == "0" * 64
    assert datetime.fromisoformat(stored["time"]).tzinfo is not None


def test_unknown_actions_and_channels_are_refused():
    with pytest.raises(ValueError):
        AuditEvent(action="delete", user="x", role="analyst")
    with pytest.raises(ValueError):
        AuditEvent(action="query", user="x", role="analyst", channel="telnet")


def test_the_action_decides_the_stream(tmp_path):
    assert {a for a, s in ACTION_STREAMS.items() if s == SECURITY} == SECURITY_ACTIONS
    assert RATE_LIMITED == {"page_view", "filter"} and all(ACTION_STREAMS[a] == ACTIVITY for a in RATE_LIMITED)
    log = AuditLog(tmp_path, limiter=_unlimited())
    for action in ACTION_STREAMS:
        log.append(_event(action=action))
    month = f"security-{datetime.now(timezone.utc):%Y-%m}.jsonl"
    security = [json.loads(x)["action"] for x in (tmp_path / month).read_text().splitlines()]
    activity = [json.loads(x)["action"] for x in (tmp_path / ACTIVITY_NAME).read_text().splitlines()]
    assert set(security) == SECURITY_ACTIONS and set(activity) == set(ACTION_STREAMS) - SECURITY_ACTIONS


def test_activity_rotates_by_size_and_never_takes_security_events_with_it(tmp_path):
    log = AuditLog(tmp_path, max_bytes=4000, keep=3, limiter=_unlimited())
    for i in range(300):
        log.append(_event(i))
        if i % 100 == 0:
            log.append(_event(i, action="download"))
    names = sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("activity"))
    assert names == [ACTIVITY_NAME, f"{ACTIVITY_NAME}.1", f"{ACTIVITY_NAME}.2", f"{ACTIVITY_NAME}.3"]
    assert all((tmp_path / n).stat().st_size <= 4000 for n in names)
    got = [e["params"]["i"] for e in log.read(streams=[ACTIVITY]).events if e["action"] == "query"]
    assert got == list(range(300 - len(got), 300)), "oldest first, newest kept, none lost in between"
    assert 0 < len(got) < 300
    downloads = [e["params"]["i"] for e in log.read(streams=[SECURITY]).events]
    assert downloads == [0, 100, 200], "volume never removes a security event"
    rotations = [e for e in log.read().events if e["action"] == "rotation"]
    assert rotations and all(e["params"]["file"] == f"{ACTIVITY_NAME}.3" and e["params"]["events"] > 0
                             for e in rotations)


def test_security_files_are_kept_by_month_and_removed_only_after_the_retention(tmp_path):
    clock = Clock(datetime(2021, 1, 15, tzinfo=timezone.utc))
    log = AuditLog(tmp_path, retention_days=365, clock=clock)
    for month in range(1, 13):
        clock.now = datetime(2021, month, 15, tzinfo=timezone.utc)
        log.append(_event(month, action="download"))
    assert len(log.stream_files(SECURITY)) == 12
    clock.now = datetime(2022, 3, 10, tzinfo=timezone.utc)  # Jan and Feb 2021 ended more than 365 days ago
    log.append(_event(99, action="export"))
    names = [p.name for p in log.stream_files(SECURITY)]
    assert names[0] == "security-2021-03.jsonl" and names[-1] == "security-2022-03.jsonl" and len(names) == 11
    events = log.read(streams=[SECURITY]).events
    removed = [e["params"]["file"] for e in events if e["action"] == "retention"]
    assert removed == ["security-2021-01.jsonl", "security-2021-02.jsonl"]
    assert [e["params"]["i"] for e in events if e["action"] == "download"] == list(range(3, 13))
    clock.now = datetime(2022, 3, 31, tzinfo=timezone.utc)  # same month: nothing more is removed
    log.append(_event(100, action="export"))
    assert len(log.stream_files(SECURITY)) == 11


def test_a_long_parameter_is_cut_and_hashed_and_the_record_says_so(tmp_path):
    big = "ky=" + "x" * 500_000
    record = AuditLog(tmp_path).append(_event(params={"ky": big, "xa": "10417"}))
    value = record["params"]["ky"]
    assert value.startswith(big[:MAX_TEXT] + "…") and sha256_text(big) in value and "len:500003" in value
    assert record["params"]["xa"] == "10417" and record["cut"] is True
    assert len((tmp_path / ACTIVITY_NAME).read_bytes()) < 2_000


def test_keys_items_and_nesting_are_bounded_too(tmp_path):
    params = {f"k{i}": list(range(1000)) for i in range(500)}
    params["deep"] = {"a": {"b": {"c": {"d": {"e": 1}}}}}
    params["x" * 10_000] = "v"
    record = AuditLog(tmp_path).append(_event(params=params, user="u" * 10_000))
    assert record["cut"] is True and len(record["user"]) < 300
    assert len(canonical_json(record).encode()) < MAX_BYTES + 2_000


json_values = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=300),
                           lambda inner: st.lists(inner, max_size=40) | st.dictionaries(st.text(max_size=80), inner,
                                                                                         max_size=40),
                           max_leaves=150)


@settings(max_examples=40, deadline=None)
@given(json_values)
def test_every_value_is_bounded_and_stays_json(value):
    bounded = bound_json(value)
    text = canonical_json(bounded.value)  # raises if not JSON (NaN included)
    assert len(text.encode("utf-8")) <= MAX_BYTES
    assert json.loads(text) == bounded.value


def test_a_line_torn_by_a_crash_is_skipped_and_does_not_spoil_the_next(tmp_path):
    log = AuditLog(tmp_path)
    log.append(_event(1))
    log.append(_event(1, action="download"))
    month = log.stream_files(SECURITY)[0]
    for path in (tmp_path / ACTIVITY_NAME, month):
        with open(path, "ab") as fh:
            fh.write(b'{"time": "2026-11-22T10:00:00.000+00:00", "action": "que')  # crash mid-write
    log.append(_event(2))
    log.append(_event(2, action="download"))
    read = log.read()
    assert [(e["action"], e["params"]["i"]) for e in read.events] == \
        [("query", 1), ("download", 1), ("query", 2), ("download", 2)]
    assert read.damaged == 2
    report = log.verify()
    assert report.ok and [s.damaged for s in report.streams] == [1, 1], "a torn line is no break in the chain"


def test_reading_between_times_and_by_stream(tmp_path):
    clock = Clock(datetime(2026, 9, 30, 23, 0, tzinfo=timezone.utc))
    log = AuditLog(tmp_path, clock=clock)
    for i in range(6):
        clock.now += timedelta(hours=1)
        log.append(_event(i, action="download" if i % 2 else "query"))
    assert [e["params"]["i"] for e in log.read().events] == list(range(6)), "both streams merged, oldest first"
    start, end = datetime(2026, 10, 1, 1, tzinfo=timezone.utc), datetime(2026, 10, 1, 3, tzinfo=timezone.utc)
    assert [e["params"]["i"] for e in log.read(since=start, until=end).events] == [1, 2, 3]
    assert [e["params"]["i"] for e in log.read(since=start, streams=[SECURITY]).events] == [1, 3, 5]
    assert [p.name for p in log.stream_files(SECURITY)] == ["security-2026-10.jsonl"]
    assert log.read(since=clock.now + timedelta(minutes=1)).events == []
    with pytest.raises(ValueError):
        log.read(streams=["everything"])


def test_the_log_from_before_the_streams_is_still_read(tmp_path):
    old = {"time": "2025-01-02T03:04:05.000+00:00", "action": "download", "user": "u", "role": "analyst",
           "commune": None, "page": "du-lieu", "params": {"file": "a.csv"}, "rows": 3, "session": "", "version": None}
    (tmp_path / f"{LEGACY_NAME}.1").write_text(json.dumps(old) + "\n")
    (tmp_path / LEGACY_NAME).write_text(json.dumps({**old, "action": "page_view", "time": "2025-01-03T00:00:00.000+00:00"})
                                        + "\n")
    log = AuditLog(tmp_path)
    log.append(_event(1, action="export"))
    assert [e["action"] for e in log.read().events] == ["download", "page_view", "export"]
    assert [e["action"] for e in log.read(streams=[SECURITY]).events] == ["download", "export"]
    report = log.verify()
    assert report.ok and report.legacy_events == 2 and report.legacy_files == (f"{LEGACY_NAME}.1", LEGACY_NAME)


# ---- the rate limit -----------------------------------------------------------------------------------------
def test_the_token_bucket_allows_a_burst_then_the_rate_and_reports_drops_once_a_window():
    now = [1000.0]
    limiter = SessionRateLimiter(per_minute=60, burst=5, window_seconds=60, clock=lambda: now[0])
    verdicts = [limiter.check("s") for _ in range(8)]
    assert [v.allowed for v in verdicts] == [True] * 5 + [False] * 3
    assert [sum(d.count for d in v.reports) for v in verdicts] == [0] * 5 + [1, 0, 0], "first drop reported at once"
    now[0] += 2.0  # two tokens back
    assert [limiter.check("s").allowed for _ in range(3)] == [True, True, False]
    assert limiter.check("other").allowed, "buckets are per session"
    now[0] += 61.0
    later = limiter.check("s")
    assert later.allowed and [(d.session, d.count) for d in later.reports] == [("s", 3)]
    assert limiter.drain() == []


def test_evicted_sessions_hand_back_their_drop_counts():
    limiter = SessionRateLimiter(per_minute=1, burst=1, max_sessions=2, clock=lambda: 0.0)
    for session in ("a", "a", "a", "b"):
        limiter.check(session)
    reports = limiter.check("c").reports  # "a" (least recently seen) is evicted with its unreported drop
    assert [(d.session, d.count) for d in reports] == [("a", 1)]


def test_page_views_over_the_limit_are_dropped_and_counted_and_security_events_never_are(tmp_path):
    log = AuditLog(tmp_path, limiter=SessionRateLimiter(per_minute=60, burst=10))
    written = [log.append(_event(i, action="page_view", session="s1")) for i in range(100)]
    downloads = [log.append(_event(i, action="download", session="s1")) for i in range(100)]
    assert sum(r is not None for r in written) == 10 and all(downloads)
    log.flush_rate_limited()
    events = log.read().events
    dropped = sum(e["params"]["dropped"] for e in events if e["action"] == "rate_limited")
    assert dropped == 90 and sum(e["action"] == "page_view" for e in events) == 10
    limited = [e for e in events if e["action"] == "rate_limited"]
    assert len(limited) == 2 and all(e["session"] == "s1" and e["user"] == "phantich@hanoi.gov.vn" for e in limited)
    assert sum(e["action"] == "download" for e in events) == 100
    assert log.verify().ok


def test_settings_come_from_the_environment_and_bad_ones_are_explained(tmp_path, monkeypatch):
    monkeypatch.setenv("HANOI_AUDIT_DIR", str(tmp_path))
    monkeypatch.setenv("HANOI_AUDIT_RETENTION_DAYS", "30")
    monkeypatch.setenv("HANOI_AUDIT_RATE_PER_MINUTE", "7")
    log = default_log()
    assert (log.directory, log.retention_days, log.limiter.per_minute) == (tmp_path, 30, 7)
    assert default_log().limiter is log.limiter, "one bucket per session for the whole process"
    monkeypatch.setenv("HANOI_AUDIT_RETENTION_DAYS", "năm năm")
    with pytest.raises(ValueError, match="HANOI_AUDIT_RETENTION_DAYS.*số nguyên.*whole number"):
        default_log()
    monkeypatch.setenv("HANOI_AUDIT_RETENTION_DAYS", "0")
    with pytest.raises(ValueError, match="at least 1"):
        default_log()


# ---- many writers -------------------------------------------------------------------------------------------
def test_concurrent_threads_never_interleave_lines_and_keep_one_chain(tmp_path):
    log = AuditLog(tmp_path, max_bytes=20_000, keep=50, limiter=_unlimited())

    def write(n: int) -> None:
        for i in range(40):
            log.append(_event(n * 1000 + i, action="download" if i % 3 == 0 else "query"))

    threads = [threading.Thread(target=write, args=(n,)) for n in range(6)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    read = log.read()
    assert read.damaged == 0
    assert sorted(e["params"]["i"] for e in read.events) == sorted(n * 1000 + i for n in range(6) for i in range(40))
    assert log.verify().ok


def _write_from_process(directory: str, base: int) -> None:
    log = AuditLog(directory, max_bytes=8_000, keep=100)
    for i in range(60):
        log.append(_event(base + i, action="export" if i % 2 else "query"))


def test_two_processes_share_one_log_and_one_chain(tmp_path):
    ctx = multiprocessing.get_context("fork")
    procs = [ctx.Process(target=_write_from_process, args=(str(tmp_path), base)) for base in (0, 1000)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
    log = AuditLog(tmp_path, max_bytes=8_000, keep=100)
    read = log.read()
    assert read.damaged == 0
    assert sorted(e["params"]["i"] for e in read.events if e["action"] != "rotation") == \
        list(range(60)) + list(range(1000, 1060))
    assert log.verify().ok


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
    assert query["rows"] == len(load_catalogue().indicators) and query["params"]["area"] == "city"
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


def test_a_denial_flood_from_one_address_is_counted_not_written_one_by_one(tmp_path):
    now = [1_000_000.0]
    denials = SessionRateLimiter(per_minute=60, burst=5, window_seconds=60, clock=lambda: now[0])
    log = AuditLog(tmp_path, limiter=_unlimited(), denial_limiter=denials)
    flood = [AuditEvent(action="denied", user="anonymous", role="viewer", client="203.0.113.9", channel="api",
                        params={"read": "scorecard", "try": i}) for i in range(1000)]
    written = [log.append(e) for e in flood]
    other = log.append(AuditEvent(action="denied", user="x", role="viewer", client="198.51.100.1", channel="api"))
    internal = [log.append(AuditEvent(action="denied", user="cli", role="viewer", channel="cli")) for _ in range(20)]
    downloads = [log.append(_event(i, action="download", session="s1")) for i in range(20)]
    assert sum(r is not None for r in written) == 5  # the burst; the rest counted
    assert other is not None and all(internal) and all(downloads)  # other addresses and non-network refusals
    log.flush_rate_limited()
    events = log.read().events
    counted = [e for e in events if e["action"] == "denied_counted"]
    refused_one_by_one = sum(e["action"] == "denied" and e["client"] == "203.0.113.9" for e in events)
    assert refused_one_by_one + sum(e["params"]["refused"] for e in counted) == 1000  # none uncounted
    assert all(e["stream"] == SECURITY and e["client"] == "203.0.113.9" for e in counted)
    assert counted[-1]["params"]["last"] == {"read": "scorecard", "try": 999}
    assert sum(len(json.dumps(e)) for e in events) < 30_000  # a thousand refusals, a few KB of trail
    assert log.verify().ok
