"""Tamper evidence of the audit trail (store/audit_chain.py): every edit, deletion, reordering or forged line
is found with its file and line; files the log removed itself (retention, rotation) are not a break;
`python -m cli audit verify` exits non-zero on a broken chain and `audit head` prints the newest hashes."""
from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest

from store.audit import ACTIVITY, ACTIVITY_NAME, SECURITY, AuditEvent, AuditLog
from store.audit_chain import GENESIS, seal
from store.paths import PROJECT_ROOT
from store.ratelimit import SessionRateLimiter


def _event(i: int, action: str = "download") -> AuditEvent:
    return AuditEvent(action=action, user="phantich@hanoi.gov.vn", role="analyst", page="du-lieu",
                      params={"file": f"bang-{i}.csv", "i": i}, rows=i)


def _log(directory: Path, **kw) -> AuditLog:
    return AuditLog(directory, limiter=SessionRateLimiter(per_minute=1e9, burst=10**9), **kw)


@pytest.fixture
def security(tmp_path) -> tuple[AuditLog, Path]:
    """Ten download events in one security file."""
    log = _log(tmp_path)
    for i in range(10):
        log.append(_event(i))
    (path,) = log.stream_files(SECURITY)
    return log, path


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines(keepends=True)


def _tamper(log: AuditLog, path: Path, change, stream: str = SECURITY):
    """Rewrite `path` with `change(lines)` applied, as an attacker with write access would; the break found."""
    lines = _lines(path)
    change(lines)
    path.write_text("".join(lines), encoding="utf-8")
    return _broken(log, stream)


def _json_line(record: dict) -> str:
    return json.dumps(record, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"


def _broken(log: AuditLog, stream: str = SECURITY):
    report = log.verify()
    checked = {s.stream: s for s in report.streams}[stream]
    assert not report.ok and not checked.ok
    return checked.broken


def test_an_untouched_trail_verifies(security):
    log, _ = security
    report = log.verify()
    assert report.ok
    checked = {s.stream: s for s in report.streams}
    assert (checked[SECURITY].events, checked[SECURITY].start, checked[SECURITY].broken) == (10, "genesis", None)
    assert checked[ACTIVITY].start == "empty"
    assert checked[SECURITY].head == log.head()[SECURITY].hash


def test_an_edited_line_is_found(security):
    log, path = security
    broken = _tamper(log, path, lambda lines: lines.__setitem__(3, lines[3].replace('"rows":3', '"rows":3000')))
    assert (broken.file, broken.line) == (path.name, 4) and "edited" in broken.reason


def test_an_edit_with_a_recomputed_hash_is_found_at_the_next_line(security):
    log, path = security

    def forge(lines: list[str]) -> None:
        record = json.loads(lines[3]) | {"user": "someone.else"}
        lines[3] = _json_line(seal({k: v for k, v in record.items() if k not in ("prev", "hash")}, record["prev"]))

    broken = _tamper(log, path, forge)
    assert (broken.file, broken.line) == (path.name, 5) and "prev" in broken.reason


def test_a_line_deleted_in_the_middle_is_found(security):
    log, path = security
    broken = _tamper(log, path, lambda lines: lines.pop(4))
    assert (broken.file, broken.line) == (path.name, 5) and "removed, reordered or inserted" in broken.reason


def test_reordered_lines_are_found(security):
    log, path = security
    broken = _tamper(log, path, lambda lines: lines.__setitem__(slice(6, 8), [lines[7], lines[6]]))
    assert (broken.file, broken.line) == (path.name, 7)


@pytest.mark.parametrize("well_hashed", [False, True])
def test_an_inserted_forged_line_is_found(security, well_hashed):
    log, path = security
    before = json.loads(_lines(path)[4])
    body = {k: v for k, v in before.items() if k not in ("prev", "hash")} | {"user": "ke.gia.mao", "rows": 1}
    if well_hashed:  # chained correctly to the line before it: the line after it no longer follows
        forged, line = seal(body, before["hash"]), 7
    else:
        forged, line = {**body, "prev": before["hash"], "hash": "f" * 64}, 6
    broken = _tamper(log, path, lambda lines: lines.insert(5, _json_line(forged)))
    assert (broken.file, broken.line) == (path.name, line)


def test_a_line_not_written_by_the_log_is_found(security):
    log, path = security
    stranger = {"time": "2026-01-01T00:00:00.000+00:00", "action": "download", "user": "x"}
    broken = _tamper(log, path, lambda lines: lines.insert(2, _json_line(stranger)))
    assert (broken.file, broken.line) == (path.name, 3) and "not written by the audit log" in broken.reason


def test_the_first_lines_deleted_are_found(security):
    log, path = security
    broken = _tamper(log, path, lambda lines: lines.__delitem__(slice(0, 3)))
    assert (broken.file, broken.line) == (path.name, 1) and "not removed by retention" in broken.reason


def test_the_chain_runs_across_rotated_files_and_a_break_names_the_file(tmp_path):
    log = _log(tmp_path, max_bytes=3000, keep=20)
    for i in range(60):
        log.append(_event(i, action="query"))
    files = log.stream_files(ACTIVITY)
    assert len(files) > 4 and log.verify().ok
    broken = _tamper(log, files[2], lambda lines: lines.pop(1), ACTIVITY)
    assert (broken.file, broken.line) == (files[2].name, 2)


def test_a_whole_rotated_file_deleted_is_found(tmp_path):
    log = _log(tmp_path, max_bytes=3000, keep=20)
    for i in range(60):
        log.append(_event(i, action="query"))
    files = log.stream_files(ACTIVITY)
    files[2].unlink()
    broken = _broken(log, ACTIVITY)
    assert (broken.file, broken.line) == (files[3].name, 1)
    files[0].unlink()  # and the oldest one, not by rotation: the start is unexplained too
    assert _broken(log, ACTIVITY).line == 1


def test_files_removed_by_rotation_or_retention_are_not_a_break(tmp_path):
    clock_now = [datetime(2020, 1, 10, tzinfo=timezone.utc)]
    log = _log(tmp_path, max_bytes=3000, keep=2, retention_days=60, clock=lambda: clock_now[0])
    for month in range(1, 7):
        clock_now[0] = datetime(2020, month, 10, tzinfo=timezone.utc)
        for i in range(30):
            log.append(_event(month * 100 + i, action="query"))
        log.append(_event(month))
    report = log.verify()
    assert report.ok, report
    checked = {s.stream: s for s in report.streams}
    assert checked[SECURITY].start == "retention" and "security-2020-01.jsonl" in checked[SECURITY].removed
    assert checked[ACTIVITY].start == "retention" and checked[ACTIVITY].removed == (f"{ACTIVITY_NAME}.2",)
    assert [p.name for p in log.stream_files(SECURITY)][0] == "security-2020-04.jsonl"


def test_every_file_removed_by_retention_still_verifies(tmp_path):
    clock_now = [datetime(2020, 1, 10, tzinfo=timezone.utc)]
    log = _log(tmp_path, retention_days=30, clock=lambda: clock_now[0])
    log.append(_event(1))
    clock_now[0] = datetime(2024, 1, 10, tzinfo=timezone.utc)
    log.append(_event(2))
    events = log.read(streams=[SECURITY]).events
    assert [e["action"] for e in events] == ["retention", "download"]
    assert events[0]["prev"] != GENESIS and log.verify().ok


def test_cutting_off_the_newest_lines_is_found_with_a_kept_hash(security):
    log, path = security
    kept = log.head()[SECURITY].hash
    path.write_text("".join(_lines(path)[:-2]), encoding="utf-8")
    assert log.verify().ok, "a shorter chain is still a valid chain ..."
    report = log.verify({SECURITY: [kept]})
    assert not report.ok and report.streams[0].anchors_missing == (kept,), "... but not the hash kept elsewhere"


# ---- the command line ---------------------------------------------------------------------------------------
def _cli(*args: str, directory: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "cli", "audit", *args, "--dir", str(directory)],
                          cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120)


def test_the_verify_command_prints_the_first_break_and_exits_non_zero(security):
    log, path = security
    ok = _cli("verify", directory=log.directory)
    assert ok.returncode == 0 and "nguyên vẹn / intact" in ok.stdout and "10 sự kiện" in ok.stdout
    head = _cli("head", directory=log.directory)
    assert head.returncode == 0 and log.head()[SECURITY].hash in head.stdout
    kept = log.head()[SECURITY].hash
    _tamper(log, path, lambda lines: lines.pop(5))
    bad = _cli("verify", directory=log.directory)
    assert bad.returncode == 1
    assert f"CHUỖI BỊ ĐỨT / CHAIN BROKEN: {path.name} dòng / line 6" in bad.stdout
    assert "BỊ SỬA ĐỔI / TAMPERED" in bad.stdout
    as_json = json.loads(_cli("verify", "--json", "--anchor", f"security={kept}", directory=log.directory).stdout)
    assert as_json["ok"] is False and as_json["streams"][0]["broken"]["line"] == 6
    refused = _cli("verify", "--anchor", "nothing", directory=log.directory)
    assert refused.returncode != 0 and "STREAM=HASH" in refused.stderr


def test_a_clock_set_back_a_month_does_not_fork_the_chain(tmp_path):
    clock_now = [datetime(2026, 11, 2, tzinfo=timezone.utc)]
    log = _log(tmp_path, clock=lambda: clock_now[0])
    log.append(_event(1))
    clock_now[0] = datetime(2026, 10, 30, tzinfo=timezone.utc)
    log.append(_event(2))
    assert [p.name for p in log.stream_files(SECURITY)] == ["security-2026-11.jsonl"]
    assert log.verify().ok and [e["rows"] for e in log.read().events] == [1, 2]
