"""The demo generator: deterministic, calibrated to every real published figure, believable, marked demo."""
import numpy as np
import pandas as pd
import pytest

from indicators.queries import CITY, kpi_frames
from pipeline.demo_data import commune_profiles, generate
from store.published import load_published
from store.reference import load_communes


@pytest.fixture(scope="module")
def small():
    return generate(end=pd.Timestamp("2021-03-01"))


def test_deterministic(small):
    again = generate(end=pd.Timestamp("2021-03-01"))
    pd.testing.assert_frame_equal(small.facts, again.facts)
    pd.testing.assert_frame_equal(small.plans, again.plans)


def test_everything_is_marked_demo_with_source_and_vintage(small):
    facts = small.facts
    assert set(facts["status"]) == {"demo"}
    assert facts["source"].str.contains("demo").all()
    assert (facts["vintage"] > facts["period"]).all()
    assert set(small.plans["status"]) == {"demo"}


def test_counts_are_whole_and_not_negative(small):
    values = small.facts.loc[small.facts["measure"] != "grdp_constant", "value"]
    assert (values >= 0).all()
    assert np.allclose(values, np.round(values))


def test_all_126_communes_and_all_months(small):
    facts = small.facts
    assert facts.loc[facts["commune_code"] != "", "commune_code"].nunique() == 126
    assert facts["period"].min() == pd.Timestamp("2020-01-01")
    assert facts["period"].max() == pd.Timestamp("2021-03-01")


def _city_value(frames: pd.DataFrame, target: str, basis: str, start, end) -> float:
    grain = {"year": "year", "month": "month", "ytd": "ytd"}[basis]
    part = frames[(frames["grain"] == grain) & (frames["indicator"] == target)]
    key = "last_month" if basis == "ytd" else "period"
    when = end if basis == "ytd" else start
    return float(part[part[key] == when]["value"].iloc[0])


def test_city_matches_every_published_figure_within_one_percent(warehouse):
    published = load_published()
    published = published[(published["start"] >= "2020-01-01") & (published["end"] <= "2026-10-01")]
    indicators = published[published["target_kind"] == "indicator"]
    frames = kpi_frames(warehouse, sorted(set(indicators["target"])), CITY, ("year", "month", "ytd"))
    checked = 0
    for rec in indicators.itertuples():
        value = _city_value(frames, rec.target, rec.basis, rec.start, rec.end)
        assert value == pytest.approx(rec.value, rel=0.01), f"{rec.published_indicator} {rec.start:%Y-%m}"
        checked += 1
    measures = published[published["target_kind"] == "measure"]
    for rec in measures.itertuples():
        rows = warehouse.query(
            "SELECT sum(value) / count(DISTINCT period) AS v FROM facts WHERE measure = ? AND period BETWEEN ? AND ?",
            [rec.target, rec.start.to_pydatetime(), rec.end.to_pydatetime()],
        )
        assert rows["v"].iloc[0] == pytest.approx(rec.value, rel=0.01), f"{rec.published_indicator} {rec.start:%Y-%m}"
        checked += 1
    assert checked == 62  # every Hanoi figure of 2020-01..2026-10 in published_figures.csv, 2025 included


def test_the_2025_figures_are_met_not_by_a_spike(warehouse):
    """Each published 2025 month figure sits on a smooth path: the months around it are within a few
    tenths of a point (the calibration is a small correction, not a bump to the figure and back)."""
    codes = ["bhxh_compulsory_share", "bhxh_voluntary_share", "bhtn_share", "bhyt_coverage"]
    monthly = kpi_frames(warehouse, codes, CITY, ("month",)).pivot(index="period", columns="indicator", values="value")
    for code in codes:
        second = monthly[code].diff().diff().abs()
        assert second.loc["2024-07-01":"2026-10-01"].max() < 0.25, code


def test_no_series_goes_flat_at_the_end(warehouse):
    """Every yearly assumption reaches past the last month, so no city rate stops moving (issue 14). Rates of
    half-yearly reports (accident frequency) have one figure in these months: they cannot move in them."""
    from store.templates import report_months

    codes = [c for c in warehouse.catalogue.codes if warehouse.catalogue.get(c).kind == "ratio"
             and report_months(warehouse.catalogue.get(c).measures) == 1]
    monthly = kpi_frames(warehouse, codes, CITY, ("month",)).pivot(index="period", columns="indicator", values="value")
    last_half_year = monthly.loc["2026-05-01":"2026-10-01"]
    for code in codes:
        assert last_half_year[code].diff().abs().min() > 0, code


def test_the_generator_refuses_to_run_past_its_assumptions():
    from pipeline.demo_data import load_assumptions

    years = max(load_assumptions()["years"])
    with pytest.raises(ValueError, match="demo_assumptions.yaml"):
        generate(end=pd.Timestamp(years + 1, 1, 1))


def test_tet_dip_in_job_creation(warehouse):
    frames = kpi_frames(warehouse, ["new_jobs"], CITY, ("month",))
    monthly = frames.set_index("period")["value"]
    # Tết 2024 fell in February, Tết 2025 in January.
    assert monthly["2024-02-01"] < 0.8 * monthly["2024-03-01"]
    assert monthly["2025-01-01"] < 0.8 * monthly["2025-03-01"]


def test_inner_wards_differ_from_rural_communes(warehouse):
    from indicators.queries import kpi_frame

    profiles = commune_profiles(load_communes()).set_index("code")
    frame = kpi_frame(warehouse, ["trained_share", "bhxh_voluntary_share"], grain="year", by_commune=True)
    frame = frame[frame["period"] == "2025-01-01"].join(profiles["zone"], on="commune_code")
    means = frame.groupby(["indicator", "zone"])["value"].median().unstack()
    assert means.loc["trained_share", "core"] > means.loc["trained_share", "rural"] + 10
    assert means.loc["bhxh_voluntary_share", "rural"] > means.loc["bhxh_voluntary_share", "core"]




def test_bhxh_flows_reconcile_with_the_stock(warehouse):
    rows = warehouse.query(
        """
        SELECT period, sum(value) FILTER (WHERE measure = 'bhxh_compulsory') AS stock,
               sum(value) FILTER (WHERE measure = 'bhxh_new') AS new,
               sum(value) FILTER (WHERE measure = 'bhxh_lost') AS lost
        FROM facts WHERE measure IN ('bhxh_compulsory', 'bhxh_new', 'bhxh_lost') AND commune_code = '00004'
        GROUP BY period ORDER BY period
        """
    )
    change = rows["stock"].diff().iloc[1:]
    np.testing.assert_allclose(change, (rows["new"] - rows["lost"]).iloc[1:])
