"""Targets and yearly plans for the city and for each commune, read from data (never from code).

A commune's own plan (as seed 002 for xã Hòa Xá) wins; otherwise a rate inherits the city's 2030
target, as the commune plans themselves say ("the other rates as the city"). A count target such as
180,000 new jobs a year is the city's and is not applied to a commune. Where a yearly plan has a schedule
by quarter (seed 003: "tiến độ thực hiện" per quarter), its rows are `quarter_plan` with the quarter.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd

from store.catalogue import Indicator
from indicators.warehouse import Warehouse
from store.reference import load_targets

CITY = "city"


@dataclass(frozen=True)
class Target:
    """A threshold or band: `low` for higher-is-better, `high` (strict) for lower-is-better."""

    indicator: str
    geo: str
    year: int
    kind: str  # target_2030 | annual_plan
    low: float | None
    high: float | None
    direction: str
    status: str
    source: str
    inherited: bool = False
    judged: str = "end_2030"
    """How a 2030 target is read, as the plan writes it: 'end_2030' (the value reached by 2030) or
    'mean_2026_2030' ("bình quân mỗi năm": the mean of the yearly values 2026-2030)."""

    def meets(self, value: float | None) -> bool | None:
        """Whether a value reaches the target (None when there is no value)."""
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return None
        if self.direction == "lower":
            return value < self.high if self.high is not None else None
        return value >= self.low if self.low is not None else None

    @property
    def threshold(self) -> float | None:
        """The number a value must pass: `high` when lower is better, else `low`."""
        return self.high if self.direction == "lower" else self.low


def _num(value) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


@lru_cache(maxsize=1)
def _index() -> dict[tuple[str, str, str], list[dict]]:
    """Official targets grouped by (indicator, geo, kind): looked up for every scorecard row."""
    index: dict[tuple[str, str, str], list[dict]] = {}
    for rec in load_targets().to_dict("records"):
        index.setdefault((rec["indicator"], rec["geo"], rec["kind"]), []).append(rec)
    return index


def _rows(indicator: str, geo: str, kind: str, extra: list[dict] | None = None) -> list[dict]:
    return _index().get((indicator, geo, kind), []) + (extra or [])


def _to_target(row: dict, ind: Indicator, inherited: bool = False) -> Target:
    return Target(
        indicator=ind.code, geo=str(row["geo"]), year=int(row["year"]), kind=str(row["kind"]),
        low=_num(row["low"]), high=_num(row["high"]), direction=ind.direction, status=str(row["status"]),
        source=str(row["source"]), inherited=inherited,
        judged=str(row.get("judged")) if isinstance(row.get("judged"), str) and row.get("judged") else "end_2030",
    )


def target_2030(ind: Indicator, geo: str = CITY) -> Target | None:
    """The 2030 target of an indicator for the city or a commune (code), or None."""
    own = _rows(ind.code, geo, "target_2030")
    if own:
        return _to_target(own[0], ind)
    if geo != CITY and ind.kind in ("ratio", "growth"):
        city = _rows(ind.code, CITY, "target_2030")
        if city:
            return _to_target(city[0], ind, inherited=True)
    return None


def annual_plan(wh: Warehouse, ind: Indicator, year: int, geo: str = CITY) -> Target | None:
    """The yearly plan figure (kế hoạch năm) for a year: official rows first, then published demo plans."""
    extra = wh.records("SELECT * FROM plans WHERE indicator = ? AND geo = ? AND year = ?", [ind.code, geo, year]) \
        if geo != CITY else None
    rows = [r for r in _rows(ind.code, geo, "annual_plan", extra) if int(r["year"]) == year]
    if not rows:
        return None
    rows.sort(key=lambda r: r["status"] != "official")
    return _to_target(rows[0], ind)


def quarter_plans(ind: Indicator, year: int, geo: str = CITY) -> dict[int, Target]:
    """The year's schedule by quarter (quarter -> the count planned for it), empty when there is none."""
    rows = [r for r in _rows(ind.code, geo, "quarter_plan") if int(r["year"]) == year and not pd.isna(r.get("quarter"))]
    return {int(r["quarter"]): _to_target(r, ind) for r in rows}
