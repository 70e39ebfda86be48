"""One indicator for all 126 communes in one period: what the map, its ranked table and ranks read.

Communes without data keep their row with value NaN, so callers can draw them as "no data" and list
them, never drop them or show them as zero. Small counts of people come back hidden (NaN with
`suppressed` True, see indicators/suppression.py), so no page, export or briefing can show them.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from indicators.area import Period
from indicators.queries import Scope, kpi_frame
from indicators.suppression import FLAG, hide_small_counts, person_count_indicators, suppress_commune_values
from indicators.warehouse import Warehouse
from store.catalogue import Catalogue
from store.reference import load_communes
from store.templates import last_period_end, report_months


def commune_grid(wh: Warehouse, codes: list[str], period: Period, sectors: tuple[str, ...] | None = None
                 ) -> pd.DataFrame:
    """Rows for every (indicator, commune) pair, all 126 communes each, with rank (1 = best): the values
    as the KPI statement gives them, nothing hidden yet (`protect_commune_grid` does that)."""
    start, end = period.window()
    query_grain = "ytd" if period.grain in ("ytd", "year") else period.grain
    frame = kpi_frame(wh, codes, Scope(sectors=sectors or None), query_grain, start, end, by_commune=True)
    if query_grain == "ytd":  # the year to `end`; a KPI of half-yearly reports to its last half ending by then
        through = {c: last_period_end(end, report_months(wh.catalogue.get(c).measures)) for c in codes}
        frame = frame[frame["last_month"] == frame["indicator"].map(through)]
    communes = load_communes()[["code", "name_vi", "name_en", "type", "area_km2"]]
    grid = pd.MultiIndex.from_product([codes, communes["code"]], names=["indicator", "code"]).to_frame(index=False)
    out = grid.merge(communes, on="code").merge(
        frame, left_on=["indicator", "code"], right_on=["indicator", "commune_code"], how="left")
    out["rank"] = _ranks(out, wh.catalogue)
    out["period_start"], out["period_end"] = start, end
    return out.drop(columns=["commune_code"]).reset_index(drop=True)


def _ranks(frame: pd.DataFrame, catalogue: Catalogue) -> pd.Series:
    """Rank 1 = best whichever the direction, among the communes whose value is shown, without gaps."""
    lower = frame["indicator"].map(lambda c: catalogue.get(c).direction == "lower")
    signed = frame["value"].where(lower, -frame["value"])
    return signed.groupby(frame["indicator"]).rank(method="min")


def protect_commune_grid(frame: pd.DataFrame, catalogue: Catalogue) -> pd.DataFrame:
    """A commune grid as it may be shown: small counts of people hidden with complements over the city and
    the phường/xã totals, rates over a handful of people hidden, hidden communes without a rank."""
    out = suppress_commune_values(frame, frame["indicator"].isin(person_count_indicators(catalogue)))
    out = hide_small_counts(out, catalogue)  # and rates over a handful of people, on their own
    out.loc[out[FLAG], "value"] = np.nan
    out["rank"] = _ranks(out, catalogue)  # a rank would place a hidden commune among the others
    return out


def all_values_by_commune(wh: Warehouse, codes: list[str], period: Period,
                          sectors: tuple[str, ...] | None = None) -> pd.DataFrame:
    """`commune_grid` protected: what a map, a ranking or a profile may show."""
    return protect_commune_grid(commune_grid(wh, codes, period, sectors), wh.catalogue)


def values_by_commune(wh: Warehouse, code: str, period: Period, sectors: tuple[str, ...] | None = None
                      ) -> pd.DataFrame:
    """Rows for all 126 communes: code, names, type, value, se, status, rank (1 = best), period info."""
    return all_values_by_commune(wh, [code], period, sectors).drop(columns=["indicator"])


def labour_force_size(wh: Warehouse, until: pd.Timestamp) -> pd.Series:
    """Each commune's labour force in month `until`: the size used to find a commune's peers."""
    rows = wh.query(
        "SELECT commune_code, sum(value) AS lf FROM facts_total WHERE measure = 'labour_force' AND period = ? "
        "GROUP BY commune_code", [pd.Timestamp(until).to_pydatetime()])
    return rows.set_index("commune_code")["lf"]


def peers(wh: Warehouse, code: str, until: pd.Timestamp, n: int = 10) -> list[str]:
    """The n communes of the same type closest in labour-force size (log scale), excluding itself."""
    communes = load_communes().set_index("code")
    size = labour_force_size(wh, until)
    same = communes.index[(communes["type"] == communes.loc[code, "type"]) & (communes.index != code)]
    sizes = size.reindex(same).dropna()
    if code not in size.index or sizes.empty:
        return []
    distance = (np.log(sizes) - np.log(size[code])).abs().sort_values(kind="stable")
    return list(distance.index[:n])
