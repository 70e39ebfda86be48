"""The on-track / at-risk / off-track rule: written once here, shown on every page that uses it.

1. When a 2030 forecast exists for the KPI and the area (`indicators.forecast`, computed in batch when
   data is published), the status is the probability that the target is met in 2030, estimated by
   simulating the chosen model's paths:
   - on track: probability 70% or more;
   - at risk: from 30% to under 70%;
   - off track: under 30%.
   For a yearly count (new jobs, trainees) the probability is that of the 2030 calendar-year total
   reaching the per-year target; for a rate or level, that of the value at the end of 2030.
2. Without a forecast (too little history, a sector filter, or a month before the forecast's data), the
   trend rule applies. Levels and rates: the trend of the last three complete years (least-squares
   slope) is carried to 2030.
   - on track: the projected 2030 value meets the 2030 target;
   - at risk: the projection misses, but closes at least half of today's gap, or the value meets the
     target today and the trend would lose it by 2030;
   - off track: anything else.
   Yearly counts with a per-year target: the last 12 months against the yearly target: on track at 100%
   or more, at risk from 90%, off track below.
Without a target, or with fewer than two complete years, there is no status.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from indicators.targets import Target

ON_TRACK, AT_RISK, OFF_TRACK, NO_TARGET, NOT_ENOUGH_DATA = "on_track", "at_risk", "off_track", "no_target", "not_enough_data"
HORIZON = 2030
AT_RISK_SHARE_OF_YEARLY_TARGET = 0.9
PROBABILITY_ON_TRACK = 0.7
"""A forecast with at least this probability of meeting the 2030 target is on track."""
PROBABILITY_AT_RISK = 0.3
"""From this probability up to PROBABILITY_ON_TRACK: at risk; below it: off track."""

RULE_TEXT = {
    "vi": (
        "**Quy tắc đánh giá.** *Khi có dự báo 2030* (tính khi công bố số liệu, xem trang Dự báo 2030): trạng "
        "thái dựa trên xác suất đạt mục tiêu năm 2030, ước lượng bằng mô phỏng nhiều kịch bản từ mô hình được "
        "chọn. *Đúng hướng*: xác suất từ 70% trở lên. *Có nguy cơ*: từ 30% đến dưới 70%. *Chệch hướng*: dưới "
        "30%. Với chỉ tiêu số lượng theo năm (việc làm mới, học nghề), xác suất là của tổng cả năm 2030 so với "
        "mục tiêu năm; với tỷ lệ và chỉ tiêu mức, của giá trị cuối năm 2030.\n\n"
        "*Khi chưa có dự báo* (chuỗi số liệu quá ngắn, đang lọc theo ngành, hoặc đang xem một tháng trước "
        "thời điểm lập dự báo): với tỷ lệ và chỉ tiêu mức, kéo dài xu hướng tuyến tính của 3 năm đủ số liệu gần "
        "nhất đến năm 2030. *Đúng hướng*: giá trị dự kiến năm 2030 đạt mục tiêu. *Có nguy cơ*: chưa đạt nhưng "
        "thu hẹp được ít nhất một nửa khoảng cách hiện nay, hoặc đang đạt nhưng xu hướng sẽ làm mất mức đạt "
        "trước 2030. *Chệch hướng*: các trường hợp còn lại. Với chỉ tiêu số lượng theo năm: tổng 12 tháng gần "
        "nhất so với mục tiêu năm — từ 100% là đúng hướng, từ 90% là có nguy cơ, dưới 90% là chệch hướng."
    ),
    "en": (
        "**How status is decided.** *When a 2030 forecast exists* (computed when data is published; see the "
        "2030 forecast page): the status is the probability of meeting the 2030 target, estimated by simulating "
        "many paths from the chosen model. *On track*: 70% or more. *At risk*: 30% to under 70%. *Off track*: "
        "under 30%. For yearly counts (new jobs, trainees) it is the probability that the 2030 calendar-year "
        "total reaches the yearly target; for rates and levels, that the end-2030 value meets the target.\n\n"
        "*Without a forecast* (too little history, a sector filter, or a month before the forecast's data): "
        "rates and levels carry the linear trend of the last three complete years to 2030. *On track*: the "
        "projected 2030 value meets the target. *At risk*: it misses but closes at least half of today's gap, "
        "or the target is met today but the trend would lose it before 2030. *Off track*: anything else. "
        "Yearly counts: the last 12 months against the yearly target — 100% or more is on track, from 90% at "
        "risk, below 90% off track."
    ),
}


@dataclass(frozen=True)
class Assessment:
    """A status and the numbers behind it, so the page can explain itself.

    `basis` says which half of the rule decided it: "trend" (fallback) or "forecast" (probability).
    """

    status: str
    projected_2030: float | None = None
    share_of_target: float | None = None
    probability: float | None = None
    basis: str = "trend"


def assess_forecast(probability: float | None, expected_2030: float | None = None) -> Assessment:
    """Status from the forecast probability of meeting the 2030 target (None: the KPI has no target)."""
    if probability is None or (isinstance(probability, float) and math.isnan(probability)):
        return Assessment(NO_TARGET, expected_2030, basis="forecast")
    if not 0.0 <= probability <= 1.0:
        raise ValueError(f"a probability must be within [0, 1], got {probability}")
    if probability >= PROBABILITY_ON_TRACK:
        status = ON_TRACK
    elif probability >= PROBABILITY_AT_RISK:
        status = AT_RISK
    else:
        status = OFF_TRACK
    return Assessment(status, expected_2030, probability=probability, basis="forecast")


def combine(trend: Assessment, forecast_probability: float | None, has_forecast: bool,
            expected_2030: float | None = None) -> Assessment:
    """The one decision: the forecast's status when a forecast exists, else the trend rule's."""
    if not has_forecast:
        return trend
    return assess_forecast(forecast_probability, expected_2030)


def assess_level(years: list[int], values: list[float], target: Target | None) -> Assessment:
    """Status of a rate or level from its complete-year values (oldest first)."""
    if target is None or target.threshold is None:
        return Assessment(NO_TARGET)
    points = [(y, v) for y, v in zip(years, values) if v is not None and np.isfinite(v)][-3:]
    if len(points) < 2:
        return Assessment(NOT_ENOUGH_DATA)
    x = np.array([p[0] for p in points], dtype=float)
    y = np.array([p[1] for p in points], dtype=float)
    slope, intercept = np.polyfit(x, y, 1)
    current = y[-1]
    projected = float(intercept + slope * HORIZON)
    if target.meets(projected):
        return Assessment(ON_TRACK, projected)
    if target.meets(float(current)):
        return Assessment(AT_RISK, projected)
    gap_now = abs(target.threshold - current)
    gap_then = abs(target.threshold - projected)
    moving_right_way = (projected - current) * (1 if target.direction != "lower" else -1) > 0
    if moving_right_way and gap_then <= 0.5 * gap_now:
        return Assessment(AT_RISK, projected)
    return Assessment(OFF_TRACK, projected)


def assess_yearly_count(last_12_months: float | None, target: Target | None) -> Assessment:
    """Status of a per-year count target from the sum of the last 12 months."""
    if target is None or target.low is None:
        return Assessment(NO_TARGET)
    if last_12_months is None or not np.isfinite(last_12_months):
        return Assessment(NOT_ENOUGH_DATA)
    share = last_12_months / target.low
    if share >= 1:
        return Assessment(ON_TRACK, share_of_target=share)
    if share >= AT_RISK_SHARE_OF_YEARLY_TARGET:
        return Assessment(AT_RISK, share_of_target=share)
    return Assessment(OFF_TRACK, share_of_target=share)
