"""Plan completion (hoàn thành kế hoạch năm): year-to-date counts against the yearly plan, month by month.

Why: the city and every commune report job creation monthly as "lũy kế ... đạt X% kế hoạch năm"; the
dashboard shows the same number, this year against last year, from the same counts as every other page.
The plan line of a year is its yearly plan (`targets.annual_plan`: official city plans, demo commune
plans); a year without one falls back to the per-year 2030 target (bình quân mỗi năm) for the city,
labelled as such, and otherwise there is no plan line (never an invented one). Where the plan has a
schedule by quarter (`targets.quarter_plans`, seed 003), each quarter's count is measured against its own
plan and the pace to be above follows the schedule instead of an even twelfth a month.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import pandas as pd

from indicators.queries import Scope, kpi_frame
from indicators.suppression import hide_small_counts
from indicators.targets import CITY, annual_plan, quarter_plans, target_2030
from indicators.warehouse import Warehouse

PLAN_INDICATORS: tuple[str, ...] = (
    "new_jobs", "jobs_loans", "jobs_abroad", "lex_departed", "job_fair_sessions", "rural_vocational_trainees",
    "priority_short_training", "priority_new_jobs",
)
"""Flow counts with yearly plans or per-year targets (seed 003 plan tracking, seed 001 priority groups)."""


@dataclass(frozen=True)
class PlanLine:
    """The yearly figure a year-to-date count is measured against."""

    value: float
    year: int
    kind: str  # "annual_plan" (kế hoạch năm) | "yearly_target" (2030 target, per year)
    source: str
    status: str


def plan_line(wh: Warehouse, code: str, year: int, geo: str = CITY) -> PlanLine | None:
    """The year's plan for an area: its yearly plan, else (city or own target) the per-year 2030 target."""
    ind = wh.catalogue.get(code)
    plan = annual_plan(wh, ind, year, geo)
    if plan is not None and plan.low:
        return PlanLine(plan.low, year, "annual_plan", plan.source, plan.status)
    target = target_2030(ind, geo)
    if target is not None and target.low and not target.inherited and ind.kind == "count":
        return PlanLine(target.low, year, "yearly_target", target.source, target.status)
    return None


def _scope(geo: str) -> Scope:
    return Scope() if geo == CITY else Scope(communes=(geo,))


def plan_frame(wh: Warehouse, codes: Sequence[str], year: int, geo: str = CITY) -> pd.DataFrame:
    """The year-to-date KPI rows (this year and the last) the plan tables are built from: raw, nothing
    hidden yet (the service layer hides small counts before the tables are built)."""
    return kpi_frame(wh, list(codes), _scope(geo), "ytd", start=pd.Timestamp(year - 1, 1, 1),
                     end=pd.Timestamp(year, 12, 1))


def progress_table(wh: Warehouse, frame: pd.DataFrame, code: str, year: int, geo: str = CITY) -> pd.DataFrame:
    """Month by month for `year` and the year before: the cumulative count, the plan and the share.

    Columns: month (1-12), ytd, ytd_last_year, plan, plan_last_year, share (ytd / plan), share_last_year,
    pace (the line to be above: the quarterly schedule when the plan has one, else the plan spread evenly over
    the months), quarter, quarter_value (the count of the quarter so far), quarter_plan and quarter_share (NaN
    without a schedule), status and source of the counts. Months without data are NaN.
    """
    frame = frame[frame["indicator"] == code]
    frame = frame.assign(year=frame["last_month"].dt.year, month=frame["last_month"].dt.month)
    this = frame[frame["year"] == year].set_index("month")
    last = frame[frame["year"] == year - 1].set_index("month")["value"]
    plan, plan_before = plan_line(wh, code, year, geo), plan_line(wh, code, year - 1, geo)
    months = pd.Index(range(1, 13), name="month")
    out = pd.DataFrame(index=months)
    out["ytd"] = this["value"].reindex(months).astype(float)
    out["ytd_last_year"] = last.reindex(months).astype(float)
    out["plan"] = plan.value if plan else float("nan")
    out["plan_last_year"] = plan_before.value if plan_before else float("nan")
    out["share"] = out["ytd"] / out["plan"]
    out["share_last_year"] = out["ytd_last_year"] / out["plan_last_year"]
    out["pace"] = out["plan"] * months.to_numpy() / 12
    out = _with_schedule(out, quarter_plans(wh.catalogue.get(code), year, geo))
    out["status"] = this["status"].reindex(months) if "status" in this else None
    out["source"] = this["source"].reindex(months) if "source" in this else None
    return out.reset_index()


def _with_schedule(out: pd.DataFrame, schedule: dict) -> pd.DataFrame:
    """Quarter columns, and the pace following the schedule when all four quarters are planned."""
    quarter = (out.index.to_numpy() - 1) // 3 + 1
    out["quarter"] = quarter
    ended = out["ytd"].reindex([3 * (q - 1) for q in quarter]).to_numpy()  # ytd at the end of the quarter before
    out["quarter_value"] = out["ytd"].to_numpy() - (pd.Series(ended).fillna(0).to_numpy() * (quarter > 1))
    plans = {q: target.low for q, target in schedule.items() if target.low}
    out["quarter_plan"] = [plans.get(q, float("nan")) for q in quarter]
    out["quarter_share"] = out["quarter_value"] / out["quarter_plan"]
    if set(plans) == {1, 2, 3, 4}:
        before = {q: sum(plans[k] for k in range(1, q)) for q in plans}
        step = (out.index.to_numpy() - 1) % 3 + 1
        out["pace"] = [before[q] + plans[q] * s / 3 for q, s in zip(quarter, step)]
    return out


def plan_progress(wh: Warehouse, code: str, year: int, geo: str = CITY) -> pd.DataFrame:
    """`progress_table` over the shown (small counts hidden) year-to-date rows."""
    return progress_table(wh, hide_small_counts(plan_frame(wh, [code], year, geo), wh.catalogue), code, year, geo)


def overview_table(wh: Warehouse, frame: pd.DataFrame, year: int, month: int, geo: str = CITY) -> pd.DataFrame:
    """Every plan indicator at one month: year to date, plan, share, and the same month a year earlier."""
    rows = []
    for code in PLAN_INDICATORS:
        progress = progress_table(wh, frame, code, year, geo).set_index("month").loc[month]
        plan = plan_line(wh, code, year, geo)
        rows.append({
            "indicator": code, "ytd": progress["ytd"], "plan": progress["plan"], "share": progress["share"],
            "ytd_last_year": progress["ytd_last_year"], "share_last_year": progress["share_last_year"],
            "plan_kind": plan.kind if plan else None, "plan_source": plan.source if plan else None,
            "plan_status": plan.status if plan else None, "status": progress["status"], "source": progress["source"],
            "quarter": int(progress["quarter"]), "quarter_value": progress["quarter_value"],
            "quarter_plan": progress["quarter_plan"], "quarter_share": progress["quarter_share"],
        })
    return pd.DataFrame(rows)


def completion_frame(wh: Warehouse, code: str, year: int, month: int) -> pd.DataFrame:
    """Year-to-date rows at `month` (this year and the last) of the communes with a plan: raw."""
    plans = _plans(wh, code, year)
    communes = tuple(sorted(set(plans["commune_code"])))
    return kpi_frame(wh, [code], Scope(communes=communes), "ytd", start=pd.Timestamp(year - 1, 1, 1),
                     end=pd.Timestamp(year, month, 1), by_commune=True)


def _plans(wh: Warehouse, code: str, year: int) -> pd.DataFrame:
    return wh.query("SELECT geo AS commune_code, year, low AS plan FROM plans "
                    "WHERE indicator = ? AND year IN (?, ?) AND low IS NOT NULL", [code, year, year - 1])


def completion_table(wh: Warehouse, frame: pd.DataFrame, code: str, year: int, month: int) -> pd.DataFrame:
    """Communes that have a plan for the year: year to date at `month`, plan and share, vs last year.

    Columns: commune_code, ytd, plan, share, ytd_last_year, plan_last_year, share_last_year, status, source.
    """
    plans = _plans(wh, code, year)
    columns = ["commune_code", "ytd", "plan", "share", "ytd_last_year", "plan_last_year", "share_last_year",
               "status", "source"]
    if plans.empty:
        return pd.DataFrame(columns=columns)
    at = frame[frame["last_month"].dt.month == month].assign(year=lambda f: f["last_month"].dt.year)
    values = at.pivot_table(index="commune_code", columns="year", values="value")
    labels = at[at["year"] == year].set_index("commune_code")
    plan_by = plans.pivot_table(index="commune_code", columns="year", values="plan")
    out = pd.DataFrame(index=plan_by.index[plan_by.get(year, pd.Series(dtype=float)).notna()]
                       if year in plan_by.columns else plan_by.index[:0])
    out["ytd"] = values.get(year, pd.Series(dtype=float)).reindex(out.index)
    out["plan"] = plan_by.get(year).reindex(out.index)
    out["share"] = out["ytd"] / out["plan"]
    out["ytd_last_year"] = values.get(year - 1, pd.Series(dtype=float)).reindex(out.index)
    out["plan_last_year"] = plan_by.get(year - 1, pd.Series(dtype=float)).reindex(out.index)
    out["share_last_year"] = out["ytd_last_year"] / out["plan_last_year"]
    out["status"] = labels["status"].reindex(out.index) if "status" in labels else None
    out["source"] = labels["source"].reindex(out.index) if "source" in labels else None
    return out.reset_index()[columns].sort_values("share", ascending=False, na_position="last").reset_index(drop=True)


def plan_overview(wh: Warehouse, year: int, month: int, geo: str = CITY) -> pd.DataFrame:
    """`overview_table` over the shown year-to-date rows of every plan indicator."""
    frame = hide_small_counts(plan_frame(wh, PLAN_INDICATORS, year, geo), wh.catalogue)
    return overview_table(wh, frame, year, month, geo)


def commune_completion(wh: Warehouse, code: str, year: int, month: int) -> pd.DataFrame:
    """`completion_table` over the shown year-to-date rows of the communes with a plan."""
    frame = hide_small_counts(completion_frame(wh, code, year, month), wh.catalogue)
    return completion_table(wh, frame, code, year, month)
