"""The attack of issue #12 on the audit trail: a flood of page views with 500 KB parameters from many
sessions must not erase a single download, export or refusal; the log stays small and the chain verifies."""
from __future__ import annotations

import json

import pytest

from store.audit import ACTIVITY, SECURITY, AuditEvent, default_log
from store.bounded_json import MAX_BYTES

BIG = "x" * 500_000
SESSIONS = 12
VIEWS = 500
MAX_LOG_BYTES = 64 * 1024
KEEP = 3


@pytest.fixture
def log(tmp_path, monkeypatch):
    """The app's own log (`default_log()`, as ui/audit.py writes it) with a small activity budget."""
    monkeypatch.setenv("HANOI_AUDIT_DIR", str(tmp_path / "audit"))
    monkeypatch.setenv("HANOI_AUDIT_MAX_BYTES", str(MAX_LOG_BYTES))
    monkeypatch.setenv("HANOI_AUDIT_KEEP", str(KEEP))
    monkeypatch.setenv("HANOI_AUDIT_RATE_PER_MINUTE", "60")
    monkeypatch.setenv("HANOI_AUDIT_RATE_BURST", "20")
    return default_log


def _view(session: str, i: int, action: str = "page_view") -> AuditEvent:
    return AuditEvent(action=action, user="", role="public", page="tong-quan", session=session, client="198.51.100.9",
                      channel="ui", params={"ky": BIG, "i": str(i), "xa": BIG[:1000]})


def _takeaway(session: str, i: int, action: str) -> AuditEvent:
    return AuditEvent(action=action, user="phantich@hanoi.gov.vn", role="analyst", page="du-lieu", session=session,
                      channel="ui", params={"file": f"bang-{session}-{i}.csv"}, rows=i)


def _sizes(directory) -> int:
    return sum(p.stat().st_size for p in directory.iterdir() if p.name.startswith("activity"))


def test_a_page_view_flood_keeps_every_security_event_and_the_chain(log):
    expected = []
    for i in range(VIEWS):
        for s in range(SESSIONS):
            session = f"flood-{s}"
            log().append(_view(session, i, "filter" if i % 2 else "page_view"))
            if i % 100 == s % 100:
                action = ("download", "export", "denied")[(i + s) % 3]
                log().append(_takeaway(session, i, action))
                expected.append((action, f"bang-{session}-{i}.csv"))
    trail = log()
    trail.flush_rate_limited()
    security = trail.read(streams=[SECURITY]).events
    assert [(e["action"], e["params"]["file"]) for e in security] == expected, "every takeaway and refusal kept"
    activity = trail.read(streams=[ACTIVITY]).events
    views = [e for e in activity if e["action"] in ("page_view", "filter")]
    assert views and all(e["cut"] and len(e["params"]["ky"]) < 250 for e in views), "500 KB cut to its head and hash"
    dropped = sum(e["params"]["dropped"] for e in activity if e["action"] == "rate_limited")
    assert dropped > SESSIONS * VIEWS * 0.9, "the flood was rate-limited per session, and counted"
    assert _sizes(trail.directory) <= (KEEP + 1) * MAX_LOG_BYTES, "the activity log stays within its budget"
    lines = [line for p in trail.files() for line in p.read_bytes().splitlines()]
    assert max(map(len, lines)) < MAX_BYTES, "no single event is large"
    report = trail.verify()
    assert report.ok, report


def test_many_sessions_each_within_the_limit_still_cannot_rotate_security_events_out(log):
    """One fresh session per view (the rate limit cannot help): activity rotates, security stays whole."""
    expected = []
    for i in range(1500):
        log().append(_view(f"new-{i}", i))
        if i % 50 == 0:
            log().append(_takeaway(f"new-{i}", i, "export"))
            expected.append(i)
    trail = log()
    assert [e["rows"] for e in trail.read(streams=[SECURITY]).events] == expected
    activity = trail.read(streams=[ACTIVITY]).events
    assert any(e["action"] == "rotation" for e in activity), "activity files were rotated out by size"
    assert not any(e["action"] == "rate_limited" for e in activity)
    assert _sizes(trail.directory) <= (KEEP + 1) * MAX_LOG_BYTES
    checked = {s.stream: s for s in trail.verify().streams}
    assert checked[SECURITY].ok and checked[SECURITY].start == "genesis"
    assert checked[ACTIVITY].ok and checked[ACTIVITY].start == "retention"


def test_the_app_writes_a_500_kb_url_parameter_cut_and_hashed(tmp_path, monkeypatch):
    """Through the app itself (ui/audit.py records the page view with every URL parameter)."""
    from apphelpers import run_app

    monkeypatch.setenv("HANOI_AUDIT_DIR", str(tmp_path / "audit"))
    monkeypatch.setenv("HANOI_DEV_USER", "phantich@hanoi.gov.vn")
    at = run_app(ky="nam", ghi_chu=BIG)
    assert not at.exception
    trail = default_log()
    (view,) = [e for e in trail.read().events if e["action"] == "page_view"]
    assert view["cut"] is True and view["params"]["ghi_chu"].startswith("x" * 120 + "…[sha256:")
    assert all(len(line) < MAX_BYTES for p in trail.files() for line in p.read_bytes().splitlines())
    assert json.loads(trail.live.read_text().splitlines()[-1])["hash"] == trail.head()[ACTIVITY].hash
    assert trail.verify().ok
