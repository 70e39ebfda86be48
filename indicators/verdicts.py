"""One verdict per KPI, area and month, computed when data is published and stored with the version.

`derive_tables(version)` opens a written (not necessarily served) version and returns the tables the
publish step adds to it: `forecasts` (one row per KPI and area: the forecast shown now and its model
card), `forecast_paths` (history and fan per period, for the charts), `verdicts` (one row per KPI x
area x month the scorecard can show) and `official_forecasts` (the city's real published yearly series:
what exists, and a forecast where there are enough years; `indicators.official_forecast`). The rule is `indicators.status`; the engine `indicators.forecast`.

Areas: 'city', 'phuong' (all wards), 'xa' (all rural communes), each commune code. Months (`as_of`):
every month from the first month of data to the last; the verdict of a month uses the data up to it and
the calibration known then, so the scorecard of any month finds its verdict by look-up, and the verdict
of a month never depends on the period type shown (month, quarter, year, year to date).

Reading: `verdict_for(version, indicator, area, as_of, sectors)` and `verdicts_for(version, area, as_of,
sectors)` (a scorecard's worth). A version without stored tables (published before this step existed)
gets the same tables computed once in the process: derive_tables is deterministic, so a verdict never
depends on whether it was stored or computed.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from indicators import forecast as engine
from indicators import status as rule
from indicators.kpi_forecasts import KpiForecasts, Located, period_index, period_start
from indicators.series import JudgedSeries
from indicators.targets import Target, target_2030
from indicators.warehouse import Warehouse, open_warehouse
from store.versions import read_manifest, version_path

FORECASTS_TABLE, PATHS_TABLE, VERDICTS_TABLE = "forecasts", "forecast_paths", "verdicts"
OFFICIAL_TABLE = "official_forecasts"
DERIVED_TABLES = (FORECASTS_TABLE, PATHS_TABLE, VERDICTS_TABLE, OFFICIAL_TABLE)
HORIZON_YEAR = 2030
FAN = {"q025": 0.025, "q10": 0.10, "q50": 0.50, "q90": 0.90, "q975": 0.975}
RULE_VERSION = "2026-12"
"""Changes when the rule or the engine changes, so stored verdicts say which rule made them."""


# ------------------------------------------------------------------------------------------- judging
@dataclass
class Judged:
    """The series of one pool judged at every month: (series, months) arrays (NaN / False where no
    verdict can be given)."""

    locs: list[Located]
    targets: list[Target | None]
    judged: np.ndarray
    threshold: np.ndarray
    lower: np.ndarray
    valid: np.ndarray
    origin: np.ndarray
    probability: np.ndarray
    quantiles: dict[str, np.ndarray]
    """FAN quantiles of the judged metric (the value at the end of 2030, or the 2026-2030 mean)."""
    end_quantiles: dict[str, np.ndarray]
    """FAN quantiles of the value of the last period of 2030 (the 2030 total for counts)."""

    @property
    def rows(self) -> np.ndarray:
        return np.array([loc.row for loc in self.locs])


def _by_transform(locs: list[Located], values: np.ndarray, fn) -> np.ndarray:
    """Apply `engine.forward` / `engine.inverse` row by row with each series' own scale."""
    out = np.empty(values.shape)
    kinds = np.array([loc.transform for loc in locs])
    for kind in np.unique(kinds):
        sel = kinds == kind
        out[sel] = fn(kind, values[sel])
    return out


def _natural(locs, fit, rows, origin, h, month, probs) -> np.ndarray:
    """Natural-unit quantiles (..., len(probs)) of the judged series h periods after `origin`."""
    center = fit.center(rows, origin, h, month)
    spread = fit.spread(rows, origin, h, month)
    z = np.stack([fit.z_quantile(h, month, p) for p in probs], axis=-1)
    g = center[..., None] + spread[..., None] * z
    return _by_transform(locs, g.reshape(g.shape[0], -1), engine.inverse).reshape(g.shape)


def judge_pool(locs: list[Located], catalogue, n_months: int) -> Judged:
    """The verdict's numbers for every series of one pool at every month."""
    fit, js = locs[0].fit, locs[0].series
    rows = np.array([loc.row for loc in locs])
    targets = [target_2030(catalogue.get(js.indicator[loc.index]), js.area[loc.index]) for loc in locs]
    units = [catalogue.get(js.indicator[loc.index]).unit for loc in locs]
    thr = np.array([rule.threshold(t, u) if t is not None else None for t, u in zip(targets, units)], dtype=float)
    lower = np.array([t is not None and t.direction == "lower" for t in targets])
    judged = np.array([t.judged if t is not None else rule.END_2030 for t in targets], dtype=object)
    m = np.arange(n_months)[None, :]
    last = engine.last_finite(fit.finite[rows])
    complete = np.searchsorted(js.end_month, np.arange(n_months), side="right") - 1
    origin = np.where(complete[None, :] >= 0, last[:, np.maximum(complete, 0)], -1)
    o = np.maximum(origin, 0)
    r2 = rows[:, None]
    valid = ((origin >= 0) & (fit.n_obs[r2, o] >= engine.MIN_OBS[fit.grain]) & fit.calibrated[m]
             & np.isfinite(fit.scale[r2, o]))
    end = period_index(js.periods, js.grain, pd.Timestamp(HORIZON_YEAR, 12, 1))
    h_end = np.maximum(end - o, 1)
    probs = list(FAN.values())
    end_q = _natural(locs, fit, r2, o, h_end, m, probs)
    quant = end_q.copy()
    below = np.full(origin.shape, np.nan)
    level = np.isfinite(thr) & (judged == rule.END_2030)
    if level.any():
        g_thr = _by_transform(locs, np.where(np.isfinite(thr), thr, 0.0)[:, None], engine.forward)
        z = (g_thr - fit.center(r2, o, h_end, m)) / fit.spread(r2, o, h_end, m)
        below = np.where(level[:, None], fit.cdf(z, h_end, np.broadcast_to(m, z.shape)), np.nan)
    for i in np.flatnonzero(judged == rule.MEAN_2026_2030):
        grid_values = _mean_over_years(locs[i], origin[i], np.arange(n_months))
        quant[i] = np.stack([[np.interp(p, engine.GRID, row) for row in grid_values] for p in probs], axis=-1)
        if np.isfinite(thr[i]):
            below[i] = [np.interp(thr[i], row, engine.GRID, left=0.0, right=1.0) for row in grid_values]
        valid[i] &= np.isfinite(grid_values).all(axis=1)
    probability = np.where(lower[:, None], below, 1.0 - below)
    probability = np.where(valid & np.isfinite(thr)[:, None], np.clip(probability, 0.0, 1.0), np.nan)
    pack = (lambda q: {name: np.where(valid, q[..., i], np.nan) for i, name in enumerate(FAN)})
    return Judged(locs, targets, judged, thr, lower, valid, origin, probability, pack(quant), pack(end_q))


def _mean_over_years(loc: Located, origin: np.ndarray, months: np.ndarray) -> np.ndarray:
    """The mean of the yearly values 2026-2030 at every grid level (months x grid), the years taken to
    move together (a shortfall in one year is taken to persist: the cautious assumption), observed years
    at their actual values."""
    js, fit = loc.series, loc.fit
    actual = js.values[loc.index]
    o = np.maximum(origin, 0)
    rows = fit.shape[fit.shape_month[months]]  # (months, grid)
    total = np.zeros(rows.shape)
    for year in rule.MEAN_YEARS:
        t = period_index(js.periods, js.grain, pd.Timestamp(year, 12, 1))
        h = t - o
        seen = actual[t] if 0 <= t < len(actual) else np.nan
        center = fit.center(loc.row, o, np.maximum(h, 1), months)
        spread = fit.spread(loc.row, o, np.maximum(h, 1), months)
        future = engine.inverse(loc.transform, center[:, None] + spread[:, None] * rows)
        total += np.where((h <= 0)[:, None], seen, future)
    return total / len(rule.MEAN_YEARS)


def verdict_states(j: Judged) -> np.ndarray:
    """The verdict of every series and month: from the probability, or why there is none."""
    p = np.nan_to_num(j.probability, nan=-1.0)
    out = np.where(p >= rule.PROBABILITY_ON_TRACK, rule.ON_TRACK,
                   np.where(p >= rule.PROBABILITY_AT_RISK, rule.AT_RISK, rule.OFF_TRACK)).astype(object)
    out[~j.valid] = rule.NOT_ENOUGH_DATA
    out[~np.isfinite(j.threshold)] = rule.NO_TARGET
    return out


# ------------------------------------------------------------------------------------------- tables
def derive_tables(version: str) -> dict[str, pd.DataFrame]:
    """The forecast, path and verdict tables of a written version (it need not be the served one)."""
    return derive_from_warehouse(Warehouse(version, one_pass=True))


def derive_from_warehouse(wh: Warehouse) -> dict[str, pd.DataFrame]:
    """`derive_tables` on an open warehouse."""
    fc = KpiForecasts(wh)
    months = fc.months
    cat = wh.catalogue
    pools: dict[int, list[Located]] = {}
    for key in fc.keys():
        loc = fc.locate(*key)
        pools.setdefault(id(loc.fit), []).append(loc)
    verdicts, forecasts, paths = [], [], []
    for locs in pools.values():
        j = judge_pool(locs, cat, len(months))
        states = verdict_states(j)
        verdicts.append(_verdict_frame(j, states, months))
        forecasts.append(_forecast_frame(j, states, months))
        paths.append(_path_frame(j, months))
    present = set(fc.keys())
    missing = [(code, area) for code in cat.codes for area in fc.data.areas if (code, area) not in present]
    verdict_table = pd.concat(verdicts + [_no_data_frame(missing, months)], ignore_index=True)
    verdict_table["rule_version"] = RULE_VERSION
    verdict_table["derived_for"] = wh.version
    order = {a: i for i, a in enumerate(fc.data.areas)}
    forecast_table = pd.concat(forecasts, ignore_index=True)
    forecast_table["data_until"] = wh.data_until
    forecast_table["rule_version"] = RULE_VERSION
    forecast_table["derived_for"] = wh.version
    forecast_table = forecast_table.sort_values(["geo", "indicator"], key=lambda col: col.map(order) if col.name == "geo" else col)
    from indicators.official_forecast import official_forecasts

    return {FORECASTS_TABLE: forecast_table.reset_index(drop=True),
            PATHS_TABLE: pd.concat(paths, ignore_index=True),
            OFFICIAL_TABLE: official_forecasts(fc),
            VERDICTS_TABLE: verdict_table.sort_values(["area", "as_of", "indicator"], ignore_index=True)}


def _identity(j: Judged) -> tuple[np.ndarray, np.ndarray, JudgedSeries]:
    js = j.locs[0].series
    idx = np.array([loc.index for loc in j.locs])
    return js.indicator[idx], js.area[idx], js


def _target_columns(j: Judged) -> dict[str, np.ndarray]:
    t = j.targets
    return {"target_low": np.array([x.low if x else np.nan for x in t], dtype=float),
            "target_high": np.array([x.high if x else np.nan for x in t], dtype=float),
            "direction": np.array([x.direction if x else None for x in t], dtype=object),
            "target_inherited": np.array([bool(x.inherited) if x else False for x in t]),
            "target_source": np.array([x.source if x else None for x in t], dtype=object),
            "threshold": j.threshold}


def _verdict_frame(j: Judged, states: np.ndarray, months: pd.DatetimeIndex) -> pd.DataFrame:
    codes, areas, js = _identity(j)
    n, m = states.shape
    idx = np.array([loc.index for loc in j.locs])
    origin = period_start(js.periods, js.grain, np.where(j.valid, j.origin, -1).reshape(-1)).to_numpy()
    model = np.where(j.valid, j.locs[0].fit.model_name(np.arange(m))[None, :], None)
    frame = {"indicator": np.repeat(codes, m), "area": np.repeat(areas, m), "as_of": np.tile(months.to_numpy(), n),
             "verdict": states.reshape(-1), "probability": j.probability.reshape(-1),
             "expected": j.quantiles["q50"].reshape(-1), "lo80": j.quantiles["q10"].reshape(-1),
             "hi80": j.quantiles["q90"].reshape(-1), "lo95": j.quantiles["q025"].reshape(-1),
             "hi95": j.quantiles["q975"].reshape(-1), "judged": np.repeat(j.judged, m), "origin": origin,
             "model": model.reshape(-1), "status": np.repeat(js.status[idx], m), "source": np.repeat(js.source[idx], m)}
    frame.update({k: np.repeat(v, m) for k, v in _target_columns(j).items()})
    return pd.DataFrame(frame)


def _no_data_frame(missing: list[tuple[str, str]], months: pd.DatetimeIndex) -> pd.DataFrame:
    if not missing:
        return pd.DataFrame()
    codes, areas = zip(*missing)
    n = len(months)
    return pd.DataFrame({"indicator": np.repeat(codes, n), "area": np.repeat(areas, n),
                         "as_of": np.tile(months.to_numpy(), len(missing)), "verdict": rule.NO_DATA})


def _gaps(js: JudgedSeries, idx: np.ndarray) -> list[str]:
    """Missing periods inside each series (never bridged silently: listed on the model card)."""
    finite = np.isfinite(js.values[idx])
    t = np.arange(finite.shape[1])[None, :]
    first = np.where(finite.any(axis=1), finite.argmax(axis=1), finite.shape[1])[:, None]
    last = (finite.shape[1] - 1 - finite[:, ::-1].argmax(axis=1))[:, None]
    holes = ~finite & (t > first) & (t < last)
    fmt = {"month": lambda d: f"{d:%Y-%m}", "quarter": lambda d: f"{d.year}-Q{(d.month - 1) // 3 + 1}",
           "year": lambda d: f"{d.year}"}[js.grain]
    out = [""] * len(idx)
    for i in np.flatnonzero(holes.any(axis=1)):
        out[i] = ", ".join(fmt(d) for d in period_start(js.periods, js.grain, np.flatnonzero(holes[i])))
    return out


def _forecast_frame(j: Judged, states: np.ndarray, months: pd.DatetimeIndex) -> pd.DataFrame:
    """One row per series: the forecast shown now (calibrated at the last month) and its model card."""
    codes, areas, js = _identity(j)
    fit, rows = j.locs[0].fit, j.rows
    idx = np.array([loc.index for loc in j.locs])
    last = len(months) - 1
    o = j.origin[:, last]
    valid = j.valid[:, last]
    values = js.values[idx]
    finite = np.isfinite(values)
    last_value = np.where(o >= 0, values[np.arange(len(idx)), np.maximum(o, 0)], np.nan)
    lower = j.lower
    meets = np.where(lower, last_value < j.threshold, last_value >= j.threshold)
    meets_now = np.where(np.isfinite(j.threshold) & np.isfinite(last_value), meets, None)
    bt = fit.shown_backtest()
    points = bt["points"][rows].sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        mae = {name: np.nanmean(np.abs(fit.u[name][rows]), axis=(1, 2)) for name in fit.models}
    chosen = fit.model_at[last]
    model = fit.models[chosen]
    pool_points = bt["points"].sum()
    constant = np.array([np.ptp(v[np.isfinite(v)]) == 0 if np.isfinite(v).any() else True for v in fit.g[rows]])
    scorable = bool(np.isfinite(fit.relative_mae[:, last]).any())
    reason = np.where(constant, "constant", "beats_naive" if chosen != 0 else
                      ("no_better_than_naive" if scorable else "not_scorable"))
    frame = {
        "indicator": codes, "geo": areas, "grain": js.grain, "family": [loc.family for loc in j.locs],
        "pool": [loc.pool for loc in j.locs], "transform": [loc.transform for loc in j.locs],
        "basis": np.where(js.yearly_sum[idx], "annual_total", "level"), "judged": j.judged,
        "model": np.where(valid, model, fit.models[0]), "reason": reason,
        "baseline_kept": np.where(valid, model, fit.models[0]) == fit.models[0],
        "n_obs": np.where(o >= 0, fit.n_obs[rows, np.maximum(o, 0)], 0),
        "first_period": period_start(js.periods, js.grain, finite.argmax(axis=1)),
        "last_period": period_start(js.periods, js.grain, o), "last_value": last_value,
        "gaps": _gaps(js, idx),
        "value_2030": j.end_quantiles["q50"][:, last], "lo80": j.end_quantiles["q10"][:, last],
        "hi80": j.end_quantiles["q90"][:, last], "lo95": j.end_quantiles["q025"][:, last],
        "hi95": j.end_quantiles["q975"][:, last],
        "judged_expected": j.quantiles["q50"][:, last], "judged_lo80": j.quantiles["q10"][:, last],
        "judged_hi80": j.quantiles["q90"][:, last],
        "probability": j.probability[:, last], "verdict": states[:, last],
        "mase": mae[model], "mase_naive": mae[fit.models[0]],
        **{f"mase_{name}": mae.get(name, np.full(len(idx), np.nan)) for name in engine.MODELS},
        "coverage80": np.where(points > 0, bt["inside80"][rows].sum(axis=1) / np.maximum(points, 1), np.nan),
        "coverage95": np.where(points > 0, bt["inside95"][rows].sum(axis=1) / np.maximum(points, 1), np.nan),
        "backtest_points": points,
        "coverage80_pool": bt["inside80"].sum() / pool_points if pool_points else np.nan,
        "coverage95_pool": bt["inside95"].sum() / pool_points if pool_points else np.nan,
        "n_paths": len(engine.GRID), "widening": fit.multiplier[rows, last],
        "calibration_errors": int(fit.shape_errors[fit.shape_month[last]]) if fit.shape_month[last] >= 0 else 0,
        "status": js.status[idx], "source": js.source[idx],
        "crossing_year": _crossing_years(j, months, meets_now),
        "meets_now": pd.array(meets_now, dtype="boolean"),
    }
    frame.update(_target_columns(j))
    return pd.DataFrame(frame)


def _crossing_years(j: Judged, months: pd.DatetimeIndex, meets_now: np.ndarray) -> pd.array:
    """The first year whose year-end median meets the target (none if met already or not by 2030)."""
    fit, js, rows = j.locs[0].fit, j.locs[0].series, j.rows
    last = len(months) - 1
    o = np.maximum(j.origin[:, last], 0)
    out = np.full(len(rows), -1)
    for year in range(HORIZON_YEAR, months[-1].year - 1, -1):  # the last year written wins: the first one
        t = period_index(js.periods, js.grain, pd.Timestamp(year, 12, 1))
        h = t - o
        if (h <= 0).all():
            continue
        median = _natural(j.locs, fit, rows[:, None], o[:, None], np.maximum(h, 1)[:, None],
                          np.full((len(rows), 1), last), [0.5])[:, 0, 0]
        meets = np.where(j.lower, median < j.threshold, median >= j.threshold)
        out = np.where((h > 0) & meets, year, out)
    ok = np.isfinite(j.threshold) & j.valid[:, last] & (meets_now != True)  # noqa: E712 - object array
    return pd.array(np.where(ok & (out > 0), out, None), dtype="Int64")


def _path_frame(j: Judged, months: pd.DatetimeIndex) -> pd.DataFrame:
    """History (the judged series as observed) and the fan from the last origin to the end of 2030."""
    codes, areas, js = _identity(j)
    fit, rows = j.locs[0].fit, j.rows
    idx = np.array([loc.index for loc in j.locs])
    values = js.values[idx]
    s_idx, t_idx = np.nonzero(np.isfinite(values))
    history = pd.DataFrame({"indicator": codes[s_idx], "geo": areas[s_idx], "period": js.periods[t_idx],
                            "kind": "history", "value": values[s_idx, t_idx]})
    last = len(months) - 1
    end = period_index(js.periods, js.grain, pd.Timestamp(HORIZON_YEAR, 12, 1))
    o = j.origin[:, last]
    steps = np.where(j.valid[:, last], end - o, 0)
    series = np.repeat(np.arange(len(idx)), steps)
    if series.size == 0:
        return history
    h = np.concatenate([np.arange(1, k + 1) for k in steps if k > 0])
    origin = o[series]
    q = _natural([j.locs[i] for i in series], fit, rows[series], origin, h, np.full(h.shape, last), list(FAN.values()))
    future = pd.DataFrame({"indicator": codes[series], "geo": areas[series],
                           "period": period_start(js.periods, js.grain, origin + h), "kind": "forecast",
                           "value": q[:, 2], **{name: q[:, i] for i, name in enumerate(FAN)}})
    return pd.concat([history, future], ignore_index=True)


# ------------------------------------------------------------------------------------------- reading
@dataclass(frozen=True)
class Verdict:
    """The verdict of one KPI in one area as of one month, with the numbers behind it."""

    indicator: str
    area: str
    as_of: pd.Timestamp
    status: str
    probability: float | None = None
    expected: float | None = None
    lo80: float | None = None
    hi80: float | None = None
    judged: str | None = None
    threshold: float | None = None
    origin: pd.Timestamp | None = None
    model: str | None = None
    data_status: str | None = None
    source: str | None = None

    # the names today's pages read (`indicators.status.Assessment`)
    @property
    def projected_2030(self) -> float | None:
        return self.expected

    share_of_target = None
    basis = "forecast"

    def assessment(self) -> rule.Assessment:
        """The verdict as the scorecard's rows carry it (state, expected 2030 value, probability)."""
        return rule.Assessment(self.status, self.expected, None, self.probability)


_lock = threading.Lock()


@lru_cache(maxsize=4)
def version_tables(version: str) -> dict[str, pd.DataFrame]:
    """The derived tables of a version: stored ones when they were derived for it, else computed once here.

    Why the check: a publish builds a new version from the served one's tables, so a version published
    without the derive hook carries the previous version's tables, made from other data. Those are never
    read: the verdicts are derived again from this version's own data."""
    if stored(version):
        tables = read_manifest(version)["tables"]
        folder = version_path(version)
        return {name: pd.read_parquet(folder / tables[name]["file"]) for name in DERIVED_TABLES}
    with _lock:
        return derive_from_warehouse(open_warehouse(version))


def stored(version: str) -> bool:
    """Whether the version carries derived tables made from its own data (at publish time)."""
    tables = read_manifest(version)["tables"]
    if not all(name in tables for name in DERIVED_TABLES):
        return False
    import pyarrow.parquet as pq

    path = version_path(version) / tables[VERDICTS_TABLE]["file"]
    if "derived_for" not in pq.read_schema(path).names:
        return False
    stamp = pq.read_table(path, columns=["derived_for"]).column(0)
    return len(stamp) > 0 and stamp[0].as_py() == version


def derive_hook(version: str) -> dict[str, pd.DataFrame]:
    """The publish transaction's `derive` argument: the tables of the new (not yet served) version."""
    return derive_tables(version)


@lru_cache(maxsize=4)
def _index(version: str) -> tuple[dict[tuple[str, pd.Timestamp], pd.DataFrame], pd.Timestamp, pd.Timestamp]:
    table = version_tables(version)[VERDICTS_TABLE]
    table = table.assign(as_of=pd.to_datetime(table["as_of"]))
    groups = {key: part for key, part in table.groupby(["area", "as_of"], sort=False)}
    return groups, table["as_of"].min(), table["as_of"].max()


def _none(value):
    return None if value is None or (not isinstance(value, str) and pd.isna(value)) else value


def _verdict(rec: dict) -> Verdict:
    return Verdict(indicator=rec["indicator"], area=rec["area"], as_of=pd.Timestamp(rec["as_of"]), status=rec["verdict"],
                   probability=_none(rec.get("probability")), expected=_none(rec.get("expected")),
                   lo80=_none(rec.get("lo80")), hi80=_none(rec.get("hi80")), judged=_none(rec.get("judged")),
                   threshold=_none(rec.get("threshold")), origin=_none(rec.get("origin")), model=_none(rec.get("model")),
                   data_status=_none(rec.get("status")), source=_none(rec.get("source")))


def verdicts_for(version: str, area: str, as_of: pd.Timestamp, sectors: tuple[str, ...] | None = None
                 ) -> dict[str, Verdict]:
    """Every KPI's verdict in an area as of a month (a scorecard): the stored verdict, or with a sector
    filter NOT_APPLICABLE_SECTOR for the KPIs the filter applies to (the targets are whole-economy)."""
    groups, first, last = _index(version)
    when = pd.Timestamp(as_of).to_period("M").to_timestamp()
    part = groups.get((area, min(max(when, first), last)))
    catalogue = open_warehouse(version).catalogue if sectors else None
    out = {}
    if part is None:
        return out
    for rec in part.to_dict("records"):
        code = rec["indicator"]
        if sectors and catalogue.has_sector_breakdown(code):
            out[code] = Verdict(code, area, when, rule.NOT_APPLICABLE_SECTOR, data_status=_none(rec.get("status")),
                                source=_none(rec.get("source")))
        elif when < first:  # before the data: nothing to judge yet (a KPI without data or target stays so)
            state = rec["verdict"] if rec["verdict"] in (rule.NO_DATA, rule.NO_TARGET) else rule.NOT_ENOUGH_DATA
            out[code] = Verdict(code, area, when, state)
        else:
            out[code] = _verdict(rec)
    return out


def verdict_for(version: str, indicator: str, area: str, as_of: pd.Timestamp,
                sectors: tuple[str, ...] | None = None) -> Verdict:
    """One KPI's verdict in an area as of a month (NO_DATA when the version knows nothing of it)."""
    found = verdicts_for(version, area, as_of, sectors).get(indicator)
    return found or Verdict(indicator, area, pd.Timestamp(as_of), rule.NO_DATA)
