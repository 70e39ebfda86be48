"""Completeness of reports ("đủ"): for every form and period, who sent the report, who sent it late and who
has not — for the city and for each commune — read from the version's `completeness` table, built at publish
time from the ingest log (pipeline/completeness.py). On time, late, missing or not due yet is decided on the
day asked (`today`), like freshness. Reports are about reporting units, never people: no small-count rule.
"""
from __future__ import annotations

import pandas as pd

from indicators.area import Area, BadRequest
from pipeline.completeness import empty_completeness, report_states, summary
from service.core import question
from service.policies import area_detail, commune_rows, drop_others, signed_in
from service.protection import NO_PEOPLE
from store.reference import load_communes
from store.templates import load_templates
from store.versions import read_manifest, version_path

MAX_PERIODS = 60


def _table(version: str) -> pd.DataFrame:
    entry = read_manifest(version)["tables"].get("completeness")
    if entry is None:  # a version published before completeness was measured
        return empty_completeness()
    return pd.read_parquet(version_path(version) / entry["file"])


def _in_area(table: pd.DataFrame, area: Area) -> pd.DataFrame:
    """The city: every report; a commune: the reports covering it; every phường (xã): those covering one."""
    if area.is_city:
        return table
    if area.is_commune:
        return table[table["commune_code"] == area.code]
    codes = set(load_communes().loc[lambda f: f["type"] == area.code, "code"])
    return table[table["commune_code"].isin(codes)]


def _named(frame: pd.DataFrame) -> pd.DataFrame:
    templates = load_templates()
    out = frame.copy()
    out.insert(1, "name_vi", out["template"].map(lambda c: templates[c].name_vi if c in templates else c))
    out.insert(2, "name_en", out["template"].map(lambda c: templates[c].name_en if c in templates else c))
    out.insert(3, "reporting_unit", out["template"].map(lambda c: templates[c].reporting.unit if c in templates else ""))
    return out


@question("completeness", authorize=(signed_in, area_detail()), protect=NO_PEOPLE, maxsize=64)
def completeness(version: str, today: pd.Timestamp, area: Area = Area.CITY, periods: int = 12) -> pd.DataFrame:
    """Per form and period (its latest `periods`): reports expected, on time, late, missing and not due yet on
    `today`, and the share of expected reports received by the due day (the completeness KPI, none before
    it) and received at all, for the city, one commune or every phường / xã (forms sent once for the whole
    city count for the city only)."""
    if not 1 <= int(periods) <= MAX_PERIODS:
        raise BadRequest(f"Số kỳ từ 1 đến {MAX_PERIODS}.", f"periods must be 1 to {MAX_PERIODS}.", f"1..{MAX_PERIODS}")
    states = report_states(_in_area(_table(version), area), today)
    table = summary(states)
    if table.empty:
        return _named(table)
    latest = table.groupby("template")["period"].rank(method="first", ascending=False)
    return _named(table[latest <= int(periods)].sort_values(["template", "period"], ignore_index=True))


@question("missing_reports", authorize=(signed_in, commune_rows), protect=NO_PEOPLE, narrow=drop_others("commune_code"),
          maxsize=64)
def missing_reports(version: str, template: str, today: pd.Timestamp, period: pd.Timestamp | None = None
                    ) -> pd.DataFrame:
    """Every report a form expects for one period (default: its latest), one row per reporting unit and commune:
    the state on `today` (missing, late, not due yet, on time), the due day, when it arrived, the unit's name —
    who has not reported, or reported late. Missing reports first."""
    templates = load_templates()
    if template not in templates:
        raise BadRequest(f"Không có biểu mẫu «{str(template)[:40]}».", f"No form «{str(template)[:40]}».",
                         ", ".join(templates))
    table = _table(version)
    table = table[table["template"] == template]
    if period is None:
        period = table["period"].max() if len(table) else None
    table = table[table["period"] == pd.Timestamp(period)] if period is not None else table
    states = report_states(table, today)
    names = load_communes().set_index("code")
    order = {"missing": 0, "late": 1, "pending": 2, "on_time": 3}
    out = states.assign(commune_vi=states["commune_code"].map(names["name_vi"]),
                        commune_en=states["commune_code"].map(names["name_en"]),
                        _order=states["state"].map(order))
    return out.sort_values(["_order", "commune_code", "unit"], ignore_index=True).drop(columns="_order")
