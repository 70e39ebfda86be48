"""Every KPI in every area as dense arrays: the input of the forecasts and verdicts computed at publish time.

Why not `kpi_frame` per area: the verdicts need every KPI for the city, both commune groups (all phường,
all xã) and each of the 126 communes at once, and `kpi_frames` over all communes takes seconds per grain.
Here one SQL statement reads the monthly numerator and denominator of every indicator per commune from
the sector-free roll-up, and numpy sums them into areas and grains with the same arithmetic as
`indicators.queries` (ratios of sums, stocks averaged over their months, flows summed, growth of complete
years, urban-only KPIs over wards); a test holds the two equal.

Areas: 'city', 'phuong' (all wards), 'xa' (all rural communes) and every commune code.
The judged series of a KPI (what its 2030 target is about) is its value per period at the grain it is
published at (month, quarter or year), except flows with a per-year target (new jobs, trainees), whose
judged series is the 12-month rolling sum, month by month: December's value is the calendar-year total.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from indicators.area import CITY_KEY, GROUPS
from indicators.warehouse import STATUS_ORDER, Warehouse
from store.catalogue import Catalogue, Indicator

CITY = CITY_KEY
WARDS, RURAL = GROUPS
"""Commune groups with verdicts of their own: every phường and every xã together (`indicators.area`)."""
PERIODS_PER_YEAR = {"month": 12, "quarter": 4, "year": 1}
MONTHS_PER_PERIOD = {"month": 1, "quarter": 3, "year": 12}

_MONTHLY_SQL = """
SELECT im.indicator, f.commune_code, f.period,
       sum(f.value) FILTER (WHERE im.role = 'num') AS num,
       sum(f.value) FILTER (WHERE im.role = 'den') AS den,
       count(*) FILTER (WHERE im.role = 'num') AS n_num,
       max(f.srank) AS srank, max(f.source_id) AS source_id
FROM facts_total f
JOIN indicator_measures im ON im.measure = f.measure
JOIN indicators i ON i.indicator = im.indicator
WHERE NOT i.urban_only OR f.urban
GROUP BY ALL
"""


def forecast_grain(ind: Indicator) -> str:
    """The grain a KPI is forecast and judged at: the grain its source is published at."""
    return {"annual": "year", "quarterly": "quarter"}.get(ind.frequency, "month")


def is_flow(catalogue: Catalogue, code: str) -> bool:
    """A count summed over time (new jobs, trainees), as opposed to a stock (enterprises) or a rate."""
    return catalogue.get(code).kind == "count" and not catalogue.is_stock(code)


def judged_as_yearly_sum(catalogue: Catalogue, code: str) -> bool:
    """Monthly flows are judged by their 12-month sums (per-year targets: 'bình quân mỗi năm')."""
    return is_flow(catalogue, code) and forecast_grain(catalogue.get(code)) == "month"


@dataclass
class AreaMonths:
    """Monthly numerator, denominator and data status of every indicator in every area.

    Arrays are (indicators, areas, months); `has` says a month has a numerator (no numerator, no value:
    a missing count is never a zero), `srank` is the weakest data status (index into STATUS_ORDER, -1 none).
    """

    catalogue: Catalogue
    indicators: list[str]
    areas: list[str]
    months: pd.DatetimeIndex
    num: np.ndarray
    den: np.ndarray
    has: np.ndarray
    has_den: np.ndarray
    srank: np.ndarray
    source_id: np.ndarray
    sources: dict[int, str]


def area_months(wh: Warehouse, communes: list[str] | None = None) -> AreaMonths:
    """Read every indicator per commune and month once, and sum it into the city, the groups and communes."""
    catalogue = wh.catalogue
    cursor = wh._con.cursor()
    try:
        raw = cursor.execute(_MONTHLY_SQL).fetchnumpy()
        types = dict(cursor.execute("SELECT code, type FROM communes").fetchall())
        sources = dict(cursor.execute("SELECT source_id, source FROM sources").fetchall())
    finally:
        cursor.close()
    codes = sorted(types) if communes is None else list(communes)
    indicators = list(catalogue.codes)
    first = pd.Timestamp(np.min(raw["period"])) if len(raw["period"]) else wh.data_until
    months = pd.date_range(first, wh.data_until, freq="MS")
    period = pd.DatetimeIndex(raw["period"])
    m_idx = (period.year - months[0].year) * 12 + (period.month - months[0].month)
    ind_pos = {c: i for i, c in enumerate(indicators)}
    keep = np.array([c in ind_pos for c in raw["indicator"]], dtype=bool)
    i_idx = np.array([ind_pos.get(c, -1) for c in raw["indicator"]])
    commune_codes = np.asarray(raw["commune_code"], dtype=object)
    all_codes = sorted(set(commune_codes)) or [""]
    c_pos = {c: k for k, c in enumerate(all_codes)}
    c_idx = np.array([c_pos[c] for c in commune_codes], dtype=int)
    n_i, n_c, n_m = len(indicators), len(all_codes), len(months)
    shape = (n_i, n_c, n_m)
    num, den = np.zeros(shape), np.zeros(shape)
    has, has_den = np.zeros(shape, bool), np.zeros(shape, bool)
    srank, source_id = np.full(shape, -1), np.full(shape, -1)
    sel = keep & (m_idx >= 0) & (m_idx < n_m)
    where = (i_idx[sel], c_idx[sel], np.asarray(m_idx)[sel])
    num_v = np.asarray(raw["num"], dtype=float)[sel]
    den_v = np.asarray(raw["den"], dtype=float)[sel]
    num[where] = np.nan_to_num(num_v)
    den[where] = np.nan_to_num(den_v)
    has[where] = np.asarray(raw["n_num"])[sel] > 0
    has_den[where] = ~np.isnan(den_v)
    srank[where] = np.nan_to_num(np.asarray(raw["srank"], dtype=float)[sel], nan=-1).astype(int)
    source_id[where] = np.nan_to_num(np.asarray(raw["source_id"], dtype=float)[sel], nan=-1).astype(int)
    ctype = np.array([types.get(c) for c in all_codes], dtype=object)
    groups = [np.ones(n_c, bool), ctype == WARDS, ctype == RURAL]
    picks = np.array([c_pos.get(code, -1) for code in codes], dtype=int)
    areas = [CITY, *GROUPS, *codes]

    def by_area(array: np.ndarray, total, empty) -> np.ndarray:
        """Groups first (summed or max-ed over their communes), then each commune as it is."""
        parts = [total(array[:, members, :], axis=1) for members in groups]
        own = np.where(picks[None, :, None] >= 0, array[:, np.maximum(picks, 0), :], empty)
        return np.concatenate([np.stack(parts, axis=1), own], axis=1)

    a_num, a_den = by_area(num, np.sum, 0.0), by_area(den, np.sum, 0.0)
    a_has, a_has_den = by_area(has, np.any, False), by_area(has_den, np.any, False)
    a_srank, a_source = by_area(srank, np.max, -1), by_area(source_id, np.max, -1)
    return AreaMonths(catalogue, indicators, areas, months, a_num, a_den, a_has, a_has_den, a_srank, a_source, sources)


@dataclass
class GrainValues:
    """KPI values of every indicator and area at one grain: (indicators, areas, periods) arrays."""

    grain: str
    periods: pd.DatetimeIndex
    """First month of each period."""
    end_month: np.ndarray
    """Index (in AreaMonths.months) of each period's last month."""
    value: np.ndarray
    n_months: np.ndarray
    srank: np.ndarray
    source_id: np.ndarray

    def complete(self) -> np.ndarray:
        """Values of complete periods only (a quarter of three months, a year of twelve)."""
        return np.where(self.n_months >= MONTHS_PER_PERIOD[self.grain], self.value, np.nan)


def _rollup(data: AreaMonths, grain: str) -> tuple[pd.DatetimeIndex, np.ndarray, np.ndarray]:
    """Periods of a grain over the months, the index of each period's last month, each month's period."""
    months = data.months
    if grain == "month":
        starts = months
    elif grain == "quarter":
        starts = months.to_period("Q").to_timestamp()
    else:
        starts = months.to_period("Y").to_timestamp()
    periods = pd.DatetimeIndex(starts.unique())
    group = periods.get_indexer(starts)
    end_month = np.array([np.flatnonzero(group == g).max() for g in range(len(periods))])
    return periods, end_month, group


def grain_values(data: AreaMonths, grain: str) -> GrainValues:
    """The KPI arithmetic of `indicators.queries` at one grain, over arrays."""
    periods, end_month, group = _rollup(data, grain)
    n_p = len(periods)
    cat = data.catalogue
    shape = data.num.shape[:2] + (n_p,)
    num, den = np.zeros(shape), np.zeros(shape)
    n_months = np.zeros(shape)
    srank, source = np.full(shape, -1), np.full(shape, -1)
    has_den = np.zeros(shape, bool)
    for g in range(n_p):
        cols = group == g
        h = data.has[:, :, cols]
        num[:, :, g] = np.where(h, data.num[:, :, cols], 0).sum(axis=2)
        den[:, :, g] = np.where(h, data.den[:, :, cols], 0).sum(axis=2)
        has_den[:, :, g] = (h & data.has_den[:, :, cols]).any(axis=2)
        n_months[:, :, g] = h.sum(axis=2)
        srank[:, :, g] = np.where(h, data.srank[:, :, cols], -1).max(axis=2)
        source[:, :, g] = np.where(h, data.source_id[:, :, cols], -1).max(axis=2)
    value = np.full(shape, np.nan)
    present = n_months > 0
    for i, code in enumerate(data.indicators):
        ind = cat.get(code)
        if ind.kind in ("ratio", "growth"):
            ok = present[i] & has_den[i] & (den[i] > 0)
            level = np.where(ok, num[i] / np.where(ok, den[i], 1) * ind.scale, np.nan)
            if ind.kind == "growth":
                level = np.where(n_months[i] == 12, level, np.nan) if grain == "year" else np.full_like(level, np.nan)
                growth = np.full_like(level, np.nan)
                growth[:, 1:] = (level[:, 1:] / level[:, :-1] - 1) * 100
                value[i] = growth
            else:
                value[i] = level
        elif cat.is_stock(code):
            value[i] = np.where(present[i], num[i] / np.maximum(n_months[i], 1), np.nan)
        else:
            value[i] = np.where(present[i], num[i], np.nan)
    return GrainValues(grain, periods, end_month, value, n_months, srank, source)


@dataclass
class JudgedSeries:
    """The judged series of KPIs at one grain: rows are (indicator, area), columns periods."""

    grain: str
    periods: pd.DatetimeIndex
    end_month: np.ndarray
    indicator: np.ndarray
    area: np.ndarray
    values: np.ndarray
    """(series, periods): the judged metric of complete periods, NaN where missing."""
    yearly_sum: np.ndarray
    """(series,) bool: the values are 12-month rolling sums of a monthly flow."""
    status: np.ndarray
    """(series,) the weakest data status behind the series (None without data)."""
    source: np.ndarray
    """(series,) the source of the latest observation."""

    def __len__(self) -> int:
        return len(self.indicator)


def _rolling_year(values: np.ndarray) -> np.ndarray:
    """12-month sums ending at each month; NaN unless all twelve months have a value."""
    out = np.full_like(values, np.nan)
    if values.shape[-1] < 12:
        return out
    filled = np.nan_to_num(values)
    cums = np.concatenate([np.zeros(values.shape[:-1] + (1,)), np.cumsum(filled, axis=-1)], axis=-1)
    counts = np.concatenate([np.zeros(values.shape[:-1] + (1,)), np.cumsum(~np.isnan(values), axis=-1)], axis=-1)
    window = cums[..., 12:] - cums[..., :-12]
    full = (counts[..., 12:] - counts[..., :-12]) == 12
    out[..., 11:] = np.where(full, window, np.nan)
    return out


def judged_series(data: AreaMonths) -> dict[str, JudgedSeries]:
    """Every (indicator, area) series with any data, grouped by the grain it is judged at."""
    cat = data.catalogue
    by_grain: dict[str, list[int]] = {}
    for i, code in enumerate(data.indicators):
        by_grain.setdefault(forecast_grain(cat.get(code)), []).append(i)
    out = {}
    for grain, rows in by_grain.items():
        gv = grain_values(data, grain)
        values = gv.complete()
        ind_col, area_col, vals, flags, status, source = [], [], [], [], [], []
        for i in rows:
            code = data.indicators[i]
            flow = judged_as_yearly_sum(cat, code)
            series = _rolling_year(values[i]) if flow else values[i]
            for a, area in enumerate(data.areas):
                if not np.isfinite(values[i, a]).any():
                    continue
                ranks = gv.srank[i, a][np.isfinite(values[i, a])]
                last = np.flatnonzero(np.isfinite(values[i, a]))[-1]
                ind_col.append(code)
                area_col.append(area)
                vals.append(series[a])
                flags.append(flow)
                status.append(STATUS_ORDER[ranks.max()] if ranks.max() >= 0 else None)
                source.append(data.sources.get(int(gv.source_id[i, a, last])))
        out[grain] = JudgedSeries(grain, gv.periods, gv.end_month, np.array(ind_col, dtype=object),
                                  np.array(area_col, dtype=object),
                                  np.vstack(vals) if vals else np.zeros((0, len(gv.periods))),
                                  np.array(flags, bool), np.array(status, dtype=object), np.array(source, dtype=object))
    return out
