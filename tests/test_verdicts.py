"""One verdict per KPI, area and month (indicators/verdicts.py): stored with the version, read everywhere."""
import numpy as np
import pandas as pd
import pytest

from forecast_helpers import data_dir, forecast_version, plain_version
from indicators import status as rule
from indicators.verdicts import VERDICTS_TABLE, version_tables


@pytest.fixture(scope="module")
def stored(demo_version):
    """(data folder, version with stored tables, the tables derived for it)."""
    return forecast_version(demo_version)


@pytest.fixture(scope="module")
def lazily(demo_version):
    """The same data published without the derive hook: readers derive its tables themselves."""
    root, version = plain_version(demo_version)
    with data_dir(root):
        return version_tables(version)


def test_every_kpi_area_and_month_has_one_verdict(stored, warehouse):
    _, _, tables = stored
    verdicts = tables[VERDICTS_TABLE]
    months = pd.date_range("2020-01-01", warehouse.data_until, freq="MS")
    assert set(verdicts["as_of"]) == set(months)
    assert set(verdicts["verdict"]) <= set(rule.VERDICTS)
    assert len(verdicts) == len(warehouse.catalogue.codes) * (3 + 126) * len(months)
    assert not verdicts.duplicated(["indicator", "area", "as_of"]).any()


def test_stored_and_derived_verdicts_are_the_same(stored, lazily):
    """No verdict changes because tables were (or were not yet) written: the issue's flip on identical data."""
    _, _, tables = stored
    a = tables[VERDICTS_TABLE].sort_values(["indicator", "area", "as_of"], ignore_index=True)
    b = lazily[VERDICTS_TABLE].sort_values(["indicator", "area", "as_of"], ignore_index=True)
    pd.testing.assert_series_equal(a["verdict"], b["verdict"])
    np.testing.assert_allclose(a["probability"], b["probability"], equal_nan=True)


def test_verdicts_agree_with_their_probabilities(stored):
    _, _, tables = stored
    v = tables[VERDICTS_TABLE]
    judged = v[v["verdict"].isin([rule.ON_TRACK, rule.AT_RISK, rule.OFF_TRACK])]
    assert len(judged) > 10_000
    assert (judged["verdict"] == judged["probability"].map(rule.status_from_probability)).all()
    assert v.loc[v["verdict"] == rule.NO_TARGET, "probability"].isna().all()
    assert (judged["lo80"] <= judged["expected"] + 1e-9).all() and (judged["expected"] <= judged["hi80"] + 1e-9).all()
    assert (judged["lo95"] <= judged["lo80"] + 1e-9).all() and (judged["hi80"] <= judged["hi95"] + 1e-9).all()


@pytest.mark.parametrize("grain", ["month", "quarter", "year", "ytd"])
@pytest.mark.parametrize("area", ["city", "phuong", "10417", "00004"])
def test_the_scorecard_reads_the_stored_verdict_whatever_the_period_type(stored, grain, area):
    from indicators.queries import Scope
    from indicators.scorecard import build_scorecard
    from indicators.verdicts import verdicts_for
    from indicators.warehouse import open_warehouse

    root, version, _ = stored
    scope = {"city": Scope(), "phuong": Scope(commune_type="phuong")}.get(area, Scope(communes=(area,)))
    with data_dir(root):
        wh = open_warehouse(version)
        for until in (wh.data_until, pd.Timestamp("2025-06-01"), pd.Timestamp("2023-01-01")):
            rows = build_scorecard(wh, scope, grain, until, area if area not in ("city", "phuong") else "city")
            expected = verdicts_for(version, area, until)
            assert {r.indicator.code: r.verdict.status for r in rows} == {k: v.status for k, v in expected.items()}
            assert {r.indicator.code: r.assessment.probability for r in rows} == \
                {k: v.probability for k, v in expected.items()}


def test_the_scorecard_of_a_version_with_and_without_stored_verdicts_agree(stored, warehouse):
    from indicators.queries import Scope
    from indicators.scorecard import build_scorecard
    from indicators.warehouse import open_warehouse

    root, version, _ = stored
    plain_root, plain = plain_version(version)
    with data_dir(plain_root):
        wh = open_warehouse(plain)
        without = {r.indicator.code: r.verdict.status for r in build_scorecard(wh, Scope(communes=("10417",)),
                                                                               "month", None, "10417")}
    with data_dir(root):
        wh = open_warehouse(version)
        assert version != plain
        with_tables = {r.indicator.code: r.verdict.status for r in build_scorecard(wh, Scope(communes=("10417",)),
                                                                                   "month", None, "10417")}
    assert without == with_tables


def test_states_without_a_verdict_say_why(stored, warehouse):
    from indicators.verdicts import verdict_for

    root, version, _ = stored
    with data_dir(root):
        until = warehouse.data_until
        assert verdict_for(version, "unemployment_urban", "xa", until).status == rule.NO_DATA
        assert verdict_for(version, "unemployment_urban", "10417", until).status == rule.NO_DATA  # a xã
        assert verdict_for(version, "productivity_growth", "00004", until).status == rule.NO_DATA  # city only
        assert verdict_for(version, "avg_monthly_income", "city", until).status == rule.NO_TARGET
        assert verdict_for(version, "bhyt_coverage", "city", pd.Timestamp("2020-06-01")).status == rule.NOT_ENOUGH_DATA
        assert verdict_for(version, "bhyt_coverage", "city", pd.Timestamp("2019-01-01")).status == rule.NOT_ENOUGH_DATA
        assert verdict_for(version, "new_jobs", "00004", until).status == rule.NO_TARGET  # the city's count target
        assert verdict_for(version, "new_jobs", "10417", until).judged == rule.MEAN_2026_2030  # its own, 400-600/yr
        assert verdict_for(version, "bhyt_coverage", "not-an-area", until).status == rule.NO_DATA


def test_a_sector_filter_is_its_own_state_not_a_fallback(stored, warehouse):
    from indicators.verdicts import verdicts_for

    root, version, _ = stored
    with data_dir(root):
        plain = verdicts_for(version, "city", warehouse.data_until)
        filtered = verdicts_for(version, "city", warehouse.data_until, ("J", "M"))
    for code, verdict in filtered.items():
        if warehouse.catalogue.has_sector_breakdown(code):
            assert verdict.status == rule.NOT_APPLICABLE_SECTOR and verdict.probability is None
            assert verdict.assessment().status == rule.NOT_APPLICABLE_SECTOR  # what the pages show: its own state
        else:
            assert verdict == plain[code]  # e.g. unemployment: not split by sector, the target applies


def test_targets_are_judged_as_written_in_the_tables(stored):
    _, _, tables = stored
    fc = tables["forecasts"].set_index(["indicator", "geo"])
    city_jobs = fc.loc[("new_jobs", "city")]
    assert city_jobs["judged"] == rule.MEAN_2026_2030 and city_jobs["threshold"] == 180_000
    assert fc.loc[("trained_share", "city"), "threshold"] == 75  # 75-80%: the lower edge
    assert fc.loc[("ui_counselled_share", "city"), "threshold"] == rule.FULL_SHARE_MET_AT
    assert fc.loc[("unemployment_rate", "city"), "direction"] == "lower"


def test_rates_do_not_pile_up_at_100_percent(stored):
    """The issue: 45% of xã Hòa Xá's BHYT simulation paths at exactly 100% in 2030."""
    _, _, tables = stored
    paths = tables["forecast_paths"]
    fan = paths[(paths["indicator"] == "bhyt_coverage") & (paths["kind"] == "forecast")]
    assert len(fan) > 100
    assert (fan["q975"] < 100).all() and (fan["q025"] > 0).all()
    assert (fan["q975"] > fan["q90"]).all()


def test_the_fan_reaches_2030_and_starts_from_the_last_observation(stored, warehouse):
    _, _, tables = stored
    paths = tables["forecast_paths"]
    jobs = paths[(paths["indicator"] == "new_jobs") & (paths["geo"] == "city")]
    future, history = jobs[jobs["kind"] == "forecast"], jobs[jobs["kind"] == "history"]
    assert future["period"].min() == warehouse.data_until + pd.DateOffset(months=1)
    assert future["period"].max() == pd.Timestamp(2030, 12, 1)
    assert history["period"].max() == warehouse.data_until
    q = future[["q025", "q10", "q50", "q90", "q975"]].to_numpy()
    assert (np.diff(q, axis=1) >= -1e-6).all()


def test_forecast_rows_carry_status_source_and_an_honest_model_card(stored):
    _, _, tables = stored
    fc = tables["forecasts"]
    assert set(fc["status"]) == {"demo"} and fc["source"].str.contains("demo").all()
    shown = fc[fc["backtest_points"] > 0]
    assert len(shown) > 0.8 * len(fc)
    assert shown["coverage80"].between(0, 1).all() and shown["coverage95"].between(0, 1).all()
    assert (shown["coverage95"] >= shown["coverage80"]).all()
    assert set(fc["model"]) <= {"naive", "drift", "drift1", "damped", "mean"}
    assert ((fc["model"] == "naive") == fc["baseline_kept"]).all()
    city = fc[fc["geo"] == "city"].set_index("indicator")
    assert city.loc["new_jobs", "basis"] == "annual_total" and city.loc["bhyt_coverage", "basis"] == "level"


def test_the_mean_2026_2030_counts_observed_years_at_their_value():
    """Synthetic data to the end of 2027: 2026 and 2027 count as observed, 2028-2030 as forecast."""
    from indicators import forecast as E
    from indicators.kpi_forecasts import Located
    from indicators.series import JudgedSeries
    from indicators.verdicts import judge_pool
    from store.catalogue import load_catalogue

    rng = np.random.default_rng(14)
    months = pd.date_range("2019-01-01", "2027-12-01", freq="MS")
    n, t = 30, len(months)
    sums = 200_000 * np.exp(np.cumsum(rng.normal(0.002, 0.01, (n, t)), axis=1))
    sums[0, months.get_loc(pd.Timestamp("2026-12-01"))] = 150_000  # the city's two observed years
    sums[0, months.get_loc(pd.Timestamp("2027-12-01"))] = 170_000
    js = JudgedSeries("month", months, np.arange(t), np.array(["new_jobs"] * n, dtype=object),
                      np.array(["city"] + [f"{k:05d}" for k in range(1, n)], dtype=object), sums,
                      np.ones(n, bool), np.array(["demo"] * n, dtype=object), np.array(["test"] * n, dtype=object))
    fit = E.PoolFit(E.forward("log", sums), js.end_month, months, "month")
    E.calibrate_shapes([fit])
    locs = [Located(js, i, fit, i, "log", "test", "counts") for i in range(n)]
    j = judge_pool(locs, load_catalogue(), t)
    last = t - 1
    assert j.judged[0] == rule.MEAN_2026_2030 and j.valid[0, last]
    medians = [E.inverse("log", fit.quantile(0, last, 12 * k, last, 0.5)) for k in (1, 2, 3)]
    expected = (150_000 + 170_000 + sum(medians)) / 5
    assert j.quantiles["q50"][0, last] == pytest.approx(expected, rel=0.01)
    assert 0 <= j.probability[0, last] <= 1


def test_official_series_are_forecast_only_with_five_years_and_their_gaps_are_shown(stored):
    _, _, tables = stored
    official = tables["official_forecasts"].set_index("indicator")
    jobs = official.loc["new_jobs"]
    assert jobs["enough"] and jobs["n_points"] == 6 and jobs["gaps"] == "2023"  # 2019-2025 without 2023
    assert jobs["judged"] == rule.MEAN_2026_2030 and jobs["value_2030"] > 0 and jobs["judged_expected"] > 0
    if jobs["calibrated"]:
        assert 0 <= jobs["probability"] <= 1 and jobs["lo80"] <= jobs["value_2030"] <= jobs["hi80"]
    else:  # six years, three of them checkable: a forecast, but no interval or probability it could stand by
        assert pd.isna(jobs["probability"]) and pd.isna(jobs["lo80"]) and jobs["verdict"] == rule.NOT_ENOUGH_DATA
    short = official[~official["enough"]]
    assert len(short) > 3 and short["probability"].isna().all() and (short["n_points"] < 5).all()
    assert set(official["status"]) <= {"official", "preliminary", "estimate"}


def test_tables_carried_over_from_another_version_are_never_read(stored, demo_version):
    """A publish without the hook copies the served version's tables: made from other data, so readers
    derive this version's own (the stamp `derived_for` says whose they are)."""
    from indicators.verdicts import stored as has_own
    from store.versions import read_manifest

    _, version, _ = stored
    assert has_own(version)
    root, copy = plain_version(demo_version)
    with data_dir(root):
        assert VERDICTS_TABLE in read_manifest(copy)["tables"]  # carried `version`'s tables as they are
        assert not has_own(copy)
        assert version_tables(copy)[VERDICTS_TABLE]["derived_for"].iloc[0] == copy
