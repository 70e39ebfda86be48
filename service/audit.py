"""The service layer's side of the audit trail ("lưu vết khai thác dữ liệu", seed 004): who asked what.

Every question of the service layer (`service.core.question`) records itself here, in one place, for
every caller: a page session, an API request, a briefing, the CLI. What is written:
- a read (`query` from a page, `api_read` from the API) with the question, its authorized parameters,
  the data version and the rows returned. A page session asks the same question on every rerun, so
  for `reads="once"` callers (pages) a read is written once per session, question, parameters and
  version; an API call is one event every time; the reads inside one download are not written apart
  (the download is one event with its parameters and rows).
- `denied` for each refused question (with the reason), `download` / `export` for data taken away.
A failure to write propagates: data is not served without its trace. No Streamlit here.
"""
from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from dataclasses import dataclass, replace

from service.access import Principal
from store.audit import AuditEvent, default_log

MAX_SEEN = 50_000
"""Distinct (session, question, parameters, version) reads remembered for de-duplication."""

_seen: OrderedDict[str, None] = OrderedDict()
_seen_lock = threading.Lock()


@dataclass(frozen=True)
class Caller:
    """Who is asking and through which door: the principal, the channel (ui | api | cli | briefing),
    the session (a page session id, an API request id), the page or API path, the client address, and
    the data version pinned for this page run or request (None: the served version at the time), and how
    its reads are written: `once` per session and distinct read (pages rerun), `each` (API calls), or
    `none` (the reads inside one download or export, which writes its own single event)."""

    principal: Principal
    channel: str = "ui"
    session: str = ""
    page: str = ""
    client: str = ""
    version: str | None = None
    reads: str = "once"

    def __post_init__(self) -> None:
        if self.reads not in ("once", "each", "none"):
            raise ValueError("reads must be once, each or none")

    def pinned(self, version: str) -> "Caller":
        """The same caller with its data version fixed (one page run, one request, one download)."""
        return replace(self, version=version)

    def quiet(self) -> "Caller":
        """The same caller whose reads are not written one by one (a download writes one event)."""
        return replace(self, reads="none")


def record(caller: Caller, action: str, params: dict | None = None, rows: int | None = None,
           version: str | None = None) -> dict:
    """Write one event for the caller (durably: store/audit.py fsyncs before returning)."""
    who = caller.principal
    event = AuditEvent(action=action, user=who.user, role=who.role, commune=who.commune, page=caller.page,
                       params=params or {}, rows=rows, session=caller.session,
                       version=version if version is not None else caller.version, client=caller.client,
                       channel=caller.channel)
    return default_log().append(event)


def _first_time(key: str) -> bool:
    with _seen_lock:
        if key in _seen:
            _seen.move_to_end(key)
            return False
        _seen[key] = None
        while len(_seen) > MAX_SEEN:
            _seen.popitem(last=False)
        return True


def record_read(caller: Caller, question: str, params: dict, rows: int, version: str) -> None:
    """A question answered: one event (a page session: once per distinct read)."""
    if caller.reads == "none":
        return
    action = "api_read" if caller.channel == "api" else "query"
    if caller.reads == "once":
        key = hashlib.sha1(json.dumps([caller.session, caller.page, question, params, version], default=str,
                                      sort_keys=True).encode()).hexdigest()
        if not _first_time(key):
            return
    record(caller, action, {"read": question, **params}, rows, version)


def record_denied(caller: Caller, question: str, params: dict, reason: str) -> None:
    """A refused question, with the reason in English (the user saw it in their language)."""
    record(caller, "denied", {"read": question, **params, "reason": reason})


def flush_counts() -> int:
    """Write the counts of page views and refusals not yet reported (the server calls it when it stops,
    so a flood that ended with the process is still counted in the trail)."""
    return default_log().flush_rate_limited()
