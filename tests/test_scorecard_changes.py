"""A card's change is against the KPI's previous release, in the unit of its value, 'không đổi' when zero at
the shown precision; a KPI that does not exist for an area's type says so; one sector notice."""

import pandas as pd
import pytest
from hypothesis import given, settings, strategies as st

from i18n.strings import t
from indicators.queries import Scope
from indicators.scorecard import ScoreRow, applies_to, previous_release
from store.catalogue import load_catalogue
from ui.scorecard_view import change_basis, change_text, sector_notice

CAT = load_catalogue()


def monthly(values: list[float | None], start: str = "2025-01-01") -> list[dict]:
    months = pd.date_range(start, periods=len(values), freq="MS")
    return [{"period": m, "value": v} for m, v in zip(months, values)]


def test_a_monthly_kpi_is_compared_with_last_month():
    assert previous_release(monthly([1.0, 2.0, 3.0]), "period", "monthly", "month") == (2.0, 1)


def test_a_quarterly_kpi_by_month_is_compared_with_the_previous_quarter():
    series = monthly([1.0, 1.1, 1.2, 1.3, 1.4, 1.5])  # interpolated between releases
    assert previous_release(series, "period", "quarterly", "month") == (1.2, 3)


def test_an_annual_kpi_with_half_yearly_reports_is_compared_with_a_year_earlier():
    series = [{"period": pd.Timestamp(d), "value": v} for d, v in
              [("2024-06-01", 10.0), ("2024-12-01", 12.0), ("2025-06-01", 11.0)]]
    assert previous_release(series, "period", "annual", "month") == (10.0, 12)


def test_no_earlier_release_means_no_change():
    assert previous_release(monthly([1.0, 1.1]), "period", "quarterly", "month") == (None, 3)
    assert previous_release(monthly([1.0]), "period", "monthly", "month") == (None, 1)


def row(code: str, **kw) -> ScoreRow:
    return ScoreRow(indicator=CAT.get(code), grain=kw.pop("grain", "month"), **kw)


@pytest.mark.parametrize("lang, expected", [("vi", "+0,18 triệu"), ("en", "+0.18 million")])
def test_income_change_is_in_the_unit_of_its_value(lang, expected):
    assert change_text(row("avg_monthly_income"), 175_000.0, lang) == expected


@pytest.mark.parametrize("code, delta", [("unemployment_rate", 0.001), ("unemployment_rate", -0.004),
                                         ("new_jobs", 0.0), ("new_jobs", -0.3), ("avg_monthly_income", 3_000.0)])
def test_a_change_zero_at_the_shown_precision_is_unchanged(code, delta):
    assert change_text(row(code), delta, "vi") == "không đổi"
    assert change_text(row(code), delta, "en") == "unchanged"


@settings(max_examples=60, deadline=None)
@given(st.floats(min_value=-1e7, max_value=1e7, allow_nan=False),
       st.sampled_from(["unemployment_rate", "new_jobs", "avg_monthly_income", "osh_frequency_rate"]))
def test_a_change_never_reads_as_a_signed_zero(delta, code):
    text = change_text(row(code), delta, "vi")
    assert text == "không đổi" or any(ch in "123456789" for ch in text)
    assert "±" not in text and not text.startswith(("+0,00 ", "-0,00 ", "+0 ", "-0 "))
    if text != "không đổi":
        assert text[0] == ("+" if delta > 0 else "-")


def test_the_basis_names_the_period_compared_with():
    assert change_basis(row("unemployment_rate", previous_months=3), "vi") == "so với quý trước"
    assert change_basis(row("new_jobs", previous_months=1), "en") == "vs previous month"
    assert change_basis(row("osh_deaths", previous_months=12), "vi") == "so với năm trước"
    assert change_basis(row("new_jobs", grain="ytd"), "vi") == "so với kỳ trước"


def test_urban_unemployment_does_not_apply_to_a_xa():
    urban = CAT.get("unemployment_urban")
    assert not applies_to(urban, Scope(communes=("10417",)))  # Xã Hòa Xá
    assert applies_to(urban, Scope(communes=("00004",)))  # Phường Ba Đình
    assert not applies_to(urban, Scope(commune_type="xa"))
    assert applies_to(urban, Scope()) and applies_to(CAT.get("unemployment_rate"), Scope(communes=("10417",)))


def test_one_sector_notice_names_the_kpis_that_respond():
    rows = [row("avg_monthly_income", sector_filtered=True), row("new_jobs", sector_filtered=False)]
    notice = sector_notice(rows, "vi")
    assert notice.startswith("Bộ lọc ngành áp dụng cho 1 chỉ tiêu") and CAT.get("avg_monthly_income").name_vi in notice
    assert CAT.get("new_jobs").name_vi not in notice and t("sector_mark", "vi") in notice
    assert sector_notice([row("new_jobs")], "vi") is None  # no filter, no notice


@pytest.mark.parametrize("code, value, year_ago, expected", [
    ("avg_monthly_income", 12_600_000.0, 11_600_000.0, "+1,00 triệu so với cùng kỳ năm trước"),
    ("unemployment_rate", 1.80, 1.80, "không đổi so với cùng kỳ năm trước"),
])
def test_the_wall_words_a_change_as_the_cards_do(code, value, year_ago, expected):
    from ui.wall import _change

    assert _change(row(code, value=value, year_ago=year_ago), "vi") == expected
