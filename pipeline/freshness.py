"""Is each indicator's data as recent as its source's cadence promises? ("sống": live data)

A source publishes a period some days after the period ends (`Template.due_days`, or a default per
frequency). On a given day, the latest period that *should* be available is the last one whose due date
has passed; an indicator whose latest data is older is late by that many periods. Pure functions of the
`coverage` table that every published version carries (last period per measure and data status) and of
`today`, so tests pass a fixed date.
"""
from __future__ import annotations

import pandas as pd

from store.catalogue import Catalogue
from store.templates import CADENCE_MONTHS, templates_for_measure

DEFAULT_DUE_DAYS = {"monthly": 30, "quarterly": 45, "annual": 90}


def coverage(facts: pd.DataFrame) -> pd.DataFrame:
    """Per measure and data status: first and last month, rows and latest vintage (published with a version)."""
    if facts.empty:
        return pd.DataFrame(columns=["measure", "status", "first_period", "last_period", "rows", "last_vintage"])
    grouped = facts.groupby(["measure", "status"], observed=True).agg(
        first_period=("period", "min"), last_period=("period", "max"), rows=("value", "size"),
        last_vintage=("vintage", "max"))
    return grouped.reset_index()


def due_days(measures: tuple[str, ...], frequency: str) -> int:
    """Days after a period's end by which its data is due: the slowest template feeding these measures."""
    days = [t.due_days for m in measures for t in templates_for_measure(m)]
    return max(days) if days else DEFAULT_DUE_DAYS[frequency]


def expected_period(today: pd.Timestamp, frequency: str, due: int) -> pd.Timestamp:
    """The first month of the latest period of this frequency whose data is due on or before `today`."""
    step = CADENCE_MONTHS[frequency]
    period = pd.Timestamp(today).to_period("M").to_timestamp()
    period = period - pd.DateOffset(months=(period.month - 1) % step)  # start of the current quarter / year
    if step == 12:
        period = pd.Timestamp(period.year, 1, 1)
    while True:
        end = period + pd.DateOffset(months=step) - pd.Timedelta(days=1)
        if end + pd.Timedelta(days=due) <= pd.Timestamp(today):
            return period
        period = period - pd.DateOffset(months=step)


def periods_between(earlier: pd.Timestamp, later: pd.Timestamp, frequency: str) -> int:
    """Whole periods of this frequency from `earlier` to `later` (0 when `earlier` is not before it)."""
    months = (later.year - earlier.year) * 12 + later.month - earlier.month
    return max(0, months // CADENCE_MONTHS[frequency])


def freshness(cover: pd.DataFrame, catalogue: Catalogue, today: pd.Timestamp) -> pd.DataFrame:
    """One row per indicator: last period (any data, and real data), expected period, periods late, status.

    status: on_time | late | no_data; `demo_only` says the indicator has no real data at all (its
    timeliness then describes the demonstration data, not a source).
    """
    rows = []
    for ind in catalogue.indicators:
        measures = ind.numerator
        mine = cover[cover["measure"].isin(measures)]
        last_any = pd.to_datetime(mine["last_period"]).max() if len(mine) else pd.NaT
        real = mine[mine["status"] != "demo"]
        last_real = pd.to_datetime(real["last_period"]).max() if len(real) else pd.NaT
        freq = ind.frequency
        due = due_days(measures, freq)
        expected = expected_period(today, freq, due)
        step = CADENCE_MONTHS[freq]
        latest = last_real if pd.notna(last_real) else last_any
        if pd.isna(latest):
            status, late = "no_data", None
        else:
            # the period containing the latest month: a quarter counts once its first month has data
            start = pd.Timestamp(latest.year, ((latest.month - 1) // step) * step + 1, 1)
            late = periods_between(start, expected, freq)
            status = "late" if late > 0 else "on_time"
        sources = sorted({t.agency_vi for m in measures for t in templates_for_measure(m)})
        rows.append({
            "indicator": ind.code, "name_vi": ind.name_vi, "name_en": ind.name_en, "frequency": freq,
            "due_days": due, "last_period": last_any, "last_real_period": last_real, "expected_period": expected,
            "periods_late": late, "status": status, "demo_only": pd.isna(last_real), "agency": ind.agency,
            "templates": ", ".join(sources),
        })
    return pd.DataFrame(rows)
