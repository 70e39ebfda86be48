"""The forecasting engine: simple models over many series at once, intervals calibrated on their own errors.

Why this shape: the verdict of every KPI in every area, for every month a user can look at, is computed
when data is published (a few seconds for ~3,000 series on two cores), and the intervals must mean what
they say. So:

- Scale. Each series is forecast on a scale that respects its bounds: logit for rates in % (no pile-up at
  0% or 100%), log for counts and money, as is for growth rates. All arithmetic below is on that scale.
- Models (MODEL_SPECS). Closed forms "last value + slope x weight(h)": naive, 3-year drift, 1-year drift,
  damped drift (the slope fading by DAMPING_PER_YEAR a year) and the mean of naive, drift and damped.
  Seasonal series (the sector page's monthly counts) get the seasonal naive, with or without last year's
  drift. Flows judged by their yearly totals are forecast as 12-month sums (what a seasonal naive does).
- Rolling-origin errors. Every origin with MIN_TRAIN periods is forecast at BACKTEST_HORIZONS and compared
  with the outcome; errors are divided by the series' yardstick (its mean absolute one-period change up to
  the origin, as in MASE). A known break (`break_months`) is not counted as an error.
- Pools (`PoolFit`). Similar series share a model, chosen at every month by the mean absolute error
  relative to naive, and a spread curve: sigma(h), the mean absolute scaled error per horizon (older errors
  counting less, HALF_LIFE_MONTHS), a power law beyond the horizons seen (BETA_RANGE). Each series keeps its
  yardstick and its own error factor (shrunk towards its pool, PSEUDO_ORIGINS).
- Shape (`calibrate_shapes`, per pool, drawn towards its group's). The empirical distribution of the
  errors of the forecasts as they were shown, each divided by the spread predicted for it then, with
  split-conformal's finite-sample correction for their effective number (`effective_size`): if past
  spreads proved too narrow, so are none now. A pool's own quantiles and its group's are averaged by
  their weight in errors (SHAPE_PRIOR_ERRORS for the group's). Calibrations are trusted after
  MIN_CHECKED periods of checked forecasts.
- Everything at a month uses only what was known by then, so the backtest of the intervals shown
  (`PoolFit.shown_backtest`) is honest, and an interval, a fan and the probability of meeting a target are
  read from one distribution: a verdict cannot disagree with its probability.
No Streamlit, no statsmodels: numpy only.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from indicators.series import PERIODS_PER_YEAR, forecast_grain
from store.catalogue import Catalogue

MIN_OBS = {"month": 24, "quarter": 8, "year": 5}
"""Observed periods a series needs before its forecast (and verdict) is shown."""
MIN_TRAIN = {"month": 12, "quarter": 6, "year": 3}
"""The shortest history a backtest origin may have."""
BACKTEST_HORIZONS = {"month": (1, 2, 3, 4, 6, 9, 12, 18, 24, 30, 36), "quarter": (1, 2, 3, 4, 6, 8, 10, 12),
                     "year": (1, 2, 3)}
"""Rolling-origin errors are measured at these horizons (periods ahead), up to three years."""
BACKTEST_HORIZON = {grain: max(hs) for grain, hs in BACKTEST_HORIZONS.items()}
SIGMA_TABLE = 160
"""Horizons (periods) the spread is tabulated for; further on the power law carries on."""
DAMPING_PER_YEAR = 0.8
MODEL_SPECS = {"naive": ("last value", None), "drift": ("3-year drift", 3), "drift1": ("1-year drift", 1),
               "damped": ("damped 3-year drift", 3), "mean": ("mean of naive, drift and damped", 3)}
"""Each model: what it is, and the window (years) of the average change it carries on."""
MODELS = tuple(MODEL_SPECS)
SEASONAL_MODELS = ("snaive", "sdrift")
BASELINE = "naive"
BETA_RANGE = (0.5, 1.25)
"""How the spread may grow with the horizon: between a random walk's sqrt(h) and slightly faster than a
wrongly estimated trend's h. With a single horizon seen, beta = 1 (the cautious end)."""
PSEUDO_ORIGINS = {"month": 48, "quarter": 16, "year": 4}
"""A series' own error ratio against its pool counts as its origins, the pool's as four years of origins:
errors from overlapping horizons of one series are worth few independent draws, and a noisy own ratio
would make identical series differ in width for no reason."""
MIN_CHECKED = {"month": 12, "quarter": 4, "year": 2}
"""Periods in which one-period-ahead forecasts were checked against outcomes before a calibration is
trusted (a year of months or quarters, two years): earlier, the pool's spreads are guesses, and neither
intervals nor verdicts are shown ("not enough data")."""
MIN_ERRORS_PER_HORIZON = 30
MIN_ERRORS_SHAPE = 40
MIN_EFFECTIVE_ERRORS = 10
"""A shape needs errors worth this many independent ones (`effective_size`): a single year of outcomes,
however many communes it covers, is one draw of the city's surprises."""
SINGLE_MIN_ERRORS = 12
"""A series forecast alone (`forecast_one`) calibrates from a year of checked origins per horizon."""
CLUSTER_MONTHS = 3
"""Errors of one pool that became known within the same quarter count as one cluster (they share the
same surprises)."""
HALF_LIFE_MONTHS = 12
"""Errors count half as much in calibrations a year after they became known (surprises change: the 2025
unemployment drop, the July 2025 boundary change)."""
SHAPE_PRIOR_ERRORS = 40
"""A pool's error shape is its own quantiles, counting as their effective number of errors, and its
group's, counting as this many (`calibrate_shapes`): about three years of a pool's quarterly surprises.
Measured (`benchmarks.forecast_eval`): 20 left the survey family's 95% intervals at 91.5%; 40 holds every
family within its targets."""
SHAPE_SAMPLE = 6000
"""At most this many standardised errors (an even stride) per pool estimate the shape."""
GRID = np.concatenate([[0.0025], np.round(np.arange(1, 200) * 0.005, 4), [0.9975]])
"""Probabilities at which the standardised error distribution is kept (0.25% .. 99.75%)."""
LOGIT_EPS = 5e-4
SCALE_FLOOR = 1e-3
"""The smallest yardstick (on the transformed scale): a constant series still gets a finite width."""


# ------------------------------------------------------------------------------------------ scales
def transform_kind(catalogue: Catalogue, code: str, values: np.ndarray) -> str:
    """'logit' for rates in % (when the data stay within 0-100), 'log' for non-negative counts and
    levels, 'identity' for growth rates and anything that goes negative."""
    ind = catalogue.get(code)
    observed = values[np.isfinite(values)]
    if ind.kind == "ratio" and ind.unit == "%" and (observed.size == 0 or (observed.min() >= 0 and observed.max() <= 100)):
        return "logit"
    if ind.kind in ("count", "ratio") and (observed.size == 0 or observed.min() >= 0):
        return "log"
    return "identity"


def forward(kind: str, values: np.ndarray) -> np.ndarray:
    values = np.asarray(values, dtype=float)
    if kind == "logit":
        p = np.clip(values / 100.0, LOGIT_EPS, 1 - LOGIT_EPS)
        return np.log(p / (1 - p))
    if kind == "log":
        return np.log1p(np.maximum(values, 0.0))
    return values


def inverse(kind: str, g: np.ndarray) -> np.ndarray:
    g = np.asarray(g, dtype=float)
    if kind == "logit":
        return 100.0 / (1.0 + np.exp(-np.clip(g, -50, 50)))
    if kind == "log":
        return np.expm1(np.minimum(g, 700))
    return g


def family(catalogue: Catalogue, code: str) -> str:
    """KPI family (pools of the city and groups, and the evaluation report's breakdown).

    admin_rates: monthly rates from administrative data (insurance, programme coverage);
    counts: monthly counts (flows as 12-month sums, and stocks); survey: quarterly survey KPIs;
    annual: yearly KPIs.
    """
    ind = catalogue.get(code)
    grain = forecast_grain(ind)
    if grain == "year":
        return "annual"
    if grain == "quarter":
        return "survey"
    return "counts" if ind.kind == "count" else "admin_rates"


# ------------------------------------------------------------------------------------------ helpers
def _next_finite(finite: np.ndarray) -> np.ndarray:
    """For each (series, t): the first index >= t with a finite value (T when none)."""
    s, t = finite.shape
    idx = np.where(finite, np.arange(t)[None, :], t)
    return np.minimum.accumulate(idx[:, ::-1], axis=1)[:, ::-1]


def last_finite(finite: np.ndarray) -> np.ndarray:
    """For each (series, t): the last index <= t with a finite value (-1 when none)."""
    t = finite.shape[1]
    idx = np.where(finite, np.arange(t)[None, :], -1)
    return np.maximum.accumulate(idx, axis=1)


def damped_weight(h: np.ndarray, grain: str) -> np.ndarray:
    phi = DAMPING_PER_YEAR ** (1.0 / PERIODS_PER_YEAR[grain])
    h = np.asarray(h, dtype=float)
    return phi * (1 - phi ** h) / (1 - phi)


def model_weight(model: str, h: np.ndarray, grain: str, season: int = 1) -> np.ndarray:
    """How many periods of slope a model adds h periods ahead."""
    h = np.asarray(h, dtype=float)
    if model in ("naive", "snaive"):
        return np.zeros_like(h)
    if model in ("drift", "drift1"):
        return h
    if model == "damped":
        return damped_weight(h, grain)
    if model == "mean":
        return (h + damped_weight(h, grain)) / 3.0
    if model == "sdrift":
        return season * np.ceil(h / season)
    raise KeyError(model)


# ------------------------------------------------------------------------------------------ pool fit
class PoolFit:
    """One pool of similar series on one grain: errors, model choice and calibration at every cutoff.

    `g` is (series, periods) on the transformed scale (NaN missing); `end_month[t]` is the index, on the
    month axis `months`, of the month at which period t is complete (so quarters and years share the
    monthly cutoffs of the verdicts).
    """

    def __init__(self, g: np.ndarray, end_month: np.ndarray, months: pd.DatetimeIndex, grain: str,
                 season: int = 1, min_errors: int = MIN_ERRORS_PER_HORIZON,
                 break_months: tuple[int, int] | None = None) -> None:
        self.g = np.asarray(g, dtype=float)
        self.min_errors = min_errors
        self.break_months = break_months
        """(first, last) month index of a known break: forecasts made before `last` of outcomes from
        `first` on are neither checked nor used for calibration (`kpi_forecasts.BOUNDARY_CHANGE`)."""
        self.grain, self.season = grain, season
        self.end_month = np.asarray(end_month, dtype=int)
        self.months = months
        self.n_months = len(months)
        self.models = SEASONAL_MODELS if season > 1 else MODELS
        n, t = self.g.shape
        self.n_series, self.n_periods = n, t
        self.finite = np.isfinite(self.g)
        self.n_obs = np.cumsum(self.finite, axis=1)
        self.horizons = np.array(BACKTEST_HORIZONS[grain])
        self._scale()
        self._slopes()
        self._errors()
        self._choose()
        self._spread()
        self._own_errors()
        self._flat: tuple[np.ndarray, np.ndarray] | None = None
        self.shape = np.full((self.n_months, len(GRID)), np.nan)
        self.shape_month = np.full(self.n_months, -1)
        self.shape_errors = np.zeros(self.n_months, dtype=int)
        self.calibrated = np.zeros(self.n_months, dtype=bool)

    # -- per origin: yardstick and slopes ---------------------------------------------------------
    def _scale(self) -> None:
        step = np.abs(np.diff(self.g, axis=1))
        ok = np.isfinite(step)
        sums = np.concatenate([np.zeros((self.n_series, 1)), np.cumsum(np.where(ok, step, 0), axis=1)], axis=1)
        counts = np.concatenate([np.zeros((self.n_series, 1)), np.cumsum(ok, axis=1)], axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            scale = sums / counts
        self.scale = np.where(counts >= 2, np.maximum(scale, SCALE_FLOOR), np.nan)

    def _slopes(self) -> None:
        """Per origin, the average change per period over each window the models use."""
        n, t = self.g.shape
        cols = np.arange(t)
        self.slopes: dict[int, np.ndarray] = {}
        if self.season > 1:
            s = self.season
            yoy = np.full_like(self.g, np.nan)
            yoy[:, s:] = self.g[:, s:] - self.g[:, :-s]
            ok = np.isfinite(yoy)
            sums = np.cumsum(np.where(ok, yoy, 0), axis=1)
            counts = np.cumsum(ok, axis=1)
            prev_s = np.concatenate([np.zeros((n, s)), sums[:, :-s]], axis=1)
            prev_c = np.concatenate([np.zeros((n, s)), counts[:, :-s]], axis=1)
            with np.errstate(invalid="ignore", divide="ignore"):
                slope = (sums - prev_s) / (counts - prev_c) / s  # last year's year-on-year change, per period
            self.slopes[0] = np.where((counts - prev_c) == s, slope, np.nan)
            return
        first_after = _next_finite(self.finite)
        rows = np.arange(n)[:, None]
        for years in sorted({w for _, w in MODEL_SPECS.values() if w}):
            start = np.maximum(cols - years * PERIODS_PER_YEAR[self.grain], 0)
            first = first_after[:, start]  # the first observation in the window
            span = cols[None, :] - first
            with np.errstate(invalid="ignore", divide="ignore"):
                slope = (self.g - self.g[rows, np.minimum(first, t - 1)]) / span
            self.slopes[years] = np.where((span > 0) & self.finite, slope, 0.0)

    def base(self, series: np.ndarray, origin: np.ndarray, h: np.ndarray) -> np.ndarray:
        """The model-free part of a forecast: the last value (the same month a year earlier if seasonal)."""
        if self.season > 1:
            back = origin + h - self.season * np.ceil(h / self.season).astype(int)
            return self.g[series, np.clip(back, 0, self.n_periods - 1)]
        return self.g[series, origin]

    def point(self, model: str, series, origin, h) -> np.ndarray:
        """The transformed point forecast of `model` (arrays broadcast together)."""
        years = 0 if self.season > 1 else MODEL_SPECS[model][1]
        base = self.base(series, origin, h)
        if years is None:
            return base + 0.0 * np.asarray(h)
        return base + self.slopes[years][series, origin] * model_weight(model, h, self.grain, self.season)

    # -- rolling-origin errors -------------------------------------------------------------------
    def _errors(self) -> None:
        n, t = self.g.shape
        series = np.arange(n)[:, None, None]
        origin = np.arange(t)[None, :, None]
        h = self.horizons[None, None, :]
        target = origin + h
        inside = target < t
        tgt = np.minimum(target, t - 1)
        valid = (self.finite[:, :, None] & (self.n_obs >= MIN_TRAIN[self.grain])[:, :, None]
                 & np.isfinite(self.scale)[:, :, None] & inside & self.finite[series, tgt])
        if self.season > 1:
            valid &= np.isfinite(self.slopes[0])[:, :, None]
        if self.break_months is not None:  # forecasts across a known break in the series are not errors
            first, last = self.break_months
            made_before = self.end_month[:, None] < last
            lands_after = self.end_month[tgt[0]] >= first
            valid &= ~(made_before & lands_after)[None, :, :]
        actual = self.g[series, tgt]
        self.u = {}
        for model in self.models:
            with np.errstate(invalid="ignore"):
                err = (actual - self.point(model, series, origin, h)) / self.scale[:, :, None]
            self.u[model] = np.where(valid, err, np.nan)
        self.valid = valid
        # the month at which each error became known (n_months: not within this data)
        self.completed = np.where(inside[0], self.end_month[tgt[0]], self.n_months)  # (t, h)

    def _cumulative(self, values: np.ndarray, by_series: bool) -> tuple[np.ndarray, np.ndarray]:
        """(weighted sums / weighted counts = the forgetting mean, raw counts) by [series,] h and month."""
        sums, weights, counts = self._accumulated(values, by_series)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(weights > 0, sums / weights * counts, 0.0), counts

    def _accumulated(self, values: np.ndarray, by_series: bool, forget: bool = True
                     ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Sums (forgetting older months, `_forget`, unless `forget` is False), their weights and raw counts."""
        """Sums and counts of `values` (series, origin, h) by [series,] h and completion month, cumulated over
        the months: entry [..., c] covers every error known by month c."""
        n, t, hh = values.shape
        ok = np.isfinite(values)
        m = self.n_months + 1
        month = np.broadcast_to(self.completed[None, :, :], values.shape)[ok]
        hidx = np.broadcast_to(np.arange(hh)[None, None, :], values.shape)[ok]
        if by_series:
            sidx = np.broadcast_to(np.arange(n)[:, None, None], values.shape)[ok]
            key, shape = (sidx * hh + hidx) * m + month, (n, hh, m)
        else:
            key, shape = hidx * m + month, (hh, m)
        size = int(np.prod(shape))
        sums = np.bincount(key, weights=values[ok], minlength=size).reshape(shape)
        counts = np.bincount(key, minlength=size).reshape(shape)
        running = _forget if forget else (lambda x: np.cumsum(x, axis=-1))
        return running(sums)[..., :-1], running(counts.astype(float))[..., :-1], np.cumsum(counts, axis=-1)[..., :-1]

    def _choose(self) -> None:
        """At each month, the model with the lowest mean absolute error relative to naive (averaged over
        the horizons with enough errors); naive when nothing can be scored yet."""
        self.abs_u = {m: np.abs(self.u[m]) for m in self.models}
        self.pool_mae = {}
        for m in self.models:
            sums, counts = self._cumulative(self.abs_u[m], by_series=False)
            with np.errstate(invalid="ignore", divide="ignore"):
                self.pool_mae[m] = (sums / counts, counts)
        base_mae, base_cnt = self.pool_mae[self.models[0]]
        enough = base_cnt >= self.min_errors
        rel = []
        for m in self.models:
            ratio = np.where(enough, self.pool_mae[m][0] / np.where(base_mae > 0, base_mae, np.nan), np.nan)
            ok = np.isfinite(ratio).sum(axis=0)
            rel.append(np.where(ok > 0, np.nansum(ratio, axis=0) / np.maximum(ok, 1), np.inf))
        rel = np.stack(rel)
        rel[0] = np.where(np.isfinite(rel[0]), rel[0], 1.0)
        self.relative_mae = rel
        self.model_at = np.argmin(rel, axis=0)

    def _spread(self) -> None:
        """sigma(h) at every month for the model chosen then, as a table over h = 1 .. SIGMA_TABLE."""
        n_m, hs = self.n_months, self.horizons
        mae = np.empty((len(hs), n_m))
        cnt = np.empty((len(hs), n_m))
        for k, model in enumerate(self.models):
            sel = self.model_at == k
            mae[:, sel] = self.pool_mae[model][0][:, sel]
            cnt[:, sel] = self.pool_mae[model][1][:, sel]
        use = (cnt >= self.min_errors) & np.isfinite(mae) & (mae > 0)
        # a calibration is trusted once forecasts have been checked against outcomes in MIN_CHECKED periods
        first = self.u[self.models[0]][:, :, 0]
        done = np.unique(self.completed[:, 0][np.isfinite(first).any(axis=0)])
        checked = np.searchsorted(done, np.arange(n_m), side="right")
        self.sigma_ok = use.any(axis=0) & (checked >= MIN_CHECKED[self.grain])
        table = np.full((n_m, SIGMA_TABLE + 1), np.nan)
        self.beta = np.ones(n_m)
        grid = np.arange(1, SIGMA_TABLE + 1, dtype=float)
        for c in np.flatnonzero(self.sigma_ok):
            h_ok = hs[use[:, c]].astype(float)
            v_ok = np.maximum.accumulate(mae[use[:, c], c])  # errors do not shrink with the horizon
            x, y = np.log(h_ok), np.log(v_ok)
            tail = h_ok >= h_ok.max() / 3
            beta = 1.0
            if tail.sum() >= 2 and np.ptp(x[tail]) > 0:
                xt, yt = x[tail] - x[tail].mean(), y[tail] - y[tail].mean()
                beta = float(np.clip((xt * yt).sum() / (xt * xt).sum(), *BETA_RANGE))
            self.beta[c] = beta
            lg = np.log(grid)
            inner = np.interp(lg, x, y)
            inner = np.where(lg > x[-1], y[-1] + beta * (lg - x[-1]), inner)
            inner = np.where(lg < x[0], y[0] + beta * (lg - x[0]), inner)
            table[c, 1:] = np.exp(inner)
        self.sigma_table = table

    def sigma(self, h, month) -> np.ndarray:
        """The pool's spread at horizon h for the calibration of `month` (arrays broadcast); beyond the
        table, the last fitted power law carries on."""
        h = np.asarray(h)
        month = np.asarray(month)
        inside = np.minimum(h, SIGMA_TABLE)
        base = self.sigma_table[month, inside]
        return base * (np.maximum(h, 1) / inside) ** self.beta[month]

    def _own_errors(self) -> None:
        """Each series' errors against its pool's spread over its whole history (a series' character, unlike
        the pool's surprises, does not age), shrunk towards 1 by PSEUDO_ORIGINS."""
        n_m = self.n_months
        ratio_sum = np.zeros((self.n_series, n_m))
        ratio_cnt = np.zeros((self.n_series, n_m))
        origins = np.zeros((self.n_series, n_m))
        for k, model in enumerate(self.models):
            sel = np.flatnonzero((self.model_at == k) & self.sigma_ok)
            if sel.size == 0:
                continue
            sums, _, counts = self._accumulated(self.abs_u[model], by_series=True, forget=False)  # (series, h, month)
            sig = self.sigma(self.horizons[:, None], sel[None, :])  # (h, months)
            ratio_sum[:, sel] = (sums[:, :, sel] / sig[None, :, :]).sum(axis=1)
            ratio_cnt[:, sel] = counts[:, :, sel].sum(axis=1)
            origins[:, sel] = counts[:, 0, sel]
        k0 = PSEUDO_ORIGINS[self.grain]
        with np.errstate(invalid="ignore", divide="ignore"):
            own = np.where(ratio_cnt > 0, ratio_sum / ratio_cnt, 1.0)
        self.multiplier = (origins * own + k0) / (origins + k0)
        self.own_origins = origins

    def standardised_errors(self, month: int, limit: int) -> tuple[np.ndarray, np.ndarray]:
        """Errors known by `month` of the forecasts as they were made (the model chosen at their origin),
        each divided by the spread predicted for it at its origin; at most about `limit` of them (an even
        stride), and the month each became known in.

        Dividing by the spread predicted at the time, not one fitted afterwards, is what keeps the
        intervals honest: where past spreads proved too narrow (a trend that bent, a horizon that had to be
        extrapolated), these errors are larger, and so are the quantiles taken from them.
        """
        if self._flat is None:
            cut = self.end_month
            model = self.model_at[cut]
            u = np.full(self.u[self.models[0]].shape, np.nan)
            for k, name in enumerate(self.models):
                u = np.where((model == k)[None, :, None], self.u[name], u)
            ok = np.isfinite(u) & self.sigma_ok[cut][None, :, None]
            s_idx, o_idx, h_idx = np.nonzero(ok)
            c_o = cut[o_idx]
            z = u[s_idx, o_idx, h_idx] / (self.sigma(self.horizons[h_idx], c_o) * self.multiplier[s_idx, c_o])
            done = self.completed[o_idx, h_idx]
            order = np.argsort(done, kind="stable")
            self._flat = (done[order], z[order])
        done, z = self._flat
        count = int(np.searchsorted(done, month, side="right"))
        pick = np.arange(0, count, max(1, math.ceil(count / max(limit, 1))))
        return z[pick], done[pick]

    def shown_backtest(self) -> dict[str, np.ndarray]:
        """The rolling-origin backtest of the intervals as they are shown: at every origin with at least
        MIN_OBS periods and a calibration, the interval calibrated with what was known then, against what
        happened. Per (series, horizon): points, inside the 80% and 95% intervals, the interval scores
        (scaled by the yardstick, as MSIS) and the absolute scaled errors of the forecast and of naive.
        """
        n, t, hh = self.u[self.models[0]].shape
        cut = np.broadcast_to(self.end_month[None, :, None], (n, t, hh))
        h = np.broadcast_to(self.horizons[None, None, :], (n, t, hh))
        rows = np.broadcast_to(np.arange(n)[:, None, None], (n, t, hh))
        u = np.full((n, t, hh), np.nan)
        for k, name in enumerate(self.models):
            u = np.where(self.model_at[cut] == k, self.u[name], u)
        shown = (np.isfinite(u) & (self.n_obs >= MIN_OBS[self.grain])[:, :, None] & self.calibrated[cut])
        width = self.multiplier[rows, cut] * self.sigma(h, cut)
        out = {"points": shown.sum(axis=1), "shown_origins": shown.any(axis=2)}
        for level, (lo_p, hi_p) in {"80": (0.1, 0.9), "95": (0.025, 0.975)}.items():
            lo = width * self.z_quantile(0, self.end_month, lo_p)[None, :, None]
            hi = width * self.z_quantile(0, self.end_month, hi_p)[None, :, None]
            inside = (u >= lo) & (u <= hi)
            alpha = 2 * lo_p
            score = (hi - lo) + 2 / alpha * (np.maximum(lo - u, 0) + np.maximum(u - hi, 0))
            out[f"inside{level}"] = np.where(shown, inside, False).sum(axis=1)
            out[f"score{level}"] = np.where(shown, score, 0.0).sum(axis=1)
        out["abs_error"] = np.where(shown, np.abs(u), 0.0).sum(axis=1)
        out["abs_error_naive"] = np.where(shown, np.abs(self.u[self.models[0]]), 0.0).sum(axis=1)
        return out

    # -- reading the calibrated distribution ---------------------------------------------------------
    def model_name(self, month) -> np.ndarray:
        return np.asarray(self.models, dtype=object)[self.model_at[np.asarray(month)]]

    def center(self, series, origin, h, month) -> np.ndarray:
        """The chosen model's transformed point forecast, for the calibration of `month`."""
        series, origin, h, month = np.broadcast_arrays(series, origin, h, month)
        out = np.empty(series.shape)
        for k, model in enumerate(self.models):
            sel = self.model_at[month] == k
            if sel.any():
                out[sel] = self.point(model, series[sel], origin[sel], h[sel])
        return out

    def spread(self, series, origin, h, month) -> np.ndarray:
        return self.scale[series, origin] * self.multiplier[series, month] * self.sigma(h, month)

    def z_quantile(self, h, month, p: float) -> np.ndarray:
        """The standardised error quantile p at horizon h for the calibration of each month (one shape for
        every horizon: `h` only broadcasts)."""
        by_month = interp_rows(p, self.shape)[self.shape_month]
        h, month = np.broadcast_arrays(np.asarray(h), np.asarray(month))
        return np.where(self.shape_month[month] >= 0, by_month[month], np.nan)

    def quantile(self, series, origin, h, month, p: float) -> np.ndarray:
        """The transformed quantile p of the forecast (arrays broadcast together)."""
        return (self.center(series, origin, h, month)
                + self.spread(series, origin, h, month) * self.z_quantile(h, month, p))

    def cdf(self, z, h, month) -> np.ndarray:
        """P(standardised error <= z) at horizon h for the calibration of each month (0 and 1 beyond the grid)."""
        z, h, month = np.broadcast_arrays(np.asarray(z, dtype=float), np.asarray(h), np.asarray(month))
        out = np.full(z.shape, np.nan)
        shape_at = self.shape_month[month]
        for c in np.unique(shape_at[shape_at >= 0]):
            sel = shape_at == c
            out[sel] = np.interp(z[sel], self.shape[c], GRID, left=0.0, right=1.0)
        return out


def calibrate_shapes(pools: list[PoolFit], min_errors: int = MIN_ERRORS_SHAPE) -> None:
    """The shape of the standardised errors of each pool, drawn towards the shape of its group (similar
    pools, one level): at each quarter's last month and at the last month, from the errors known by then.

    Why a group: errors of one KPI across communes move together (they share the city's surprises), so a
    single pool has about as many independent errors as months; the group has several times more, and
    its tails are the ones to expect. Why each pool's own as well: KPIs differ in the shape of their
    errors, not just in their spread (a few large misses against many small ones, or uniform misses), so
    one shared shape held 100% for some KPIs and 60% for others. A pool's own quantiles count as their
    effective number of errors, the group's as SHAPE_PRIOR_ERRORS: empirical-Bayes shrinkage that leaves
    a young pool on the group's shape and gives a pool with years of errors mostly its own.
    """
    if not pools:
        return
    months = pools[0].months
    n_m = len(months)
    calendar = months.month.to_numpy()
    shape = np.full((len(pools), n_m, len(GRID)), np.nan)
    shape_month = np.full(n_m, -1)
    errors = np.zeros(n_m, dtype=int)
    last = -1
    for c in range(n_m):
        if calendar[c] % 3 == 0 or c == n_m - 1:
            ready = [k for k, p in enumerate(pools) if p.sigma_ok[c]]
            if ready:
                parts = [pools[k].standardised_errors(c, SHAPE_SAMPLE // len(ready) + 1) for k in ready]
                z = np.concatenate([zp for zp, _ in parts])
                done = np.concatenate([mp for _, mp in parts])
                owner = np.concatenate([np.full(len(zp), k) for k, (zp, _) in zip(ready, parts)])
                cluster = owner * (n_m + 1) + done // CLUSTER_MONTHS
                weights = 0.5 ** ((c - done) / HALF_LIFE_MONTHS)
                group = _shape_row(z, weights, cluster, min_errors)
                if group is not None:
                    for k in range(len(pools)):
                        mine = owner == k
                        own = _shape_row(z[mine], weights[mine], cluster[mine], min_errors) if len(pools) > 1 else None
                        share = 0.0 if own is None else own[1] / (own[1] + SHAPE_PRIOR_ERRORS)
                        shape[k, c] = group[0] if own is None else share * own[0] + (1 - share) * group[0]
                    errors[c] = z.size
                    last = c
        shape_month[c] = last
    for k, p in enumerate(pools):
        p.shape, p.shape_month, p.shape_errors = shape[k], shape_month, errors
        p.calibrated = p.sigma_ok & (shape_month >= 0)


def _shape_row(z: np.ndarray, weights: np.ndarray, cluster: np.ndarray, min_errors: int
               ) -> tuple[np.ndarray, float] | None:
    """The conformal quantiles at GRID of weighted standardised errors and their effective number
    (`effective_size`), or None when there are fewer than `min_errors` or they are worth fewer than
    MIN_EFFECTIVE_ERRORS independent ones."""
    if z.size < min_errors:
        return None
    n_eff = effective_size(z, cluster)
    if n_eff < MIN_EFFECTIVE_ERRORS:
        return None
    return weighted_quantile(z, weights, conformal_levels(GRID, n_eff)), n_eff


def effective_size(z: np.ndarray, cluster: np.ndarray) -> float:
    """How many independent errors `z` are worth, errors of one cluster (a pool's month) moving together:
    n / (1 + (m - 1) rho), the survey design effect, with m the mean cluster size and rho the share of
    the variance that lies between clusters."""
    n = z.size
    if n < 2:
        return float(n)
    _, inverse_idx, sizes = np.unique(cluster, return_inverse=True, return_counts=True)
    k = len(sizes)
    if k < 2 or k == n:
        return float(n if k == n else 1)
    means = np.bincount(inverse_idx, weights=z) / sizes
    msb = float(np.sum(sizes * (means - z.mean()) ** 2) / (k - 1))
    msw = float(np.sum((z - means[inverse_idx]) ** 2) / (n - k))
    m = n / k
    rho = (msb - msw) / (msb + (m - 1) * msw) if msb + (m - 1) * msw > 0 else 1.0
    rho = min(max(rho, 0.0), 1.0)  # the one-way ANOVA estimate of the intra-cluster correlation
    return n / (1 + (m - 1) * rho)


def _forget(values: np.ndarray) -> np.ndarray:
    """Running sums over the last axis (months) in which older months count less: halved every
    HALF_LIFE_MONTHS, so that a calibration follows the data's present, not its whole past."""
    steps = np.arange(values.shape[-1]) / HALF_LIFE_MONTHS
    # sum_j x_j 2^-(c - j)/H = 2^-c/H * cumsum(x_j 2^j/H): exact, and within range for decades of months
    return np.cumsum(values * 2.0 ** steps, axis=-1) * 2.0 ** -steps


def weighted_quantile(values: np.ndarray, weights: np.ndarray, levels: np.ndarray) -> np.ndarray:
    """Quantiles of weighted values (the weights' cumulative share, midpoints, interpolated)."""
    order = np.argsort(values, kind="stable")
    v, w = values[order], weights[order]
    cum = (np.cumsum(w) - 0.5 * w) / w.sum()
    return np.interp(levels, cum, v)


def conformal_levels(p: np.ndarray, n: float) -> np.ndarray:
    """The empirical quantile levels that give intervals at levels `p` from `n` independent errors.

    Split-conformal's finite-sample correction (a central interval of mass 1 - 2t needs the scores'
    quantile at (1 - t)(1 + 1/n)), tapered to nothing at the median so the levels stay one distribution,
    with n the effective number of errors (`effective_size`).
    """
    p = np.asarray(p, dtype=float)
    tail = np.minimum(p, 1 - p)
    # (1 - 2t) keeps the median where it is and the map monotone; in the tails it is the conformal term
    adjusted = np.maximum(tail - (1 - tail) * (1 - 2 * tail) / n, 0.0)
    return np.where(p < 0.5, adjusted, 1 - adjusted)


def interp_rows(p: float, rows: np.ndarray) -> np.ndarray:
    """Quantile p read off each row of grid quantiles (linear between grid points)."""
    j = int(np.searchsorted(GRID, p))
    if j <= 0:
        return rows[..., 0]
    if j >= len(GRID):
        return rows[..., -1]
    w = (p - GRID[j - 1]) / (GRID[j] - GRID[j - 1])
    return rows[..., j - 1] * (1 - w) + rows[..., j] * w


# ------------------------------------------------------------------------------------------ one series
QUANTILES = {"q025": 0.025, "q10": 0.10, "q50": 0.50, "q90": 0.90, "q975": 0.975}


@dataclass(frozen=True)
class OneForecast:
    """The next periods of a single series, calibrated on its own rolling-origin errors."""

    model: str
    reason: str
    mase: float
    mase_naive: float
    fan: np.ndarray
    """(horizon, 5) natural-unit quantiles, columns as QUANTILES."""


def forecast_one(values: np.ndarray, grain: str, horizon: int, season: int = 1, kind: str = "log"
                 ) -> OneForecast | None:
    """Forecast one regular series `horizon` periods ahead (the sector page's monthly counts): a pool of
    one, so its own errors are all its calibration. None when it is too short to calibrate."""
    values = np.asarray(values, dtype=float)
    if len(values) < MIN_OBS[grain] or not np.isfinite(values).all():
        return None
    step = {"month": 1, "quarter": 3, "year": 12}[grain]
    months = pd.date_range("2000-01-01", periods=len(values) * step, freq="MS")
    fit = PoolFit(forward(kind, values)[None, :], np.arange(len(values)) * step + step - 1, months, grain, season,
                  min_errors=SINGLE_MIN_ERRORS)
    calibrate_shapes([fit], min_errors=2 * SINGLE_MIN_ERRORS)
    last = len(months) - 1
    if not fit.calibrated[last]:
        return None
    o, h = len(values) - 1, np.arange(1, horizon + 1)
    fan = np.stack([inverse(kind, fit.quantile(0, o, h, last, p)) for p in QUANTILES.values()], axis=-1)
    mae = {m: float(np.nanmean(np.abs(fit.u[m]))) for m in fit.models}
    model = fit.models[fit.model_at[last]]
    constant = np.ptp(values) == 0
    reason = "constant" if constant else "beats_naive" if model != fit.models[0] else "no_better_than_naive"
    return OneForecast(model, reason, mae[model], mae[fit.models[0]], fan)
