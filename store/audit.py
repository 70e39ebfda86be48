"""The audit trail of data use ("lưu vết khai thác dữ liệu", seed 004): an append-only JSON-lines log.

Why a file and not a table: it must survive a crash of the app and be readable with any tool. Each
event is one line written with O_APPEND, then fsync'ed before the call returns, so an event the app
acted on is on disk. A line torn by a crash mid-write is closed off before the next append and skipped
(and counted) by the reader. Files rotate by size: `audit.jsonl` is the live file, `audit.jsonl.1` the
newest rotated one ... `audit.jsonl.<keep>` the oldest kept; older ones are deleted. A lock file
serialises writers across threads and processes. Location: `HANOI_AUDIT_DIR`, else `data/audit/`
(gitignored). No Streamlit here.
"""
from __future__ import annotations

import dataclasses
import fcntl
import json
import os
import threading
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator

from store.durable import fsync_dir
from store.paths import PROJECT_ROOT

LOG_NAME = "audit.jsonl"
LOCK_NAME = ".audit.lock"
DEFAULT_MAX_BYTES = 5 * 1024 * 1024
DEFAULT_KEEP = 10
ACTIONS = ("session_start", "page_view", "filter", "query", "api_read", "download", "export", "denied",
           "admin_view", "admin_action")
"""page_view: a page opened; filter: the same page with other parameters; query: a data read (with its
row count); download/export: data or a briefing taken away; denied: a refused request."""

_thread_lock = threading.Lock()


def audit_dir() -> Path:
    """Where the log lives: `HANOI_AUDIT_DIR`, else `data/audit/` in the repository."""
    override = os.environ.get("HANOI_AUDIT_DIR")
    return Path(override) if override else PROJECT_ROOT / "data" / "audit"


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


def _jsonable(value: Any) -> Any:
    """Timestamps, tuples, sets, dataclasses and numpy scalars as plain JSON values."""
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):  # e.g. a Scope
        return {f.name: _jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [_jsonable(v) for v in value]
        return sorted(items, key=str) if isinstance(value, (set, frozenset)) else items
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    if hasattr(value, "item") and callable(value.item):  # numpy scalar
        return _jsonable(value.item())
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


@dataclass(frozen=True)
class AuditEvent:
    """One use of the data: who (user, role, commune), what (action, page, parameters), how much (rows)."""

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
        if self.action not in ACTIONS:
            raise ValueError(f"action must be one of {ACTIONS}, not {self.action!r}")

    def record(self) -> dict:
        """The JSON object written for this event, stamped with the current UTC time."""
        return {"time": _now(), "action": self.action, "user": self.user, "role": self.role,
                "commune": self.commune, "page": self.page, "params": _jsonable(self.params),
                "rows": None if self.rows is None else int(self.rows), "session": self.session,
                "version": self.version, "client": self.client, "channel": self.channel}


@dataclass(frozen=True)
class AuditRead:
    """Events read back, oldest first, and how many damaged lines (torn by a crash) were skipped."""

    events: list[dict]
    damaged: int


class AuditLog:
    """The log in one folder: `append` an event, `read` it back across rotated files."""

    def __init__(self, directory: Path | None = None, max_bytes: int = DEFAULT_MAX_BYTES,
                 keep: int = DEFAULT_KEEP) -> None:
        if max_bytes <= 0 or keep < 1:
            raise ValueError("max_bytes must be positive and keep at least 1")
        self.directory = Path(directory) if directory is not None else audit_dir()
        self.max_bytes = max_bytes
        self.keep = keep

    @property
    def live(self) -> Path:
        return self.directory / LOG_NAME

    def files(self) -> list[Path]:
        """Existing log files, oldest first (the live file last)."""
        rotated = [self.directory / f"{LOG_NAME}.{i}" for i in range(self.keep, 0, -1)]
        return [p for p in rotated + [self.live] if p.exists()]

    def _rotate(self) -> None:
        oldest = self.directory / f"{LOG_NAME}.{self.keep}"
        if oldest.exists():
            oldest.unlink()
        for i in range(self.keep - 1, 0, -1):
            src = self.directory / f"{LOG_NAME}.{i}"
            if src.exists():
                os.replace(src, self.directory / f"{LOG_NAME}.{i + 1}")
        os.replace(self.live, self.directory / f"{LOG_NAME}.1")
        fsync_dir(self.directory)

    def append(self, event: AuditEvent) -> dict:
        """Write one event durably (fsync before returning); returns the record written."""
        record = event.record()
        line = (json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")
        self.directory.mkdir(parents=True, exist_ok=True)
        with _thread_lock, open(self.directory / LOCK_NAME, "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                size = self.live.stat().st_size if self.live.exists() else 0
                if size and size + len(line) > self.max_bytes:
                    self._rotate()
                    size = 0
                fd = os.open(self.live, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
                try:
                    if size and not _ends_with_newline(self.live):
                        os.write(fd, b"\n")  # close a line torn by a crash, so this one stays whole
                    os.write(fd, line)
                    os.fsync(fd)
                finally:
                    os.close(fd)
                if size == 0:
                    fsync_dir(self.directory)
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)
        return record

    def _lines(self) -> Iterator[bytes]:
        for path in self.files():
            with open(path, "rb") as fh:
                yield from fh

    def read(self, since: datetime | None = None) -> AuditRead:
        """Every readable event (optionally from `since`, UTC-aware), oldest first."""
        events, damaged = [], 0
        cutoff = since.isoformat(timespec="milliseconds") if since is not None else None
        for raw in self._lines():
            if not raw.strip():
                continue
            try:
                record = json.loads(raw)
                if not isinstance(record, dict) or "time" not in record:
                    raise ValueError
            except ValueError:
                damaged += 1
                continue
            if cutoff is None or record["time"] >= cutoff:
                events.append(record)
        return AuditRead(events, damaged)


def _ends_with_newline(path: Path) -> bool:
    with open(path, "rb") as fh:
        fh.seek(-1, os.SEEK_END)
        return fh.read(1) == b"\n"


def default_log() -> AuditLog:
    """The app's log, at `audit_dir()` (read each time, so tests can move it with HANOI_AUDIT_DIR)."""
    max_bytes = int(os.environ.get("HANOI_AUDIT_MAX_BYTES", DEFAULT_MAX_BYTES))
    keep = int(os.environ.get("HANOI_AUDIT_KEEP", DEFAULT_KEEP))
    return AuditLog(audit_dir(), max_bytes, keep)
