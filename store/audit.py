"""The audit trail of data use ("lưu vết khai thác dữ liệu", seed 004): append-only JSON lines in two streams.

Why two streams: an anonymous client rerunning a page with a 500 KB parameter once rotated every
download record out of a single size-rotated log in 16 seconds. Now the action decides the stream
(`ACTION_STREAMS`, the one table):
- `security` (who took data away, who was refused, who signed in, what administrators saw or changed)
  is kept BY TIME: one file per UTC month, `security-YYYY-MM.jsonl`, deleted only when the whole month
  is older than the retention (`HANOI_AUDIT_RETENTION_DAYS`, default 5 years); volume never removes it;
- `activity` (page views, filters, data reads) rotates by size as before: `activity.jsonl` is the
  live file, `activity.jsonl.1` the newest rotated one ... `activity.jsonl.<keep>` the oldest
  (`HANOI_AUDIT_MAX_BYTES`, `HANOI_AUDIT_KEEP`).
No single event is large: parameter values are cut and hashed (store/bounded_json.py) and the record
says `"cut": true`. Page-view-type events (`RATE_LIMITED`) pass a per-session token bucket
(store/ratelimit.py); the excess is dropped and counted in one `rate_limited` event per window.
Refusals of requests from a network address (`denied` with a `client`) pass a per-address bucket of
their own (`HANOI_AUDIT_DENIED_PER_MINUTE`, `HANOI_AUDIT_DENIED_BURST`): beyond it a flood of refused
requests is written as one `denied_counted` record per address and window, in the security stream, with
the count, the first time and the last refusal's parameters, so a denial flood cannot fill the disk that
keeps five years of the trail, and no refusal goes uncounted. Every other security event is always
written one by one.

Durability: each event is one line written with O_APPEND, then fsync'ed before the call returns, so an
event the app acted on is on disk; a line torn by a crash is closed off before the next append, and
skipped (and counted) by the reader. A lock file serialises writers across threads and processes.
Tamper evidence: every record is chained to the previous one of its stream (store/audit_chain.py);
`python -m cli audit verify` checks the chain, `python -m cli audit head` prints the newest hashes
to keep elsewhere. Files of the log from before the two streams (`audit.jsonl*`) are still read, never
written or deleted. Location: `HANOI_AUDIT_DIR`, else `data/audit/` (gitignored). No Streamlit here.
"""
from __future__ import annotations

import fcntl
import gc
import heapq
import json
import os
import re
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from store.audit_chain import GENESIS, VerifyReport, seal, verify_stream
from store.bounded_json import bound_json, bound_text
from store.durable import fsync_dir
from store.paths import PROJECT_ROOT
from store.ratelimit import Dropped, SessionRateLimiter

SECURITY = "security"
ACTIVITY = "activity"
STREAMS = (SECURITY, ACTIVITY)
ACTION_STREAMS: dict[str, str] = {
    "session_start": SECURITY,  # a user first seen in a session (the sign-in), with the method
    "download": SECURITY,       # a data file taken away (the channel says page or API)
    "export": SECURITY,         # a file generated on request (briefing PDF/HTML)
    "denied": SECURITY,         # a refused request: a commune, a page, a download, an identity header
    "admin_view": SECURITY,     # an administrator view opened (e.g. this trail)
    "admin_action": SECURITY,   # a configuration, access or boundary change
    "incident": SECURITY,       # an error shown to a user as an incident id
    "retention": SECURITY,      # written by the log: a security file removed after the retention
    "page_view": ACTIVITY,      # a page opened
    "filter": ACTIVITY,         # the same page with other parameters
    "query": ACTIVITY,          # a data read, with its row count
    "api_read": ACTIVITY,       # a data read through the HTTP API
    "denied_counted": SECURITY,  # written by the log: refusals of one address over the limit, counted
    "rate_limited": ACTIVITY,   # written by the log: page views of a session dropped over the limit
    "rotation": ACTIVITY,       # written by the log: an activity file rotated out by size
}
ACTIONS = tuple(ACTION_STREAMS)
RATE_LIMITED = frozenset({"page_view", "filter"})
CHANNELS = ("ui", "api", "cli", "briefing")
SYSTEM_USER = "audit-log"

SECURITY_PREFIX = "security-"
ACTIVITY_NAME = "activity.jsonl"
LEGACY_NAME = "audit.jsonl"
LOCK_NAME = ".audit.lock"
DEFAULT_MAX_BYTES = 5 * 1024 * 1024
DEFAULT_KEEP = 10
DEFAULT_RETENTION_DAYS = 1826  # 5 years
DEFAULT_RATE_PER_MINUTE = 60
DEFAULT_RATE_BURST = 20
DEFAULT_DENIED_PER_MINUTE = 120
DEFAULT_DENIED_BURST = 120
_MONTH_FILE = re.compile(r"security-(\d{4})-(\d{2})\.jsonl\Z")
_ROTATED = re.compile(r"\.(\d+)\Z")
_TAIL_BLOCK = 16 * 1024
_ROTATION_RECORD_BYTES = 1024  # room kept in the live file for the record of a rotated-out file

_thread_lock = threading.Lock()


def audit_dir() -> Path:
    """Where the log lives: `HANOI_AUDIT_DIR`, else `data/audit/` in the repository."""
    override = os.environ.get("HANOI_AUDIT_DIR")
    return Path(override) if override else PROJECT_ROOT / "data" / "audit"


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


def _stamp(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).isoformat(timespec="milliseconds")


@dataclass(frozen=True)
class AuditEvent:
    """One use of the data: who (user, role, commune, client), what (action, page, parameters), how much."""

    action: str
    user: str
    role: str
    page: str = ""
    params: dict = field(default_factory=dict)
    rows: int | None = None
    commune: str | None = None
    session: str = ""
    version: str | None = None
    client: str = ""
    channel: str = "ui"

    def __post_init__(self) -> None:
        if self.action not in ACTION_STREAMS:
            raise ValueError(f"action must be one of {ACTIONS}, not {self.action!r}")
        if self.channel and self.channel not in CHANNELS:  # empty: the log's own records
            raise ValueError(f"channel must be one of {CHANNELS}, not {self.channel!r}")

    @property
    def stream(self) -> str:
        return ACTION_STREAMS[self.action]

    def body(self) -> dict:
        """The record without time and chain fields: every value bounded in size, `cut` when any was cut."""
        params = bound_json(self.params if isinstance(self.params, Mapping) else {"value": self.params})
        texts = {name: bound_text(getattr(self, name)) for name in
                 ("user", "role", "commune", "page", "session", "version", "client")}
        return {"stream": self.stream, "action": self.action,
                **{name: b.value for name, b in texts.items()},
                "params": params.value, "rows": None if self.rows is None else int(self.rows),
                "channel": self.channel, "cut": params.cut or any(b.cut for b in texts.values())}


@dataclass(frozen=True)
class AuditRead:
    """Events read back, oldest first, and how many damaged lines (torn by a crash) were skipped."""

    events: list[dict]
    damaged: int


@dataclass(frozen=True)
class StreamHead:
    """The newest record of a stream: its hash (to keep elsewhere), time and file."""

    stream: str
    hash: str
    time: str
    file: str


class AuditLog:
    """The log in one folder: `append` an event, `read` it back across files, `verify` its chains."""

    def __init__(self, directory: Path | str | None = None, max_bytes: int = DEFAULT_MAX_BYTES,
                 keep: int = DEFAULT_KEEP, retention_days: int = DEFAULT_RETENTION_DAYS,
                 limiter: SessionRateLimiter | None = None, clock: Callable[[], datetime] = _utcnow,
                 denial_limiter: SessionRateLimiter | None = None) -> None:
        if max_bytes <= 0 or keep < 1 or retention_days < 1:
            raise ValueError("max_bytes and retention_days must be positive and keep at least 1")
        self.directory = Path(directory) if directory is not None else audit_dir()
        self.max_bytes = max_bytes
        self.keep = keep
        self.retention_days = retention_days
        self.limiter = limiter if limiter is not None else SessionRateLimiter(DEFAULT_RATE_PER_MINUTE,
                                                                              DEFAULT_RATE_BURST)
        self.denial_limiter = denial_limiter if denial_limiter is not None else SessionRateLimiter(
            DEFAULT_DENIED_PER_MINUTE, DEFAULT_DENIED_BURST)
        self.clock = clock

    # ---- files ----
    @property
    def live(self) -> Path:
        """The live activity file (the one that rotates)."""
        return self.directory / ACTIVITY_NAME

    def stream_files(self, stream: str) -> list[Path]:
        """The chained files of one stream, oldest first."""
        if stream == SECURITY:
            found = [p for p in self.directory.glob(f"{SECURITY_PREFIX}*.jsonl") if _MONTH_FILE.match(p.name)]
            return sorted(found, key=lambda p: p.name)
        if stream == ACTIVITY:
            return _rotated_files(self.directory, ACTIVITY_NAME)
        raise ValueError(f"stream must be one of {STREAMS}, not {stream!r}")

    def legacy_files(self) -> list[Path]:
        """Files of the single-stream log written before the chain, oldest first (read, never written)."""
        return _rotated_files(self.directory, LEGACY_NAME)

    def files(self) -> list[Path]:
        """Every file of the log: the legacy ones, then the security months, then the activity files."""
        return self.legacy_files() + self.stream_files(SECURITY) + self.stream_files(ACTIVITY)

    # ---- writing ----
    def append(self, event: AuditEvent) -> dict | None:
        """Write one event durably (fsync before returning); the record written, None if rate-limited."""
        verdict, counted = None, self._dropped_body
        if event.action in RATE_LIMITED:
            verdict = self.limiter.check(event.session, meta=event)
        elif event.action == "denied" and event.client:  # a refused network request: counted per address
            verdict, counted = self.denial_limiter.check(event.client, meta=event), self._denied_body
        if verdict is not None and not verdict.allowed and not verdict.reports:
            return None
        body = event.body()
        with self._locked():
            if verdict is not None:
                for dropped in verdict.reports:
                    report = counted(dropped)
                    self._write(report["stream"], report)
                if not verdict.allowed:
                    return None
            return self._write(event.stream, body)

    def flush_rate_limited(self) -> int:
        """Write the drop counts not yet reported (at shutdown, or before reading); how many events written."""
        drained = [self._dropped_body(d) for d in self.limiter.drain()]
        drained += [self._denied_body(d) for d in self.denial_limiter.drain()]
        if drained:
            with self._locked():
                for report in drained:
                    self._write(report["stream"], report)
        return len(drained)

    def _dropped_body(self, dropped: Dropped) -> dict:
        seen: AuditEvent | None = dropped.meta if isinstance(dropped.meta, AuditEvent) else None
        since = datetime.fromtimestamp(dropped.since, timezone.utc)
        event = AuditEvent(action="rate_limited", user=seen.user if seen else "", role=seen.role if seen else "",
                           commune=seen.commune if seen else None, page=seen.page if seen else "",
                           session=dropped.session, client=seen.client if seen else "",
                           channel=seen.channel if seen else "", rows=dropped.count,
                           params={"dropped": dropped.count, "since": _stamp(since),
                                   "actions": sorted(RATE_LIMITED), "per_minute": self.limiter.per_minute,
                                   "burst": self.limiter.burst})
        return event.body()

    def _denied_body(self, dropped: Dropped) -> dict:
        """One security record for the refusals of an address not written one by one."""
        seen: AuditEvent | None = dropped.meta if isinstance(dropped.meta, AuditEvent) else None
        since = datetime.fromtimestamp(dropped.since, timezone.utc)
        event = AuditEvent(action="denied_counted", user=seen.user if seen else "", role=seen.role if seen else "",
                           page=seen.page if seen else "", session=seen.session if seen else "",
                           client=dropped.session, channel=seen.channel if seen else "", rows=dropped.count,
                           params={"refused": dropped.count, "since": _stamp(since),
                                   "last": seen.params if seen else {},
                                   "per_minute": self.denial_limiter.per_minute, "burst": self.denial_limiter.burst})
        return event.body()

    def _locked(self):
        return _Locked(self.directory)

    def _write(self, stream: str, body: dict) -> dict:
        """Under the lock: chain `body` to the stream's newest record and append it to the right file."""
        now = self.clock()
        prev = self._last_hash(stream)
        if stream == SECURITY:
            path = self._month_file(now)
            if not path.exists():
                for removed in self._expired(now):
                    prev = self._remove(removed, "retention", prev, now, path)
            return _append_record(path, {"time": _stamp(now), **body}, prev)
        path = self.live
        record = seal({"time": _stamp(now), **body}, prev)
        size = path.stat().st_size if path.exists() else 0
        oldest = self.directory / f"{ACTIVITY_NAME}.{self.keep}"
        reserve = _ROTATION_RECORD_BYTES if oldest.exists() else 0
        if size and size + len(_line(record)) + reserve > self.max_bytes:
            if oldest.exists():
                prev = self._remove(oldest, "rotation", prev, now, path)
            self._rotate()
        return _append_record(path, {"time": _stamp(now), **body}, prev)

    def _month_file(self, now: datetime) -> Path:
        """This month's security file, or the newest one if the clock was set back (the chain never forks)."""
        path = self.directory / f"{SECURITY_PREFIX}{now.astimezone(timezone.utc):%Y-%m}.jsonl"
        files = self.stream_files(SECURITY)
        return files[-1] if files and files[-1].name > path.name else path

    def _remove(self, path: Path, action: str, prev: str, now: datetime, target: Path) -> str:
        """Delete an old file, first chaining a record of it (name, events, last hash) into `target`."""
        last = _tail_record(path)
        body = AuditEvent(action=action, user=SYSTEM_USER, role="system", channel="",
                          params={"file": path.name, "events": _count_lines(path),
                                  "last_hash": last["hash"] if last else GENESIS,
                                  "last_time": last.get("time") if last else None,
                                  "retention_days": self.retention_days if action == "retention" else None,
                                  "keep": self.keep if action == "rotation" else None}).body()
        record = _append_record(target, {"time": _stamp(now), **body}, prev)
        path.unlink()
        _tails.pop(path, None)
        fsync_dir(self.directory)
        return record["hash"]

    def _expired(self, now: datetime) -> list[Path]:
        """Security files whose whole month ended more than `retention_days` ago, oldest first."""
        limit = now - timedelta(days=self.retention_days)
        out = []
        for path in self.stream_files(SECURITY):
            year, month = map(int, _MONTH_FILE.match(path.name).groups())
            end = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=timezone.utc)
            if end <= limit:
                out.append(path)
        return out

    def _rotate(self) -> None:
        for i in range(self.keep - 1, 0, -1):
            src = self.directory / f"{ACTIVITY_NAME}.{i}"
            if src.exists():
                os.replace(src, self.directory / f"{ACTIVITY_NAME}.{i + 1}")
        os.replace(self.live, self.directory / f"{ACTIVITY_NAME}.1")
        fsync_dir(self.directory)

    def _last_hash(self, stream: str) -> str:
        """The hash of the stream's newest record: from the tail of its newest file (cached while unchanged)."""
        files = [self.live] if stream == ACTIVITY and self.live.exists() else []
        for path in files or reversed(self.stream_files(stream)):
            digest = _tail_hash(path)
            if digest is not None:
                return digest
        if files:  # the live file holds no whole record yet: look further back
            for path in reversed(self.stream_files(stream)[:-1]):
                if (digest := _tail_hash(path)) is not None:
                    return digest
        return GENESIS

    # ---- reading ----
    def read(self, since: datetime | None = None, until: datetime | None = None,
             streams: Iterable[str] | None = None) -> AuditRead:
        """Every readable event of `streams` (default all) from `since` to `until` (UTC-aware), oldest first."""
        chosen = tuple(STREAMS if streams is None else streams)
        for stream in chosen:
            if stream not in STREAMS:
                raise ValueError(f"stream must be one of {STREAMS}, not {stream!r}")
        low = _stamp(since) if since is not None else None
        high = _stamp(until) if until is not None else None
        damaged = [0]
        sources = []
        for stream in chosen:
            files = [p for p in self.stream_files(stream) if _may_hold(p, low, high)]
            sources.append(_events(files, low, high, damaged))
        legacy = self.legacy_files()
        if legacy:
            sources.append(e for e in _events(legacy, low, high, damaged, chained=False)
                           if ACTION_STREAMS.get(e.get("action"), ACTIVITY) in chosen)
        enabled = gc.isenabled()
        gc.disable()  # 100k+ dicts kept alive: the cycle collector would re-scan them all, twice the time
        try:
            events = list(heapq.merge(*sources, key=lambda e: e["time"]))
        finally:
            if enabled:
                gc.enable()
        return AuditRead(events, damaged[0])

    def head(self) -> dict[str, StreamHead | None]:
        """Each stream's newest record (None for an empty stream): the hash an operator keeps elsewhere."""
        out: dict[str, StreamHead | None] = {}
        for stream in STREAMS:
            out[stream] = None
            for path in reversed(self.stream_files(stream)):
                record = _tail_record(path)
                if record is not None:
                    out[stream] = StreamHead(stream, record["hash"], str(record.get("time", "")), path.name)
                    break
        return out

    def verify(self, anchors: Mapping[str, Iterable[str]] | None = None) -> VerifyReport:
        """Check both chains (and that each `anchors[stream]` hash kept earlier is still in its chain)."""
        anchors = anchors or {}
        legacy = self.legacy_files()
        legacy_events = sum(_count_lines(p) for p in legacy)
        return VerifyReport(tuple(verify_stream(s, self.stream_files(s), anchors.get(s, ())) for s in STREAMS),
                            legacy_events, tuple(p.name for p in legacy))


class _Locked:
    """The thread lock and the lock file (across processes), held while a record is chained and written."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def __enter__(self) -> None:
        self.directory.mkdir(mode=0o750, parents=True, exist_ok=True)
        _thread_lock.acquire()
        try:
            self._fh = open(self.directory / LOCK_NAME, "a")
            fcntl.flock(self._fh, fcntl.LOCK_EX)
        except BaseException:
            _thread_lock.release()
            raise

    def __exit__(self, *exc: Any) -> None:
        try:
            fcntl.flock(self._fh, fcntl.LOCK_UN)
            self._fh.close()
        finally:
            _thread_lock.release()


def _rotated_files(directory: Path, name: str) -> list[Path]:
    """`name` and its rotated copies `name.1`, `name.2` ..., oldest (highest number) first, live last."""
    rotated = []
    for path in directory.glob(f"{name}.*"):
        match = _ROTATED.search(path.name)
        if match and path.name == f"{name}.{match.group(1)}":
            rotated.append((int(match.group(1)), path))
    out = [p for _, p in sorted(rotated, reverse=True)]
    live = directory / name
    return out + [live] if live.exists() else out


_tails: dict[Path, tuple[tuple[int, int, int], str]] = {}
"""The last hash written to a file, with the file's (inode, size, mtime) then: one stat instead of a read."""


def _line(record: dict) -> bytes:
    return (json.dumps(record, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n").encode("utf-8")


def _stat_key(st: os.stat_result) -> tuple[int, int, int]:
    return st.st_ino, st.st_size, st.st_mtime_ns


def _tail_hash(path: Path) -> str | None:
    key = _stat_key(path.stat())
    cached = _tails.get(path)
    if cached is not None and cached[0] == key:
        return cached[1]
    record = _tail_record(path)
    if record is None:
        return None
    _tails[path] = (key, record["hash"])
    return record["hash"]


def _append_record(path: Path, body: dict, prev: str) -> dict:
    """Seal `body` on `prev` and append it: O_APPEND, fsync; a line torn by a crash is closed off first."""
    record = seal(body, prev)
    created = not path.exists()
    fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        size = os.fstat(fd).st_size
        if size and os.pread(fd, 1, size - 1) != b"\n":
            os.write(fd, b"\n")
        os.write(fd, _line(record))
        os.fsync(fd)
        _tails[path] = (_stat_key(os.fstat(fd)), record["hash"])
    finally:
        os.close(fd)
    if created:
        fsync_dir(path.parent)
    return record


def _parse(raw: bytes) -> dict | None:
    try:
        record = json.loads(raw)
    except ValueError:
        return None
    return record if isinstance(record, dict) and "time" in record else None


def _tail_record(path: Path) -> dict | None:
    """The last whole, chained record of a file, read backwards from its end (torn lines skipped)."""
    with open(path, "rb") as fh:
        end = fh.seek(0, os.SEEK_END)
        block = _TAIL_BLOCK
        while True:
            start = max(0, end - block)
            fh.seek(start)
            lines = fh.read(end - start).split(b"\n")
            if start > 0:
                lines = lines[1:]  # the first piece may be the end of a longer line
            for raw in reversed(lines):
                record = _parse(raw) if raw.strip() else None
                if record is not None and isinstance(record.get("hash"), str):
                    return record
            if start == 0:
                return None
            block *= 4


def _count_lines(path: Path) -> int:
    count = 0
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            count += chunk.count(b"\n")
    return count


def _may_hold(path: Path, low: str | None, high: str | None) -> bool:
    """False when a file surely holds nothing between `low` and `high` (its month, or its newest time)."""
    match = _MONTH_FILE.match(path.name)
    if match:
        month = f"{match.group(1)}-{match.group(2)}"
        return (low is None or month >= low[:7]) and (high is None or month <= high[:7])
    if low is not None:
        last = _tail_record(path)
        if last is not None and str(last.get("time", "")) < low:
            return False
    return True


def _line_time(raw: bytes) -> str | None:
    """The time of a chained line without parsing it: keys are sorted, so the last `"time":"` is the record's
    own (only `user` and `version`, plain texts, follow it; a quote inside a text is escaped)."""
    at = raw.rfind(b'"time":"')
    if at < 0:
        return None
    end = raw.find(b'"', at + 8)
    return raw[at + 8:end].decode("ascii", "replace") if end > 0 else None


def _events(files: list[Path], low: str | None, high: str | None, damaged: list[int],
            chained: bool = True) -> Iterator[dict]:
    """The records of `files` between two times; chained lines outside them are skipped unparsed."""
    for path in files:
        with open(path, "rb") as fh:
            check = low is not None or high is not None
            if check and chained:  # a file wholly inside the range needs no check per line
                first, last = _line_time(fh.readline()), _tail_record(path)
                fh.seek(0)
                check = not (first is not None and last is not None and (low is None or first >= low)
                             and (high is None or str(last.get("time")) <= high))
            for raw in fh:
                if not raw.strip():
                    continue
                if check and chained:
                    moment = _line_time(raw)
                    if moment is not None and ((low is not None and moment < low) or (high is not None and moment > high)):
                        continue
                record = _parse(raw)
                if record is None:
                    damaged[0] += 1
                    continue
                moment = str(record["time"])
                if not check or ((low is None or moment >= low) and (high is None or moment <= high)):
                    yield record




def _env_int(name: str, default: int, minimum: int) -> int:
    text = os.environ.get(name, "").strip()
    if not text:
        return default
    try:
        value = int(text)
    except ValueError:
        value = minimum - 1
    if value < minimum:
        raise ValueError(f"{name}={text!r}: phải là số nguyên từ {minimum} trở lên; hãy sửa hoặc bỏ biến này / "
                         f"must be a whole number of at least {minimum}; fix or unset it")
    return value


_shared_limiters: dict[tuple[str, int, int], SessionRateLimiter] = {}


def default_log() -> AuditLog:
    """The app's log at `audit_dir()`, settings from the environment (read each time, so tests can move it).

    The rate limiters are shared by every `default_log()` of the process (one bucket per session for
    page views, one per network address for refusals).
    """
    rate = (_env_int("HANOI_AUDIT_RATE_PER_MINUTE", DEFAULT_RATE_PER_MINUTE, 1),
            _env_int("HANOI_AUDIT_RATE_BURST", DEFAULT_RATE_BURST, 1))
    denied = (_env_int("HANOI_AUDIT_DENIED_PER_MINUTE", DEFAULT_DENIED_PER_MINUTE, 1),
              _env_int("HANOI_AUDIT_DENIED_BURST", DEFAULT_DENIED_BURST, 1))
    with _thread_lock:
        limiter = _shared_limiters.setdefault(("views", *rate), SessionRateLimiter(*rate))
        denial_limiter = _shared_limiters.setdefault(("denied", *denied), SessionRateLimiter(*denied))
    return AuditLog(audit_dir(), _env_int("HANOI_AUDIT_MAX_BYTES", DEFAULT_MAX_BYTES, 1),
                    _env_int("HANOI_AUDIT_KEEP", DEFAULT_KEEP, 1),
                    _env_int("HANOI_AUDIT_RETENTION_DAYS", DEFAULT_RETENTION_DAYS, 1), limiter,
                    denial_limiter=denial_limiter)
