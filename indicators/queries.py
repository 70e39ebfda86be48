"""KPI queries: every indicator is sum(numerator) / sum(denominator) over a scope and a period grain.

One SQL statement serves every indicator, geography (city, any set of communes, a commune type), sector
set and grain (month, quarter, year, year-to-date), so the city, a commune, a month and a year always
agree: a year is computed from its months' counts, the city from its communes' counts. Values enter as
parameters; the only identifiers spliced into the SQL come from allow-lists.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import pandas as pd

from indicators.suppression import hide_small_counts
from indicators.warehouse import Warehouse

GRAINS = {"month": "month", "quarter": "quarter", "year": "year", "ytd": "month"}


@dataclass(frozen=True)
class Scope:
    """Which part of the city: all of it (the default), listed communes, one commune type, some sectors."""

    communes: tuple[str, ...] | None = None
    commune_type: str | None = None
    sectors: tuple[str, ...] | None = None

    @property
    def is_city(self) -> bool:
        return self.communes is None and self.commune_type is None


CITY = Scope()


def _placeholders(values: Sequence) -> str:
    return ", ".join("?" for _ in values)


def _add_period(clauses: list[str], params: list, column: str, start, end) -> None:
    """`column` between start and end (either may be None), as parameters."""
    if start is not None:
        clauses.append(f"{column} >= ?")
        params.append(pd.Timestamp(start).to_pydatetime())
    if end is not None:
        clauses.append(f"{column} <= ?")
        params.append(pd.Timestamp(end).to_pydatetime())


def _filters(wh: Warehouse, codes: Sequence[str], scope: Scope, start, end, by_commune: bool) -> tuple[str, list, str]:
    measures = sorted({m for c in codes for m in wh.catalogue.get(c).measures})
    if scope.sectors:
        table = "facts"
    elif by_commune or not scope.is_city:
        table = "facts_total"
    else:
        table = "facts_city"
    clauses, params = measure_and_scope_clauses(measures, scope, start, end)
    return table, params, " AND ".join(clauses)


def measure_and_scope_clauses(measures: Sequence[str], scope: Scope, start, end) -> tuple[list[str], list]:
    """WHERE clauses on a facts table aliased `f` (measures, period, communes, commune type, sectors) and
    their parameters: the one filter every query over facts uses (KPIs here, sector tables in sectors.py)."""
    clauses = [f"f.measure IN ({_placeholders(measures)})"]
    params: list = list(measures)
    _add_period(clauses, params, "f.period", start, end)
    if scope.communes is not None:
        clauses.append(f"f.commune_code IN ({_placeholders(scope.communes) or 'NULL'})")
        params += list(scope.communes)
    if scope.commune_type is not None:
        clauses.append("f.ctype = ?")
        params.append(scope.commune_type)
    if scope.sectors:
        clauses.append(f"f.sector IN ({_placeholders(scope.sectors)})")
        params += list(scope.sectors)
    return clauses, params


def kpi_frame(
    wh: Warehouse,
    codes: Sequence[str],
    scope: Scope = CITY,
    grain: str = "month",
    start: pd.Timestamp | None = None,
    end: pd.Timestamp | None = None,
    by_commune: bool = False,
) -> pd.DataFrame:
    """Values of indicators per period (and per commune when `by_commune`).

    Columns: indicator, [commune_code,] period (first month of the period), last_month, n_months, num, den,
    value, se, status (worst of official < preliminary < estimate < demo), source, vintage, provisional,
    mapped_from_old (the period includes months before the July 2025 boundary change).
    For `ytd` each row is the cumulative value from January to that month. Indicators with a sector
    breakdown are filtered by `scope.sectors`; the others are not (callers say so on screen).
    """
    frame = kpi_frames(wh, codes, scope, (grain,), start, end, by_commune)
    return frame.drop(columns="grain")


def shown_kpi_frame(
    wh: Warehouse,
    codes: Sequence[str],
    scope: Scope = CITY,
    grain: str = "month",
    start: pd.Timestamp | None = None,
    end: pd.Timestamp | None = None,
    by_commune: bool = False,
) -> pd.DataFrame:
    """`kpi_frame` as pages, downloads and briefings show it: small counts of people hidden
    (`indicators.suppression.hide_small_counts`, with a `suppressed` column)."""
    return hide_small_counts(kpi_frame(wh, codes, scope, grain, start, end, by_commune), wh.catalogue)


def kpi_frames(
    wh: Warehouse,
    codes: Sequence[str],
    scope: Scope = CITY,
    grains: Sequence[str] = ("month",),
    start: pd.Timestamp | None = None,
    end: pd.Timestamp | None = None,
    by_commune: bool = False,
    as_records: bool = False,
) -> pd.DataFrame | list[dict]:
    """`kpi_frame` for several grains in one SQL statement (a `grain` column tells them apart).

    A scorecard needs the month, the year and the year-to-date at once; one statement shares the scan.
    `as_records` returns plain dicts (dates as Timestamps), cheaper than a DataFrame on hot paths.
    """
    bad = [g for g in grains if g not in GRAINS]
    if bad or not grains:
        raise ValueError(f"grain must be one of {sorted(GRAINS)}")
    unknown = [c for c in codes if c not in wh.catalogue.codes]
    if unknown:
        raise KeyError(f"unknown indicators: {unknown}")
    if scope.sectors:
        with_sector = [c for c in codes if wh.catalogue.has_sector_breakdown(c)]
        if len(with_sector) < len(codes):
            without = [c for c in codes if c not in with_sector]
            frames = [kpi_frames(wh, without, Scope(scope.communes, scope.commune_type), grains, start, end,
                                 by_commune, as_records)]
            if with_sector:
                frames.append(kpi_frames(wh, with_sector, scope, grains, start, end, by_commune, as_records))
            if as_records:
                return [rec for part in frames for rec in part]
            return pd.concat(frames, ignore_index=True)
    if _city_series_serves(wh, scope, grains, start, end, by_commune):
        sql, params = _from_city_series(wh, codes, grains, start, end)
    else:
        sql, params = _kpi_sql(wh, codes, scope, grains, start, end, by_commune)
    return _run(wh, sql, params, as_records)


def _run(wh: Warehouse, sql: str, params: list, as_records: bool) -> pd.DataFrame | list[dict]:
    if as_records:
        return wh.records(sql, params)
    out = wh.query(sql, params)
    for col in ("period", "last_month", "vintage"):
        out[col] = pd.to_datetime(out[col])
    return out


def _city_series_serves(wh: Warehouse, scope: Scope, grains: Sequence[str], start, end, by_commune: bool) -> bool:
    """Whether the precomputed city series gives exactly what the full statement would: the whole city, all
    sectors, from the start of a year (so years and year-to-date are whole) to the end of the data (so the
    last quarter and year are not cut)."""
    if by_commune or scope != CITY:
        return False
    whole_years = start is None or (pd.Timestamp(start).month == 1 and pd.Timestamp(start).day == 1)
    to_the_end = end is None or pd.Timestamp(end) >= wh.data_until or set(grains) <= {"month", "ytd"}
    return whole_years and to_the_end


def city_series_sql(wh: Warehouse) -> tuple[str, list]:
    """The full KPI statement for the whole city, every indicator and grain, over all the data: what the
    `kpi_city` table holds (built once per warehouse on first use)."""
    return _kpi_sql(wh, list(wh.catalogue.codes), CITY, tuple(GRAINS), None, None, False)


def _from_city_series(wh: Warehouse, codes: Sequence[str], grains: Sequence[str], start, end) -> tuple[str, list]:
    table = wh.materialize("kpi_city", *city_series_sql(wh))
    grains = list(dict.fromkeys(grains))
    clauses = [f"grain IN ({_placeholders(grains)})", f"indicator IN ({_placeholders(codes)})"]
    params: list = grains + list(codes)
    _add_period(clauses, params, "period", start, end)
    return f"SELECT * FROM {table} WHERE {' AND '.join(clauses)} ORDER BY grain, indicator, period", params


def _kpi_sql(wh: Warehouse, codes: Sequence[str], scope: Scope, grains: Sequence[str], start, end,
             by_commune: bool) -> tuple[str, list]:
    """The KPI statement itself: counts summed over the scope, then per grain, then divided."""
    table, params, where = _filters(wh, codes, scope, start, end, by_commune)
    geo = "f.commune_code," if by_commune else ""
    geo_b = "b.commune_code," if by_commune else ""
    geo_m = "commune_code," if by_commune else ""
    geo_v = "v.commune_code," if by_commune else ""
    on_geo_p = "AND p.commune_code = v.commune_code" if by_commune else ""
    rollups = []
    for grain in dict.fromkeys(grains):
        if grain == "ytd":
            # Year to date as a join of each month with the earlier months of its year: on small inputs a
            # hash join is several times cheaper than window aggregates with running frames.
            on_geo = "AND e.commune_code = m.commune_code" if by_commune else ""
            geo_e = "m.commune_code," if by_commune else ""
            rollups.append(f"""
            SELECT 'ytd' AS grain, m.indicator, {geo_e} m.period, m.period AS last_month,
                   sum(e.num) AS num, sum(e.den) AS den, sum(e.num_var) AS num_var, count(*) AS n_months,
                   max(e.srank) AS srank, max(e.source) AS source, max(e.vintage) AS vintage,
                   bool_or(e.provisional) AS provisional, min(e.period) AS first_month
            FROM monthly m
            JOIN monthly e ON e.indicator = m.indicator {on_geo}
                 AND year(e.period) = year(m.period) AND e.period <= m.period
            GROUP BY ALL""")
        else:
            rollups.append(f"""
            SELECT '{grain}' AS grain, indicator, {geo_m} date_trunc('{GRAINS[grain]}', period) AS period,
                   max(period) AS last_month, sum(num) AS num, sum(den) AS den, sum(num_var) AS num_var,
                   count(*) AS n_months, max(srank) AS srank, max(source) AS source, max(vintage) AS vintage,
                   bool_or(provisional) AS provisional, min(period) AS first_month
            FROM monthly GROUP BY ALL""")
    sql = f"""
    WITH base AS (
        SELECT f.measure, {geo} f.period, f.urban,
               sum(f.value) AS v, sum(f.var) AS var, max(f.srank) AS srank, max(f.source_id) AS source,
               max(f.vintage) AS vintage, bool_or(f.provisional) AS provisional
        FROM {table} f
        WHERE {where}
        GROUP BY ALL
    ),
    monthly AS MATERIALIZED (
        SELECT im.indicator, {geo_b} b.period,
               sum(b.v) FILTER (WHERE im.role = 'num') AS num,
               sum(b.v) FILTER (WHERE im.role = 'den') AS den,
               sum(b.var) FILTER (WHERE im.role = 'num') AS num_var,
               max(b.srank) AS srank, max(b.source) AS source, max(b.vintage) AS vintage,
               bool_or(b.provisional) AS provisional
        FROM base b
        JOIN indicator_measures im ON im.measure = b.measure
        JOIN indicators i ON i.indicator = im.indicator
        WHERE im.indicator IN ({_placeholders(codes)}) AND (NOT i.urban_only OR b.urban)
        GROUP BY ALL
        HAVING num IS NOT NULL  -- no numerator, no value: a missing count is never a zero
    ),
    rolled AS ({" UNION ALL ".join(rollups)}),
    valued AS (
        SELECT r.*, i.kind, i.scale, i.stock,
               CASE
                 WHEN i.kind IN ('ratio', 'growth') THEN CASE WHEN r.den > 0 THEN r.num / r.den * i.scale END
                 WHEN i.stock THEN r.num / r.n_months
                 ELSE r.num
               END AS level,
               CASE
                 WHEN i.kind IN ('ratio', 'growth') THEN CASE WHEN r.den > 0 THEN sqrt(r.num_var) / r.den * i.scale END
                 WHEN i.stock THEN sqrt(r.num_var) / r.n_months
                 ELSE sqrt(r.num_var)
               END AS level_se
        FROM rolled r JOIN indicators i ON i.indicator = r.indicator
    )
    SELECT v.grain, v.indicator, {geo_v} v.period, v.last_month, v.n_months, v.num, v.den,
           CASE WHEN v.kind = 'growth' THEN
                CASE WHEN v.grain = 'year' AND v.n_months = 12 AND p.n_months = 12
                     THEN (v.level / p.level - 1) * 100 END
                ELSE v.level END AS value,
           CASE WHEN v.kind = 'growth' THEN NULL ELSE v.level_se END AS se,
           so.status, src.source, v.vintage, v.provisional,
           v.first_month < DATE '2025-07-01' AS mapped_from_old
    FROM valued v
    LEFT JOIN valued p ON v.kind = 'growth' AND p.indicator = v.indicator AND p.grain = v.grain {on_geo_p}
         AND p.period = v.period - INTERVAL 1 YEAR
    LEFT JOIN status_order so ON so.rank = v.srank
    LEFT JOIN sources src ON src.source_id = v.source
    ORDER BY v.grain, v.indicator, {geo_v} v.period
    """
    return sql, params + list(codes)


def kpi_value(
    wh: Warehouse, code: str, scope: Scope = CITY, grain: str = "year", period: pd.Timestamp | None = None
) -> float | None:
    """One indicator's value for one period of a grain (the latest when `period` is None)."""
    frame = kpi_frame(wh, [code], scope, grain)
    if period is not None:
        frame = frame[frame["period" if grain != "ytd" else "last_month"] == pd.Timestamp(period)]
    frame = frame.dropna(subset=["value"])
    if frame.empty:
        return None
    return float(frame["value"].iloc[-1])
