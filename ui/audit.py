"""Recording data use from the app into the audit trail (store/audit.py): views, reads, downloads, exports.

What is written, per session:
- `page_view` when a page is opened and `filter` when the same page is shown with other URL
  parameters (written after the page ran, so the page's own parameters are included), with the rows
  the run read;
- `query` for every distinct data read (accessor, parameters, version, row count) the first time this
  session makes it; cached repeats on later reruns are not written again (the view events still are);
- `download` for each click on a data download, `export` for each briefing generated;
- `denied` for each refused request, `session_start` when a user is first seen in a session.
A failure to write stops the request: data is not served without its trace.
"""
from __future__ import annotations

import hashlib
import json
from collections import OrderedDict
from datetime import date
from typing import Callable

import pandas as pd
import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from service.access import Principal, can_download
from store.audit import AuditEvent, default_log
from store.versions import current_version
from i18n.strings import STRINGS, t

PAGE_KEY = "_audit_page"
LAST_VIEW_KEY = "_audit_last_view"
READS_KEY = "_audit_reads"
SEEN_KEY = "_audit_seen"
MAX_SEEN = 500


def _session_id() -> str:
    ctx = get_script_run_ctx()
    return ctx.session_id if ctx is not None else ""


def _principal() -> Principal:
    from ui.auth import current_principal

    return current_principal()


def record(action: str, *, page: str | None = None, params: dict | None = None, rows: int | None = None,
           principal: Principal | None = None) -> dict:
    """Write one event for the current session (principal and page taken from the session if not given)."""
    who = principal or _principal()
    event = AuditEvent(action=action, user=who.user, role=who.role, commune=who.commune,
                       page=page if page is not None else st.session_state.get(PAGE_KEY, ""),
                       params=params or {}, rows=rows, session=_session_id(), version=current_version())
    return default_log().append(event)


def begin_run(page: str) -> None:
    """Called by app.py before the page runs: which page, and no reads yet."""
    st.session_state[PAGE_KEY] = page
    st.session_state[READS_KEY] = []


def note_read(name: str, params: dict, rows: int) -> None:
    """A data read by an accessor of `ui/data.py`: written once per session and distinct parameters.

    Outside a script run (a test or a script calling an accessor with an explicit principal) there is
    no session to attribute the read to, and nothing is written.
    """
    if get_script_run_ctx() is None:
        return
    st.session_state.setdefault(READS_KEY, []).append(rows)
    page = st.session_state.get(PAGE_KEY, "")
    key = hashlib.sha1(json.dumps([page, name, params, current_version()], default=str, sort_keys=True)
                       .encode()).hexdigest()
    seen: OrderedDict = st.session_state.setdefault(SEEN_KEY, OrderedDict())
    if key in seen:
        return
    seen[key] = True
    while len(seen) > MAX_SEEN:
        seen.popitem(last=False)
    record("query", params={"read": name, **params}, rows=rows)


def end_run(page: str) -> None:
    """Called by app.py after the page ran: a view event when the page or its URL parameters changed."""
    params = {k: st.query_params.get_all(k) if len(st.query_params.get_all(k)) > 1 else st.query_params.get(k)
              for k in st.query_params}
    last = st.session_state.get(LAST_VIEW_KEY)
    current = (page, json.dumps(params, sort_keys=True))
    if last == current:
        return
    action = "page_view" if last is None or last[0] != page else "filter"
    reads = st.session_state.get(READS_KEY, [])
    record(action, page=page, params=params, rows=sum(reads) if reads else None)
    st.session_state[LAST_VIEW_KEY] = current


def _log_download(page: str, file_name: str, params: dict, rows: int | None) -> None:
    record("download", page=page, params={"file": file_name, **params}, rows=rows)


def download_button(label: str, data: bytes | str, file_name: str, mime: str, *, params: dict | None = None,
                    rows: int | None = None, key: str | None = None) -> bool:
    """`st.download_button` that only appears for users allowed to download, and records each click."""
    if not can_download(_principal()):
        st.caption(t("download_not_allowed", st.session_state.get("lang") or "vi"))
        return False
    page = st.session_state.get(PAGE_KEY, "")
    return st.download_button(label, data, file_name=file_name, mime=mime, key=key,
                              on_click=_log_download, args=(page, file_name, params or {}, rows))


def export_button(label: str, make: Callable[[], tuple[bytes, int]], file_name: str, mime: str, *,
                  params: dict | None = None, key: str | None = None) -> bool:
    """A download generated on click (`make` returns the bytes and the rows it used), recorded as an export.

    The file is built in Streamlit's download thread, outside the script run, so the principal, page
    and session are captured now; the event is written once the file exists, before it is served.
    """
    principal = _principal()
    if not can_download(principal):
        st.caption(t("download_not_allowed", st.session_state.get("lang") or "vi"))
        return False
    page, session, version = st.session_state.get(PAGE_KEY, ""), _session_id(), current_version()

    def build() -> bytes:
        payload, rows = make()
        event = AuditEvent(action="export", user=principal.user, role=principal.role, commune=principal.commune,
                           page=page, params={"file": file_name, **(params or {})}, rows=rows, session=session,
                           version=version)
        default_log().append(event)
        return payload

    return st.download_button(label, build, file_name=file_name, mime=mime, key=key, on_click="ignore")


# --- the admin view of the trail (pages/audit.py) ---


def event_table(events: list[dict], lang: str) -> pd.DataFrame:
    """Events as a table for reading: Hanoi time, who, what, where, parameters, rows; newest first."""
    from i18n.formats import format_datetime

    records = [{
        t("audit_col_time", lang): format_datetime(pd.Timestamp(e["time"]), lang, "yyyy-MM-dd HH:mm:ss"),
        t("audit_col_user", lang): e.get("user", ""),
        t("audit_col_role", lang): t(f"role_{e['role']}", lang) if f"role_{e.get('role')}" in STRINGS else e.get("role", ""),
        t("audit_col_commune", lang): e.get("commune") or "",
        t("audit_col_action", lang): t(f"audit_action_{e['action']}", lang) if f"audit_action_{e.get('action')}" in STRINGS else e.get("action", ""),
        t("audit_col_page", lang): e.get("page", ""),
        t("audit_col_params", lang): json.dumps(e.get("params", {}), ensure_ascii=False, sort_keys=True),
        t("audit_col_rows", lang): e.get("rows"),
    } for e in reversed(events)]
    return pd.DataFrame(records, columns=[t(k, lang) for k in (
        "audit_col_time", "audit_col_user", "audit_col_role", "audit_col_commune", "audit_col_action",
        "audit_col_page", "audit_col_params", "audit_col_rows")])


def filter_events(events: list[dict], users: list[str], actions: list[str], start: date, end: date) -> list[dict]:
    """Events of the chosen users and actions (all when none chosen) between two Hanoi dates, inclusive."""
    from i18n.formats import TIMEZONE

    out = []
    for event in events:
        day = pd.Timestamp(event["time"]).tz_convert(TIMEZONE).date()
        if start <= day <= end and (not users or event.get("user") in users) and \
                (not actions or event.get("action") in actions):
            out.append(event)
    return out
