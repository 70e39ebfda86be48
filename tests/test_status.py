"""The on-track / at-risk / off-track rule of indicators/status.py."""
from indicators.status import AT_RISK, NO_TARGET, NOT_ENOUGH_DATA, OFF_TRACK, ON_TRACK, assess_level, assess_yearly_count
from indicators.targets import Target


def target(low=None, high=None, direction="higher"):
    return Target("x", "city", 2030, "target_2030", low, high, direction, "official", "test")


def test_rising_trend_that_reaches_the_target_is_on_track():
    assert assess_level([2023, 2024, 2025], [40, 44, 48], target(60)).status == ON_TRACK


def test_trend_that_closes_half_the_gap_is_at_risk():
    assert assess_level([2023, 2024, 2025], [40, 42, 44], target(60)).status == AT_RISK  # 54 by 2030: gap 16 -> 6
    assert assess_level([2023, 2024, 2025], [40, 41, 42], target(60)).status == OFF_TRACK  # 47: gap 18 -> 13


def test_flat_or_wrong_way_is_off_track():
    assert assess_level([2023, 2024, 2025], [40, 40, 40], target(60)).status == OFF_TRACK
    assert assess_level([2023, 2024, 2025], [1.8, 2.0, 2.2], target(high=2.5, direction="lower")).status == AT_RISK
    assert assess_level([2023, 2024, 2025], [3.0, 3.3, 3.6], target(high=2.5, direction="lower")).status == OFF_TRACK


def test_lower_is_better_with_falling_trend():
    assert assess_level([2023, 2024, 2025], [2.8, 2.7, 2.6], target(high=2.5, direction="lower")).status == ON_TRACK


def test_no_target_and_not_enough_data():
    assert assess_level([2024, 2025], [1, 2], None).status == NO_TARGET
    assert assess_level([2025], [1], target(60)).status == NOT_ENOUGH_DATA


def test_yearly_count_against_target():
    assert assess_yearly_count(190_000, target(180_000)).status == ON_TRACK
    assert assess_yearly_count(165_000, target(180_000)).status == AT_RISK
    assert assess_yearly_count(150_000, target(180_000)).status == OFF_TRACK
    assert assess_yearly_count(None, target(180_000)).status == NOT_ENOUGH_DATA


# ---- the forecast half of the rule (issue 4) ------------------------------------------------------------
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from forecast_helpers import data_dir, forecast_version  # noqa: E402
from indicators.status import (  # noqa: E402
    PROBABILITY_AT_RISK, PROBABILITY_ON_TRACK, RULE_TEXT, Assessment, assess_forecast, combine,
)


def test_probability_thresholds():
    assert assess_forecast(PROBABILITY_ON_TRACK).status == ON_TRACK
    assert assess_forecast(0.95).status == ON_TRACK
    assert assess_forecast(PROBABILITY_ON_TRACK - 1e-9).status == AT_RISK
    assert assess_forecast(PROBABILITY_AT_RISK).status == AT_RISK
    assert assess_forecast(PROBABILITY_AT_RISK - 1e-9).status == OFF_TRACK
    assert assess_forecast(0.0).status == OFF_TRACK
    assert assess_forecast(None).status == NO_TARGET
    assert assess_forecast(float("nan")).status == NO_TARGET
    assert assess_forecast(0.5).basis == "forecast" and assess_forecast(0.5).probability == 0.5
    with pytest.raises(ValueError):
        assess_forecast(1.5)


def test_a_forecast_decides_and_the_trend_rule_is_the_fallback():
    trend = Assessment(ON_TRACK, projected_2030=2.0)
    assert combine(trend, None, has_forecast=False) is trend
    assert combine(trend, 0.1, has_forecast=True).status == OFF_TRACK
    assert combine(trend, None, has_forecast=True).status == NO_TARGET


def test_rule_text_states_the_thresholds_in_both_languages():
    for lang in ("vi", "en"):
        text = RULE_TEXT[lang]
        assert f"{PROBABILITY_ON_TRACK:.0%}" in text and f"{PROBABILITY_AT_RISK:.0%}" in text
    assert "xác suất" in RULE_TEXT["vi"] and "probability" in RULE_TEXT["en"]


@pytest.fixture(scope="module")
def with_forecasts(demo_version):
    root, version, _ = forecast_version(demo_version)
    with data_dir(root):
        yield version


@pytest.mark.parametrize("geo", ["city", "10417"])
def test_scorecard_status_is_the_forecast_status_for_the_same_area(with_forecasts, geo):
    from indicators.forecast_store import load_forecasts
    from indicators.queries import Scope
    from indicators.scorecard import build_scorecard
    from indicators.warehouse import open_warehouse

    wh = open_warehouse(with_forecasts)
    scope = Scope() if geo == "city" else Scope(communes=(geo,))
    rows = {r.indicator.code: r for r in build_scorecard(wh, scope, "month", None, geo)}
    forecasts = load_forecasts(with_forecasts)
    mine = forecasts[forecasts["geo"] == geo]
    assert len(mine) > 15
    for fc in mine.itertuples():
        probability = None if pd.isna(fc.probability) else float(fc.probability)
        assessment = rows[fc.indicator].assessment
        assert assessment.basis == "forecast"
        assert assessment.status == assess_forecast(probability).status, fc.indicator
    without = set(rows) - set(mine["indicator"])
    assert all(rows[code].assessment.basis == "trend" for code in without)


def test_earlier_months_sector_filters_and_other_areas_use_the_trend_rule(with_forecasts):
    from indicators.queries import Scope
    from indicators.scorecard import build_scorecard
    from indicators.warehouse import open_warehouse

    wh = open_warehouse(with_forecasts)
    earlier = build_scorecard(wh, Scope(), "month", wh.data_until - pd.DateOffset(months=1), "city")
    assert all(r.assessment.basis == "trend" for r in earlier)
    by_sector = {r.indicator.code: r for r in build_scorecard(wh, Scope(sectors=("J",)), "month", None, "city")}
    assert by_sector["active_enterprises"].assessment.basis == "trend"  # filtered: not what was forecast
    assert by_sector["unemployment_rate"].assessment.basis == "forecast"  # no sector breakdown: all sectors
    wards = build_scorecard(wh, Scope(commune_type="phuong"), "month", None, "city")
    assert all(r.assessment.basis == "trend" for r in wards)
