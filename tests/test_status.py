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
