"""Cached data access for pages: every cache is keyed on the published version.

A publish switches the version, so the next rerun reads the new data without a restart; old cache
entries simply stop being asked for.
"""
from __future__ import annotations

import pandas as pd
import streamlit as st

from indicators.access import Principal, authorize_geo, authorize_scope, drop_hidden_rows, mask_communes
from indicators.queries import Scope, kpi_frame
from indicators.scorecard import ScoreRow, build_scorecard
from indicators.warehouse import Warehouse, open_warehouse
from store.versions import current_version
from ui import audit
from ui.auth import current_principal


def version() -> str | None:
    """The version being served now (a small file read, done on every rerun)."""
    return current_version()


@st.cache_resource(max_entries=2, show_spinner=False)
def _warehouse(version_name: str) -> Warehouse:
    return open_warehouse(version_name)


def warehouse(version_name: str) -> Warehouse:
    return _warehouse(version_name)


# --- access: every accessor reads as a principal (issue 6) ---
# Each public accessor authorizes its scope for `principal` (default: this session's user, see ui/auth.py)
# before the cached query runs, and notes the read in the audit trail. Caches are keyed on the authorized
# scope, so one user's cached answer can never be a wider one than another user may see.


def _who(principal: Principal | None) -> Principal:
    return principal if principal is not None else current_principal()


@st.cache_data(max_entries=512, show_spinner=False)
def _scorecard(version_name: str, scope: Scope, grain: str, until: pd.Timestamp | None, geo: str) -> list[ScoreRow]:
    return build_scorecard(warehouse(version_name), scope, grain, until, geo)


def scorecard(version_name: str, scope: Scope, grain: str, until: pd.Timestamp | None, geo: str, *,
              principal: Principal | None = None) -> list[ScoreRow]:
    """Every KPI for a scope the principal may read (AccessDenied otherwise); `geo` picks the targets."""
    who = _who(principal)
    scope, geo = authorize_scope(who, scope), authorize_geo(who, geo)
    rows = _scorecard(version_name, scope, grain, until, geo)
    audit.note_read("scorecard", {"scope": scope, "grain": grain, "until": until, "geo": geo},
                    sum(r.has_data for r in rows))
    return rows


@st.cache_data(max_entries=512, show_spinner=False)
def _kpis(version_name: str, codes: tuple[str, ...], scope: Scope, grain: str, start: pd.Timestamp | None,
          end: pd.Timestamp | None, by_commune: bool) -> pd.DataFrame:
    return kpi_frame(warehouse(version_name), codes, scope, grain, start, end, by_commune)


def kpis(version_name: str, codes: tuple[str, ...], scope: Scope, grain: str,
         start: pd.Timestamp | None = None, end: pd.Timestamp | None = None, by_commune: bool = False, *,
         principal: Principal | None = None) -> pd.DataFrame:
    """KPI values per period (per commune when `by_commune`: narrowed to what the principal may see)."""
    who = _who(principal)
    allowed = authorize_scope(who, scope, by_commune)
    frame = _kpis(version_name, tuple(codes), allowed, grain, start, end, by_commune)
    frame = drop_hidden_rows(who, frame) if by_commune else frame
    audit.note_read("kpis", {"codes": codes, "scope": allowed, "grain": grain, "start": start, "end": end,
                             "by_commune": by_commune}, len(frame))
    return frame


# --- sectors & supply-demand (issue 7) ---
from indicators import sectors as _sectors  # noqa: E402  (kept with its accessors: an additive block)


@st.cache_data(max_entries=256, show_spinner=False)
def sector_table(version_name: str, scope: Scope, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    return _sectors.sector_table(warehouse(version_name), scope, start, end)


@st.cache_data(max_entries=256, show_spinner=False)
def sector_data_status(version_name: str, scope: Scope, start: pd.Timestamp, end: pd.Timestamp) -> str | None:
    return _sectors.data_status(warehouse(version_name), scope, start, end)


@st.cache_data(max_entries=256, show_spinner=False)
def sector_matrix(version_name: str, measure: str, scope: Scope, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    return _sectors.sector_commune_matrix(warehouse(version_name), measure, scope, start, end)


@st.cache_data(max_entries=256, show_spinner=False)
def sector_demand_by_commune(version_name: str, sectors: tuple[str, ...], start: pd.Timestamp | None,
                             end: pd.Timestamp | None) -> pd.DataFrame:
    return _sectors.sector_demand_by_commune(warehouse(version_name), sectors, start, end)


@st.cache_data(max_entries=64, show_spinner=False)
def sector_forecast(version_name: str, scope: Scope, until: pd.Timestamp) -> dict[str, _sectors.MonthlyForecast | None]:
    return _sectors.demand_supply_forecast(warehouse(version_name), scope, until)


@st.cache_data(max_entries=512, show_spinner=False)
def commune_values(version_name: str, code: str, grain: str, until: pd.Timestamp,
                   sectors: tuple[str, ...] = ()) -> pd.DataFrame:
    """One indicator for all 126 communes in one period (map, ranking, profile ranks)."""
    from indicators.commune_values import values_by_commune

    return values_by_commune(warehouse(version_name), code, grain, until, sectors or None)


@st.cache_data(max_entries=256, show_spinner=False)
def all_commune_values(version_name: str, grain: str, until: pd.Timestamp, sectors: tuple[str, ...] = ()) -> pd.DataFrame:
    """Every indicator for all 126 communes in one period (ranks and peer medians of the profile)."""
    from indicators.commune_values import all_values_by_commune

    wh = warehouse(version_name)
    return all_values_by_commune(wh, list(wh.catalogue.codes), grain, until, sectors or None)


@st.cache_data(max_entries=256, show_spinner=False)
def commune_peers(version_name: str, code: str, until: pd.Timestamp) -> list[str]:
    from indicators.commune_values import peers

    return peers(warehouse(version_name), code, until)



# --- trends, plan completion & forecasts (issue 4) ---
# Same pattern: authorize the geography (or mask per-commune rows) for the principal, then the cached read.


@st.cache_data(show_spinner=False)
def published_figures() -> pd.DataFrame:
    """The real published city figures (reference data: public, the same for every user)."""
    from store.published import load_published

    return load_published()


@st.cache_data(max_entries=8, show_spinner=False)
def _forecasts(version_name: str) -> pd.DataFrame:
    from indicators.forecast_store import load_forecasts

    return load_forecasts(version_name)


def forecasts(version_name: str, geo: str, *, principal: Principal | None = None) -> pd.DataFrame:
    """The forecast rows of one area ('city' or a commune code) the principal may read."""
    geo = authorize_geo(_who(principal), geo)
    frame = _forecasts(version_name)
    frame = frame[frame["geo"] == geo].reset_index(drop=True)
    audit.note_read("forecasts", {"geo": geo}, len(frame))
    return frame


def forecast_communes(version_name: str, indicator: str, *, principal: Principal | None = None) -> pd.DataFrame:
    """One indicator's forecast in every commune; communes the principal may not see are masked."""
    frame = _forecasts(version_name)
    frame = frame[(frame["indicator"] == indicator) & (frame["geo"] != "city")].reset_index(drop=True)
    frame = mask_communes(_who(principal), frame, code_column="geo")
    audit.note_read("forecast_communes", {"indicator": indicator}, len(frame))
    return frame


@st.cache_data(max_entries=256, show_spinner=False)
def _forecast_paths(version_name: str, indicator: str, geo: str) -> pd.DataFrame:
    from indicators.forecast_store import load_paths

    return load_paths(version_name, indicator, geo)


def forecast_paths(version_name: str, indicator: str, geo: str, *, principal: Principal | None = None) -> pd.DataFrame:
    """History and fan quantiles of one forecast series."""
    geo = authorize_geo(_who(principal), geo)
    frame = _forecast_paths(version_name, indicator, geo)
    audit.note_read("forecast_paths", {"indicator": indicator, "geo": geo}, len(frame))
    return frame


@st.cache_data(max_entries=256, show_spinner=False)
def _plan_progress(version_name: str, code: str, year: int, geo: str) -> pd.DataFrame:
    from indicators.plan_completion import plan_progress

    return plan_progress(warehouse(version_name), code, year, geo)


def plan_progress(version_name: str, code: str, year: int, geo: str, *,
                  principal: Principal | None = None) -> pd.DataFrame:
    """Month-by-month year to date against the yearly plan, this year and last."""
    geo = authorize_geo(_who(principal), geo)
    frame = _plan_progress(version_name, code, year, geo)
    audit.note_read("plan_progress", {"indicator": code, "year": year, "geo": geo}, int(frame["ytd"].notna().sum()))
    return frame


@st.cache_data(max_entries=64, show_spinner=False)
def _plan_overview(version_name: str, year: int, month: int, geo: str) -> pd.DataFrame:
    from indicators.plan_completion import plan_overview

    return plan_overview(warehouse(version_name), year, month, geo)


def plan_overview(version_name: str, year: int, month: int, geo: str, *,
                  principal: Principal | None = None) -> pd.DataFrame:
    """Every plan indicator of an area at one month."""
    geo = authorize_geo(_who(principal), geo)
    frame = _plan_overview(version_name, year, month, geo)
    audit.note_read("plan_overview", {"year": year, "month": month, "geo": geo}, len(frame))
    return frame


@st.cache_data(max_entries=64, show_spinner=False)
def _commune_completion(version_name: str, code: str, year: int, month: int) -> pd.DataFrame:
    from indicators.plan_completion import commune_completion

    return commune_completion(warehouse(version_name), code, year, month)


def commune_completion(version_name: str, code: str, year: int, month: int, *,
                       principal: Principal | None = None) -> pd.DataFrame:
    """Plan completion of every commune with a plan; communes the principal may not see are masked."""
    frame = mask_communes(_who(principal), _commune_completion(version_name, code, year, month), "commune_code")
    audit.note_read("commune_completion", {"indicator": code, "year": year, "month": month}, len(frame))
    return frame
