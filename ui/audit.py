"""The page session's side of the audit trail: page views, sign-ins, refusals, and the download links.

Reads are recorded by the service layer's one hook (service/core.py); this module adds what only a page
session knows:
- `page_view` when a page is opened and `filter` when the same page is shown with other URL parameters
  (written after the page ran, so the page's own parameters are included);
- `session_start` when a user is first seen in a session, `denied` for a refused link or identity;
- incidents (an error a user saw, with the id the message shows).
Downloads are not Streamlit media files any more: a download is a link to the API's authenticated route
(`/api/v1/downloads/...`), which checks the identity of the request itself and writes exactly one
`download` event with the rows it served (api/downloads.py).
"""
from __future__ import annotations

import json
import uuid
from urllib.parse import urlencode

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from i18n.strings import t
from service.access import Principal, can_download
from service.audit import Caller, record as record_event

PAGE_KEY = "_audit_page"
LAST_VIEW_KEY = "_audit_last_view"


def _session_id() -> str:
    ctx = get_script_run_ctx()
    return ctx.session_id if ctx is not None else ""


def _caller(principal: Principal | None = None) -> Caller:
    from ui.auth import current_principal
    from ui.data import client_address

    return Caller(principal or current_principal(), channel="ui", session=_session_id(),
                  page=st.session_state.get(PAGE_KEY, ""), client=client_address(),
                  version=st.session_state.get("_served_version"))


def record(action: str, *, params: dict | None = None, rows: int | None = None,
           principal: Principal | None = None) -> dict:
    """Write one event for the current session (principal and page taken from the session if not given)."""
    return record_event(_caller(principal), action, params, rows)


def record_incident(kind: str, error: BaseException | None = None) -> str:
    """An error a user saw: a short incident id, kept in the audit trail with the error's type (the
    server log has the traceback); the user is shown the id, never the traceback."""
    incident = uuid.uuid4().hex[:10]
    try:
        record("incident", params={"incident": incident, "kind": kind,
                                 "error": type(error).__name__ if error is not None else ""})
    except Exception:  # noqa: BLE001 - an incident must still be shown when the trail itself failed
        pass
    return incident


def begin_run(page: str) -> None:
    """Called by app.py before the page runs: which page."""
    st.session_state[PAGE_KEY] = page


def end_run(page: str) -> None:
    """Called by app.py after the page ran: a view event when the page or its URL parameters changed."""
    params = {k: st.query_params.get_all(k) if len(st.query_params.get_all(k)) > 1 else st.query_params.get(k)
              for k in st.query_params}
    last = st.session_state.get(LAST_VIEW_KEY)
    current = (page, json.dumps(params, sort_keys=True))
    if last == current:
        return
    action = "page_view" if last is None or last[0] != page else "filter"
    record(action, params=params)
    st.session_state[LAST_VIEW_KEY] = current


def api_url(path: str, params: dict[str, object] | None = None) -> str:
    """A URL of the server's API (relative, under the app's base path), with its query."""
    base = (st.get_option("server.baseUrlPath") or "").strip("/")
    prefix = f"/{base}" if base else ""
    query = urlencode({k: v for k, v in (params or {}).items() if v not in (None, "", ())}, doseq=True)
    return f"{prefix}/api/v1/{path}" + (f"?{query}" if query else "")


def download_url(name: str, fmt: str, params: dict[str, object]) -> str:
    """The authenticated download route of a table the page offers."""
    return api_url(f"downloads/{name}.{fmt}", params)


FORMAT_LABELS = {"csv": "download_csv", "xlsx": "download_xlsx", "parquet": "download_parquet",
                 "html": "briefing_html", "pdf": "briefing_pdf"}


def download_links(name: str, params: dict[str, object], lang: str, formats: tuple[str, ...] = ("csv", "xlsx"),
                   key: str | None = None) -> None:
    """One link button per format to the download route, for users allowed to download; else a note."""
    from ui.auth import current_principal

    if not can_download(current_principal()):
        st.caption(t("download_not_allowed", lang))
        return
    columns = st.columns(len(formats))
    for column, fmt in zip(columns, formats):
        column.link_button(t(FORMAT_LABELS[fmt], lang), download_url(name, fmt, {**params, "lang": lang}),
                           icon=":material/download:", width="stretch")


def event_table(events: list[dict], lang: str):
    """Events as a table for reading: Hanoi time, who, what, where, parameters, rows; newest first."""
    import pandas as pd

    from i18n.formats import format_datetime
    from i18n.strings import STRINGS

    def action(e: dict) -> str:
        key = f"audit_action_{e.get('action')}"
        return t(key, lang) if key in STRINGS else str(e.get("action", ""))

    def role(e: dict) -> str:
        key = f"role_{e.get('role')}"
        return t(key, lang) if key in STRINGS else str(e.get("role", ""))

    def params(e: dict) -> str:
        return "; ".join(f"{k}={v}" for k, v in sorted((e.get("params") or {}).items()) if v not in (None, "", []))

    records = [{
        t("audit_col_time", lang): format_datetime(pd.Timestamp(e["time"]), lang, "yyyy-MM-dd HH:mm:ss"),
        t("audit_col_user", lang): e.get("user", ""), t("audit_col_role", lang): role(e),
        t("audit_col_commune", lang): e.get("commune") or "", t("audit_col_action", lang): action(e),
        t("audit_col_page", lang): e.get("page", ""), t("audit_col_params", lang): params(e),
        t("audit_col_rows", lang): e.get("rows"),  # a number (a dash on screen when the event read no rows)
    } for e in reversed(events)]
    frame = pd.DataFrame(records, columns=[t(k, lang) for k in (
        "audit_col_time", "audit_col_user", "audit_col_role", "audit_col_commune", "audit_col_action",
        "audit_col_page", "audit_col_params", "audit_col_rows")])
    frame[t("audit_col_rows", lang)] = pd.to_numeric(frame[t("audit_col_rows", lang)]).astype("Int64")
    return frame
