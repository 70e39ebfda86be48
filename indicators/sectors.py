"""Economic sectors and labour supply–demand: SQL over the warehouse's per-sector counts.

Why a module of its own: the city's 2026 data plan (seed 004) asks for compulsory social insurance
"theo ngành, địa bàn", its monthly increases and decreases and coverage, and for vacancies (cầu) against
job seekers (cung) with the priority sectors first. These are per-sector tables, not KPIs, but they follow
the same rules as `indicators.queries`: ratios of sums (never averaged rates), a missing count is never a
zero, values enter as parameters, and the only identifiers spliced into SQL come from allow-lists.

Stocks (employed, compulsory BHXH participants) are read at the last month of the period and flows
(tăng mới, giảm, vacancies, job seekers) are summed over the period, so that "tăng mới − giảm" is exactly
the change of the stock since the month before the period. The 12-month forecast of demand and supply
calls the KPIs' forecasting module (`indicators.forecast`) through one small adapter.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np
import pandas as pd

from indicators import forecast as kpi_forecast
from indicators import suppression
from indicators.queries import Scope, measure_and_scope_clauses
from indicators.warehouse import STATUS_ORDER, Warehouse
from store.reference import load_priority_groups, load_sectors

SECTOR_MEASURES: tuple[str, ...] = ("employed", "bhxh_compulsory", "bhxh_new", "bhxh_lost", "vacancies", "job_seekers")
"""The per-sector measures this page reads (an allow-list: these are the only names put into SQL)."""
COMMUNE_TYPES: tuple[str, ...] = ("phuong", "xa")
PLAN_GROUPS: tuple[str, ...] = ("cong_nghe_cao", "kinh_te_so", "cong_nghiep_van_hoa", "dich_vu_chat_luong_cao")
"""The data plan's priority groups for labour demand (seed 004 §2.1.2): high-tech, digital economy,
creative industries, high-quality services."""
FORECAST_MONTHS = 12


# ------------------------------------------------------------------------------------------ helpers
def sector_codes() -> tuple[str, ...]:
    """The 21 VSIC 2018 sections, A to U (the allow-list for sector codes)."""
    return tuple(load_sectors()["code"])


def priority_sectors(groups: Sequence[str] = PLAN_GROUPS) -> tuple[str, ...]:
    """Sections that belong to any of the given priority groups (all plan groups by default)."""
    wanted = set(groups)
    unknown = wanted - set(load_priority_groups()["code"])
    if unknown:
        raise ValueError(f"unknown priority groups: {sorted(unknown)}")
    sectors = load_sectors()
    members = sectors["priority_groups"].str.split(";").apply(lambda gs: bool(wanted & set(gs)))
    return tuple(sectors.loc[members, "code"])


def _check_sectors(codes: Sequence[str] | None) -> tuple[str, ...] | None:
    if not codes:
        return None
    unknown = [c for c in codes if c not in sector_codes()]
    if unknown:
        raise ValueError(f"unknown VSIC sections: {unknown}")
    return tuple(codes)


def _check_measure(measure: str) -> str:
    if measure not in SECTOR_MEASURES:
        raise ValueError(f"measure must be one of {SECTOR_MEASURES}")
    return measure


def _ts(value) -> pd.Timestamp:
    return pd.Timestamp(value).to_pydatetime()


def period_window(grain: str, until: pd.Timestamp) -> tuple[pd.Timestamp, pd.Timestamp]:
    """First and last month of the period of `grain` that ends with the month `until`.

    A quarter or a year that is not over yet runs to `until` (as the KPIs do): "quý 4/2026" in
    October 2026 is October alone, and the year and the year to date both start in January.
    """
    until = pd.Timestamp(until).to_period("M").to_timestamp()
    if grain == "month":
        return until, until
    if grain == "quarter":
        return until.to_period("Q").to_timestamp(), until
    if grain in ("year", "ytd"):
        return pd.Timestamp(until.year, 1, 1), until
    raise ValueError("grain must be one of month, quarter, year, ytd")


def _where(scope: Scope, measures: Sequence[str], start, end) -> tuple[str, list]:
    """WHERE clause and parameters for a scope; measures and sectors are checked against their allow-lists,
    and without chosen sectors only the sector rows count (not the all-sector total rows)."""
    sectors = _check_sectors(scope.sectors)
    clauses, params = measure_and_scope_clauses([_check_measure(m) for m in measures],
                                                Scope(scope.communes, scope.commune_type, sectors), start, end)
    if not sectors:
        clauses.append("f.sector <> ''")
    return " AND ".join(clauses), params


def _level_expr(wh: Warehouse, measure: str) -> str:
    """A stock is its value in the last month of the period (the `?` parameter); a flow is its sum."""
    measure = _check_measure(measure)  # the name becomes an SQL literal and alias: allow-list only
    if wh.catalogue.measures[measure].stock:
        return f"sum(f.value) FILTER (WHERE f.measure = '{measure}' AND f.period = ?) AS {measure}"
    return f"sum(f.value) FILTER (WHERE f.measure = '{measure}') AS {measure}"


def _with_derived(frame: pd.DataFrame) -> pd.DataFrame:
    """Net change, coverage (%), gap and vacancy-to-seeker ratio from the counts (ratios of sums)."""
    out = frame.copy()
    out["net_change"] = out["bhxh_new"] - out["bhxh_lost"]
    out["coverage"] = out["bhxh_compulsory"] / out["employed"].where(out["employed"] > 0) * 100
    out["gap"] = out["vacancies"] - out["job_seekers"]
    out["ratio"] = out["vacancies"] / out["job_seekers"].where(out["job_seekers"] > 0)
    return out


# ------------------------------------------------------------------------------------- per sector
def sector_table(wh: Warehouse, scope: Scope, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    """Per VSIC section: employed and BHXH participants (end of period), tăng mới, giảm, net change,
    coverage (%), vacancies, job seekers, gap and vacancy-to-seeker ratio, with names, the priority groups
    and `plan_priority` (in one of the data plan's four priority groups).

    Why one table: the city asks for all of these "theo ngành" side by side, and one scan of `facts`
    gives every column for any scope. Sections without any row in the scope are left out.
    """
    where, params = _where(scope, SECTOR_MEASURES, start, end)
    stock_params = [_ts(end) for m in SECTOR_MEASURES if wh.catalogue.measures[m].stock]
    columns = ",\n               ".join(_level_expr(wh, m) for m in SECTOR_MEASURES)
    sql = f"""
        SELECT f.sector,
               {columns}
        FROM facts f
        WHERE {where}
        GROUP BY f.sector
        ORDER BY f.sector
    """
    frame = wh.query(sql, stock_params + params)
    frame[list(SECTOR_MEASURES)] = frame[list(SECTOR_MEASURES)].astype(float)
    sectors = load_sectors()[["code", "name_vi", "name_en", "priority", "priority_groups"]]
    frame = sectors.merge(frame, left_on="code", right_on="sector", how="inner").drop(columns=["code", "priority"])
    frame["plan_priority"] = frame["sector"].isin(priority_sectors())
    return _with_derived(frame).reset_index(drop=True)


def sector_totals(table: pd.DataFrame) -> dict[str, float | None]:
    """The scope's totals over the listed sections: counts summed, then the ratios of those sums."""
    def total(col: str) -> float | None:
        values = table[col].dropna()
        return float(values.sum()) if len(values) else None

    out = {m: total(m) for m in SECTOR_MEASURES}
    derived = _with_derived(pd.DataFrame([out], dtype=float)).iloc[0]
    for key in ("net_change", "coverage", "gap", "ratio"):
        out[key] = None if pd.isna(derived[key]) else float(derived[key])
    return out


def stock_before(wh: Warehouse, scope: Scope, measure: str, month: pd.Timestamp) -> pd.Series:
    """A stock measure per section in the month before `month`: the base the period's flows change."""
    if not wh.catalogue.measures[_check_measure(measure)].stock:
        raise ValueError(f"{measure} is a flow, not a stock")
    previous = pd.Timestamp(month) - pd.DateOffset(months=1)
    where, params = _where(scope, (measure,), previous, previous)
    frame = wh.query(f"SELECT f.sector, sum(f.value) AS value FROM facts f WHERE {where} GROUP BY f.sector", params)
    return frame.set_index("sector")["value"].astype(float).sort_index()


def data_status(wh: Warehouse, scope: Scope, start: pd.Timestamp, end: pd.Timestamp) -> str | None:
    """The weakest status (official < preliminary < estimate < demo) of the counts behind a view.

    Why: demo figures must say so on screen, and a table mixing official and estimated rows is as
    strong as its weakest row. None when the scope has no rows.
    """
    where, params = _where(scope, SECTOR_MEASURES, start, end)
    rank = wh.query(f"SELECT max(f.srank) AS r FROM facts f WHERE {where}", params)["r"].iloc[0]
    return None if pd.isna(rank) else STATUS_ORDER[int(rank)]


# ------------------------------------------------------------------------------------- protection
# Counts of people below the threshold are never shown (indicators/suppression.py): each table is protected
# along the totals the page also shows, so a hidden cell cannot be got back as "total minus the rest".
FLAG = suppression.FLAG


@dataclass(frozen=True)
class SectorFigures:
    """The per-sector table and its totals as they may be shown: small counts of people hidden (NaN)."""

    table: pd.DataFrame
    """`sector_table` columns plus one `<measure>_suppressed` flag per count."""
    totals: dict[str, float | None]
    hidden_totals: frozenset[str]
    """Totals hidden because they are small counts of people."""

    @property
    def any_hidden(self) -> bool:
        flags = [f"{m}_{FLAG}" for m in SECTOR_MEASURES]
        return bool(self.hidden_totals) or bool(self.table[flags].to_numpy().any())


def _people() -> set[str]:
    return suppression.person_measures()


def protect_sector_table(table: pd.DataFrame, threshold: float = suppression.THRESHOLD) -> pd.DataFrame:
    """A copy with small counts of people hidden per column (its total is shown), derived columns redone.

    Net change, coverage, gap and ratio become missing when a count they come from is hidden, so a hidden
    count cannot be recovered through them either.
    """
    out = table.copy()
    if out.empty:
        for m in SECTOR_MEASURES:
            out[f"{m}_{FLAG}"] = pd.Series(dtype=bool)
        return out
    long = out.melt(id_vars=["sector"], value_vars=list(SECTOR_MEASURES), var_name="measure", value_name="value")
    protected = suppression.suppress(long, "value", suppression.lines_for(["sector"], by=["measure"]), threshold,
                                     eligible=long["measure"].isin(_people()))
    values = protected.pivot(index="sector", columns="measure", values="value").reindex(out["sector"])
    flags = protected.pivot(index="sector", columns="measure", values=FLAG).reindex(out["sector"])
    for m in SECTOR_MEASURES:
        out[m] = values[m].to_numpy(dtype=float)
        out[f"{m}_{FLAG}"] = flags[m].to_numpy(dtype=bool)
    return _with_derived(out)


def protect_totals(totals: dict[str, float | None], threshold: float = suppression.THRESHOLD
                   ) -> tuple[dict[str, float | None], frozenset[str]]:
    """Totals with small counts of people hidden (a total over one sector is that sector's cell)."""
    out = dict(totals)
    hidden = frozenset(m for m in SECTOR_MEASURES
                       if m in _people() and out[m] is not None and 0 < out[m] < threshold)
    for m in hidden:
        out[m] = None
    derived = _with_derived(pd.DataFrame([{m: out[m] for m in SECTOR_MEASURES}], dtype=float)).iloc[0]
    for key in ("net_change", "coverage", "gap", "ratio"):
        out[key] = None if pd.isna(derived[key]) else float(derived[key])
    return out, hidden


def sector_figures(wh: Warehouse, scope: Scope, start: pd.Timestamp, end: pd.Timestamp,
                   threshold: float = suppression.THRESHOLD) -> SectorFigures:
    """`sector_table` and `sector_totals` as they may be shown: totals from the true counts, then protected."""
    table = sector_table(wh, scope, start, end)
    totals, hidden = protect_totals(sector_totals(table), threshold)
    return SectorFigures(protect_sector_table(table, threshold), totals, hidden)


def protect_matrix(matrix: pd.DataFrame, measure: str, threshold: float = suppression.THRESHOLD) -> pd.DataFrame:
    """The heat map's cells with small counts of people hidden, protected along communes and sectors."""
    if _check_measure(measure) not in _people() or matrix.empty:
        return matrix.assign(**{FLAG: False})
    return suppression.suppress(matrix, "value", suppression.lines_for(["commune_code", "sector"]), threshold)


def protect_demand(frame: pd.DataFrame, threshold: float = suppression.THRESHOLD) -> pd.DataFrame:
    """`sector_demand_by_commune` with small counts of people (job seekers) hidden across communes; the
    ratio and share go with the counts they come from. Adds `job_seekers_suppressed`, `vacancies_suppressed`."""
    out = frame.copy()
    if out.empty:
        return out.assign(vacancies_suppressed=False, job_seekers_suppressed=False)
    long = out.melt(id_vars=["commune_code"], value_vars=["vacancies", "job_seekers"], var_name="measure",
                    value_name="value")
    protected = suppression.suppress(long, "value", suppression.lines_for(["commune_code"], by=["measure"]), threshold,
                                     eligible=long["measure"].isin(_people()))
    for m in ("vacancies", "job_seekers"):
        part = protected[protected["measure"] == m].set_index("commune_code").reindex(out["commune_code"])
        out[m] = part["value"].to_numpy(dtype=float)
        out[f"{m}_{FLAG}"] = part[FLAG].to_numpy(dtype=bool)
    out.loc[out["vacancies"].isna() | out["job_seekers"].isna(), "ratio"] = float("nan")
    out.loc[out["vacancies"].isna(), "share_of_city"] = float("nan")
    return out


def protect_history(frame: pd.DataFrame, measure: str, threshold: float = suppression.THRESHOLD) -> pd.DataFrame:
    """A forecast frame whose observed months of a count of people below the threshold are hidden, with
    complements within each year (a year's total is shown elsewhere). Forecasts are model output: kept."""
    if measure not in _people():
        return frame
    history = frame[frame["kind"] == "history"]
    protected = suppression.suppress(history, "value", suppression.lines_for(["period"], period="period"), threshold,
                                     period="period")
    out = frame.copy()
    out.loc[history.index, "value"] = protected["value"].to_numpy(dtype=float)
    return out


# ------------------------------------------------------------------------------------- per commune
def sector_commune_matrix(wh: Warehouse, measure: str, scope: Scope, start: pd.Timestamp,
                          end: pd.Timestamp) -> pd.DataFrame:
    """Long table [commune_code, sector, value] of one measure for the heat map.

    Stocks are read at `end`, flows summed over [start, end]; rows without a commune are left out.
    """
    measure = _check_measure(measure)
    where, params = _where(scope, (measure,), start, end)
    stock = wh.catalogue.measures[measure].stock
    extra = " AND f.period = ?" if stock else ""
    sql = f"""
        SELECT f.commune_code, f.sector, sum(f.value) AS value
        FROM facts f
        WHERE {where} AND f.commune_code <> ''{extra}
        GROUP BY ALL
        ORDER BY f.commune_code, f.sector
    """
    frame = wh.query(sql, params + ([_ts(end)] if stock else []))
    frame["value"] = frame["value"].astype(float)
    return frame


def sector_demand_by_commune(wh: Warehouse, sector_codes: Sequence[str] | None, start: pd.Timestamp | None,
                             end: pd.Timestamp | None, *, communes: Sequence[str] | None = None) -> pd.DataFrame:
    """Where the demand for these sections is: per commune, vacancies, job seekers, their ratio and the
    commune's share of the city's vacancies (the Map page draws it as a layer).

    Columns: commune_code, vacancies, job_seekers, ratio (vacancies per seeker, NaN without seekers),
    share_of_city (commune vacancies / all the city's vacancies in these sections, including any rows
    reported for the city without a commune). `sector_codes` None or empty = all sections. `communes`
    limits the rows returned (an account's own commune) while the share stays of the whole city.
    """
    scope = Scope(sectors=_check_sectors(sector_codes))
    where, params = _where(scope, ("vacancies", "job_seekers"), start, end)
    keep = ""
    if communes is not None:
        keep = f" AND commune_code IN ({', '.join('?' for _ in communes) or 'NULL'})"
        params = params + list(communes)
    sql = f"""
        WITH by_commune AS (
            SELECT f.commune_code,
                   sum(f.value) FILTER (WHERE f.measure = 'vacancies') AS vacancies,
                   sum(f.value) FILTER (WHERE f.measure = 'job_seekers') AS job_seekers
            FROM facts f
            WHERE {where}
            GROUP BY f.commune_code
        )
        SELECT commune_code, vacancies, job_seekers,
               CASE WHEN job_seekers > 0 THEN vacancies / job_seekers END AS ratio,
               vacancies / nullif(sum(vacancies) OVER (), 0) AS share_of_city
        FROM by_commune
        QUALIFY commune_code <> ''{keep}
        ORDER BY commune_code
    """
    frame = wh.query(sql, params)
    for col in ("vacancies", "job_seekers", "ratio", "share_of_city"):
        frame[col] = frame[col].astype(float)
    return frame


# ------------------------------------------------------------------------------------- over time
def demand_supply_monthly(wh: Warehouse, scope: Scope, end: pd.Timestamp | None = None,
                          start: pd.Timestamp | None = None) -> pd.DataFrame:
    """Monthly vacancies and job seekers summed over the scope's sections: [period, vacancies, job_seekers]."""
    where, params = _where(scope, ("vacancies", "job_seekers"), start, end)
    sql = f"""
        SELECT f.period,
               sum(f.value) FILTER (WHERE f.measure = 'vacancies') AS vacancies,
               sum(f.value) FILTER (WHERE f.measure = 'job_seekers') AS job_seekers
        FROM facts f
        WHERE {where}
        GROUP BY f.period
        ORDER BY f.period
    """
    frame = wh.query(sql, params)
    frame["period"] = pd.to_datetime(frame["period"])
    frame[["vacancies", "job_seekers"]] = frame[["vacancies", "job_seekers"]].astype(float)
    return frame


# ------------------------------------------------------------------------------------- forecast
@dataclass(frozen=True)
class MonthlyForecast:
    """The next months of one monthly count: the model the KPIs' backtest chose, and its fan."""

    name: str
    model: str
    reason: str
    mase: float | None
    mase_naive: float | None
    frame: pd.DataFrame
    """Rows of history then forecast: period, kind ('history'|'forecast'), value, q025, q10, q50, q90, q975."""

    @property
    def future(self) -> pd.DataFrame:
        return self.frame[self.frame["kind"] == "forecast"].reset_index(drop=True)


def trailing_run(series: pd.Series) -> pd.Series:
    """The months after the last gap (a monthly count with a missing month restarts after it)."""
    series = series.dropna().sort_index()
    if series.empty:
        return series
    expected = pd.date_range(series.index[0], series.index[-1], freq="MS")
    full = series.reindex(expected)
    gaps = np.flatnonzero(full.isna().to_numpy())
    return full.iloc[gaps[-1] + 1:] if gaps.size else full


def forecast_monthly_counts(series: pd.Series, name: str, geo: str, months: int = FORECAST_MONTHS
                            ) -> MonthlyForecast | None:
    """The next `months` of a monthly count from the KPIs' forecasting engine (`forecast_one`).

    A monthly count with a season (job fairs and hiring follow the calendar), forecast on the log scale
    with the seasonal naive or the seasonal naive with last year's drift, whichever erred less on its
    own past; the fan (80% = q10-q90, 95% = q025-q975) is calibrated on the same rolling-origin errors.
    None when there are fewer than 24 unbroken months (the part after the last gap is used).
    """
    series = trailing_run(series)
    result = kpi_forecast.forecast_one(series.to_numpy(dtype=float), "month", months, season=12, kind="log")
    if result is None:
        return None
    history = pd.DataFrame({"period": series.index, "kind": "history", "value": series.to_numpy(dtype=float)})
    future = pd.DataFrame({"period": pd.date_range(series.index[-1], periods=months + 1, freq="MS")[1:],
                           "kind": "forecast", "value": result.fan[:, 2],
                           **{name_: result.fan[:, i] for i, name_ in enumerate(kpi_forecast.QUANTILES)}})
    return MonthlyForecast(name=name, model=result.model, reason=result.reason, mase=result.mase,
                           mase_naive=result.mase_naive, frame=pd.concat([history, future], ignore_index=True))


def demand_supply_forecast(wh: Warehouse, scope: Scope, until: pd.Timestamp, months: int = FORECAST_MONTHS
                           ) -> dict[str, MonthlyForecast | None]:
    """Forecasts of vacancies and job seekers for the scope's sections from the data up to `until`."""
    monthly = demand_supply_monthly(wh, scope, end=until).set_index("period")
    geo = ",".join(scope.communes or ()) or (scope.commune_type or "city")
    sectors = ",".join(scope.sectors or ())
    return {measure: forecast_monthly_counts(monthly[measure], f"{measure}:{sectors}", geo, months)
            for measure in ("vacancies", "job_seekers")}


__all__ = [
    "COMMUNE_TYPES", "FLAG", "FORECAST_MONTHS", "MonthlyForecast", "PLAN_GROUPS", "SECTOR_MEASURES", "SectorFigures",
    "data_status", "demand_supply_forecast", "demand_supply_monthly", "forecast_monthly_counts", "period_window",
    "priority_sectors", "protect_demand", "protect_history", "protect_matrix", "protect_sector_table",
    "protect_totals", "sector_codes", "sector_commune_matrix", "sector_demand_by_commune", "sector_figures",
    "sector_table",
    "sector_totals", "stock_before",
]
