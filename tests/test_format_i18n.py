"""vi-VN / English formatting through Babel, and every UI string in both languages."""
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from i18n.formats import fmt_delta, fmt_number, fmt_period, fmt_value
from i18n.strings import LANGS, STRINGS, t


def test_vi_and_en_number_formats():
    assert fmt_number(1234.5, "vi", 1) == "1.234,5"
    assert fmt_number(1234.5, "en", 1) == "1,234.5"
    assert fmt_number(None, "vi") == "–"
    assert fmt_value(2.1234, "%", "%", "vi") == "2,12%"
    assert fmt_value(188875, "người", "người", "vi") == "188.875 người"
    assert fmt_value(12_400_000, "đồng/tháng", "đồng/tháng", "vi", compact=True) == "12,4 triệu đồng/tháng"
    assert fmt_delta(-0.3, "%", "vi") == "-0,30 điểm %"
    assert fmt_delta(None, "%", "vi") is None


@given(st.floats(-1e9, 1e9, allow_nan=False))
def test_vi_number_round_trips(value):
    text = fmt_number(value, "vi", 1)
    parsed = float(text.replace(".", "").replace(",", ".").replace("\u2212", "-"))
    assert abs(parsed - value) <= 0.05 + abs(value) * 1e-9


def test_period_labels():
    assert fmt_period(pd.Timestamp("2026-10-01"), "month", "vi") == "Tháng 10/2026"
    assert fmt_period(pd.Timestamp("2026-07-01"), "quarter", "en") == "Q3 2026"
    assert fmt_period(pd.Timestamp("2026-01-01"), "year", "vi", n_months=10) == "Năm 2026 (10 tháng)"
    assert fmt_period(pd.Timestamp("2026-01-01"), "ytd", "vi", pd.Timestamp("2026-10-01")) == "Lũy kế 10 tháng 2026"


def test_every_ui_string_has_both_languages():
    missing = [key for key, texts in STRINGS.items() if set(texts) != set(LANGS) or not all(texts.values())]
    assert missing == []


def test_placeholders_agree_between_languages():
    import string

    for key, texts in STRINGS.items():
        fields = [{f for _, f, _, _ in string.Formatter().parse(text) if f} for text in texts.values()]
        assert fields[0] == fields[1], key


def test_t_fills_placeholders():
    assert t("no_data_geo", "en", geo="X").startswith("No data for X")
