"""Which property of a boundary file holds the 5-digit commune code, and the codes it gives.

Why: GIS files name the code column as they like (MA_XA, maDVHC, code, id…) and a Shapefile stores it
as a number, losing the leading zeros ("4" for "00004"). The column is taken by name when a known name
holds the codes, else by value (the column whose values are the expected codes); a number is padded
back to 5 digits (the codes are 5 digits by law, so this is lossless) and the padding is reported.
"""
from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Iterable

import pandas as pd

ENV_CODE_PROPERTY = "HANOI_BOUNDARY_CODE_PROPERTY"
CODE_LENGTH = 5
MAX_LISTED = 5  # items named per message
# Column names that usually hold the code, compared without case, accents, spaces or underscores.
CODE_NAMES = ("code", "ma", "maxa", "maphuongxa", "madvhc", "madonvi", "maxaphuong", "wardcode",
              "communecode", "unitcode", "id")
MIN_SHARE_BY_VALUE = 0.9  # a column is "the code" by value when this share of its values are expected codes


def first(items: Iterable[str], limit: int = MAX_LISTED) -> str:
    """The first few items (sets sorted, others in their order) and how many more."""
    listed = sorted(items) if isinstance(items, (set, frozenset)) else list(items)
    shown = ", ".join(listed[:limit])
    more = len(listed) - limit
    return shown + (f" (+{more})" if more > 0 else "")


def _key(name: str) -> str:
    text = unicodedata.normalize("NFKD", str(name).replace("đ", "d").replace("Đ", "D"))
    return re.sub(r"[^a-z0-9]", "", "".join(c for c in text if not unicodedata.combining(c)).lower())


def normalise_code(raw: Any) -> tuple[str | None, bool]:
    """(5-char code or None, padded?) for one cell: 4 / 4.0 / "4" -> ("00004", True)."""
    if raw is None or isinstance(raw, bool) or (isinstance(raw, float) and math.isnan(raw)):
        return None, False
    if isinstance(raw, (int, float)) or hasattr(raw, "is_integer"):
        try:
            number = float(raw)
        except (TypeError, ValueError):
            return None, False
        if not (math.isfinite(number) and number.is_integer() and number >= 0):
            return None, False
        digits = str(int(number))
        return digits.zfill(CODE_LENGTH), len(digits) < CODE_LENGTH
    if isinstance(raw, str):
        text = raw.strip()
        if text.isdigit() and len(text) < CODE_LENGTH:
            return text.zfill(CODE_LENGTH), True
        return (text or None), False
    return None, False


@dataclass
class CodeColumn:
    """The codes of a file, feature by feature, and how they were found."""

    column: str | None
    codes: list[str | None]
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _share(values: pd.Series, expected: set[str]) -> float:
    codes = [normalise_code(v)[0] for v in values]
    return sum(c in expected for c in codes) / max(len(codes), 1)


def find_code_column(frame: pd.DataFrame, expected: set[str], code_property: str | None = None) -> CodeColumn:
    """The code of every feature, from ``code_property`` if given, else by column name, else by value."""
    columns = [c for c in frame.columns if c != frame.geometry.name] if hasattr(frame, "geometry") else list(frame.columns)
    shares = {c: _share(frame[c], expected) for c in columns}
    by_value = max((c for c in columns if shares[c] >= MIN_SHARE_BY_VALUE), key=lambda c: shares[c], default=None)
    if code_property:
        if code_property not in columns:
            hint_vi = f"; thuộc tính chứa mã có lẽ là '{by_value}'" if by_value else ""
            hint_en = f"; the codes seem to be in '{by_value}'" if by_value else ""
            return CodeColumn(None, [None] * len(frame), problems=[
                f"{len(frame)}/{len(frame)} đối tượng thiếu thuộc tính mã '{code_property}'; các thuộc tính có: "
                f"{first(columns, 10)}{hint_vi} (đặt {ENV_CODE_PROPERTY} hoặc chọn thuộc tính khác) / "
                f"{len(frame)}/{len(frame)} features lack the code property '{code_property}'; available properties: "
                f"{first(columns, 10)}{hint_en} (set {ENV_CODE_PROPERTY} or choose another property)"])
        column, how_vi, how_en = code_property, "đã chọn", "chosen"
    else:
        by_name = next((c for name in CODE_NAMES for c in columns if _key(c) == name and shares[c] >= 0.5), None)
        column = by_name or by_value
        how_vi, how_en = ("theo tên", "by name") if by_name else ("theo giá trị", "by value")
        if column is None:
            return CodeColumn(None, [None] * len(frame), problems=[
                f"không thuộc tính nào chứa mã 5 chữ số của 126 xã, phường; các thuộc tính có: {first(columns, 10)} "
                f"(đặt {ENV_CODE_PROPERTY} nếu mã nằm ở thuộc tính khác) / no property holds the 5-digit codes of the "
                f"126 communes; available properties: {first(columns, 10)} (set {ENV_CODE_PROPERTY} if the code is "
                f"stored under another name)"])
    pairs = [normalise_code(v) for v in frame[column]]
    codes = [c for c, _ in pairs]
    out = CodeColumn(column, codes, notes=[f"mã xã, phường lấy từ thuộc tính '{column}' ({how_vi}) / "
                                           f"commune codes taken from property '{column}' ({how_en})"])
    padded = sorted({c for c, p in pairs if p and c})
    if padded:
        out.notes.append(
            f"{len(padded)} mã dạng số đã được thêm số 0 đứng đầu (ví dụ {padded[0].lstrip('0') or '0'} → {padded[0]}) / "
            f"{len(padded)} numeric codes got their leading zeros back (e.g. {padded[0].lstrip('0') or '0'} → {padded[0]})")
    blank = [str(i) for i, c in enumerate(codes) if c is None]
    if blank:
        out.problems.append(f"{len(blank)} đối tượng không có mã (đối tượng số {first(blank)}) / "
                            f"{len(blank)} features have no code (feature index {first(blank)})")
    return out


def code_set_problems(codes: list[str | None], expected: set[str]) -> list[str]:
    """Missing, repeated and unknown codes, each "vi / en"."""
    counts: dict[str, int] = {}
    for c in codes:
        if c is not None:
            counts[c] = counts.get(c, 0) + 1
    missing = set(expected) - set(counts)
    duplicated = {c for c, n in counts.items() if n > 1}
    unknown = set(counts) - set(expected)
    problems = []
    if missing:
        problems.append(f"thiếu {len(missing)}/{len(expected)} mã: {first(missing)} / "
                        f"{len(missing)}/{len(expected)} codes missing: {first(missing)}")
    if duplicated:
        problems.append(f"mã xuất hiện nhiều lần: {first(duplicated)} / codes appearing more than once: {first(duplicated)}")
    if unknown:
        problems.append(f"mã không thuộc danh sách 126 xã, phường: {first(unknown)} / "
                        f"codes not among the expected units: {first(unknown)}")
    return problems
