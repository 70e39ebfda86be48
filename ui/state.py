"""The view state that lives in the URL, so any view can be shared and reopened as it was.

A query parameter seeds its widget once per session; an invalid value gives a friendly notice and the
default, never an error. After the widgets run, the URL is rewritten from their values (defaults are
left out to keep links short). Commune codes stay 5-character strings (`?xa=00004`).
"""
from __future__ import annotations

from typing import Iterable

import streamlit as st

from i18n.strings import t
from ui.safe import literal

NOTICES_KEY = "_url_notices"
LAST_KEY = "_url_last"


def _url_changed(key: str) -> bool:
    """True on a session's first run, or when a link (st.page_link, an edited URL) brought a new value.

    A parameter that is simply absent (page switches drop the query string) keeps the session's value.
    """
    if key not in st.session_state:
        return True
    raw = st.query_params.get(key)
    return raw is not None and raw != st.session_state.get(LAST_KEY, {}).get(key)


def seed_from_url(key: str, valid: Iterable[str], default: str) -> None:
    """Put the URL's value for `key` in session state when it is new and valid; else keep or default."""
    if not _url_changed(key):
        return
    raw = st.query_params.get(key)
    allowed = set(valid)
    if raw is None:
        st.session_state[key] = default
    elif raw in allowed:
        st.session_state[key] = raw
    else:
        st.session_state[key] = default
        st.session_state.setdefault(NOTICES_KEY, []).append((key, raw))


def seed_list_from_url(key: str, valid: Iterable[str]) -> None:
    """Like `seed_from_url` for a comma-separated list; unknown items are dropped with a notice."""
    if not _url_changed(key):
        return
    raw = st.query_params.get(key)
    allowed = set(valid)
    items = [x for x in (raw or "").split(",") if x]
    good = [x for x in items if x in allowed]
    if len(good) < len(items):
        bad = ",".join(x for x in items if x not in allowed)
        st.session_state.setdefault(NOTICES_KEY, []).append((key, bad))
    st.session_state[key] = good


def sync_to_url(defaults: dict[str, object]) -> None:
    """Write the current values of the given keys into the URL, leaving defaults out."""
    last = st.session_state.setdefault(LAST_KEY, {})
    for key, default in defaults.items():
        value = st.session_state.get(key, default)
        if isinstance(value, list):
            value = ",".join(value)
            default = ",".join(default) if isinstance(default, list) else default
        if value == default or value in (None, ""):
            if key in st.query_params:
                del st.query_params[key]
            last[key] = None
        else:
            if st.query_params.get(key) != value:
                st.query_params[key] = value
            last[key] = value


def show_url_notices(lang: str) -> None:
    """Tell the user, once, which link values were not understood (shown as literal text: a link's value
    is never rendered as Markdown or HTML)."""
    for key, value in st.session_state.pop(NOTICES_KEY, []):
        message = t("invalid_param", lang, param=literal(key, 30), value=literal(value))
        st.toast(message, icon=":material/info:")
        st.info(message)
