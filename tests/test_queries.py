"""KPI SQL: commune, city, month, quarter and year always agree, because rates are ratios of sums."""
import numpy as np
import pandas as pd
import pytest

from indicators.queries import CITY, Scope, kpi_frame, kpi_frames, kpi_value
from store.reference import load_communes

RATES = ["unemployment_rate", "bhxh_compulsory_share", "bhyt_coverage", "trained_share", "avg_monthly_income"]


def test_city_value_is_the_ratio_of_summed_commune_counts(warehouse):
    by_commune = kpi_frame(warehouse, RATES, grain="year", by_commune=True)
    city = kpi_frame(warehouse, RATES, grain="year")
    summed = by_commune.groupby(["indicator", "period"])[["num", "den"]].sum().reset_index()
    merged = city.merge(summed, on=["indicator", "period"], suffixes=("", "_sum"))
    assert len(merged) == len(city) > 0
    np.testing.assert_allclose(merged["num"], merged["num_sum"], rtol=1e-9)
    np.testing.assert_allclose(merged["den"], merged["den_sum"], rtol=1e-9)
    scale = merged["indicator"].map(lambda c: warehouse.catalogue.get(c).scale)
    np.testing.assert_allclose(merged["value"], merged["num_sum"] / merged["den_sum"] * scale, rtol=1e-9)


def test_a_rate_is_never_the_mean_of_commune_rates(warehouse):
    by_commune = kpi_frame(warehouse, ["unemployment_rate"], grain="year", by_commune=True)
    city = kpi_frame(warehouse, ["unemployment_rate"], grain="year").set_index("period")["value"]
    mean_of_rates = by_commune.groupby("period")["value"].mean()
    assert not np.allclose(city.values, mean_of_rates.loc[city.index].values, rtol=1e-6)


def test_a_year_equals_its_months_and_quarters(warehouse):
    codes = ["new_jobs", "unemployment_rate", "active_enterprises", "bhyt_coverage"]
    frames = kpi_frames(warehouse, codes, grains=("month", "quarter", "year"))
    months = frames[frames["grain"] == "month"].assign(year=lambda f: f["period"].dt.year)
    quarters = frames[frames["grain"] == "quarter"].assign(year=lambda f: f["period"].dt.year)
    years = frames[frames["grain"] == "year"].assign(year=lambda f: f["period"].dt.year)
    for part in (months, quarters):
        summed = part.groupby(["indicator", "year"])[["num", "den"]].sum(min_count=1)
        check = years.set_index(["indicator", "year"])[["num", "den"]]
        pd.testing.assert_frame_equal(summed.loc[check.index], check, check_exact=False, rtol=1e-9)
    flows = years[years["indicator"] == "new_jobs"].set_index("year")["value"]
    assert flows.loc[2022] == months[(months["indicator"] == "new_jobs") & (months["year"] == 2022)]["value"].sum()


def test_stock_counts_are_averaged_over_months_not_summed(warehouse):
    frames = kpi_frames(warehouse, ["active_enterprises"], grains=("month", "year"))
    months = frames[(frames["grain"] == "month") & (frames["period"].dt.year == 2024)]
    year = frames[(frames["grain"] == "year") & (frames["period"].dt.year == 2024)]
    assert year["value"].iloc[0] == pytest.approx(months["value"].mean())


def test_year_to_date_is_cumulative_within_each_year(warehouse):
    ytd = kpi_frame(warehouse, ["new_jobs"], grain="ytd")
    month = kpi_frame(warehouse, ["new_jobs"], grain="month")
    for year in (2022, 2025):
        cum = month[month["period"].dt.year == year]["value"].cumsum().to_numpy()
        np.testing.assert_allclose(ytd[ytd["period"].dt.year == year]["value"].to_numpy(), cum)


def test_one_commune_and_a_commune_type(warehouse):
    code = "00004"
    one = kpi_value(warehouse, "unemployment_rate", Scope(communes=(code,)), "year", pd.Timestamp("2024-01-01"))
    by_commune = kpi_frame(warehouse, ["unemployment_rate"], grain="year", by_commune=True)
    expected = by_commune[(by_commune["commune_code"] == code) & (by_commune["period"] == "2024-01-01")]["value"].iloc[0]
    assert one == pytest.approx(expected)
    wards = kpi_frame(warehouse, ["unemployment_rate"], Scope(commune_type="phuong"), "year")
    urban = kpi_frame(warehouse, ["unemployment_urban"], CITY, "year")
    np.testing.assert_allclose(wards["value"], urban["value"])


def test_urban_rate_does_not_exist_for_a_rural_commune(warehouse):
    xa = load_communes().query("type == 'xa'")["code"].iloc[0]
    assert kpi_frame(warehouse, ["unemployment_urban"], Scope(communes=(xa,)), "year").empty


def test_sector_breakdown_adds_up_to_the_total(warehouse):
    sectors = tuple(chr(c) for c in range(ord("A"), ord("U") + 1))
    total = kpi_frame(warehouse, ["active_enterprises", "avg_monthly_income"], grain="year")
    summed = kpi_frame(warehouse, ["active_enterprises", "avg_monthly_income"], Scope(sectors=sectors), grain="year")
    np.testing.assert_allclose(total["num"], summed["num"], rtol=1e-9)
    np.testing.assert_allclose(total["value"], summed["value"], rtol=1e-9)
    one = kpi_frame(warehouse, ["avg_monthly_income"], Scope(sectors=("K",)), grain="year")
    assert (one["value"] > total[total["indicator"] == "avg_monthly_income"]["value"].to_numpy()).all()


def test_sector_filter_leaves_indicators_without_breakdown_whole(warehouse):
    plain = kpi_frame(warehouse, ["unemployment_rate"], grain="year")
    filtered = kpi_frame(warehouse, ["unemployment_rate"], Scope(sectors=("C",)), grain="year")
    np.testing.assert_allclose(plain["value"], filtered["value"])


def test_productivity_growth_is_yearly_and_city_only(warehouse):
    years = kpi_frame(warehouse, ["productivity_growth"], grain="year").set_index("period")["value"]
    assert np.isnan(years.loc["2020-01-01"])  # no 2019 base
    assert years.loc["2021-01-01":"2025-01-01"].notna().all()
    assert np.isnan(years.loc["2026-01-01"])  # incomplete year
    assert kpi_frame(warehouse, ["productivity_growth"], grain="month")["value"].isna().all()
    assert kpi_frame(warehouse, ["productivity_growth"], Scope(communes=("00004",)), "year").empty


def test_statuses_and_boundary_flag(warehouse):
    frame = kpi_frame(warehouse, ["bhyt_coverage"], grain="year")
    assert set(frame["status"]) == {"demo"}
    flags = frame.set_index(frame["period"].dt.year)["mapped_from_old"]
    assert flags.loc[2025] and not flags.loc[2026]


def test_survey_estimates_carry_standard_errors(warehouse):
    frame = kpi_frame(warehouse, ["unemployment_rate", "bhyt_coverage"], grain="year")
    assert frame[frame["indicator"] == "unemployment_rate"]["se"].gt(0).all()
    assert frame[frame["indicator"] == "bhyt_coverage"]["se"].isna().all()


def test_unknown_indicator_and_grain_are_refused(warehouse):
    with pytest.raises(KeyError):
        kpi_frame(warehouse, ["no_such_kpi"])
    with pytest.raises(ValueError):
        kpi_frame(warehouse, ["new_jobs"], grain="week")


def test_values_are_parameters_not_sql(warehouse):
    hostile = Scope(communes=("00004' OR '1'='1",))
    assert kpi_frame(warehouse, ["new_jobs"], hostile, "year").empty


def _full_statement(wh, codes, grains, start=None, end=None) -> pd.DataFrame:
    """The KPI statement run in full, bypassing the precomputed city series."""
    from indicators import queries

    return queries._run(wh, *queries._kpi_sql(wh, codes, CITY, grains, start, end, False), as_records=False)


@pytest.mark.parametrize("grains", [("month",), ("quarter", "year"), ("month", "year", "ytd")])
def test_the_precomputed_city_series_equals_the_full_statement(warehouse, grains):
    codes = list(warehouse.catalogue.codes)
    fast = kpi_frames(warehouse, codes, CITY, grains)
    pd.testing.assert_frame_equal(fast, _full_statement(warehouse, codes, grains))
    levels = [c for c in codes if warehouse.catalogue.get(c).kind != "growth"]
    start, end = pd.Timestamp(2024, 1, 1), warehouse.data_until
    pd.testing.assert_frame_equal(kpi_frames(warehouse, levels, CITY, grains, start, end),
                                  _full_statement(warehouse, levels, grains, start, end))


def test_growth_from_the_precomputed_series_uses_the_year_before_the_window(warehouse):
    """The full statement only sees the window's months, so its first year has no growth; the city series
    was computed over all the data, so its first year compares with the year before."""
    start = pd.Timestamp(2024, 1, 1)
    fast = kpi_frame(warehouse, ["productivity_growth"], CITY, "year", start=start).set_index("period")["value"]
    every_year = kpi_frame(warehouse, ["productivity_growth"], CITY, "year").set_index("period")["value"]
    assert fast.loc[start] == every_year.loc[start] and not np.isnan(fast.loc[start])
    cut = _full_statement(warehouse, ["productivity_growth"], ("year",), start).set_index("period")["value"]
    assert np.isnan(cut.loc[start])


def test_a_window_that_ends_before_the_data_is_not_served_from_the_city_series(warehouse):
    end = pd.Timestamp(2026, 6, 1)
    year = kpi_frame(warehouse, ["new_jobs"], CITY, "year", end=end).set_index("period")
    assert year.loc[pd.Timestamp(2026, 1, 1), "n_months"] == 6
    months = kpi_frame(warehouse, ["new_jobs"], CITY, "month", start=pd.Timestamp(2026, 1, 1), end=end)
    assert year.loc[pd.Timestamp(2026, 1, 1), "value"] == months["value"].sum()
