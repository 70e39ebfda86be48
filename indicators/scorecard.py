"""The scorecard: every KPI for the city or one commune at a chosen grain and period, with its target.

One query (`kpi_frames` with the chosen grain, years and year-to-date) feeds every row: the current
value, the change on the previous period and on the same period a year earlier, a sparkline, the
2030 target, the data status and source, and for yearly counts the plan completion ("lũy kế, đạt X%
kế hoạch năm"). The verdict is looked up, never computed here: the one stored with the version for the
area and the month (`indicators.verdicts`, rule in `indicators.status`).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from store.catalogue import Indicator
from indicators.queries import Scope, kpi_frames
from indicators.series import GROUPS
from indicators.suppression import small_people_rule
from indicators.status import NO_DATA, Assessment
from indicators.targets import CITY, Target, annual_plan, target_2030
from indicators.verdicts import Verdict, verdicts_for
from indicators.warehouse import Warehouse

SPARK_PERIODS = {"month": 24, "quarter": 12, "year": 7, "ytd": 24}
FREQUENCY_MONTHS = {"monthly": 1, "quarterly": 3, "annual": 12}
GRAIN_MONTHS = {"month": 1, "quarter": 3, "year": 12, "ytd": 1}


@dataclass
class ScoreRow:
    """One KPI on the scorecard. `value` is None when the scope has no data for it."""

    indicator: Indicator
    grain: str
    period: pd.Timestamp | None = None
    last_month: pd.Timestamp | None = None
    n_months: int = 0
    value: float | None = None
    se: float | None = None
    previous: float | None = None
    previous_months: int = 1
    """How far back `previous` is: the last period that brought a new figure for the KPI's frequency (a
    quarterly survey is compared with the previous quarter, not with last month's carried-forward value)."""
    applicable: bool = True  # False: the KPI does not exist for this area's type (urban unemployment on a xã)
    year_ago: float | None = None
    spark: list[float] = field(default_factory=list)
    target: Target | None = None
    assessment: Assessment = field(default_factory=lambda: Assessment("not_enough_data"))
    """The stored verdict as the pages show it (`verdict.assessment()`, every state, plus the last-12-months
    share of a yearly count target as a description)."""
    verdict: Verdict | None = None
    """The stored verdict of the KPI for the area and month (all states, with its probability)."""
    data_status: str | None = None
    source: str | None = None
    vintage: pd.Timestamp | None = None
    provisional: bool = False
    mapped_from_old: bool = False
    plan: Target | None = None
    ytd: float | None = None
    sector_filtered: bool | None = None  # None: no sector chosen; False: chosen but no breakdown
    last_12: float | None = None  # a yearly count's last 12 months (described, not judged)
    suppressed: bool = False  # hidden: a count of, or a rate over, fewer than THRESHOLD people

    @property
    def has_data(self) -> bool:
        return self.value is not None

    @property
    def missing_key(self) -> str:
        """The UI string that stands in for a missing value: hidden (small count) or no data."""
        return "suppressed_small" if self.suppressed else "no_data"


def _f(value) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def _pick(records: list[dict], key: str, when: pd.Timestamp) -> float | None:
    for rec in records:
        if rec[key] == when:
            return _f(rec["value"])
    return None


def previous_release(series: list[dict], key: str, frequency: str, grain: str) -> tuple[float | None, int]:
    """(value, months back) of the last period before the current one that brought a new figure.

    Why: a quarterly or annual KPI shown by month moves only by interpolation or carry-forward between its
    releases, so a month-to-month change ("+0,00 điểm %") says nothing. The step is the longer of the
    KPI's frequency and the grain; the figure is the last one at or before that far back (half-yearly
    reports of an annual KPI land on the same month a year earlier).
    """
    step = max(FREQUENCY_MONTHS.get(frequency, 1), GRAIN_MONTHS[grain])
    if len(series) < 2:
        return None, step
    if step == GRAIN_MONTHS[grain]:
        return _f(series[-2]["value"]), step
    when = series[-1][key] - pd.DateOffset(months=step)
    earlier = [r for r in series[:-1] if r[key] <= when]
    return (_f(earlier[-1]["value"]) if earlier else None), step


def _row_for(ind: Indicator, by_grain: dict[str, list[dict]], grain: str, geo: str, wh: Warehouse) -> ScoreRow:
    own_grain = "year" if ind.frequency == "annual" and ind.kind == "growth" else grain
    # A hidden figure (a handful of people) keeps its place: the period is shown, its value is not.
    series = [r for r in by_grain.get(own_grain, []) if _f(r["value"]) is not None or r.get("suppressed")]
    row = ScoreRow(indicator=ind, grain=own_grain, target=target_2030(ind, geo))
    if not series:
        return row
    key = "last_month" if own_grain == "ytd" else "period"
    current = series[-1]
    row.period, row.last_month = current["period"], current["last_month"]
    row.n_months = int(current["n_months"])
    row.value, row.se = _f(current["value"]), _f(current["se"])
    row.data_status, row.source = current["status"], current["source"]
    row.vintage, row.provisional = current["vintage"], bool(current["provisional"])
    row.mapped_from_old = bool(current["mapped_from_old"])
    row.suppressed = bool(current.get("suppressed"))
    row.previous, row.previous_months = previous_release(series, key, ind.frequency, own_grain)
    row.year_ago = _pick(series, key, current[key] - pd.DateOffset(years=1))
    row.spark = [float("nan") if r["value"] is None else float(r["value"]) for r in series[-SPARK_PERIODS[own_grain]:]]
    if ind.kind == "count" and not wh.catalogue.is_stock(ind.code):
        ytd = by_grain.get("ytd", [])
        month = row.last_month
        now = _pick(ytd, "last_month", month)
        row.ytd = now
        dec_last = _pick(ytd, "last_month", pd.Timestamp(month.year - 1, 12, 1))
        same_last = _pick(ytd, "last_month", month - pd.DateOffset(years=1))
        if month.month == 12:
            row.last_12 = now
        elif None not in (now, dec_last, same_last):
            row.last_12 = now + dec_last - same_last
        row.plan = annual_plan(wh, ind, month.year, geo)
    return row


def scorecard_records(wh: Warehouse, scope: Scope, grain: str = "month", until: pd.Timestamp | None = None
                      ) -> list[dict]:
    """The KPI records a scorecard is built from (every KPI; the chosen grain, years and year to date; from
    three years before `until`), as the KPI statement returns them: nothing hidden yet."""
    until = wh.data_until if until is None else pd.Timestamp(until)
    grains = tuple(dict.fromkeys((grain, "year", "ytd")))
    start = pd.Timestamp(until.year - 3, 1, 1)
    return kpi_frames(wh, list(wh.catalogue.codes), scope, grains, start=start, end=until, as_records=True)


def hide_records(records: list[dict], hidden) -> list[dict]:
    """Records with the small-count rule `hidden(indicator, value, den)` applied: value and standard error
    gone, `suppressed` set. Done before any row is built, so no change or sparkline can carry a hidden figure."""
    out = []
    for rec in records:
        if hidden(rec["indicator"], rec["value"], rec["den"]):
            rec = {**rec, "value": None, "se": None, "suppressed": True}
        out.append(rec)
    return out


def assemble_scorecard(wh: Warehouse, records: list[dict], scope: Scope, grain: str = "month",
                       until: pd.Timestamp | None = None, geo: str = CITY) -> list[ScoreRow]:
    """All catalogue KPIs from (protected) records; `geo` ('city' or a commune code) chooses whose targets apply."""
    until = wh.data_until if until is None else pd.Timestamp(until)
    grouped: dict[str, dict[str, list[dict]]] = {}
    for rec in records:
        grouped.setdefault(rec["indicator"], {}).setdefault(rec["grain"], []).append(rec)
    area = verdict_area(scope)
    verdicts = verdicts_for(wh.version, area, until, scope.sectors) if area else {}
    out = []
    for ind in wh.catalogue.indicators:
        row = _row_for(ind, grouped.get(ind.code, {}), grain, geo, wh)
        row.applicable = applies_to(ind, scope)
        if scope.sectors:
            row.sector_filtered = wh.catalogue.has_sector_breakdown(ind.code)
        row.verdict = verdicts.get(ind.code) or Verdict(ind.code, area or "", pd.Timestamp(until), NO_DATA)
        judged = row.verdict.assessment()
        share = row.last_12 / row.target.low if row.last_12 is not None and row.target and row.target.low else None
        row.assessment = Assessment(judged.status, judged.projected_2030, share, judged.probability)
        out.append(row)
    return out


def applies_to(ind: Indicator, scope: Scope) -> bool:
    """Whether the KPI exists for the scope: an urban-only KPI (over wards) does not for a xã or the xã group."""
    if not ind.urban_only:
        return True
    if scope.commune_type is not None:
        return scope.commune_type != "xa"
    if scope.communes:
        from store.reference import load_communes

        types = load_communes().set_index("code")["type"]
        return any(types.get(code) != "xa" for code in scope.communes)
    return True


def build_scorecard(
    wh: Warehouse, scope: Scope, grain: str = "month", until: pd.Timestamp | None = None, geo: str = CITY
) -> list[ScoreRow]:
    """The scorecard as every surface shows it: records, small counts hidden, rows (the service layer runs
    the same three steps through its one hook; this is for the benchmark and tests)."""
    records = hide_records(scorecard_records(wh, scope, grain, until), small_people_rule(wh.catalogue))
    return assemble_scorecard(wh, records, scope, grain, until, geo)


def verdict_area(scope: Scope) -> str | None:
    """The area whose verdicts a scope shows: the city, a commune group or one commune (None: another
    selection, which has no verdict of its own)."""
    if scope.commune_type is not None:
        return scope.commune_type if scope.communes is None and scope.commune_type in GROUPS else None
    if scope.communes is None:
        return CITY
    return scope.communes[0] if len(scope.communes) == 1 else None
