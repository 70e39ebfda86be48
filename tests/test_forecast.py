"""The forecasting engine (indicators/forecast.py): honest intervals, bounds, gaps, shared widths."""
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indicators import forecast as E
from indicators.series import _rolling_year


def pool(g: np.ndarray, grain: str = "month", season: int = 1) -> E.PoolFit:
    step = {"month": 1, "quarter": 3, "year": 12}[grain]
    months = pd.date_range("2019-01-01", periods=g.shape[1] * step, freq="MS")
    fit = E.PoolFit(g, np.arange(g.shape[1]) * step + step - 1, months, grain, season)
    E.calibrate_shapes([fit])
    return fit


def walks(n: int, t: int, seed: int, common: float = 0.0, drift: float = 0.02, sd: float = 0.03) -> np.ndarray:
    rng = np.random.default_rng(seed)
    shocks = rng.normal(0, 1, t)
    steps = np.sqrt(1 - common**2) * rng.normal(0, 1, (n, t)) + common * shocks[None, :]
    return 3 + np.cumsum(drift + sd * steps, axis=1)


def coverage(fit: E.PoolFit) -> tuple[float, float]:
    bt = fit.shown_backtest()
    points = bt["points"].sum()
    return bt["inside80"].sum() / points, bt["inside95"].sum() / points


# ---- calibration ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("seed", [1, 2])
def test_intervals_shown_hold_what_they_say_on_independent_series(seed):
    """Re-made at every past origin with what was known then, the 80% (95%) intervals hold 80% (95%)."""
    cov80, cov95 = coverage(pool(walks(60, 84, seed)))
    assert 0.75 <= cov80 <= 0.85
    assert 0.92 <= cov95 <= 0.97


def test_shared_surprises_cost_little_coverage():
    """Series that move together (half their changes are one common shock) stay close to nominal."""
    cov80, cov95 = coverage(pool(walks(60, 84, 3, common=0.5)))
    assert 0.72 <= cov80 <= 0.85
    assert 0.92 <= cov95 <= 0.97


def jumps(n: int, t: int, seed: int, drift: float = 0.02, sd: float = 0.03) -> np.ndarray:
    """Walks whose changes are mostly small with a rare large jump: the same kind of spread as `walks`,
    a different shape (most misses tiny, a few huge)."""
    rng = np.random.default_rng(seed)
    steps = np.where(rng.random((n, t)) < 0.1, rng.normal(0, 4, (n, t)), rng.normal(0, 0.3, (n, t)))
    return 3 + np.cumsum(drift + sd * steps, axis=1)


def shaped_together(prior: float, monkeypatch) -> tuple[E.PoolFit, E.PoolFit]:
    monkeypatch.setattr(E, "SHAPE_PRIOR_ERRORS", prior)
    months = pd.date_range("2019-01-01", periods=84, freq="MS")
    smooth = E.PoolFit(walks(60, 84, 5), np.arange(84), months, "month")
    jumpy = E.PoolFit(jumps(60, 84, 6), np.arange(84), months, "month")
    E.calibrate_shapes([smooth, jumpy])
    return smooth, jumpy


def test_pools_of_one_group_keep_their_own_error_shape(monkeypatch):
    """Two pools calibrated together, one with normal misses and one with rare jumps: each pool's shape
    leans to its own errors, so both hold their targets; one shape for both (an overwhelming group
    prior) over-covers one and under-covers the other (the issue: 100% for some KPIs, 60% for others)."""
    smooth, jumpy = shaped_together(E.SHAPE_PRIOR_ERRORS, monkeypatch)
    last = smooth.n_months - 1
    assert jumpy.z_quantile(1, last, 0.9) < 0.8 * smooth.z_quantile(1, last, 0.9)
    own = [coverage(smooth), coverage(jumpy)]
    for cov80, cov95 in own:
        assert 0.75 <= cov80 <= 0.85
        assert 0.92 <= cov95 <= 0.97
    shared = [coverage(fit) for fit in shaped_together(1e9, monkeypatch)]
    assert abs(shared[0][0] - shared[1][0]) > 2 * abs(own[0][0] - own[1][0])


def test_similar_series_get_similar_widths_whatever_the_model():
    """Identical processes in one pool share a model and a spread curve: widths differ by little more
    than their own yardsticks do (the issue: BHTN 1 point wide, BHXH 23, because a different model won)."""
    fit = pool(walks(60, 84, 4))
    last = fit.n_months - 1
    rows = np.arange(fit.n_series)
    width = fit.spread(rows, fit.n_periods - 1, 24, last) * (fit.z_quantile(24, last, 0.9) - fit.z_quantile(24, last, 0.1))
    scale = fit.scale[rows, fit.n_periods - 1]
    assert len(set(fit.model_name(np.full(3, last)))) == 1
    assert width.max() / width.min() < 2.2
    relative = width / scale  # what is left once each series' own yardstick is taken out
    assert relative.max() / relative.min() < 1.8  # each series' own errors, shrunk towards its pool


def test_wider_data_get_wider_intervals():
    calm, rough = walks(30, 84, 5, sd=0.01), walks(30, 84, 6, sd=0.05)
    fit = pool(np.vstack([calm, rough]))
    last, t = fit.n_months - 1, fit.n_periods - 1
    width = fit.spread(np.arange(60), t, 12, last)
    assert width[30:].min() > width[:30].max()


# ---- bounds, gaps, short series --------------------------------------------------------------------------
def test_rates_near_100_do_not_pile_up_at_the_bound():
    """On the logit scale no quantile reaches 100% (the issue: 45% of Hòa Xá's BHYT paths at exactly 100%)."""
    rng = np.random.default_rng(7)
    logit = 3.2 + np.cumsum(0.004 + rng.normal(0, 0.03, (40, 84)), axis=1)  # rates around 96-98%
    fit = pool(logit)
    last, t = fit.n_months - 1, fit.n_periods - 1
    values = np.stack([E.inverse("logit", fit.quantile(np.arange(40), t, 60, last, p)) for p in E.GRID])
    assert (values < 100).all() and (values > 0).all()
    assert np.mean(values >= 99.9) < 0.05
    assert (np.diff(values, axis=0) > 0).all()  # every level distinct: nothing is clipped to a bound


def test_a_gap_is_not_bridged_the_slope_uses_the_real_distance():
    g = np.array([[0.0, 1.0, 2.0, np.nan, 4.0, 5.0, 6.0, 7.0]])
    fit = E.PoolFit(g, np.arange(8) * 12 + 11, pd.date_range("2019-01-01", periods=96, freq="MS"), "year")
    assert fit.slopes[3][0, 7] == pytest.approx(1.0)  # from 2023 (4.0): 3 years, 3 units
    assert fit.slopes[3][0, 5] == pytest.approx(1.0)  # from 2020 (1.0) over the missing 2022: 4 units, 4 years
    assert not fit.valid[0, 3].any()  # nothing is forecast from the missing year ...
    assert not fit.valid[0, 2, 0] and not fit.valid[0, 1, 1]  # ... nor checked against it


def test_a_yearly_flow_of_36_months_gets_a_forecast():
    """36 months give 25 twelve-month sums: enough for a forecast, its pool calibrating it (seasonal
    models from 36 months of data, issue 14)."""
    rng = np.random.default_rng(8)
    season = np.tile([0.5, 0.8, 1, 1, 1.1, 1.1, 0.9, 0.9, 1.05, 1.05, 1, 1.2], 7)
    monthly = 1000 * season[None, :] * rng.lognormal(0, 0.05, (30, 84))
    late = monthly.copy()
    late[0, :48] = np.nan  # the first series starts 48 months late: 36 months, 25 sums
    short = _rolling_year(late)
    assert np.isfinite(short[0]).sum() == 25
    fit = pool(E.forward("log", short))
    last = fit.n_months - 1
    assert fit.n_obs[0, -1] >= E.MIN_OBS["month"] and fit.calibrated[last]
    assert np.isfinite(fit.quantile(0, 83, 12, last, 0.9))
    assert E.forecast_one(monthly[0, :60], "month", 12, season=12, kind="log") is not None  # alone: 5 years
    assert E.forecast_one(monthly[0, :20], "month", 12, season=12) is None


def test_a_trend_is_carried_and_naive_is_kept_without_one():
    rng = np.random.default_rng(9)
    trending = 3 + 0.05 * np.arange(72)[None, :] + rng.normal(0, 0.01, (20, 72))
    flat = 3 + np.cumsum(rng.normal(0, 0.05, (20, 72)), axis=1)
    assert pool(trending).model_name(71) in ("drift", "drift1")
    assert pool(flat).model_name(71) == "naive"


# ---- the distribution -----------------------------------------------------------------------------------
@settings(max_examples=60, deadline=None)
@given(p=st.floats(0.01, 0.99))
def test_cdf_inverts_the_quantiles(p):
    fit = _shared_fit()
    last = fit.n_months - 1
    z = fit.z_quantile(12, last, p)
    assert float(fit.cdf(z, 12, last)) == pytest.approx(p, abs=0.006)


_cache = {}


def _shared_fit() -> E.PoolFit:
    if "fit" not in _cache:
        _cache["fit"] = pool(walks(40, 84, 10))
    return _cache["fit"]


@settings(max_examples=60, deadline=None)
@given(p=st.floats(0.0, 1.0), n=st.floats(2.0, 5000.0))
def test_conformal_levels_only_ever_widen(p, n):
    adjusted = float(E.conformal_levels(np.array([p]), n)[0])
    assert 0.0 <= adjusted <= 1.0
    assert abs(adjusted - 0.5) >= abs(p - 0.5) - 1e-12


def test_effective_size_counts_clusters_that_move_together():
    rng = np.random.default_rng(11)
    cluster = np.repeat(np.arange(50), 20)
    independent = rng.normal(0, 1, 1000)
    together = np.repeat(rng.normal(0, 1, 50), 20) + rng.normal(0, 0.01, 1000)
    assert E.effective_size(independent, cluster) > 600
    assert 40 <= E.effective_size(together, cluster) <= 60


def test_constant_series_keeps_a_finite_width():
    fit = pool(np.full((30, 60), 2.0) + np.random.default_rng(12).normal(0, 1e-6, (30, 60)))
    last = fit.n_months - 1
    width = fit.spread(0, 59, 12, last)
    assert np.isfinite(width) and width > 0
