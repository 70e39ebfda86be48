"""Completeness ("đủ"): for every template, period and reporting unit, whether the report arrived, when, and
whether it was on time — so a commune that did not report never looks like a commune with little activity.

Who is expected to send a report (the template's `reporting` block, store/templates/):
- `commune`: each of the 126 communes, every period;
- `source`: the agency, one report a period for the whole city;
- a unit column (institutions, enterprises, employers): each unit once it has reported, every period until it
  has been silent for `memory` periods (it closed, moved or lost its licence). A unit that never reported
  is not known yet: a register of licensed units would add them (`receipts` of its own).
A unit's report covers the communes its rows name; a missing report is listed under the communes of the
unit's last report.

Built at publish time into the version's `completeness` table, one row per expected report and commune:
from the ingest log and the staged batches it lists (`staged_receipts`; received when the log says,
`--received-at` or the ingest time), or from the demo generator (pipeline/demo_reports.py). Periods run
from the template's first report to the last period that has ended. Whether a report is on time, late,
missing or not due yet depends on the day it is read, so `report_states` decides it then.
"""
from __future__ import annotations

from typing import Iterable, Mapping

import duckdb
import numpy as np
import pandas as pd

from store.templates import UNIT_COMMUNE, UNIT_SOURCE, Template, last_period_end

HANOI = "Asia/Ho_Chi_Minh"
RECEIPT_COLUMNS = ["template", "period", "unit", "unit_name", "commune_code", "received_at", "batch"]
COLUMNS = ["template", "period", "unit", "unit_name", "commune_code", "due_on", "received_at", "received_on",
           "last_received_at", "reports", "data_status"]
STATES = ("on_time", "late", "missing", "pending")


def empty_receipts() -> pd.DataFrame:
    return _receipt_types(pd.DataFrame({c: [] for c in RECEIPT_COLUMNS}))


def _receipt_types(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame[RECEIPT_COLUMNS].copy()
    for c in ("template", "unit", "commune_code", "batch"):
        out[c] = out[c].fillna("").astype(str)
    out["unit_name"] = out["unit_name"].astype(object).where(out["unit_name"].notna(), None)
    out["period"] = pd.to_datetime(out["period"]).astype("datetime64[us]")
    out["received_at"] = _utc(out["received_at"])
    return out.reset_index(drop=True)


def _utc(values: pd.Series) -> pd.Series:
    """Times as naive UTC (what parquet keeps), from ISO text with a zone or naive UTC values."""
    times = pd.to_datetime(values, utc=True, format="ISO8601")
    return times.dt.tz_localize(None).astype("datetime64[us]")


def staged_receipts(log: list[dict], templates: Mapping[str, Template], files_of) -> pd.DataFrame:
    """Reports received, from the staged batches the ingest log lists (ingested or partial): one row per
    template, period, reporting unit and commune the unit's rows name. `files_of(code)` lists a template's
    staged files (pipeline.ingest.staged_files)."""
    received = {r["batch"]: r.get("received_at") or r.get("ingested_at") for r in log
                if r.get("status") in ("ingested", "partial") and r.get("batch")}
    parts = []
    con = duckdb.connect(":memory:", config={"threads": 2})
    con.execute("SET enable_progress_bar = false")
    try:
        for template in templates.values():
            files = [f for f in files_of(template.code) if f.stem in received]
            if not files:
                continue
            src = "read_parquet([" + ", ".join(f"'{f.as_posix()}'" for f in files) + "], union_by_name = true)"
            present = {row[0] for row in con.sql(f"DESCRIBE SELECT * FROM {src}").fetchall()}
            unit = {UNIT_COMMUNE: "commune", UNIT_SOURCE: "''"}.get(template.reporting.unit, template.reporting.unit)
            name = template.reporting.name if template.reporting.name in present else "NULL"
            commune = "''" if template.reporting.unit == UNIT_SOURCE else "commune"
            frame = con.sql(f"SELECT DISTINCT batch, period::TIMESTAMP AS period, {unit}::VARCHAR AS unit, "
                            f"{name}::VARCHAR AS unit_name, {commune}::VARCHAR AS commune_code FROM {src} "
                            f"WHERE period IS NOT NULL").df()
            frame["template"] = template.code
            frame["received_at"] = frame["batch"].map(received)
            parts.append(frame)
    finally:
        con.close()
    return _receipt_types(pd.concat(parts, ignore_index=True)) if parts else empty_receipts()


# ---- expected reports ---------------------------------------------------------------------------------------
def last_ended_period(as_of: pd.Timestamp, months: int) -> pd.Timestamp:
    """The last month of the latest period of `months` months that has ended before `as_of`'s month."""
    return last_period_end(pd.Timestamp(as_of).to_period("M").to_timestamp() - pd.DateOffset(months=1), months)


def _grid(first: pd.Timestamp, last: pd.Timestamp, months: int) -> pd.DatetimeIndex:
    """Period months (each period's last month) from `first` to `last`."""
    if last < first:
        return pd.DatetimeIndex([first])
    return pd.date_range(first, last, freq=f"{months}MS")


def due_on(periods: pd.Series, template: Template) -> pd.Series:
    """The day a period's report is due: its last day plus the template's due days."""
    return (periods + pd.offsets.MonthEnd(0) + pd.Timedelta(days=template.due_days)).dt.normalize().astype("datetime64[us]")


def expected_reports(receipts: pd.DataFrame, templates: Mapping[str, Template], as_of: pd.Timestamp,
                     data_status: str, communes: Iterable[str]) -> pd.DataFrame:
    """One row per report each template expects and commune it covers: its first and last arrival, the number
    of files that carried it, the due day (see the module docstring for who is expected)."""
    parts = []
    codes = sorted(set(communes))
    for code, part in receipts.groupby("template", sort=True):
        template = templates.get(code)
        if template is None:
            continue
        months = template.months
        first = part["period"].min()
        last = max(last_ended_period(as_of, months), part["period"].max())
        grid = _grid(first, last, months)
        arrivals = part.groupby(["unit", "period"], as_index=False).agg(
            received_at=("received_at", "min"), last_received_at=("received_at", "max"), reports=("batch", "nunique"),
            unit_name=("unit_name", "last"))
        unit = template.reporting.unit
        if unit == UNIT_COMMUNE:
            rows = pd.MultiIndex.from_product([codes, grid], names=["unit", "period"]).to_frame(index=False)
            rows["commune_code"] = rows["unit"]
        elif unit == UNIT_SOURCE:
            rows = pd.DataFrame({"unit": "", "period": grid, "commune_code": ""})
        else:
            rows = _expected_units(part, grid, template.reporting.memory)
        rows = rows.merge(arrivals, on=["unit", "period"], how="left")
        if template.reporting.by_unit:  # a unit's name from its latest report, on every row of the unit
            names = part.dropna(subset=["unit_name"]).sort_values("period").groupby("unit")["unit_name"].last()
            rows["unit_name"] = rows["unit"].map(names)
        rows["template"] = code
        rows["due_on"] = due_on(rows["period"].astype("datetime64[us]"), template)
        parts.append(rows)
    if not parts:
        return empty_completeness()
    out = pd.concat(parts, ignore_index=True)
    out["data_status"] = data_status
    return completeness_types(out)


def _expected_units(part: pd.DataFrame, grid: pd.DatetimeIndex, memory: int) -> pd.DataFrame:
    """(unit, period, commune_code) for a template reported by units: a unit is expected from its first report
    until `memory` periods after its latest one, under the communes of its latest report so far."""
    index = pd.Series(np.arange(len(grid)), index=grid)
    seen = part[["unit", "period"]].drop_duplicates()
    seen = seen.assign(pos=seen["period"].map(index).to_numpy())
    units = sorted(seen["unit"].unique())
    full = pd.MultiIndex.from_product([units, np.arange(len(grid))], names=["unit", "pos"]).to_frame(index=False)
    full = full.merge(seen.rename(columns={"period": "last_period"}).assign(last_pos=lambda f: f["pos"]),
                      on=["unit", "pos"], how="left")
    full[["last_pos", "last_period"]] = full.groupby("unit")[["last_pos", "last_period"]].ffill()
    full = full[full["last_pos"].notna() & (full["pos"] - full["last_pos"] < memory)]
    full["period"] = grid[full["pos"].to_numpy()]
    pairs = part[["unit", "period", "commune_code"]].drop_duplicates().rename(columns={"period": "last_period"})
    return full.merge(pairs, on=["unit", "last_period"], how="left")[["unit", "period", "commune_code"]]


def empty_completeness() -> pd.DataFrame:
    return completeness_types(pd.DataFrame({c: [] for c in COLUMNS}))


def completeness_types(frame: pd.DataFrame) -> pd.DataFrame:
    """The `completeness` table's columns and types (received_on: the Hanoi day of the first arrival)."""
    out = frame.reindex(columns=COLUMNS).copy()
    for c in ("template", "unit", "commune_code", "data_status"):
        out[c] = out[c].fillna("").astype(str)
    out["unit_name"] = out["unit_name"].astype(object).where(out["unit_name"].notna(), None)
    for c in ("period", "due_on", "received_at", "last_received_at"):
        out[c] = pd.to_datetime(out[c]).astype("datetime64[us]")
    local = out["received_at"].dt.tz_localize("UTC").dt.tz_convert(HANOI).dt.tz_localize(None)
    out["received_on"] = local.dt.normalize().astype("datetime64[us]")
    out["reports"] = out["reports"].fillna(0).astype("int64")
    return out.sort_values(["template", "period", "commune_code", "unit"], ignore_index=True)


def overlay_completeness(base: pd.DataFrame | None, new: pd.DataFrame) -> pd.DataFrame:
    """`base` with every template and period that `new` covers replaced by `new`'s rows (real reports replace
    the demo's, as real facts replace demo facts)."""
    if base is None or base.empty:
        return completeness_types(new)
    base = completeness_types(base)
    covered = new[["template", "period"]].drop_duplicates().assign(_hit=True)
    hit = base[["template", "period"]].merge(covered, on=["template", "period"], how="left")["_hit"]
    return completeness_types(pd.concat([base[~hit.fillna(False).to_numpy(dtype=bool)], new], ignore_index=True))


# ---- read time ----------------------------------------------------------------------------------------------
def report_states(table: pd.DataFrame, today: pd.Timestamp) -> pd.DataFrame:
    """`table` with `state`: on_time (arrived by its due day), late (after it), missing (not arrived and past
    due) or pending (not arrived, not due yet on `today`)."""
    today = pd.Timestamp(today).normalize()
    arrived = table["received_on"].notna()
    on_time = arrived & (table["received_on"] <= table["due_on"])
    state = np.select([on_time, arrived, table["due_on"] < today], ["on_time", "late", "missing"], "pending")
    return table.assign(state=state)


def summary(states: pd.DataFrame, by: tuple[str, ...] = ()) -> pd.DataFrame:
    """Per template and period (and `by`): reports expected, on time, late, missing, pending, and the shares
    of expected reports received by the due day (`share_on_time`, the completeness KPI; none before the due
    day) and received at all (`share_received`).

    Reports are counted once per unit (a unit's report covering three communes is one report of the city, and
    one of each of its communes when grouped by commune)."""
    keys = ["template", "period", *by]
    if states.empty:
        return pd.DataFrame(columns=[*keys, "due_on", "expected", *STATES, "share_on_time", "share_received",
                                     "data_status"])
    one = states.drop_duplicates(subset=[*keys, "unit"])
    counts = pd.crosstab([one[k] for k in keys], one["state"]).reindex(columns=list(STATES), fill_value=0)
    out = counts.reset_index()
    meta = one.groupby(keys, as_index=False).agg(due_on=("due_on", "max"), data_status=("data_status", "max"))
    out = meta.merge(out, on=keys)
    out["expected"] = out[list(STATES)].sum(axis=1).astype("int64")
    # a period not due yet has no completeness yet (its reports may still come in time)
    out["share_on_time"] = np.where(out["pending"] == 0, out["on_time"] / out["expected"], np.nan)
    out["share_received"] = (out["on_time"] + out["late"]) / out["expected"]
    return out[[*keys, "due_on", "expected", *STATES, "share_on_time", "share_received", "data_status"]]
