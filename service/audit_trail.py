"""The audit trail itself, for administrators: who used which data, when (seed 004 "lưu vết khai thác")."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from service.core import question
from service.policies import admin
from service.protection import NO_PEOPLE
from store.audit import default_log

HANOI = timezone(timedelta(hours=7))


@dataclass(frozen=True)
class AuditPage:
    """Events of a span (oldest first), the users seen in it, and how many damaged lines were skipped."""

    events: list[dict]
    users: list[str]
    damaged: int

    @property
    def rows_read(self) -> int:
        return len(self.events)


@question("audit_events", authorize=(admin,), protect=NO_PEOPLE, action="admin_view", maxsize=1)
def audit_events(version: str, start: date, end: date, users: tuple[str, ...] = (), actions: tuple[str, ...] = (),
                 asked_at: datetime | None = None) -> AuditPage:
    """Events between two Hanoi dates (inclusive) of the chosen users and actions (all when none chosen).

    `asked_at` makes each request its own question (the trail grows: an answer is never reused)."""
    since = datetime.combine(start, time.min, HANOI).astimezone(timezone.utc)
    until = datetime.combine(end + timedelta(days=1), time.min, HANOI).astimezone(timezone.utc)
    log = default_log()
    log.flush_rate_limited()  # page views dropped by the rate limit are counted before anyone reads the trail
    read = log.read(since=since, until=until)
    span = read.events
    chosen = [e for e in span if (not users or e.get("user") in users) and (not actions or e.get("action") in actions)]
    return AuditPage(chosen, sorted({e.get("user", "") for e in span}), read.damaged)
