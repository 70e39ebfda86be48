"""The on-track / at-risk / off-track rule: written once here, shown on every page that uses it.

Levels and rates: the trend of the last three complete years (least-squares slope) is carried to 2030.
- on track: the projected 2030 value meets the 2030 target (and, for a value that already meets it,
  the trend does not take it back out before 2030);
- at risk: the projection misses, but closes at least half of today's gap, or the value meets the target
  today and the trend would lose it by 2030;
- off track: anything else.
Yearly counts with a per-year target (new jobs, trainees): the last 12 months against the yearly target:
on track at 100% or more, at risk from 90%, off track below.
Without a target, or with fewer than two complete years, there is no status.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from indicators.targets import Target

ON_TRACK, AT_RISK, OFF_TRACK, NO_TARGET, NOT_ENOUGH_DATA = "on_track", "at_risk", "off_track", "no_target", "not_enough_data"
HORIZON = 2030
AT_RISK_SHARE_OF_YEARLY_TARGET = 0.9

RULE_TEXT = {
    "vi": (
        "**Quy tắc đánh giá.** Với tỷ lệ và chỉ tiêu mức: kéo dài xu hướng tuyến tính của 3 năm đủ số liệu gần "
        "nhất đến năm 2030. *Đúng hướng*: giá trị dự kiến năm 2030 đạt mục tiêu. *Có nguy cơ*: chưa đạt nhưng "
        "thu hẹp được ít nhất một nửa khoảng cách hiện nay, hoặc đang đạt nhưng xu hướng sẽ làm mất mức đạt "
        "trước 2030. *Chệch hướng*: các trường hợp còn lại. Với chỉ tiêu số lượng theo năm (việc làm mới, học "
        "nghề): tổng 12 tháng gần nhất so với mục tiêu năm — từ 100% là đúng hướng, từ 90% là có nguy cơ, "
        "dưới 90% là chệch hướng."
    ),
    "en": (
        "**How status is decided.** Rates and levels: the linear trend of the last three complete years is "
        "carried to 2030. *On track*: the projected 2030 value meets the target. *At risk*: it misses but closes "
        "at least half of today's gap, or the target is met today but the trend would lose it before 2030. "
        "*Off track*: anything else. Yearly counts (new jobs, trainees): the last 12 months against the yearly "
        "target — 100% or more is on track, from 90% at risk, below 90% off track."
    ),
}


@dataclass(frozen=True)
class Assessment:
    """A status and the numbers behind it, so the page can explain itself."""

    status: str
    projected_2030: float | None = None
    share_of_target: float | None = None


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
