"""What a question is about: one `Area` (the city, one commune, or every phường / every xã) and one
`Period` (a grain and the month it ends with), from the URL and the API down to the SQL.

Why one type each: the same place used to be a `View.commune`, a `Scope` and a `geo` string (with two
`CITY` constants of different types), converted by hand on every page; a period was a grain plus a
month, cut into months by two `period_window` functions that disagreed on an unknown grain. Parsing
lives here too, so a page link (`?xa=10417&ky=year&den=2026-10`) and an API call
(`area=10417&grain=year&period=2026`) accept and refuse exactly the same values, with the same message.

"Unemployment in xã Hòa Xá in 2026" is `Area.commune("10417")` and `Period.year(2026)`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import ClassVar, Literal

import pandas as pd

from indicators.queries import Scope

CITY_KEY = "city"
"""The key of the whole city in targets, forecasts and verdicts (a commune's key is its code)."""
GROUPS: tuple[str, ...] = ("phuong", "xa")
"""Commune types that form an area of their own: every phường (ward), every xã (rural commune)."""
GRAINS: tuple[str, ...] = ("month", "quarter", "year", "ytd")
CODE = re.compile(r"\d{5}")
MONTH = re.compile(r"(\d{4})-(\d{2})")
YEAR = re.compile(r"\d{4}")


class BadRequest(ValueError):
    """A value a user or a client sent that is not one of the allowed ones; says so in both languages."""

    def __init__(self, message_vi: str, message_en: str, allowed: str = "") -> None:
        super().__init__(f"{message_en}" + (f" Allowed: {allowed}" if allowed else ""))
        self.message_vi = message_vi
        self.message_en = message_en
        self.allowed = allowed

    def message(self, lang: str) -> str:
        return self.message_en if lang == "en" else self.message_vi


def _commune_codes() -> frozenset[str]:
    from store.reference import load_communes

    return frozenset(load_communes()["code"])


@dataclass(frozen=True, order=True)
class Area:
    """The city, one commune (5-digit official code, a string: "00004" never 4) or a commune type."""

    kind: Literal["city", "commune", "group"]
    code: str = ""

    CITY: ClassVar["Area"]

    def __post_init__(self) -> None:
        if self.kind == "city" and self.code:
            raise ValueError("the city has no code")
        if self.kind == "commune" and not CODE.fullmatch(self.code):
            raise ValueError(f"a commune code has 5 digits, not {self.code!r}")
        if self.kind == "group" and self.code not in GROUPS:
            raise ValueError(f"a group is one of {GROUPS}, not {self.code!r}")

    @classmethod
    def commune(cls, code: str) -> "Area":
        return cls("commune", code)

    @classmethod
    def group(cls, commune_type: str) -> "Area":
        return cls("group", commune_type)

    @classmethod
    def parse(cls, text: str | None) -> "Area":
        """'city' (or empty), a commune code of the 126, 'phuong' or 'xa'; BadRequest otherwise."""
        value = (text or "").strip()
        if value in ("", CITY_KEY):
            return cls.CITY
        if value in GROUPS:
            return cls.group(value)
        if CODE.fullmatch(value) and value in _commune_codes():
            return cls.commune(value)
        shown = value[:40]
        raise BadRequest(
            f"Địa bàn «{shown}» không có: dùng 'city' (toàn thành phố), mã 5 chữ số của một trong 126 xã/phường "
            "(ví dụ 10417), 'phuong' (mọi phường) hoặc 'xa' (mọi xã).",
            f"Unknown area «{shown}»: use 'city' (the whole city), the 5-digit code of one of the 126 communes "
            "(e.g. 10417), 'phuong' (every ward) or 'xa' (every rural commune).",
            "city | <5-digit commune code> | phuong | xa")

    @property
    def key(self) -> str:
        """'city', the commune code, or the group name: how targets, forecasts and verdicts name the area."""
        return CITY_KEY if self.kind == "city" else self.code

    @property
    def is_city(self) -> bool:
        return self.kind == "city"

    @property
    def is_commune(self) -> bool:
        return self.kind == "commune"

    @property
    def is_group(self) -> bool:
        return self.kind == "group"

    def scope(self, sectors: tuple[str, ...] = ()) -> Scope:
        """The SQL scope of the area, optionally narrowed to some sectors (VSIC letters)."""
        sectors_or_all = tuple(sectors) or None
        if self.kind == "commune":
            return Scope(communes=(self.code,), sectors=sectors_or_all)
        if self.kind == "group":
            return Scope(commune_type=self.code, sectors=sectors_or_all)
        return Scope(sectors=sectors_or_all)


Area.CITY = Area("city")


@dataclass(frozen=True, order=True)
class Period:
    """A grain (month, quarter, year, year to date) and the month it ends with (the first of that month).

    A quarter or a year that is not over yet runs to `end` (as the KPIs do): "quý 4/2026" in October 2026
    is October alone, and the year and the year to date both start in January.
    """

    grain: str
    end: pd.Timestamp

    def __post_init__(self) -> None:
        if self.grain not in GRAINS:
            raise ValueError(f"grain must be one of {GRAINS}, not {self.grain!r}")
        month = pd.Timestamp(self.end).to_period("M").to_timestamp()
        object.__setattr__(self, "end", month)

    @classmethod
    def month(cls, year: int, month: int) -> "Period":
        return cls("month", pd.Timestamp(year, month, 1))

    @classmethod
    def year(cls, year: int) -> "Period":
        """A calendar year (up to December; `clamped` cuts it to the last month with data)."""
        return cls("year", pd.Timestamp(year, 12, 1))

    @classmethod
    def parse(cls, grain: str | None, period: str | None, default_end: pd.Timestamp | None = None) -> "Period":
        """A grain name and 'YYYY-MM' (or 'YYYY' for a year); BadRequest with the allowed values otherwise."""
        grain_value = (grain or "month").strip()
        if grain_value not in GRAINS:
            raise BadRequest(
                f"Kỳ «{grain_value[:40]}» không có: dùng month (tháng), quarter (quý), year (năm) hoặc ytd (lũy kế từ đầu năm).",
                f"Unknown grain «{grain_value[:40]}»: use month, quarter, year or ytd (year to date).",
                " | ".join(GRAINS))
        text = (period or "").strip()
        if not text:
            if default_end is None:
                raise BadRequest("Thiếu kỳ báo cáo: dùng YYYY-MM, ví dụ 2026-10.",
                                 "The period is missing: use YYYY-MM, e.g. 2026-10.", "YYYY-MM")
            return cls(grain_value, default_end)
        found = MONTH.fullmatch(text)
        if found and 1 <= int(found.group(2)) <= 12:
            return cls(grain_value, pd.Timestamp(int(found.group(1)), int(found.group(2)), 1))
        if grain_value == "year" and YEAR.fullmatch(text):
            return cls.year(int(text))
        raise BadRequest(
            f"Kỳ báo cáo «{text[:40]}» không hợp lệ: dùng YYYY-MM (ví dụ 2026-10), hoặc YYYY khi kỳ là năm.",
            f"Invalid period «{text[:40]}»: use YYYY-MM (e.g. 2026-10), or YYYY when the grain is year.",
            "YYYY-MM | YYYY (grain=year)")

    def window(self) -> tuple[pd.Timestamp, pd.Timestamp]:
        """First and last month of the period."""
        if self.grain == "month":
            return self.end, self.end
        if self.grain == "quarter":
            return self.end.to_period("Q").to_timestamp(), self.end
        return pd.Timestamp(self.end.year, 1, 1), self.end

    def clamped(self, first: pd.Timestamp, last: pd.Timestamp) -> "Period":
        """The period with its end cut to the data (a year asked for in full ends with the last month
        with data); BadRequest when it lies wholly outside [first, last], saying the range."""
        start, end = self.window()
        if start > last or end < first:
            lo, hi = f"{first:%Y-%m}", f"{last:%Y-%m}"
            raise BadRequest(f"Không có số liệu cho kỳ này: số liệu có từ {lo} đến {hi}.",
                             f"No data for this period: the data runs from {lo} to {hi}.", f"{lo} .. {hi}")
        return Period(self.grain, min(end, last))

    @property
    def slug(self) -> str:
        """'2026-10' (or '2026' for a whole year): for file names and links."""
        return f"{self.end:%Y-%m}"
