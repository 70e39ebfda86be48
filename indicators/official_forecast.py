"""Forecasts of the city's real published series (data/reference/published_figures.csv), where they allow.

An official series is a KPI's calendar-year figures for Hanoi (a month's figure is a point in time, not
the year's value). With at least MIN_OFFICIAL_YEARS of them it is forecast to 2030 by the same engine as
every KPI, at the yearly grain: its missing years are listed and left missing (never filled in), the
models take the real distances between years, and since a handful of years cannot calibrate an
interval, its errors are pooled with the yearly series of the same KPI in every area of the warehouse
(each scaled by its own yardstick). With fewer years the row says so and lists the years that exist.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from indicators import forecast as engine
from indicators.data_status import weakest_status
from indicators.kpi_forecasts import KpiForecasts, Located
from indicators.series import CITY, JudgedSeries
from store.published import load_published

MIN_OFFICIAL_YEARS = engine.MIN_OBS["year"]
COLUMNS = ["indicator", "n_points", "years", "gaps", "enough", "calibrated", "status", "source", "last_year",
           "last_value",
           "value_2030", "lo80", "hi80", "lo95", "hi95", "judged", "judged_expected", "judged_lo80", "judged_hi80",
           "probability", "verdict", "model", "threshold"]


def official_years(indicator: str, published: pd.DataFrame | None = None) -> pd.DataFrame:
    """The calendar-year figures of one KPI (year, value, status, source_url), oldest first."""
    published = load_published() if published is None else published
    rows = published[(published["target"] == indicator) & (published["target_kind"] == "indicator")
                     & (published["basis"] == "year")]
    rows = rows.assign(year=rows["start"].dt.year).sort_values("year").drop_duplicates("year", keep="last")
    return rows[["year", "value", "status", "source_url"]].reset_index(drop=True)


def _yearly_pool(fc: KpiForecasts, indicator: str, official: pd.DataFrame) -> tuple[JudgedSeries, int] | None:
    """The official series (row 0) and the KPI's yearly values in every area (December of its judged
    series for a monthly KPI), on one yearly axis."""
    grain_series = [js for js in fc.by_grain.values() if indicator in set(js.indicator)]
    if not grain_series:
        return None
    js = grain_series[0]
    rows = np.flatnonzero(js.indicator == indicator)
    first = min(int(official["year"].min()), js.periods[0].year)
    last = max(int(official["year"].max()), fc.months[-1].year)
    years = np.arange(first, last + 1)
    values = np.full((len(rows) + 1, len(years)), np.nan)
    values[0, official["year"].to_numpy() - first] = official["value"].to_numpy()
    for k, row in enumerate(rows, start=1):
        for t, start in enumerate(js.periods):
            complete = js.grain == "year" or (js.grain == "month" and start.month == 12) or \
                (js.grain == "quarter" and start.month == 10)
            if complete and np.isfinite(js.values[row, t]):
                values[k, start.year - first] = js.values[row, t]
    periods = pd.DatetimeIndex([pd.Timestamp(y, 1, 1) for y in years])
    months = pd.date_range(periods[0], pd.Timestamp(last, 12, 1), freq="MS")
    yearly = JudgedSeries("year", periods, np.arange(len(years)) * 12 + 11,
                          np.array([indicator] * (len(rows) + 1), dtype=object),
                          np.array([CITY] + list(js.area[rows]), dtype=object), values,
                          np.zeros(len(rows) + 1, bool), np.array([None] * (len(rows) + 1), dtype=object),
                          np.array([None] * (len(rows) + 1), dtype=object))
    return yearly, len(months)


def official_forecasts(fc: KpiForecasts) -> pd.DataFrame:
    """One row per KPI with published yearly figures: what exists, and its forecast when there is enough."""
    from indicators.verdicts import judge_pool, verdict_states

    published = load_published()
    cat = fc.catalogue
    out = []
    for indicator in sorted(set(published.loc[published["target_kind"] == "indicator", "target"])):
        if indicator not in cat.codes:
            continue
        official = official_years(indicator, published)
        if official.empty:
            continue
        years = official["year"].tolist()
        holes = [y for y in range(years[0], years[-1]) if y not in years]
        row = {"indicator": indicator, "n_points": len(years), "years": ", ".join(map(str, years)),
               "gaps": ", ".join(map(str, holes)), "enough": len(years) >= MIN_OFFICIAL_YEARS,
               "status": weakest_status(official["status"]), "source": " | ".join(dict.fromkeys(official["source_url"])),
               "last_year": years[-1], "last_value": float(official["value"].iloc[-1])}
        pool = _yearly_pool(fc, indicator, official) if row["enough"] else None
        if pool is not None:
            yearly, n_months = pool
            kind = engine.transform_kind(cat, indicator, yearly.values[np.isfinite(yearly.values)])
            g = engine.forward(kind, yearly.values)
            months = pd.date_range(yearly.periods[0], periods=n_months, freq="MS")
            fit = engine.PoolFit(g, yearly.end_month, months, "year")
            engine.calibrate_shapes([fit])
            locs = [Located(yearly, 0, fit, 0, kind, "official", engine.family(cat, indicator))]
            j = judge_pool(locs, cat, n_months)
            last = n_months - 1
            calibrated = bool(j.valid[0, last])
            row.update({"judged": j.judged[0], "calibrated": calibrated, "verdict": verdict_states(j)[0, last],
                        "threshold": j.threshold[0]})
            if calibrated:
                row.update({name: j.end_quantiles[q][0, last] for name, q in
                            (("value_2030", "q50"), ("lo80", "q10"), ("hi80", "q90"), ("lo95", "q025"), ("hi95", "q975"))})
                row.update({"judged_expected": j.quantiles["q50"][0, last], "judged_lo80": j.quantiles["q10"][0, last],
                            "judged_hi80": j.quantiles["q90"][0, last], "probability": j.probability[0, last],
                            "model": fit.models[fit.model_at[last]]})
            else:  # enough years to forecast, too few checked ones to calibrate an interval
                row.update(_point_only(j, fit, yearly, kind))
        out.append(row)
    return pd.DataFrame(out, columns=COLUMNS)


def _point_only(j, fit: engine.PoolFit, yearly: JudgedSeries, kind: str) -> dict:
    """The model's central path when no interval can be calibrated yet: the 2030 value and the judged
    value (observed years at their values), no interval, no probability."""
    from indicators import status as rule
    from indicators.kpi_forecasts import period_index

    last = fit.n_months - 1
    o = int(j.origin[0, last])
    model = fit.models[fit.model_at[last]] if fit.sigma_ok[last] else engine.BASELINE

    def at(year: int) -> float:
        t = period_index(yearly.periods, "year", pd.Timestamp(year, 1, 1))
        if t <= o and np.isfinite(yearly.values[0, t]):
            return float(yearly.values[0, t])
        return float(engine.inverse(kind, fit.point(model, 0, o, max(t - o, 1))))

    judged = j.judged[0]
    value = (np.mean([at(y) for y in rule.MEAN_YEARS]) if judged == rule.MEAN_2026_2030 else at(2030))
    return {"value_2030": at(2030), "judged_expected": value, "model": model}
