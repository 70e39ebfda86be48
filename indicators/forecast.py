"""2030 forecasts of a KPI in one area: candidate models chosen by backtest, simulated future paths.

Why: "will we reach the 2030 target?" needs a probability, not the end of a ruler line. Each series is
forecast by the model that predicted it best in the past, and the uncertainty comes from simulating that
model's future paths, so the probability, the fan chart and the status all say the same thing.

The series (the catalogue decides):
- rates, levels and stocks: the KPI per period: city series at the catalogue frequency (monthly,
  quarterly or yearly), commune series per quarter (per year for yearly KPIs); judged by the value of
  the last period of 2030 against the 2030 threshold or band;
- flow counts with a per-year target (new jobs, trainees): the KPI per period, with a seasonal model;
  judged by the 2030 calendar-year total (the 12-month rolling sum at December 2030) against the
  per-year target. The fan chart shows that rolling sum.
The candidates (statsmodels where it fits; the simulations are written out from the fitted parameters):
- naive: random walk with drift (seasonal random walk with drift for flows) — the baseline;
- ets: Holt-Winters exponential smoothing, additive trend (+ additive season for flows);
- arima: ARIMA(1,1,0) with drift (ARIMA(1,0,0)(0,1,0)m with drift for flows);
- theta: the Theta method (simple exponential smoothing with half the linear drift).
Rolling-origin backtest: the last `n_origins` blocks of `horizon` periods (12 months, 4 quarters or 1
year) are forecast from the data before them (the batch uses 3 blocks for the city, 2 for communes); errors are scaled by the in-sample error of the naive forecast (MASE). The candidate with
the lowest MASE wins only if it beats the naive baseline; otherwise the baseline is kept and says so.
Paths carry the uncertainty of the fitted slope, and are widened when the backtest errors were larger
than the model's own spread (never narrowed), so that an 80% interval holds about 80% of outcomes.
No Streamlit here: the batch (`service/forecast_batch.py`) runs this when data is published.
"""
from __future__ import annotations

import math
import warnings
import zlib
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from store.catalogue import Catalogue, Indicator
from indicators.queries import Scope, kpi_frame
from indicators.targets import CITY, Target
from indicators.warehouse import Warehouse

HORIZON_YEAR = 2030
PERIODS_PER_YEAR = {"month": 12, "quarter": 4, "year": 1}
FREQ = {"month": "MS", "quarter": "QS", "year": "YS"}
MIN_OBS = {"month": 24, "quarter": 12, "year": 5}
"""Fewer complete periods than this: no forecast (the trend rule decides the status)."""
BACKTEST_HORIZON = {"month": 12, "quarter": 4, "year": 1}
BACKTEST_ORIGINS = 3
MIN_TRAIN = {"month": 12, "quarter": 8, "year": 4}
"""The shortest history a backtest origin may leave for fitting."""
BACKTEST_PATHS = 200
QUANTILES = {"q025": 0.025, "q10": 0.10, "q50": 0.50, "q90": 0.90, "q975": 0.975}
BASELINE = "naive"
MAX_WIDENING = 3.0
CANDIDATES = ("ets", "arima", "theta")
MODELS = (BASELINE, *CANDIDATES)


@dataclass(frozen=True)
class SeriesSpec:
    """What is forecast: one KPI in one area at one grain, and how it is judged in 2030."""

    indicator: str
    geo: str
    grain: str
    season: int
    """Periods per seasonal cycle; 1 = no seasonal model."""
    basis: str
    """"level": the value at the end of 2030; "annual_total": the 2030 calendar-year total."""
    lower: float | None = 0.0
    upper: float | None = None

    @property
    def per_year(self) -> int:
        return PERIODS_PER_YEAR[self.grain]


def series_grain(ind: Indicator, geo: str) -> str:
    """The grain a KPI is forecast at: yearly KPIs per year, communes per quarter, the city as published."""
    if ind.frequency == "annual":
        return "year"
    if geo != CITY or ind.frequency == "quarterly":
        return "quarter"
    return "month"


def spec_for(catalogue: Catalogue, code: str, geo: str, grain: str | None = None) -> SeriesSpec:
    """The forecast specification of a catalogue KPI in an area."""
    ind = catalogue.get(code)
    grain = grain or series_grain(ind, geo)
    flow = ind.kind == "count" and not catalogue.is_stock(code)
    per_year = PERIODS_PER_YEAR[grain]
    return SeriesSpec(
        indicator=code, geo=geo, grain=grain, season=per_year if flow and per_year > 1 else 1,
        basis="annual_total" if flow else "level", lower=None if ind.kind == "growth" else 0.0,
        upper=100.0 if ind.unit == "%" else None,
    )


# --------------------------------------------------------------------------------------------- models
def slope_se(y: np.ndarray, season: int) -> float:
    """Standard error of a series' average change per period (from its seasonal differences).

    Added to the paths of the trend models: a fitted slope is an estimate, and over five years its
    error matters as much as the period-to-period noise.
    """
    s = season if len(y) >= 2 * season + 1 else 1
    diffs = y[s:] - y[:-s]
    if len(diffs) < 2:
        return 0.0
    return float(diffs.std(ddof=1) / math.sqrt(len(diffs)) / s)


class Fitted:
    """A model fitted to a series: a point forecast and simulated future paths (n paths x h steps)."""

    name = "?"

    def forecast(self, h: int) -> np.ndarray:  # pragma: no cover - interface
        raise NotImplementedError

    def simulate(self, h: int, n: int, rng: np.random.Generator) -> np.ndarray:  # pragma: no cover
        raise NotImplementedError


class _Naive(Fitted):
    """Random walk with drift, by season: y[t] = y[t-s] + drift + e. Drift uncertainty is simulated too."""

    name = "naive"

    def __init__(self, y: np.ndarray, season: int) -> None:
        s = season if len(y) >= 2 * season + 1 else 1
        diffs = y[s:] - y[:-s]
        self.y, self.s = y, s
        self.drift = float(diffs.mean()) if len(diffs) else 0.0
        self.sigma = float(diffs.std(ddof=1)) if len(diffs) > 1 else 0.0
        self.drift_se = self.sigma / math.sqrt(len(diffs)) if len(diffs) else 0.0

    def _run(self, h: int, drift: np.ndarray, errors: np.ndarray) -> np.ndarray:
        n = errors.shape[0]
        out = np.empty((n, h))
        tail = np.tile(self.y[-self.s:], (n, 1))
        for k in range(h):
            prev = tail[:, k] if k < self.s else out[:, k - self.s]
            out[:, k] = prev + drift + errors[:, k]
        return out

    def forecast(self, h: int) -> np.ndarray:
        return self._run(h, np.array([self.drift]), np.zeros((1, h)))[0]

    def simulate(self, h: int, n: int, rng: np.random.Generator) -> np.ndarray:
        drift = rng.normal(self.drift, self.drift_se, n) if self.drift_se > 0 else np.full(n, self.drift)
        return self._run(h, drift, rng.normal(0.0, self.sigma, (n, h)) if self.sigma > 0 else np.zeros((n, h)))


class _Ets(Fitted):
    """Holt-Winters exponential smoothing (statsmodels): additive trend, additive season if any.

    Not damped: to 2030, a damped trend forgets the drift that the KPIs do have, and its intervals
    missed the truth far too often on simulated drifting series (see tests/test_forecast.py).
    """

    name = "ets"

    def __init__(self, y: np.ndarray, season: int) -> None:
        from statsmodels.tsa.holtwinters import ExponentialSmoothing

        seasonal = season > 1
        model = ExponentialSmoothing(y, trend="add", damped_trend=False, seasonal="add" if seasonal else None,
                                     seasonal_periods=season if seasonal else None, initialization_method="estimated")
        self.res = model.fit(use_brute=False)
        if not np.all(np.isfinite(self.res.fittedvalues)):
            raise ValueError("ETS fit diverged")
        self.slope_se = slope_se(y, season)
        self.season = season if seasonal else 0
        self.level, self.trend = float(self.res.level[-1]), float(self.res.trend[-1])
        self.pattern = np.asarray(self.res.season, dtype=float)[-season:] if seasonal else np.zeros(1)

    def forecast(self, h: int) -> np.ndarray:
        # the additive Holt-Winters forecast from the final states (what res.forecast computes, 50x faster)
        k = np.arange(1, h + 1)
        seasonal = self.pattern[(k - 1) % self.season] if self.season else 0.0
        return self.level + k * self.trend + seasonal

    def simulate(self, h: int, n: int, rng: np.random.Generator) -> np.ndarray:
        sims = np.asarray(self.res.simulate(h, repetitions=n, anchor="end", error="add", rng=rng), dtype=float)
        steps = np.arange(1, h + 1)[None, :]  # a slope error adds up with the horizon
        return sims.reshape(h, n).T + rng.normal(0.0, self.slope_se, (n, 1)) * steps


def conditional_ar1(d: np.ndarray) -> tuple[float, float, float]:
    """(constant, phi, sigma^2) of d[t] = c + phi*d[t-1] + e[t] by least squares (AutoReg's estimates)."""
    regressors = np.column_stack([np.ones(len(d) - 1), d[:-1]])
    coef, *_ = np.linalg.lstsq(regressors, d[1:], rcond=None)
    resid = d[1:] - regressors @ coef
    return float(coef[0]), float(coef[1]), float(resid @ resid / len(resid))


class _Arima(Fitted):
    """ARIMA(1,1,0) with drift, or ARIMA(1,0,0)(0,1,0)s with drift for a seasonal series.

    Written as d[t] = y[t] - y[t-s] = s*b + u[t], u[t] = phi*u[t-1] + e[t], and estimated by conditional
    least squares: the regression of d[t] on d[t-1] and a constant, exactly statsmodels'
    `AutoReg(d, lags=1, trend="c")` (a test holds them equal) without its per-call set-up, and a hundred
    times cheaper than the exact likelihood, which matters for 3,000 series. The paths follow that
    equation with the fitted phi and sigma, and a drift drawn around its estimate with its standard error.
    """

    name = "arima"
    MAX_PHI = 0.98

    def __init__(self, y: np.ndarray, season: int) -> None:
        self.s = season
        diffs = y[season:] - y[:-season]
        const, phi, sigma2 = conditional_ar1(diffs)
        if not (np.isfinite(const) and np.isfinite(phi) and abs(phi) < self.MAX_PHI):
            raise ValueError("ARIMA fit is not stationary")
        self.phi, self.sigma = phi, math.sqrt(max(sigma2, 0.0))
        mean = const / (1 - phi)
        self.beta = mean / season
        self.beta_se = self.sigma / ((1 - phi) * math.sqrt(len(diffs))) / season
        self.y = y
        self.u_last = diffs[-1] - mean

    def _run(self, h: int, beta: np.ndarray, errors: np.ndarray) -> np.ndarray:
        n, s = errors.shape[0], self.s
        out = np.empty((n, h))
        tail = np.tile(self.y[-s:], (n, 1))
        u = np.full(n, self.u_last) + s * (self.beta - beta)  # the last innovation, seen with each path's drift
        for k in range(h):
            u = self.phi * u + errors[:, k]
            prev = tail[:, k] if k < s else out[:, k - s]
            out[:, k] = prev + s * beta + u
        return out

    def forecast(self, h: int) -> np.ndarray:
        return self._run(h, np.array([self.beta]), np.zeros((1, h)))[0]

    def simulate(self, h: int, n: int, rng: np.random.Generator) -> np.ndarray:
        beta = rng.normal(self.beta, self.beta_se, n) if self.beta_se > 0 else np.full(n, self.beta)
        return self._run(h, beta, rng.normal(0.0, self.sigma, (n, h)))


def _ses_path(z: np.ndarray, alpha: float) -> np.ndarray:
    """Simple exponential smoothing levels l[t] = alpha*z[t] + (1-alpha)*l[t-1], starting from l[-1] = z[0]."""
    from scipy.signal import lfilter

    return lfilter([alpha], [1.0, -(1.0 - alpha)], z, zi=[(1.0 - alpha) * z[0]])[0]


def _ses_sse(alpha: float, z: np.ndarray) -> float:
    levels = _ses_path(z, alpha)
    return float(np.sum((z[1:] - levels[:-1]) ** 2))  # the first one-step forecast, z[0], has no error


class _Theta(Fitted):
    """The Theta method (Hyndman & Billah 2003), as statsmodels' ThetaModel computes it, theta = 2.

    Half the slope of a fitted straight line is added to a simple exponential smoothing (SES) forecast,
    on data deseasonalised additively with statsmodels' `seasonal_decompose` for a seasonal series. The
    SES smoothing weight minimises the squared one-step errors (as ThetaModel's default does), found with
    a bounded scalar search over a C-level filter: the same forecast in a fraction of the time.
    The forecast variance is that of SES: a path is the point forecast plus e[k] + alpha * (e[1] + ... +
    e[k-1]), the SES error recursion with the fitted alpha and sigma.
    """

    name = "theta"

    def __init__(self, y: np.ndarray, season: int) -> None:
        from scipy.optimize import minimize_scalar
        from statsmodels.tsa.seasonal import seasonal_decompose

        self.n, self.s = len(y), season
        self.pattern = np.zeros(max(season, 1))
        z = np.asarray(y, dtype=float)
        if season > 1:
            self.pattern = np.asarray(seasonal_decompose(z, model="additive", period=season).seasonal[:season])
            z = z - np.resize(self.pattern, len(z))
        t = np.arange(len(z), dtype=float)
        self.b0 = float(np.polyfit(t, z, 1)[0])
        best = minimize_scalar(_ses_sse, bounds=(1e-3, 1.0), args=(z,), method="bounded", options={"xatol": 1e-5})
        self.alpha = float(best.x)
        self.level = float(_ses_path(z, self.alpha)[-1])
        self.sigma = math.sqrt(max(_ses_sse(self.alpha, z) / len(z), 0.0))
        self.slope_se = slope_se(y, season)
        if not (np.isfinite(self.level) and np.isfinite(self.sigma) and np.isfinite(self.b0)):
            raise ValueError("Theta fit failed")

    def forecast(self, h: int) -> np.ndarray:
        k = np.arange(h, dtype=float)
        trend = self.b0 * (k + 1 / self.alpha - (1 - self.alpha) ** self.n / self.alpha)
        seasonal = self.pattern[(self.n + np.arange(h)) % self.s] if self.s > 1 else 0.0
        return self.level + 0.5 * trend + seasonal

    def simulate(self, h: int, n: int, rng: np.random.Generator) -> np.ndarray:
        errors = rng.normal(0.0, self.sigma, (n, h))
        earlier = np.cumsum(errors, axis=1) - errors
        slope = rng.normal(0.0, self.slope_se, (n, 1)) * np.arange(1, h + 1)[None, :]
        return self.forecast(h)[None, :] + errors + self.alpha * earlier + slope


_FITTERS = {"naive": _Naive, "ets": _Ets, "arima": _Arima, "theta": _Theta}


def _min_length(name: str, season: int) -> int:
    if name == "naive":
        return 3
    if name == "theta":
        return 2 * season + 2 if season > 1 else 4
    return 2 * season + 4 if season > 1 else 8


def fit_model(name: str, y: np.ndarray, season: int) -> Fitted | None:
    """Fit one candidate; None when the series is too short for it or the fit fails."""
    if len(y) < _min_length(name, season):
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            fitted = _FITTERS[name](np.asarray(y, dtype=float), season)
            if not np.all(np.isfinite(fitted.forecast(1))):
                return None
            return fitted
        except (ValueError, np.linalg.LinAlgError, KeyError, IndexError, ZeroDivisionError, OverflowError):
            return None


# ------------------------------------------------------------------------------------------- backtest
@dataclass(frozen=True)
class BacktestScore:
    """How one model did in the backtest: scaled error and how often its intervals held the truth."""

    mase: float
    coverage80: float
    coverage95: float
    points: int
    spread_ratio: float = 1.0
    """Root mean square of (error / simulated spread): above 1, the model's paths were too narrow."""


def _clip(values: np.ndarray, spec: SeriesSpec) -> np.ndarray:
    if spec.lower is None and spec.upper is None:
        return values
    return np.clip(values, spec.lower if spec.lower is not None else -np.inf,
                   spec.upper if spec.upper is not None else np.inf)


def mase_scale(train: np.ndarray, season: int) -> float:
    """Mean absolute error of the in-sample (seasonal) naive forecast: the yardstick of MASE."""
    s = season if len(train) > 2 * season else 1
    diffs = np.abs(train[s:] - train[:-s])
    return float(diffs.mean()) if len(diffs) else float("nan")


def backtest(y: np.ndarray, spec: SeriesSpec, models: tuple[str, ...] = MODELS, n_origins: int = BACKTEST_ORIGINS,
             horizon: int | None = None, rng: np.random.Generator | None = None) -> dict[str, BacktestScore]:
    """Rolling-origin backtest: forecast the last `n_origins` blocks of `horizon` periods from the data before.

    A model that cannot be fitted at every origin gets no score (it is not compared on fewer points).
    """
    rng = rng or np.random.default_rng(0)
    horizon = horizon or BACKTEST_HORIZON[spec.grain]
    n = len(y)
    origins = [n - horizon * (k + 1) for k in reversed(range(n_origins))]
    origins = [o for o in origins if o >= MIN_TRAIN[spec.grain]]
    errors: dict[str, list[float]] = {m: [] for m in models}
    inside80: dict[str, list[bool]] = {m: [] for m in models}
    inside95: dict[str, list[bool]] = {m: [] for m in models}
    zscores: dict[str, list[float]] = {m: [] for m in models}
    failed: set[str] = set()
    for origin in origins:
        train, test = y[:origin], y[origin:origin + horizon]
        scale = mase_scale(train, spec.season)
        scalable = bool(np.isfinite(scale) and scale > 0)  # a flat history has no yardstick: no MASE there
        for name in models:
            if name in failed:
                continue
            fitted = fit_model(name, train, spec.season)
            if fitted is None:
                failed.add(name)
                continue
            h = len(test)
            point = _clip(fitted.forecast(h), spec)
            sims = _clip(fitted.simulate(h, BACKTEST_PATHS, rng), spec)
            lo80, hi80, lo95, hi95 = np.quantile(sims, [0.10, 0.90, 0.025, 0.975], axis=0)
            if scalable:
                errors[name] += list(np.abs(test - point) / scale)
            inside80[name] += list((test >= lo80) & (test <= hi80))
            inside95[name] += list((test >= lo95) & (test <= hi95))
            spread = sims.std(axis=0)
            zscores[name] += [float(e / sd) for e, sd in zip(test - point, spread) if sd > 0]
    return {
        name: BacktestScore(float(np.mean(errors[name])) if errors[name] else float("nan"),
                            float(np.mean(inside80[name])), float(np.mean(inside95[name])), len(inside80[name]),
                            float(np.sqrt(np.mean(np.square(zscores[name])))) if zscores[name] else 1.0)
        for name in models if name not in failed and inside80[name]
    }


def interval_widening(score: BacktestScore | None) -> float:
    """How much to widen the chosen model's paths: its backtest spread ratio, within [1, MAX_WIDENING].

    Simulated paths ignore the uncertainty of the fitted parameters and any misfit of the model, so
    they are often too narrow; the errors the model made in the backtest say by how much. Never
    narrowed: a dozen backtest points are too few to trust a model that claims to know better.
    """
    if score is None or not np.isfinite(score.spread_ratio):
        return 1.0
    return float(min(max(score.spread_ratio, 1.0), MAX_WIDENING))


def choose_model(scores: dict[str, BacktestScore]) -> tuple[str, str]:
    """(model, reason): the best candidate if it beats the naive baseline's MASE, else the baseline.

    Reasons: "beats_naive", "no_better_than_naive", "no_candidate" (no other model could be fitted),
    "not_scorable" (the history is too flat for a scaled error).
    """
    base = scores.get(BASELINE)
    if base is None or not np.isfinite(base.mase):
        return BASELINE, "not_scorable"
    rivals = {m: s for m, s in scores.items() if m != BASELINE and np.isfinite(s.mase)}
    if not rivals:
        return BASELINE, "no_candidate"
    best = min(rivals, key=lambda m: rivals[m].mase)
    if rivals[best].mase < base.mase:
        return best, "beats_naive"
    return BASELINE, "no_better_than_naive"


# ------------------------------------------------------------------------------------------- forecast
def target_period(last: pd.Timestamp, grain: str) -> pd.Timestamp:
    """The period a 2030 verdict is read at: December 2030, Q4 2030 or the year 2030."""
    return {"month": pd.Timestamp(HORIZON_YEAR, 12, 1), "quarter": pd.Timestamp(HORIZON_YEAR, 10, 1),
            "year": pd.Timestamp(HORIZON_YEAR, 1, 1)}[grain]


def _rolling_future(tail: np.ndarray, future: np.ndarray, window: int) -> np.ndarray:
    """Rolling `window`-period sums ending at each future period, from observed `tail` + future paths."""
    n = future.shape[0]
    combined = np.concatenate([np.tile(tail, (n, 1)), future], axis=1)
    cums = np.concatenate([np.zeros((n, 1)), np.cumsum(combined, axis=1)], axis=1)
    h = future.shape[1]
    start = combined.shape[1] - h - (window - 1)
    return np.stack([cums[:, start + j + window] - cums[:, start + j] for j in range(h)], axis=1)


def meets_target(values: np.ndarray, target: Target) -> np.ndarray:
    """Element-wise `Target.meets`: below `high` when lower is better, else at least `low`."""
    if target.direction == "lower":
        return values < target.high
    return values >= target.low


@dataclass
class ForecastResult:
    """One series' forecast: the chosen model, its backtest, and the simulated 2030 metric."""

    spec: SeriesSpec
    model: str
    reason: str
    scores: dict[str, BacktestScore]
    history: pd.Series
    """The judged metric observed so far (rolling yearly sums for flows)."""
    periods: pd.DatetimeIndex
    central: np.ndarray
    paths: np.ndarray = field(repr=False)
    """Simulated metric, n paths x len(periods)."""
    n_obs: int = 0
    first_period: pd.Timestamp | None = None
    widening: float = 1.0
    """Factor the simulated spread was widened by, after the backtest found it too narrow (>= 1)."""

    @property
    def baseline_kept(self) -> bool:
        return self.model == BASELINE

    @property
    def value_2030(self) -> float:
        return float(self.central[-1])

    def probability(self, target: Target | None) -> float | None:
        """Share of simulated paths whose 2030 metric meets the target (None without a threshold)."""
        if target is None or target.threshold is None:
            return None
        return float(np.mean(meets_target(self.paths[:, -1], target)))

    def crossing_year(self, target: Target | None) -> int | None:
        """First year whose year-end central value meets the target (None if not by 2030 or met already)."""
        if target is None or target.threshold is None or self.meets_now(target):
            return None
        for period, value in zip(self.periods, self.central):
            if _is_year_end(period, self.spec.grain) and bool(meets_target(np.array([value]), target)[0]):
                return int(period.year)
        return None

    def meets_now(self, target: Target | None) -> bool | None:
        if target is None or target.threshold is None or self.history.empty:
            return None
        return bool(meets_target(np.array([float(self.history.iloc[-1])]), target)[0])

    def interval(self, level: float) -> tuple[float, float]:
        """The central `level` prediction interval of the 2030 metric."""
        tail = (1 - level) / 2
        lo, hi = np.quantile(self.paths[:, -1], [tail, 1 - tail])
        return float(lo), float(hi)

    def summary(self, target: Target | None) -> dict:
        """One row of the forecasts table."""
        lo80, hi80 = self.interval(0.80)
        lo95, hi95 = self.interval(0.95)
        chosen = self.scores.get(self.model)
        base = self.scores.get(BASELINE)
        row = {
            "indicator": self.spec.indicator, "geo": self.spec.geo, "grain": self.spec.grain,
            "basis": self.spec.basis, "season": self.spec.season, "model": self.model, "reason": self.reason,
            "baseline_kept": self.baseline_kept, "n_obs": self.n_obs, "first_period": self.first_period,
            "last_period": self.history.index[-1] if not self.history.empty else None,
            "last_value": float(self.history.iloc[-1]) if not self.history.empty else None,
            "value_2030": self.value_2030, "lo80": lo80, "hi80": hi80, "lo95": lo95, "hi95": hi95,
            "mase": chosen.mase if chosen else None, "mase_naive": base.mase if base else None,
            "coverage80": chosen.coverage80 if chosen else None, "coverage95": chosen.coverage95 if chosen else None,
            "backtest_points": chosen.points if chosen else 0, "n_paths": int(self.paths.shape[0]),
            "widening": self.widening,
            "target_low": target.low if target else None, "target_high": target.high if target else None,
            "direction": target.direction if target else None, "target_inherited": bool(target.inherited) if target else False,
            "target_source": target.source if target else None,
            "probability": self.probability(target), "meets_now": self.meets_now(target),
            "crossing_year": self.crossing_year(target),
        }
        for name in MODELS:
            row[f"mase_{name}"] = self.scores[name].mase if name in self.scores else None
        return row

    def path_frame(self) -> pd.DataFrame:
        """History and fan (quantiles of the simulated metric) for the chart, one row per period."""
        hist = pd.DataFrame({"period": self.history.index, "kind": "history", "value": self.history.to_numpy()})
        quantiles = np.quantile(self.paths, list(QUANTILES.values()), axis=0)
        fut = pd.DataFrame({"period": self.periods, "kind": "forecast", "value": self.central,
                            **{name: quantiles[i] for i, name in enumerate(QUANTILES)}})
        out = pd.concat([hist, fut], ignore_index=True)
        out.insert(0, "geo", self.spec.geo)
        out.insert(0, "indicator", self.spec.indicator)
        return out


def _is_year_end(period: pd.Timestamp, grain: str) -> bool:
    return grain == "year" or (grain == "month" and period.month == 12) or (grain == "quarter" and period.month == 10)


def series_seed(indicator: str, geo: str) -> int:
    """A stable seed per series, so a forecast is reproducible run after run."""
    return zlib.crc32(f"{indicator}|{geo}".encode("utf-8"))


def forecast_series(series: pd.Series, spec: SeriesSpec, n_paths: int = 1000, seed: int | None = None,
                    n_origins: int = BACKTEST_ORIGINS) -> ForecastResult | None:
    """Backtest the candidates, keep the best (or the baseline), simulate `n_paths` paths to 2030.

    `series` is indexed by period start (Timestamps), complete periods only, oldest first. None when the
    series is too short or already past 2030. BLAS runs single-threaded here: these are many tiny fits,
    and a multi-threaded BLAS makes each one several times slower on a shared machine.
    """
    with threadpool_limits(limits=1, user_api="blas"):
        return _forecast_series(series, spec, n_paths, seed, n_origins)


def _forecast_series(series: pd.Series, spec: SeriesSpec, n_paths: int, seed: int | None,
                     n_origins: int) -> ForecastResult | None:
    series = series.dropna()
    if len(series) < MIN_OBS[spec.grain]:
        return None
    y = series.to_numpy(dtype=float)
    last = pd.Timestamp(series.index[-1])
    end = target_period(last, spec.grain)
    periods = pd.date_range(last, end, freq=FREQ[spec.grain])[1:]
    if len(periods) == 0:
        return None
    rng = np.random.default_rng(series_seed(spec.indicator, spec.geo) if seed is None else seed)
    if np.ptp(y) == 0:
        scores, model, reason = {}, BASELINE, "constant"
    else:
        scores = backtest(y, spec, MODELS, n_origins, rng=rng)
        model, reason = choose_model(scores)
    fitted = fit_model(model, y, spec.season) or fit_model(BASELINE, y, spec.season)
    if fitted is None:
        return None
    if fitted.name != model:
        model, reason = BASELINE, "no_candidate"
    h = len(periods)
    widening = interval_widening(scores.get(model))
    raw_point = fitted.forecast(h)
    point = _clip(raw_point, spec)
    sims = _clip(raw_point + widening * (fitted.simulate(h, n_paths, rng) - raw_point), spec)
    if spec.basis == "annual_total":
        window = spec.per_year
        tail = y[len(y) - (window - 1):] if window > 1 else y[:0]
        central = _rolling_future(tail, point[None, :], window)[0]
        paths = _rolling_future(tail, sims, window)
        history = series.rolling(window).sum().dropna()
    else:
        central, paths, history = point, sims, series
    return ForecastResult(spec=spec, model=model, reason=reason, scores=scores, history=history, periods=periods,
                          central=central, paths=paths, n_obs=len(y), first_period=pd.Timestamp(series.index[0]),
                          widening=widening)


# --------------------------------------------------------------------------------------------- series
def complete_series(frame: pd.DataFrame, grain: str) -> pd.Series:
    """KPI values of complete periods (a quarter of 3 months, a year of 12), the trailing unbroken run."""
    need = {"month": 1, "quarter": 3, "year": 12}[grain]
    part = frame[(frame["n_months"] >= need) & frame["value"].notna()].sort_values("period")
    if part.empty:
        return pd.Series(dtype=float)
    values = pd.Series(part["value"].to_numpy(dtype=float), index=pd.DatetimeIndex(part["period"]))
    expected = pd.date_range(values.index[0], values.index[-1], freq=FREQ[grain])
    if len(expected) != len(values):
        values = values.reindex(expected)
        gaps = np.flatnonzero(values.isna().to_numpy())
        values = values.iloc[gaps[-1] + 1:]
    return values


def load_series(wh: Warehouse, communes: list[str] | None, include_city: bool = True
                ) -> list[tuple[SeriesSpec, pd.Series]]:
    """Every KPI series to forecast: the city (if asked) and the listed communes (all when None)."""
    catalogue = wh.catalogue
    out: list[tuple[SeriesSpec, pd.Series]] = []
    areas: list[tuple[str, Scope, bool]] = []
    if include_city:
        areas.append((CITY, Scope(), False))
    if communes is None or communes:
        areas.append(("communes", Scope(communes=tuple(communes)) if communes else Scope(), True))
    for label, scope, by_commune in areas:
        geo_probe = "00000" if by_commune else CITY
        by_grain: dict[str, list[str]] = {}
        for ind in catalogue.indicators:
            by_grain.setdefault(series_grain(ind, geo_probe), []).append(ind.code)
        for grain, codes in by_grain.items():
            frame = kpi_frame(wh, codes, scope, grain, by_commune=by_commune)
            keys = ["indicator", "commune_code"] if by_commune else ["indicator"]
            for key, part in frame.groupby(keys, sort=True):
                code, geo = (key[0], key[1]) if by_commune else (key[0] if isinstance(key, tuple) else key, CITY)
                if not geo:
                    continue
                series = complete_series(part, grain)
                if len(series) >= MIN_OBS[grain]:
                    out.append((spec_for(catalogue, code, geo, grain), series))
    return out
