"""The warehouse of a data version, and a period cut to the data it holds (shared by every question)."""
from __future__ import annotations

import pandas as pd

from indicators.area import Period
from indicators.warehouse import Warehouse, open_warehouse

FIRST_MONTH = pd.Timestamp(2020, 1, 1)
"""The first month any version holds (the demo and the registers start in January 2020)."""


def warehouse(version: str) -> Warehouse:
    """The DuckDB warehouse of `version`, opened once per process (indicators.warehouse)."""
    return open_warehouse(version)


def clamp(version: str, period: Period) -> Period:
    """`period` cut to the version's data (BadRequest, saying the range, when it lies outside)."""
    return period.clamped(FIRST_MONTH, warehouse(version).data_until)


def known_indicators(version: str, codes) -> list[str]:
    """The codes, each checked against the catalogue (BadRequest naming the unknown ones otherwise)."""
    from indicators.area import BadRequest

    catalogue = warehouse(version).catalogue
    codes = [codes] if isinstance(codes, str) else list(codes)
    unknown = [c for c in codes if c not in catalogue.codes]
    if unknown:
        shown = ", ".join(str(c)[:40] for c in unknown[:5])
        raise BadRequest(f"Chỉ tiêu không có trong danh mục: {shown}. Xem /api/v1/indicators.",
                         f"Not in the catalogue: {shown}. See /api/v1/indicators.", ", ".join(catalogue.codes))
    return codes
