"""What a user sees when something breaks: a message in both languages with an incident id, never a
traceback. The traceback goes to the server log under the same id, and the id into the audit trail, so
an operator can find the one from the other."""
from __future__ import annotations

import logging

import streamlit as st

from i18n.strings import t
from service.versions import NoDataError

LOG = logging.getLogger("hanoi_kpi.incidents")

__all__ = ["NoDataError", "on_script_error", "show_incident"]


def _incident(error: BaseException) -> str:
    from ui import audit

    incident = audit.record_incident("script_error", error)
    LOG.error("incident %s: %s", incident, type(error).__name__, exc_info=error)
    return incident


def show_incident(error: BaseException, lang: str = "vi") -> str:
    """Record and show an unexpected error of a page run; returns the incident id."""
    incident = _incident(error)
    other = "en" if lang == "vi" else "vi"
    st.error(t("incident", lang, incident=incident) + "\n\n" + t("incident", other, incident=incident),
             icon=":material/error:")
    return incident


def on_script_error(error: Exception) -> bool:
    """st.App's hook for an error outside a page (the dashboard script itself, a widget callback): the same
    message; True tells Streamlit not to draw its own exception box."""
    show_incident(error, st.session_state.get("lang") or "vi")
    return True
