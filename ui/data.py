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
