"""The KPI card's sparkline (ui/sparkline.py): its colour repeats the change's verdict, periods without a
value are left out of the line, and it carries words for a screen reader."""
from __future__ import annotations

import math

import pytest

from ui.sparkline import TONE_COLOURS, spec, tone


@pytest.mark.parametrize(("delta", "direction", "expected"), [
    (0.4, "higher", "good"), (-0.4, "higher", "bad"), (0.4, "lower", "bad"), (-0.4, "lower", "good"),
    (0.0, "higher", "neutral"), (None, "lower", "neutral"), (1.0, "none", "neutral"),
])
def test_the_colour_follows_the_verdict_of_the_change(delta, direction, expected):
    assert tone(delta, direction) == expected


def test_periods_without_a_value_are_left_out_and_nothing_is_left_unlabelled():
    s = spec([1.0, math.nan, 3.0, None, 2.5], TONE_COLOURS["good"])
    assert s["data"]["values"] == [{"i": 0, "v": 1.0}, {"i": 2, "v": 3.0}, {"i": 4, "v": 2.5}]
    assert s["mark"]["aria"] is False and s["mark"]["color"] == TONE_COLOURS["good"]
    assert s["encoding"]["x"]["axis"] is None  # a bare line: the card says the period and the value


def test_the_words_are_passed_as_the_charts_alternative_text():
    from streamlit.testing.v1 import AppTest

    def script():
        from ui.sparkline import show_sparkline
        show_sparkline([1.0, 2.0, 3.0], "bad", "Diễn biến 3 kỳ gần nhất: từ 1 đến 3")

    at = AppTest.from_function(script).run()
    assert not at.exception
    chart = at.get("vega_lite_chart")[0].proto
    assert chart.alt == "Diễn biến 3 kỳ gần nhất: từ 1 đến 3"
