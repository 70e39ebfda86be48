"""The on-track / at-risk / off-track rule: written once here (RULE_TEXT), shown on every page that uses it.

One rule, computed when data is published (`indicators.verdicts`) and stored with the version, so every
surface reads the same verdict and no verdict changes unless the data do:
1. The 2030 forecast of the KPI in the area, made from the data up to the month being looked at, gives
   the probability that the target is met as the plan writes it (`indicators.targets.Target.judged`):
   - "by 2030" (đến năm 2030): the value of the last period of 2030;
   - "on average per year 2026-2030" (bình quân mỗi năm): the mean of the five yearly values (calendar-
     year totals for counts), the years already observed counting with their actual values;
   - a band such as 75-80% is met at its lower edge; "below" targets (unemployment < 2.5%) strictly
     below; a target of 100% is met from 99.5% (the last half point is within the data's noise).
2. On track: probability 70% or more; at risk: 30% to under 70%; off track: under 30%.
3. No verdict, said as such: no quantified target; not enough data yet (too short a series, or its
   forecasts not yet checked against enough outcomes); no data for the area; and, with a sector filter,
   "targets are for the whole economy" for KPIs the filter applies to.
The probability and the verdict come from one calibrated distribution, so they always agree.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from indicators.targets import Target

ON_TRACK, AT_RISK, OFF_TRACK = "on_track", "at_risk", "off_track"
NO_TARGET, NOT_ENOUGH_DATA, NO_DATA = "no_target", "not_enough_data", "no_data"
NOT_APPLICABLE_SECTOR = "not_applicable_sector"
VERDICTS = (ON_TRACK, AT_RISK, OFF_TRACK, NO_TARGET, NOT_ENOUGH_DATA, NO_DATA, NOT_APPLICABLE_SECTOR)
NO_VERDICT = (NO_TARGET, NOT_ENOUGH_DATA, NO_DATA, NOT_APPLICABLE_SECTOR)
"""The states that are not a judgement: every surface shows them in grey, each with its own words."""

PROBABILITY_ON_TRACK = 0.7
"""A forecast with at least this probability of meeting the 2030 target is on track."""
PROBABILITY_AT_RISK = 0.3
"""From this probability up to PROBABILITY_ON_TRACK: at risk; below it: off track."""
END_2030, MEAN_2026_2030 = "end_2030", "mean_2026_2030"
MEAN_YEARS = tuple(range(2026, 2031))
FULL_SHARE_MET_AT = 99.5
"""A target of 100% counts as met from this value (in %)."""

RULE_TEXT = {
    "vi": (
        "**Quy tắc đánh giá.** Trạng thái được tính một lần khi công bố số liệu và dùng chung cho mọi trang. "
        "Từ số liệu đến tháng đang xem, dự báo năm 2030 cho biết xác suất đạt mục tiêu, đọc đúng như kế hoạch "
        "viết: mục tiêu *đến năm 2030* so với giá trị cuối năm 2030; mục tiêu *bình quân mỗi năm 2026–2030* so "
        "với trung bình 5 năm (chỉ tiêu số lượng: tổng cả năm), năm đã có số liệu tính theo số thực tế; mục "
        "tiêu dạng khoảng (75–80%) so với cận dưới; mục tiêu “dưới” (thất nghiệp < 2,5%) phải thấp hơn hẳn; "
        "mục tiêu 100% coi là đạt từ 99,5%. *Đúng hướng*: xác suất từ 70% trở lên. *Có nguy cơ*: từ 30% đến "
        "dưới 70%. *Chệch hướng*: dưới 30%. Không đánh giá khi chỉ tiêu không có mục tiêu định lượng, khi "
        "chưa đủ số liệu (chuỗi quá ngắn hoặc dự báo chưa được kiểm chứng đủ), khi khu vực không có số liệu, "
        "và khi lọc theo ngành (mục tiêu là của toàn nền kinh tế). Khoảng dự báo được hiệu chỉnh bằng sai số "
        "thực tế khi dự báo lại quá khứ, nên xác suất và trạng thái luôn khớp nhau."
    ),
    "en": (
        "**How status is decided.** The status is computed once, when data is published, and every page "
        "shows the same one. From the data up to the month in view, the 2030 forecast gives the probability "
        "of meeting the target as the plan writes it: a target *by 2030* against the value at the end of "
        "2030; a target *on average per year 2026–2030* against the mean of the five years (counts: "
        "calendar-year totals), years already observed counting with their actual values; a band (75–80%) "
        "against its lower edge; a “below” target (unemployment < 2.5%) strictly below; a target of 100% "
        "is met from 99.5%. *On track*: a probability of 70% or more. *At risk*: 30% to under 70%. *Off "
        "track*: under 30%. No status when the KPI has no quantified target, when there is not enough data "
        "yet (too short a series, or its forecasts not yet checked against enough outcomes), when the area "
        "has no data, and with a sector filter (the targets are for the whole economy). The intervals are "
        "calibrated on the forecasts' real errors on the past, so probability and status always agree."
    ),
}


@dataclass(frozen=True)
class Assessment:
    """A status and the numbers behind it, as the pages read it (`basis` is always 'forecast' now)."""

    status: str
    projected_2030: float | None = None
    share_of_target: float | None = None
    probability: float | None = None
    basis: str = "forecast"


def status_from_probability(probability: float | None) -> str:
    """The verdict of a probability of meeting the target (None or NaN: the KPI has no target)."""
    if probability is None or (isinstance(probability, float) and math.isnan(probability)):
        return NO_TARGET
    if not 0.0 <= probability <= 1.0:
        raise ValueError(f"a probability must be within [0, 1], got {probability}")
    if probability >= PROBABILITY_ON_TRACK:
        return ON_TRACK
    if probability >= PROBABILITY_AT_RISK:
        return AT_RISK
    return OFF_TRACK


def assess_forecast(probability: float | None, expected_2030: float | None = None) -> Assessment:
    """The status of a forecast probability, with the numbers behind it."""
    return Assessment(status_from_probability(probability), expected_2030,
                      probability=None if status_from_probability(probability) == NO_TARGET else probability)


def threshold(target: Target, unit: str) -> float | None:
    """The number the judged value is compared with: the lower edge of a band for higher-is-better, the
    ceiling for lower-is-better; a 100% target counts from FULL_SHARE_MET_AT."""
    value = target.threshold
    if value is None:
        return None
    if target.direction != "lower" and unit == "%" and value >= 100:
        return FULL_SHARE_MET_AT
    return float(value)
