"""Scorecards and single values: where every KPI stands for an area and a period."""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from indicators.area import Area, Period
from indicators.scorecard import ScoreRow, assemble_scorecard, scorecard_records
from service.core import question
from service.data_access import clamp, warehouse
from service.policies import area_detail, signed_in
from service.protection import KPI_ROWS, SCORECARD


def _assemble(version: str, records: list[dict], area: Area, period: Period, sectors: tuple[str, ...] = ()
              ) -> list[ScoreRow]:
    shown = clamp(version, period)
    return assemble_scorecard(warehouse(version), records, area.scope(sectors), shown.grain, shown.end, area.key)


@question("scorecard", authorize=(signed_in, area_detail()), protect=SCORECARD, present=_assemble,
          rows=lambda rows: sum(r.has_data for r in rows))
def scorecard(version: str, area: Area, period: Period, sectors: tuple[str, ...] = ()) -> list[ScoreRow]:
    """Every KPI of the catalogue for an area and period: value, changes, sparkline, target, verdict,
    data status, source and vintage (`indicators.scorecard.ScoreRow`)."""
    shown = clamp(version, period)
    return scorecard_records(warehouse(version), area.scope(sectors), shown.grain, shown.end)


@dataclass(frozen=True)
class KpiValue:
    """One KPI for one area and period, with what it rests on; `value` None when there is no data (or it
    is hidden: `suppressed`)."""

    indicator: str
    area: str
    grain: str
    period_start: pd.Timestamp
    period_end: pd.Timestamp
    value: float | None
    status: str | None
    source: str | None
    vintage: pd.Timestamp | None
    provisional: bool
    suppressed: bool
    rows_read: int = 1


def _value(version: str, frame: pd.DataFrame, indicator: str, area: Area, period: Period,
           sectors: tuple[str, ...] = ()) -> KpiValue:
    start, end = clamp(version, period).window()
    row = frame.iloc[-1] if len(frame) else None

    def get(name: str):
        return None if row is None or pd.isna(row[name]) else row[name]

    return KpiValue(indicator, area.key, period.grain, start, end,
                    None if get("value") is None else float(get("value")), get("status"), get("source"),
                    get("vintage"), bool(get("provisional") or False),
                    bool(row is not None and bool(row.get("suppressed", False))), int(row is not None))


@question("value", authorize=(signed_in, area_detail()), protect=KPI_ROWS, present=_value)
def value(version: str, indicator: str, area: Area, period: Period, sectors: tuple[str, ...] = ()) -> pd.DataFrame:
    """One KPI for one area and one period ("unemployment in xã Hòa Xá in 2026"), as a `KpiValue`."""
    from indicators.queries import kpi_frame

    wh = warehouse(version)
    if indicator not in wh.catalogue.codes:
        raise KeyError(indicator)
    start, end = clamp(version, period).window()
    frame = kpi_frame(wh, [indicator], area.scope(sectors), period.grain, start, end)
    return frame.sort_values("last_month").tail(1).reset_index(drop=True)  # ytd: the row ending at `end`
