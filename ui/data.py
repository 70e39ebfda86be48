"""Data for pages: the service layer's questions, asked as this session's user.

Every function here is a question of `service/` bound to this page run's `Caller`: the signed-in
principal (ui/auth.py), the Streamlit session, the page, and the data version pinned once per run (so a
publish in the middle of a run cannot mix two versions on one screen). Authorization, the small-count
rule, the audit trail and caching are the service layer's (one hook, shared with the API): this module
adds nothing but the binding, so no page can read around them.
"""
from __future__ import annotations

import functools
from typing import Callable, Concatenate, ParamSpec, TypeVar

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

import service
from service.audit import Caller
from service.metadata import catalogue, commune_table, data_until, priority_groups, sector_table
from service.versions import served_version

P = ParamSpec("P")
R = TypeVar("R")
VERSION_KEY = "_served_version"
PAGE_KEY = "_audit_page"
PRINCIPAL_KEY = "_principal"

__all__ = ["catalogue", "commune_table", "data_until", "priority_groups", "sector_table"]


def pin_version() -> str:
    """Resolve the served version once for this run (app.py calls it first); every read uses it."""
    name = served_version()
    st.session_state[VERSION_KEY] = name
    return name


def served_now() -> str:
    """The version served at this moment (not the run's pinned one): for a page waiting for a publish."""
    return served_version()


def version() -> str:
    """The data version of this run."""
    name = st.session_state.get(VERSION_KEY)
    return name if name is not None else pin_version()


def caller() -> Caller:
    """This run's caller: the session's principal, session id, page and pinned version."""
    from ui.auth import current_principal

    ctx = get_script_run_ctx()
    return Caller(current_principal(), channel="ui", session=ctx.session_id if ctx is not None else "",
                  page=st.session_state.get(PAGE_KEY, ""), client=client_address(), version=version())


def client_address() -> str:
    """The browser's address as the server saw it (empty outside a browser session, e.g. AppTest)."""
    try:
        address = st.context.ip_address
    except Exception:  # noqa: BLE001 - outside a browser session there is no address
        return ""
    return address if isinstance(address, str) else ""


def _asked_by_this_session(question: Callable[Concatenate[Caller, P], R]) -> Callable[P, R]:
    """The question with this run's caller filled in."""
    @functools.wraps(question)
    def ask(*args: P.args, **kwargs: P.kwargs) -> R:
        return question(caller(), *args, **kwargs)
    return ask


scorecard = _asked_by_this_session(service.scorecard)
value = _asked_by_this_session(service.value)
series = _asked_by_this_session(service.series)
series_by_commune = _asked_by_this_session(service.series_by_commune)
map_values = _asked_by_this_session(service.map_values)
commune_ranks = _asked_by_this_session(service.commune_ranks)
peers = _asked_by_this_session(service.peers)
commune_facts = _asked_by_this_session(service.commune_facts)
profile = _asked_by_this_session(service.profile)
sector_figures = _asked_by_this_session(service.sector_figures)
sector_status = _asked_by_this_session(service.sector_status)
sector_matrix = _asked_by_this_session(service.sector_matrix)
sector_demand = _asked_by_this_session(service.sector_demand)
sector_forecast = _asked_by_this_session(service.sector_forecast)
forecasts = _asked_by_this_session(service.forecasts)
forecast_communes = _asked_by_this_session(service.forecast_communes)
official_forecasts = _asked_by_this_session(service.official_forecasts)
forecast_paths = _asked_by_this_session(service.forecast_paths)
plan_progress = _asked_by_this_session(service.plan_progress)
plan_overview = _asked_by_this_session(service.plan_overview)
plan_line = _asked_by_this_session(service.plan_line)
commune_completion = _asked_by_this_session(service.commune_completion)
completeness = _asked_by_this_session(service.completeness)
missing_reports = _asked_by_this_session(service.missing_reports)
target = _asked_by_this_session(service.target)
published_figures = _asked_by_this_session(service.published_figures)
version_info = _asked_by_this_session(service.version_info)
ingest_summary = _asked_by_this_session(service.ingest_summary)
freshness = _asked_by_this_session(service.freshness)
reconciliation_city = _asked_by_this_session(service.reconciliation_city)
methodology = _asked_by_this_session(service.methodology)
downloadable_tables = _asked_by_this_session(service.downloadable_tables)
table_years = _asked_by_this_session(service.table_years)
version_table = _asked_by_this_session(service.version_table)
templates = _asked_by_this_session(service.templates)
template_guide = _asked_by_this_session(service.template_guide)
indicators = _asked_by_this_session(service.indicators)


def export(name: str, query: dict[str, str], lang: str):
    """A table a page shows and offers for download (service/exports.py), read as this session."""
    from service.exports import export_table

    return export_table(caller(), name, query, lang, take_away=False)
audit_events = _asked_by_this_session(service.audit_events)
