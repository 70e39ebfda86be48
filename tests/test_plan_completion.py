"""Plan completion (indicators/plan_completion.py): year to date against the yearly plan, month by month."""
import numpy as np
import pandas as pd
import pytest

from indicators.plan_completion import PLAN_INDICATORS, commune_completion, plan_line, plan_overview, plan_progress
from indicators.queries import Scope, kpi_frame
from indicators.targets import annual_plan


def test_year_to_date_is_the_sum_of_the_months_and_the_share_is_of_the_yearly_plan(warehouse):
    progress = plan_progress(warehouse, "new_jobs", 2026).set_index("month")
    months = kpi_frame(warehouse, ["new_jobs"], grain="month", start=pd.Timestamp(2025, 1, 1),
                       end=pd.Timestamp(2026, 12, 1))
    this = months[months["period"].dt.year == 2026]["value"].cumsum().to_numpy()
    last = months[months["period"].dt.year == 2025]["value"].cumsum().to_numpy()
    np.testing.assert_allclose(progress["ytd"].iloc[:len(this)], this)
    np.testing.assert_allclose(progress["ytd_last_year"], last)
    assert (progress["plan"] == 171_000).all() and (progress["plan_last_year"] == 169_000).all()  # official plans
    np.testing.assert_allclose(progress["share"].dropna(), progress["ytd"].dropna() / 171_000)
    assert progress.loc[12, "pace"] == pytest.approx(171_000) and progress.loc[6, "pace"] == pytest.approx(85_500)


def test_months_after_the_data_are_missing_not_zero(warehouse):
    progress = plan_progress(warehouse, "new_jobs", 2026).set_index("month")
    last_month = warehouse.data_until.month
    assert progress.loc[:last_month, "ytd"].notna().all()
    assert progress.loc[last_month + 1:, "ytd"].isna().all()
    assert progress.loc[last_month + 1:, "share"].isna().all()


def test_a_commune_is_measured_against_its_own_plan(warehouse):
    ind = warehouse.catalogue.get("new_jobs")
    plan = annual_plan(warehouse, ind, 2026, "10417")
    progress = plan_progress(warehouse, "new_jobs", 2026, "10417").set_index("month")
    assert plan is not None and (progress["plan"] == plan.low).all()
    own = kpi_frame(warehouse, ["new_jobs"], Scope(communes=("10417",)), "ytd", start=pd.Timestamp(2026, 1, 1))
    assert progress.loc[10, "ytd"] == pytest.approx(own.set_index("last_month").loc[pd.Timestamp(2026, 10, 1), "value"])


def test_the_plan_line_is_the_yearly_plan_else_the_yearly_target_else_nothing(warehouse):
    loans_2023 = plan_line(warehouse, "jobs_loans", 2023)
    assert loans_2023.value == 39_100 and loans_2023.kind == "annual_plan"  # seed 003
    assert plan_line(warehouse, "jobs_loans", 2026) is None  # no plan and no 2030 target: no invented line
    priority = plan_line(warehouse, "priority_new_jobs", 2026)
    assert priority.value == 12_000 and priority.kind == "yearly_target"  # seed 001, per year
    assert plan_line(warehouse, "priority_new_jobs", 2026, "10417") is None  # a city count is not a commune's
    commune = plan_line(warehouse, "new_jobs", 2026, "10417")
    assert commune.kind == "annual_plan" and commune.status == "demo"


def test_overview_lists_every_plan_indicator(warehouse):
    overview = plan_overview(warehouse, 2026, 10)
    assert list(overview["indicator"]) == list(PLAN_INDICATORS)
    jobs = overview.set_index("indicator").loc["new_jobs"]
    assert jobs["share"] == pytest.approx(jobs["ytd"] / 171_000)
    assert pd.isna(overview.set_index("indicator").loc["jobs_loans", "plan"])


def test_every_commune_with_a_plan_is_listed_and_agrees_with_its_own_view(warehouse):
    table = commune_completion(warehouse, "new_jobs", 2026, 10)
    assert len(table) == 126 and table["commune_code"].is_unique
    assert table["share"].is_monotonic_decreasing
    row = table.set_index("commune_code").loc["10417"]
    own = plan_progress(warehouse, "new_jobs", 2026, "10417").set_index("month").loc[10]
    assert row["ytd"] == pytest.approx(own["ytd"]) and row["plan"] == own["plan"]
    assert row["share_last_year"] == pytest.approx(own["share_last_year"])
    assert commune_completion(warehouse, "jobs_loans", 2026, 10).empty  # communes have no loan plans


@pytest.mark.parametrize("code", ["jobs_abroad", "lex_departed"])
def test_the_seed_003_quarterly_schedule_measures_each_quarter_and_sets_the_pace(warehouse, code):
    """Seed 003: 500 / 1.000 / 1.300 / 1.200 workers abroad in the four quarters of 2023 (4.000 in the year)."""
    progress = plan_progress(warehouse, code, 2023).set_index("month")
    assert progress["quarter_plan"].tolist() == [500] * 3 + [1000] * 3 + [1300] * 3 + [1200] * 3
    assert progress.loc[[3, 6, 9, 12], "pace"].tolist() == pytest.approx([500, 1500, 2800, 4000])
    assert progress.loc[5, "pace"] == pytest.approx(500 + 1000 * 2 / 3)
    months = kpi_frame(warehouse, [code], grain="month", start=pd.Timestamp(2023, 1, 1), end=pd.Timestamp(2023, 12, 1))
    in_q3 = months[months["period"].dt.quarter == 3]["value"].sum()
    assert progress.loc[9, "quarter_value"] == pytest.approx(in_q3)
    assert progress.loc[9, "quarter_share"] == pytest.approx(in_q3 / 1300)
    assert (progress["plan"] == 4000).all()


def test_without_a_schedule_the_pace_is_even_and_quarters_have_no_plan(warehouse):
    progress = plan_progress(warehouse, "jobs_abroad", 2024).set_index("month")
    assert progress["quarter_plan"].isna().all() and progress["quarter_share"].isna().all()
    assert progress["quarter_value"].notna().all()
