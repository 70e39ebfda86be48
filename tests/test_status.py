"""The on-track / at-risk / off-track rule of indicators/status.py: thresholds, targets read as written."""
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indicators.status import (
    AT_RISK, FULL_SHARE_MET_AT, NO_TARGET, OFF_TRACK, ON_TRACK, PROBABILITY_AT_RISK, PROBABILITY_ON_TRACK,
    RULE_TEXT, assess_forecast, status_from_probability, threshold,
)
from indicators.targets import Target


def target(low=None, high=None, direction="higher", judged="end_2030"):
    return Target("x", "city", 2030, "target_2030", low, high, direction, "official", "test", judged=judged)


def test_probability_thresholds():
    assert status_from_probability(PROBABILITY_ON_TRACK) == ON_TRACK
    assert status_from_probability(0.95) == ON_TRACK
    assert status_from_probability(PROBABILITY_ON_TRACK - 1e-9) == AT_RISK
    assert status_from_probability(PROBABILITY_AT_RISK) == AT_RISK
    assert status_from_probability(PROBABILITY_AT_RISK - 1e-9) == OFF_TRACK
    assert status_from_probability(0.0) == OFF_TRACK
    assert status_from_probability(None) == NO_TARGET
    assert status_from_probability(float("nan")) == NO_TARGET
    assert assess_forecast(0.5).basis == "forecast" and assess_forecast(0.5).probability == 0.5
    with pytest.raises(ValueError):
        status_from_probability(1.5)


@settings(max_examples=100, deadline=None)
@given(a=st.floats(0, 1), b=st.floats(0, 1))
def test_a_higher_probability_is_never_a_worse_verdict(a, b):
    order = [OFF_TRACK, AT_RISK, ON_TRACK]
    low, high = sorted((a, b))
    assert order.index(status_from_probability(low)) <= order.index(status_from_probability(high))


def test_targets_are_judged_as_written():
    assert threshold(target(75, 80), "%") == 75  # a band: its lower edge
    assert threshold(target(high=2.5, direction="lower"), "%") == 2.5  # below 2.5%
    assert threshold(target(100), "%") == FULL_SHARE_MET_AT  # 100% counts from 99.5%
    assert threshold(target(180_000, judged="mean_2026_2030"), "người") == 180_000
    assert threshold(target(), "%") is None


def test_the_plans_say_which_targets_are_yearly_averages():
    from indicators.targets import target_2030
    from store.catalogue import load_catalogue

    cat = load_catalogue()
    assert target_2030(cat.get("new_jobs")).judged == "mean_2026_2030"  # "Bình quân mỗi năm"
    assert target_2030(cat.get("productivity_growth")).judged == "mean_2026_2030"
    assert target_2030(cat.get("new_jobs"), "10417").judged == "mean_2026_2030"  # xã Hòa Xá: 400-600 a year
    assert target_2030(cat.get("bhxh_compulsory_share")).judged == "end_2030"
    assert target_2030(cat.get("bhyt_coverage"), "phuong").inherited  # the groups follow the city's rates


def test_rule_text_states_the_thresholds_and_how_targets_are_read_in_both_languages():
    for lang in ("vi", "en"):
        text = RULE_TEXT[lang]
        assert f"{PROBABILITY_ON_TRACK:.0%}" in text and f"{PROBABILITY_AT_RISK:.0%}" in text
        assert "2026–2030" in text and "75–80%" in text and "99,5%" in text.replace("99.5%", "99,5%")
    assert "bình quân mỗi năm" in RULE_TEXT["vi"] and "on average per year" in RULE_TEXT["en"]
