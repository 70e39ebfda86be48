"""Forecasts of every KPI in every area, calibrated together: the engine (`indicators.forecast`) applied to
the warehouse's judged series (`indicators.series`), with the pools and shape groups it needs.

Pools (who shares a model choice and a spread curve): each KPI across the 126 communes; the city and
the two commune groups per KPI family; yearly KPIs all together (a handful of years each). Shape groups
(whose shape of standardised errors each pool's own is drawn towards, `engine.calibrate_shapes`): every
pool of one level (communes, or the city and groups). `KpiForecasts.locate` finds a series' fit; everything else reads the fit.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from indicators import forecast as engine
from indicators.series import CITY, GROUPS, AreaMonths, JudgedSeries, area_months, judged_series
from indicators.warehouse import Warehouse

AGGREGATES = (CITY, *GROUPS)
BOUNDARY_CHANGE = pd.Timestamp(2025, 7, 1)
"""The 126 new communes replaced the 526 old units on 1 July 2025; before it a commune's figures are the
old units' figures mapped onto it (a one-off step, `mapped_from_old`). Forecasts of communes made before
the change (before its last month in a 12-month sum) of outcomes after it test the mapping, not the
forecast, so they are neither checked nor used for calibration."""


@dataclass
class Located:
    """Where one series is: its judged series, its row there, its pool fit and its row in the pool."""

    series: JudgedSeries
    index: int
    fit: engine.PoolFit
    row: int
    transform: str
    pool: str
    family: str


def pool_key(family: str, indicator: str, area: str, grain: str) -> str:
    if grain == "year":
        return "annual"
    return f"{family}:aggregate" if area in AGGREGATES else f"{indicator}:communes"


SHAPE_GROUPING = "level"


def shape_group(family: str, area: str, grain: str) -> str:
    level = "aggregate" if area in AGGREGATES else "communes"
    return {"family": f"{family}:{level}", "grain": f"{grain}:{level}", "level": level}[SHAPE_GROUPING]


class KpiForecasts:
    """Every judged series of a warehouse, fitted and calibrated at every month of its data."""

    def __init__(self, wh: Warehouse, data: AreaMonths | None = None) -> None:
        self.wh = wh
        self.catalogue = wh.catalogue
        self.data = data or area_months(wh)
        self.months = self.data.months
        self.by_grain = judged_series(self.data)
        self._where: dict[tuple[str, str], Located] = {}
        groups: dict[str, list[engine.PoolFit]] = {}
        seen_fits: set[int] = set()
        cat = self.catalogue
        for grain, js in self.by_grain.items():
            kinds = [engine.transform_kind(cat, code, js.values[i]) for i, code in enumerate(js.indicator)]
            g = np.vstack([engine.forward(k, js.values[i]) for i, k in enumerate(kinds)]) if kinds else js.values
            families = [engine.family(cat, code) for code in js.indicator]
            keys = [pool_key(f, c, a, grain) for f, c, a in zip(families, js.indicator, js.area)]
            for key in dict.fromkeys(keys):
                rows = [i for i, k in enumerate(keys) if k == key]
                fit = engine.PoolFit(g[rows], js.end_month, self.months, grain,
                                     break_months=self._break(key, js.yearly_sum[rows[0]]))
                groups.setdefault(shape_group(families[rows[0]], js.area[rows[0]], grain), []).append(fit)
                for r, i in enumerate(rows):
                    self._where[(js.indicator[i], js.area[i])] = Located(js, i, fit, r, kinds[i], key, families[i])
        for fits in groups.values():
            engine.calibrate_shapes(fits)

    def _break(self, pool: str, yearly_sum: bool) -> tuple[int, int] | None:
        """The months of the boundary change as seen by a pool of commune series (None for the city and groups)."""
        if not pool.endswith(":communes") or not (self.months[0] <= BOUNDARY_CHANGE <= self.months[-1]):
            return None
        first = self.months.get_loc(BOUNDARY_CHANGE)
        return first, first + (11 if yearly_sum else 0)

    def locate(self, indicator: str, area: str) -> Located | None:
        return self._where.get((indicator, area))

    def keys(self) -> list[tuple[str, str]]:
        return list(self._where)

    @property
    def last_month(self) -> int:
        """The calibration month of the forecasts shown now: the last month of data."""
        return len(self.months) - 1


def period_index(periods: pd.DatetimeIndex, grain: str, when: pd.Timestamp) -> int:
    """Index (possibly beyond the data) of the period of `grain` that contains `when`."""
    first = periods[0]
    months = (when.year - first.year) * 12 + (when.month - first.month)
    return months // {"month": 1, "quarter": 3, "year": 12}[grain]


def period_start(periods: pd.DatetimeIndex, grain: str, index):
    """First month of the period(s) `index` (int or array, possibly beyond the data; negative: NaT)."""
    step = {"month": 1, "quarter": 3, "year": 12}[grain]
    first = np.datetime64(periods[0], "M")
    idx = np.asarray(index, dtype=np.int64)
    out = (first + idx * step).astype("datetime64[ns]")
    out = np.where(idx >= 0, out, np.datetime64("NaT", "ns"))
    return pd.Timestamp(out.item()) if out.ndim == 0 else pd.DatetimeIndex(out)
