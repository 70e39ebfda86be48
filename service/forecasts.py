"""2030 forecasts of the KPIs (computed when the data is published; read here)."""
from __future__ import annotations

import pandas as pd

from indicators.area import Area
from indicators.forecast_store import load_forecasts, load_official, load_paths
from indicators.suppression import THRESHOLD, person_count_indicators
from service.core import Protection, question
from service.policies import area_detail, mask, signed_in
from store.catalogue import load_catalogue


def _hide_small_history(frame: pd.DataFrame, params: dict) -> pd.DataFrame:
    """Observed values of a count of fewer than THRESHOLD people are hidden; model output is kept."""
    if frame.empty or params.get("indicator") not in person_count_indicators(load_catalogue()):
        return frame
    out = frame.copy()
    small = (out["kind"] == "history") & (out["value"] > 0) & (out["value"] < THRESHOLD)
    out.loc[small, "value"] = float("nan")
    return out


FORECAST_PATHS = Protection("forecast_paths", _hide_small_history, "Observed points of a small count of people "
                            "hidden; the forecast fan is model output and is kept.")
FORECAST_SUMMARY = Protection("forecast_summary", lambda frame, params: frame, "Model output only (expected 2030 "
                              "value, interval, probability): no observed count of people.")


@question("forecasts", authorize=(signed_in, area_detail()), protect=FORECAST_SUMMARY)
def forecasts(version: str, area: Area) -> pd.DataFrame:
    """One row per KPI forecast for an area (empty when the version has none)."""
    frame = load_forecasts(version)
    return frame[frame["geo"] == area.key].reset_index(drop=True)


@question("forecast_communes", authorize=(signed_in,), protect=FORECAST_SUMMARY, narrow=mask("geo"))
def forecast_communes(version: str, indicator: str) -> pd.DataFrame:
    """One indicator's forecast in every commune; the communes the caller may not see are masked."""
    frame = load_forecasts(version)
    return frame[(frame["indicator"] == indicator) & (frame["geo"] != "city")].reset_index(drop=True)


@question("forecast_paths", authorize=(signed_in, area_detail()), protect=FORECAST_PATHS)
def forecast_paths(version: str, indicator: str, area: Area) -> pd.DataFrame:
    """History and fan quantiles of one forecast series."""
    return load_paths(version, indicator, area.key)


@question("official_forecasts", authorize=(signed_in,), protect=FORECAST_SUMMARY)
def official_forecasts(version: str) -> pd.DataFrame:
    """The city's real published yearly series (`indicators.forecast_store` documents the columns): the
    years that exist, their gaps, and a forecast only with at least five of them."""
    return load_official(version).reset_index(drop=True)
