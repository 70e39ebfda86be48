"""Reading the forecast tables of a version: the ones `indicators.verdicts.derive_tables` made for it.

Every version has them: written at publish time, or (a version published before that step existed)
computed once in the process by the same deterministic code, so readers never see "no forecasts yet"
and never see a forecast change for the same data.

Columns of `forecasts` (one row per KPI and area; the forecast shown now, calibrated at the last month):
  indicator, geo ('city' | 'phuong' | 'xa' | commune code), grain (month | quarter | year), family, pool,
  transform (logit | log | identity), basis ('annual_total': 12-month sums of a monthly count, else
  'level'), judged ('end_2030' | 'mean_2026_2030'), model (naive | drift | drift1 | damped | mean),
  reason (beats_naive | no_better_than_naive | not_scorable | constant), baseline_kept, n_obs,
  first_period, last_period, last_value, gaps (missing periods inside the series, text),
  value_2030, lo80, hi80, lo95, hi95 (the value of the last period of 2030: the 2030 total for counts),
  judged_expected, judged_lo80, judged_hi80 (what the target is judged on: the same, or the 2026-2030
  mean), probability, verdict, mase (the chosen model's mean absolute scaled error over the rolling-origin
  backtest), mase_naive, mase_<model> for each model, coverage80, coverage95 and backtest_points (this
  series' intervals as shown, re-made at every past origin with what was known then, against what
  happened), coverage80_pool, coverage95_pool (the same over its pool), n_paths (quantile levels the
  distribution is kept at), widening (the series' own-error factor on its pool's spread), calibration_errors,
  status, source (of the data), crossing_year, meets_now, target_low, target_high, direction,
  target_inherited, target_source, threshold (what the judged value is compared with), data_until,
  rule_version.
`forecast_paths`: indicator, geo, period, kind ('history' | 'forecast'), value, q025, q10, q50, q90, q975.
`official_forecasts` (the city's real published yearly series, `indicators.official_forecast.COLUMNS`):
  indicator, n_points, years, gaps (missing years inside the series: shown, never filled), enough (at least
  five years: forecast; otherwise the page says "not enough official points" and shows `years`),
  calibrated, status, source, last_year, last_value, value_2030, lo80, hi80, lo95, hi95, judged,
  judged_expected, judged_lo80, judged_hi80, probability, verdict, model, threshold.
"""
from __future__ import annotations

from functools import lru_cache

import pandas as pd

from indicators.series import GROUPS
from indicators.verdicts import FORECASTS_TABLE, OFFICIAL_TABLE, PATHS_TABLE, stored, version_tables

__all__ = ["FORECASTS_TABLE", "PATHS_TABLE", "forecast_index", "has_forecasts", "load_forecasts", "load_official",
           "load_paths", "stored"]


def has_forecasts(version: str) -> bool:
    """Always true for a version with data: its forecasts are stored, or derived on first use."""
    return True


def load_forecasts(version: str, groups: bool = False) -> pd.DataFrame:
    """One row per (indicator, geo) forecast: the city and the communes, plus the two commune groups
    ('phuong', 'xa') with `groups` (today's pages take every geo but the city for a commune code)."""
    frame = version_tables(version)[FORECASTS_TABLE]
    if groups:
        return frame
    return frame[~frame["geo"].isin(GROUPS)].reset_index(drop=True)


@lru_cache(maxsize=4)
def forecast_index(version: str) -> dict[tuple[str, str], dict]:
    """Forecast rows keyed by (indicator, geo)."""
    out = {}
    for rec in load_forecasts(version, groups=True).to_dict("records"):
        rec = {k: (None if not isinstance(v, (list, tuple, str)) and pd.isna(v) else v) for k, v in rec.items()}
        out[(rec["indicator"], rec["geo"])] = rec
    return out


def load_paths(version: str, indicator: str, geo: str) -> pd.DataFrame:
    """History and fan quantiles of one forecast series (empty when absent)."""
    paths = version_tables(version)[PATHS_TABLE]
    return paths[(paths["indicator"] == indicator) & (paths["geo"] == geo)].reset_index(drop=True)


def load_official(version: str) -> pd.DataFrame:
    """The city's published yearly series: one row per KPI, what exists and its forecast where enough."""
    return version_tables(version)[OFFICIAL_TABLE]
