"""2030 forecasts (indicators/forecast.py, service/forecast_batch.py): coverage, calibration, choice, monotonicity."""
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from forecast_helpers import FORECAST_COMMUNES, data_dir, forecast_version
from indicators.forecast import (
    BASELINE, MIN_OBS, BacktestScore, SeriesSpec, choose_model, fit_model, forecast_series, load_series,
    meets_target,
)
from indicators.forecast_store import PATHS_TABLE, load_forecasts, load_paths
from indicators.targets import Target
from service.forecast_batch import ORIGINS_COMMUNE, PATHS_COMMUNE
from store.versions import read_manifest


@pytest.fixture(scope="module")
def built(demo_version):
    root, version, stats = forecast_version(demo_version)
    with data_dir(root):
        yield version, load_forecasts(version), stats


def target(low=None, high=None, direction="higher"):
    return Target("x", "city", 2030, "target_2030", low, high, direction, "official", "test")


# ---- the batch over the demo warehouse -----------------------------------------------------------------
def _half_yearly(catalogue) -> set[str]:
    """KPIs fed only by forms whose one report covers several months (the employers' half-yearly accident
    reports): a year of them has 2 reported months, and complete_series keeps only years of 12, so they have
    no forecast yet (left to the forecast module's owner: a year is complete with its 12 / months reports)."""
    from store.templates import report_months

    return {code for code in catalogue.codes if report_months(catalogue.get(code).measures) > 1}


def test_every_kpi_has_a_city_forecast(built, warehouse):
    _, forecasts, _ = built
    city = forecasts[forecasts["geo"] == "city"]
    half_yearly = _half_yearly(warehouse.catalogue)
    assert half_yearly == {c for c in warehouse.catalogue.codes if c.startswith("osh_")}
    assert set(city["indicator"]) == set(warehouse.catalogue.codes) - half_yearly
    assert city["indicator"].is_unique


def test_communes_get_a_forecast_wherever_their_data_allow(built, warehouse):
    _, forecasts, _ = built
    series = load_series(warehouse, FORECAST_COMMUNES, include_city=False)
    expected = {(spec.indicator, spec.geo) for spec, values in series if len(values) >= MIN_OBS[spec.grain]}
    got = {(r.indicator, r.geo) for r in forecasts[forecasts["geo"] != "city"].itertuples()}
    assert got == expected and len(got) > 20 * len(FORECAST_COMMUNES)
    hoa_xa = forecasts[forecasts["geo"] == "10417"].set_index("indicator")
    assert "productivity_growth" not in hoa_xa.index  # GRDP exists for the city only
    assert "unemployment_urban" not in hoa_xa.index  # a xã has no urban labour force
    assert hoa_xa.loc["new_jobs", "target_low"] == 400  # the commune's own plan (seed 002)
    assert not hoa_xa.loc["unemployment_rate", "target_inherited"]  # its own plan says < 2.5%
    other = forecasts[forecasts["geo"] == "10489"].set_index("indicator")
    assert other.loc["bhyt_coverage", "target_inherited"]  # without a plan of its own, rates follow the city
    assert pd.isna(other.loc["new_jobs", "probability"])  # the city's count target is not a commune's


def test_rows_carry_intervals_and_backtest_honestly(built):
    _, forecasts, _ = built
    assert (forecasts["lo95"] <= forecasts["lo80"] + 1e-9).all()
    assert (forecasts["lo80"] <= forecasts["hi80"] + 1e-9).all()
    assert (forecasts["hi80"] <= forecasts["hi95"] + 1e-9).all()
    scored = forecasts[forecasts["reason"] != "constant"]  # a flat series has nothing to backtest
    assert scored["coverage80"].between(0, 1).all() and scored["coverage95"].between(0, 1).all()
    assert (forecasts["widening"] >= 1).all()
    assert ((forecasts["model"] == BASELINE) == forecasts["baseline_kept"]).all()
    won = forecasts[forecasts["reason"] == "beats_naive"]
    assert len(won) > 0 and (won["mase"] < won["mase_naive"]).all()
    kept = forecasts[forecasts["reason"] == "no_better_than_naive"]
    candidates = kept[["mase_ets", "mase_arima", "mase_theta"]].min(axis=1)
    assert (candidates >= kept["mase_naive"]).all()
    with_target = forecasts[forecasts["target_low"].notna() | forecasts["target_high"].notna()]
    assert with_target["probability"].between(0, 1).all()
    assert forecasts.loc[forecasts["target_low"].isna() & forecasts["target_high"].isna(), "probability"].isna().all()


def test_the_new_version_keeps_every_table_and_adds_the_forecasts(built, demo_version):
    version, forecasts, stats = built
    before, after = read_manifest(demo_version), read_manifest(version)
    for name, entry in before["tables"].items():
        assert after["tables"][name]["rows"] == entry["rows"]
    assert after["tables"]["forecasts"]["rows"] == len(forecasts) == stats["forecasts"]
    assert after["forecast"]["source_version"] == demo_version
    paths = load_paths(version, "new_jobs", "city")
    assert set(paths["kind"]) == {"history", "forecast"}
    assert paths.loc[paths["kind"] == "forecast", "period"].max() == pd.Timestamp(2030, 12, 1)
    assert PATHS_TABLE in after["tables"]


def test_a_forecast_is_reproducible_whatever_the_workers(built, warehouse):
    _, forecasts, _ = built
    spec, series = next((s, v) for s, v in load_series(warehouse, ["10417"], include_city=False)
                        if s.indicator == "bhyt_coverage")
    again = forecast_series(series, spec, n_paths=PATHS_COMMUNE, n_origins=ORIGINS_COMMUNE).summary(None)
    row = forecasts[(forecasts["geo"] == "10417") & (forecasts["indicator"] == "bhyt_coverage")].iloc[0]
    assert again["model"] == row["model"]
    assert again["value_2030"] == pytest.approx(row["value_2030"])
    assert again["lo80"] == pytest.approx(row["lo80"])


# ---- calibration on series with known parameters -------------------------------------------------------
def _random_walks(reps: int, n: int, horizon: int, drift: float, sigma: float, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return 100 + np.cumsum(rng.normal(drift, sigma, (reps, n + horizon)), axis=1)


def test_prediction_intervals_cover_held_out_points_as_stated():
    """Random walks with drift: the 80% (95%) intervals hold about 80% (95%) of the future points."""
    reps, n = 100, 32
    last = pd.Timestamp(2022, 10, 1)
    index = pd.date_range(end=last, periods=n, freq="QS")
    horizon = len(pd.date_range(last, pd.Timestamp(2030, 10, 1), freq="QS")) - 1
    walks = _random_walks(reps, n, horizon, drift=0.3, sigma=1.0, seed=2030)
    spec = SeriesSpec("sim", "city", "quarter", season=1, basis="level", lower=None, upper=None)
    inside80 = inside95 = total = 0
    for i, walk in enumerate(walks):
        result = forecast_series(pd.Series(walk[:n], index=index), spec, n_paths=1000, seed=i)
        frame = result.path_frame()
        fut = frame[frame["kind"] == "forecast"]
        truth = walk[n:]
        inside80 += int(((truth >= fut["q10"]) & (truth <= fut["q90"])).sum())
        inside95 += int(((truth >= fut["q025"]) & (truth <= fut["q975"])).sum())
        total += len(truth)
    assert inside80 / total == pytest.approx(0.80, abs=0.07)
    assert inside95 / total == pytest.approx(0.95, abs=0.04)


@pytest.mark.parametrize("model", ["naive", "ets", "arima", "theta"])
def test_each_model_simulates_around_its_own_point_forecast(model):
    rng = np.random.default_rng(7)
    y = 50 + 0.2 * np.arange(60) + np.cumsum(rng.normal(0, 0.5, 60))
    fitted = fit_model(model, y, 1)
    assert fitted is not None
    sims = fitted.simulate(8, 4000, np.random.default_rng(1))
    point = fitted.forecast(8)
    spread = sims.std(axis=0)
    assert np.all(np.abs(sims.mean(axis=0) - point) < 4 * spread / np.sqrt(4000) + 1e-9)
    assert np.all(np.diff(spread) >= -0.05 * spread[:-1])  # uncertainty does not shrink with the horizon


@pytest.mark.parametrize("season", [1, 4, 12])
def test_ets_forecast_matches_statsmodels(season):
    rng = np.random.default_rng(season)
    y = 50 + 0.3 * np.arange(60) + rng.normal(0, 1, 60) + (3 * np.sin(np.arange(60) * 2 * np.pi / season) if season > 1 else 0)
    fitted = fit_model("ets", y, season)
    np.testing.assert_allclose(fitted.forecast(15), np.asarray(fitted.res.forecast(15)), rtol=1e-10)


def test_arima_estimates_are_statsmodels_autoreg():
    from statsmodels.tsa.ar_model import AutoReg

    from indicators.forecast import conditional_ar1

    rng = np.random.default_rng(11)
    d = 0.5 + np.convolve(rng.normal(0, 1, 80), [1, 0.4], mode="valid")
    reference = AutoReg(d, lags=1, trend="c").fit()
    const, phi, sigma2 = conditional_ar1(d)
    np.testing.assert_allclose([const, phi], np.asarray(reference.params), rtol=1e-10)
    assert sigma2 == pytest.approx(float(reference.sigma2), rel=1e-10)


def test_theta_matches_statsmodels():
    from statsmodels.tsa.forecasting.theta import ThetaModel

    rng = np.random.default_rng(3)
    y = 50 + 0.4 * np.arange(60) + np.cumsum(rng.normal(0, 0.5, 60)) + 3 * np.sin(np.arange(60) * np.pi / 2)
    reference = ThetaModel(y, period=4, method="additive", use_test=False).fit().forecast(8)
    np.testing.assert_allclose(fit_model("theta", y, 4).forecast(8), np.asarray(reference), rtol=1e-3)


def test_the_baseline_is_kept_unless_a_model_beats_it():
    def score(mase: float) -> BacktestScore:
        return BacktestScore(mase, 0.8, 0.95, 12)

    assert choose_model({"naive": score(1.0), "ets": score(0.7), "arima": score(0.9)}) == ("ets", "beats_naive")
    assert choose_model({"naive": score(0.7), "ets": score(0.7), "theta": score(0.8)}) == ("naive", "no_better_than_naive")
    assert choose_model({"naive": score(0.7)}) == ("naive", "no_candidate")
    assert choose_model({"naive": score(float("nan")), "ets": score(0.5)}) == ("naive", "not_scorable")


def test_a_flat_series_keeps_the_baseline_and_says_why():
    index = pd.date_range("2020-01-01", periods=27, freq="QS")
    spec = SeriesSpec("sim", "00001", "quarter", season=4, basis="annual_total")
    result = forecast_series(pd.Series(0.0, index=index), spec, n_paths=100)
    assert result.model == BASELINE and result.reason == "constant"
    assert result.value_2030 == 0


def test_too_short_a_series_gets_no_forecast():
    spec = SeriesSpec("sim", "city", "month", season=1, basis="level")
    short = pd.Series(np.arange(MIN_OBS["month"] - 1, dtype=float),
                      index=pd.date_range("2024-01-01", periods=MIN_OBS["month"] - 1, freq="MS"))
    assert forecast_series(short, spec) is None


def test_yearly_counts_are_judged_on_the_2030_calendar_year_total():
    index = pd.date_range("2020-01-01", "2026-10-01", freq="MS")
    months = np.tile([5.0, 8, 10, 10, 10, 10, 10, 10, 10, 10, 10, 15], 7)[:len(index)]
    spec = SeriesSpec("sim", "city", "month", season=12, basis="annual_total")
    result = forecast_series(pd.Series(months, index=index), spec, n_paths=200)
    assert result.history.iloc[-1] == pytest.approx(months[-12:].sum())
    assert result.periods[-1] == pd.Timestamp(2030, 12, 1)
    assert result.value_2030 == pytest.approx(118, rel=0.05)  # an unchanged calendar: 12 months sum to 118


# ---- the probability moves the right way with the target ------------------------------------------------
@pytest.fixture(scope="module")
def unemployment_forecast(warehouse):
    spec, series = next((s, v) for s, v in load_series(warehouse, [], include_city=True)
                        if s.indicator == "unemployment_rate")
    return forecast_series(series, spec, n_paths=1000)


@settings(max_examples=60, deadline=None)
@given(a=st.floats(0.0, 5.0), b=st.floats(0.0, 5.0))
def test_a_harder_target_is_never_more_likely(unemployment_forecast, a, b):
    low, high = min(a, b), max(a, b)
    result = unemployment_forecast
    # lower is better: a lower ceiling is harder
    assert result.probability(target(high=low, direction="lower")) <= result.probability(target(high=high, direction="lower"))
    # higher is better: a higher floor is harder
    assert result.probability(target(low=high)) <= result.probability(target(low=low))


def test_probability_reaches_its_bounds_and_counts_the_paths(unemployment_forecast):
    result = unemployment_forecast
    assert result.probability(target(high=100.0, direction="lower")) == 1.0
    assert result.probability(target(high=0.0, direction="lower")) == 0.0
    assert result.probability(None) is None
    threshold = float(np.median(result.paths[:, -1]))
    share = result.probability(target(high=threshold, direction="lower"))
    assert share == pytest.approx(np.mean(meets_target(result.paths[:, -1], target(high=threshold, direction="lower"))))
    assert 0.4 < share < 0.6
