"""Cached data access for pages: every cache is keyed on the published version.

A publish switches the version, so the next rerun reads the new data without a restart; old cache
entries simply stop being asked for.
"""
from __future__ import annotations

import pandas as pd
import streamlit as st

from indicators.queries import Scope, kpi_frame
from indicators.scorecard import ScoreRow, build_scorecard
from indicators.warehouse import Warehouse, open_warehouse
from store.versions import current_version


def version() -> str | None:
    """The version being served now (a small file read, done on every rerun)."""
    return current_version()


@st.cache_resource(max_entries=2, show_spinner=False)
def _warehouse(version_name: str) -> Warehouse:
    return open_warehouse(version_name)


def warehouse(version_name: str) -> Warehouse:
    return _warehouse(version_name)


@st.cache_data(max_entries=512, show_spinner=False)
def scorecard(version_name: str, scope: Scope, grain: str, until: pd.Timestamp | None, geo: str) -> list[ScoreRow]:
    return build_scorecard(warehouse(version_name), scope, grain, until, geo)


@st.cache_data(max_entries=512, show_spinner=False)
def kpis(version_name: str, codes: tuple[str, ...], scope: Scope, grain: str,
         start: pd.Timestamp | None = None, end: pd.Timestamp | None = None, by_commune: bool = False) -> pd.DataFrame:
    return kpi_frame(warehouse(version_name), codes, scope, grain, start, end, by_commune)


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

