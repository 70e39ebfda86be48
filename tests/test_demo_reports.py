"""Demo reports of the new forms (pipeline/demo_reports.py): deterministic, unit by unit, a skipped report missing
from the facts (never a zero), labelled demo, and the labour-export departures following the real published
count of workers going abroad."""
from __future__ import annotations

import pandas as pd
import pytest

from pipeline.demo_reports import generate_reports
from store.published import load_published

END = pd.Timestamp("2026-10-01")
NOW = pd.Timestamp("2026-12-01")


@pytest.fixture(scope="module")
def facts(warehouse) -> pd.DataFrame:
    frame = warehouse.query("SELECT measure, commune_code, sector, period::TIMESTAMP AS period, value FROM facts "
                            "WHERE measure IN ('labour_force', 'jobs_abroad', 'bhxh_compulsory')")
    frame["period"] = frame["period"].astype("datetime64[us]")
    return frame


@pytest.fixture(scope="module")
def reports(facts):
    return generate_reports(facts, END, now=NOW)


def test_deterministic(facts, reports):
    again = generate_reports(facts, END, now=NOW)
    pd.testing.assert_frame_equal(reports.facts, again.facts)
    pd.testing.assert_frame_equal(reports.receipts, again.receipts)


def test_every_row_is_demo_with_a_source_and_a_vintage_after_its_period(reports):
    out = reports.facts
    assert set(out["status"]) == {"demo"} and out["source"].str.contains("demo").all()
    assert (out["vintage"] > out["period"]).all() and (out["value"] >= 0).all()
    assert set(out["measure"]) >= {"esv_placed", "lex_departed", "osh_deaths", "osh_reporting_employers"}


def test_the_facts_are_the_sum_of_the_reports_sent_so_a_skipped_report_is_missing_not_zero(reports):
    units = reports.units["employment_services"]
    summed = units.groupby(["commune", "period"])["placed"].sum()
    placed = reports.facts[reports.facts["measure"] == "esv_placed"].set_index(["commune_code", "period"])["value"]
    assert placed.sort_index().to_numpy().tolist() == summed.sort_index().to_numpy().tolist()
    sent = set(map(tuple, units[["enterprise", "period"]].drop_duplicates().to_numpy()))
    received = reports.receipts[reports.receipts["template"] == "employment_services"]
    assert set(map(tuple, received[["unit", "period"]].drop_duplicates().to_numpy())) == sent
    months = units["period"].nunique()
    assert units.groupby("enterprise")["period"].nunique().lt(months).any(), "some enterprises skipped a month"


def test_half_yearly_reports_are_in_june_and_december_only(reports):
    safety = reports.facts[reports.facts["measure"].str.startswith("osh_")]
    assert set(safety["period"].dt.month) == {6, 12} and safety["period"].max() == pd.Timestamp("2026-06-01")


def test_the_accident_figures_stay_near_the_assumed_national_share(reports):
    yearly = reports.facts[reports.facts["measure"].isin(["osh_deaths", "osh_victims", "osh_workers"])] \
        .assign(year=lambda f: f["period"].dt.year).groupby(["measure", "year"])["value"].sum().unstack(0)
    full = yearly.loc[2021:2025]
    assert full["osh_deaths"].between(30, 90).all() and full["osh_victims"].between(450, 900).all()
    rate = full["osh_victims"] * 2000 / full["osh_workers"]
    assert rate.between(0.2, 2.0).all()


def test_labour_export_departures_follow_the_published_workers_abroad(warehouse):
    """The only real figure these forms touch: the licensed enterprises' departures are 80–100% of Hanoi's
    published count of workers going abroad (through the commune reports' calibrated count)."""
    published = load_published()
    published = published[(published["target"] == "jobs_abroad") & (published["end"] <= END)]
    assert len(published) >= 2
    for rec in published.itertuples():
        value = warehouse.query("SELECT sum(value) AS v FROM facts WHERE measure = 'lex_departed' AND period BETWEEN ? "
                                "AND ?", [rec.start.to_pydatetime(), rec.end.to_pydatetime()])["v"].iloc[0]
        assert 0.8 * rec.value <= value <= rec.value, f"{rec.published_indicator} {rec.start:%Y-%m}: {value}"
