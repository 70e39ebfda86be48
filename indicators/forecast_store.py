"""Reading the forecast tables of a published version (written by `python -m cli forecast`).

Kept apart from `indicators.forecast` so that the scorecard and the pages can look forecasts up without
importing statsmodels. A version without forecasts is normal (right after a publish): every reader then
gets an empty answer and the status falls back to the trend rule.
"""
from __future__ import annotations

from functools import lru_cache

import pandas as pd

from store.versions import read_manifest, version_path

FORECASTS_TABLE = "forecasts"
PATHS_TABLE = "forecast_paths"


def _file(version: str, table: str):
    entry = read_manifest(version)["tables"].get(table)
    return None if entry is None else version_path(version) / entry["file"]


def has_forecasts(version: str) -> bool:
    """Whether the version carries a forecasts table."""
    return _file(version, FORECASTS_TABLE) is not None


@lru_cache(maxsize=4)
def load_forecasts(version: str) -> pd.DataFrame:
    """One row per (indicator, geo) forecast; empty when the version has none. Versions are immutable."""
    path = _file(version, FORECASTS_TABLE)
    if path is None:
        return pd.DataFrame(columns=["indicator", "geo", "probability", "value_2030", "data_until"])
    return pd.read_parquet(path)


@lru_cache(maxsize=4)
def forecast_index(version: str) -> dict[tuple[str, str], dict]:
    """Forecast rows keyed by (indicator, geo), for the scorecard's per-row look-up."""
    frame = load_forecasts(version)
    out = {}
    for rec in frame.to_dict("records"):
        rec = {k: (None if not isinstance(v, (list, tuple, str)) and pd.isna(v) else v) for k, v in rec.items()}
        out[(rec["indicator"], rec["geo"])] = rec
    return out


def load_paths(version: str, indicator: str, geo: str) -> pd.DataFrame:
    """History and fan quantiles of one forecast series (empty when absent)."""
    path = _file(version, PATHS_TABLE)
    if path is None:
        return pd.DataFrame(columns=["indicator", "geo", "period", "kind", "value"])
    return pd.read_parquet(path, filters=[("indicator", "==", indicator), ("geo", "==", geo)])
