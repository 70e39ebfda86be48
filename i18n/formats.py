"""Numbers, dates and periods in vi-VN (1.234,5) or English (1,234.5) through Babel, never string hacks."""
from __future__ import annotations

import math

import pandas as pd
from babel.numbers import format_decimal

from i18n.strings import t

LOCALES = {"vi": "vi_VN", "en": "en_US"}
MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def fmt_number(value: float | None, lang: str = "vi", decimals: int = 0) -> str:
    """1234.5 -> '1.234,5' (vi) or '1,234.5' (en); None -> an en dash."""
    if _missing(value):
        return "–"
    pattern = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
    return format_decimal(value, format=pattern, locale=LOCALES[lang])


def decimals_for(unit: str, value: float | None = None) -> int:
    """How many decimals a value of this unit deserves on screen."""
    if unit.startswith("%"):
        return 1 if value is None or abs(value) >= 10 else 2
    return 0


def fmt_value(value: float | None, unit: str, unit_label: str, lang: str = "vi", compact: bool = False) -> str:
    """A value with its unit: '2,12%', '188.875 người', '12,4 triệu đồng/tháng'."""
    if _missing(value):
        return "–"
    if unit.startswith("%"):
        return f"{fmt_number(value, lang, decimals_for(unit, value))}{unit_label}" if unit == "%" else \
            f"{fmt_number(value, lang, decimals_for(unit, value))} {unit_label}"
    if unit == "đồng/tháng" and compact:
        millions = fmt_number(value / 1e6, lang, 1)
        return f"{millions} triệu đồng/tháng" if lang == "vi" else f"VND {millions} million/month"
    return f"{fmt_number(value, lang, 0)} {unit_label}"


def fmt_delta(delta: float | None, unit: str, lang: str = "vi") -> str | None:
    """A signed change: '+0,3 điểm %' for rates, '+1.234' for counts; None when unknown."""
    if _missing(delta):
        return None
    sign = "+" if delta > 0 else ("-" if delta < 0 else "±")  # ASCII minus: Streamlit reads it for the arrow
    magnitude = fmt_number(abs(delta), lang, decimals_for(unit, 1.0) if unit.startswith("%") else 0)
    if unit.startswith("%"):
        return f"{sign}{magnitude} {'điểm %' if lang == 'vi' else 'pp'}"
    return f"{sign}{magnitude}"


def fmt_percent_of(value: float | None, lang: str = "vi") -> str:
    """A share given as a fraction: 1.105 -> '110,5%'."""
    if _missing(value):
        return "–"
    return f"{fmt_number(value * 100, lang, 1)}%"


def fmt_month(month: pd.Timestamp, lang: str = "vi") -> str:
    return f"{month.month:02d}/{month.year}" if lang == "vi" else f"{MONTHS_EN[month.month - 1]} {month.year}"


def fmt_period(period: pd.Timestamp, grain: str, lang: str = "vi", last_month: pd.Timestamp | None = None,
               n_months: int | None = None) -> str:
    """Human period labels: 'Tháng 10/2026', 'Quý 3/2026', 'Năm 2026 (10 tháng)', 'Lũy kế 10 tháng 2026'."""
    period = pd.Timestamp(period)
    if grain == "month":
        return f"Tháng {period.month:02d}/{period.year}" if lang == "vi" else fmt_month(period, "en")
    if grain == "quarter":
        q = (period.month - 1) // 3 + 1
        return f"Quý {q}/{period.year}" if lang == "vi" else f"Q{q} {period.year}"
    if grain == "year":
        partial = n_months is not None and n_months < 12
        if lang == "vi":
            return f"Năm {period.year}" + (f" ({n_months} tháng)" if partial else "")
        return f"{period.year}" + (f" ({n_months} months)" if partial else "")
    end = pd.Timestamp(last_month if last_month is not None else period)
    if lang == "vi":
        return f"Lũy kế {end.month} tháng {end.year}"
    return f"{MONTHS_EN[0]}–{MONTHS_EN[end.month - 1]} {end.year} (year to date)"


def fmt_report_period(period: pd.Timestamp, months: int, lang: str = "vi") -> str:
    """The period a report covers, from its last month: 'Tháng 10/2026', '6 tháng đầu năm 2026', 'Q3 2026'."""
    period = pd.Timestamp(period)
    if months == 6:
        first = period.month <= 6
        if lang == "vi":
            return f"6 tháng {'đầu' if first else 'cuối'} năm {period.year}"
        return f"H{1 if first else 2} {period.year}"
    if months == 12:
        return f"Năm {period.year}" if lang == "vi" else f"{period.year}"
    if months == 3:
        return fmt_period(period, "quarter", lang)
    return fmt_period(period, "month", lang)


def fmt_date(value: pd.Timestamp | None, lang: str = "vi") -> str:
    if value is None or pd.isna(value):
        return "–"
    value = pd.Timestamp(value)
    return value.strftime("%d/%m/%Y") if lang == "vi" else value.strftime("%d %b %Y")


# --- locale-aware currency, dates and times through Babel (issue 6) ---
TIMEZONE = "Asia/Ho_Chi_Minh"
"""The city's clock: times on screens and in briefings are Hanoi times, whatever the server's zone."""


def format_currency(value: float | None, lang: str = "vi", currency: str = "VND") -> str:
    """12_400_000 -> '12.400.000 ₫' (vi) or '₫12,400,000' (en), Babel's CLDR patterns; None -> en dash."""
    if _missing(value):
        return "–"
    from babel.numbers import format_currency as _babel_currency

    return _babel_currency(value, currency, locale=LOCALES[lang])


def format_date(value: pd.Timestamp | None, lang: str = "vi", length: str = "long") -> str:
    """A date in words: '5 tháng 10, 2026' / 'October 5, 2026' (length: short, medium, long, full)."""
    if value is None or pd.isna(value):
        return "–"
    from babel.dates import format_date as _babel_date

    return _babel_date(pd.Timestamp(value).date(), length, locale=LOCALES[lang])


def format_datetime(value: pd.Timestamp | None, lang: str = "vi", pattern: str = "HH:mm:ss dd/MM/yyyy") -> str:
    """A moment in Hanoi time: naive values are taken as UTC; the pattern is a CLDR pattern."""
    if value is None or pd.isna(value):
        return "–"
    from babel.dates import format_datetime as _babel_datetime

    moment = pd.Timestamp(value)
    moment = moment.tz_localize("UTC") if moment.tzinfo is None else moment
    return _babel_datetime(moment.tz_convert(TIMEZONE).to_pydatetime(), pattern, locale=LOCALES[lang])


def month_name(month: int, lang: str = "vi") -> str:
    """The month's full name: 'tháng 10' / 'October' (Babel's CLDR names)."""
    from babel.dates import get_month_names

    return str(get_month_names("wide", locale=LOCALES[lang])[month])


# --- KPI values and targets as text (an indicator of the catalogue, a target of indicators.targets) ---
def value_text(ind, value: float | None, lang: str) -> str:
    """A KPI value with its unit, compact: '2,12%', '188.875 người', '12,4 triệu đồng/tháng'."""
    return fmt_value(value, ind.unit, ind.unit_label(lang), lang, compact=True)


def target_text(ind, target, lang: str) -> str:
    """'< 2,5%', '75–80%', '≥ 180.000 người/năm' (without the 'Mục tiêu 2030' prefix)."""
    if target is None:
        return t("no_target", lang)
    unit, label = ind.unit, ind.unit_label(lang)
    if target.direction == "lower":
        text = f"< {fmt_value(target.high, unit, label, lang)}"
    elif target.low is not None and target.high is not None:
        low = fmt_value(target.low, unit, label, lang).replace(label, "").strip()
        text = f"{low}–{fmt_value(target.high, unit, label, lang)}"
    else:
        text = f"≥ {fmt_value(target.low, unit, label, lang)}"
    if ind.kind == "count" and not unit.startswith("%") and ind.code != "active_enterprises":
        text += t("per_year", lang)
    return text
