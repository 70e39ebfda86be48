"""A per-session token bucket for page-view-type audit events, so one client cannot flood the trail.

Why: every rerun of a page can write a `page_view` or `filter` event; without a limit, a script
rerunning a page thousands of times fills the activity stream (and once filled every download and
export record out of a single shared log). Each session gets `per_minute` events a minute on average
with a `burst` allowance; excess events are dropped and counted, and the count is reported back to the
caller (at most once per `window_seconds` per session, plus on `drain`) so the trail says how many
were dropped instead of hiding them. Times are wall-clock seconds (`time.time`), so a count's start
can be written as a date. The state is in memory (one process) and bounded to
`max_sessions` sessions, least recently seen evicted first, their unreported counts handed back.
No Streamlit here.
"""
from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any, Callable


@dataclass(frozen=True)
class Dropped:
    """Events of one session dropped since its last report, `since` the first of them (clock seconds)."""

    session: str
    count: int
    since: float
    meta: Any = None


@dataclass(frozen=True)
class Verdict:
    """Whether this event may be written, and drop counts that are due to be reported now."""

    allowed: bool
    reports: tuple[Dropped, ...] = ()


@dataclass
class _Bucket:
    tokens: float
    updated: float
    dropped: int = 0
    first_drop: float = 0.0
    last_report: float | None = None
    meta: Any = None


@dataclass
class SessionRateLimiter:
    """Token buckets keyed on the session id; `check(session)` before writing a limited event."""

    per_minute: float = 60.0
    burst: int = 20
    window_seconds: float = 60.0
    max_sessions: int = 10_000
    clock: Callable[[], float] = time.time
    _buckets: OrderedDict = field(default_factory=OrderedDict, init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    def __post_init__(self) -> None:
        if self.per_minute <= 0 or self.burst < 1 or self.window_seconds <= 0 or self.max_sessions < 1:
            raise ValueError("per_minute and window_seconds must be positive, burst and max_sessions at least 1")

    def check(self, session: str, meta: Any = None) -> Verdict:
        """Take one token from the session's bucket; drop (and count) the event when there is none.

        `meta` (e.g. the event) is kept with the session and handed back with its drop counts.
        """
        with self._lock:
            now = self.clock()
            reports: list[Dropped] = []
            bucket = self._buckets.get(session)
            if bucket is None:
                bucket = _Bucket(tokens=float(self.burst), updated=now)
                self._buckets[session] = bucket
                while len(self._buckets) > self.max_sessions:
                    old_session, old = self._buckets.popitem(last=False)
                    if old.dropped:
                        reports.append(Dropped(old_session, old.dropped, old.first_drop, old.meta))
            else:
                self._buckets.move_to_end(session)
                elapsed = max(0.0, now - bucket.updated)  # a wall clock set back refills nothing
                bucket.tokens = min(float(self.burst), bucket.tokens + elapsed * self.per_minute / 60.0)
                bucket.updated = max(now, bucket.updated)
            bucket.meta = meta
            allowed = bucket.tokens >= 1.0
            if allowed:
                bucket.tokens -= 1.0
            else:
                if not bucket.dropped:
                    bucket.first_drop = now
                bucket.dropped += 1
            due = bucket.last_report is None or now - bucket.last_report >= self.window_seconds
            if bucket.dropped and due:
                reports.append(Dropped(session, bucket.dropped, bucket.first_drop, meta))
                bucket.dropped, bucket.last_report = 0, now
            return Verdict(allowed, tuple(reports))

    def drain(self) -> list[Dropped]:
        """Every unreported drop count, reset (e.g. at shutdown, or before reading the trail)."""
        with self._lock:
            out = []
            for session, bucket in self._buckets.items():
                if bucket.dropped:
                    out.append(Dropped(session, bucket.dropped, bucket.first_drop, bucket.meta))
                    bucket.dropped, bucket.last_report = 0, self.clock()
            return out
