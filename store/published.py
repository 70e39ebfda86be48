"""Real published city figures (data/reference/published_figures.csv), as a tidy table.

These are the only real numbers the product holds. The demo generator calibrates to them and the pages
draw them beside the demo series, with their sources. Period text such as "2022", "2021-10" or
"2022-05" with a cumulative unit is turned into an explicit basis and month range.
"""
from __future__ import annotations

import pandas as pd

from store.paths import REFERENCE_DIR

STATUS_MAP = {"actual": "official", "preliminary": "preliminary", "estimate": "estimate", "derived": "estimate"}


def _parse_period(period: str, cumulative: bool) -> tuple[str, pd.Timestamp, pd.Timestamp] | None:
    """(basis, first month, last month) for a published period, or None when it is a multi-year range."""
    if len(period) == 4 and period.isdigit():
        year = int(period)
        return "year", pd.Timestamp(year, 1, 1), pd.Timestamp(year, 12, 1)
    if len(period) == 7 and period[4] == "-":
        year, month = int(period[:4]), int(period[5:])
        if cumulative:
            return "ytd", pd.Timestamp(year, 1, 1), pd.Timestamp(year, month, 1)
        return "month", pd.Timestamp(year, month, 1), pd.Timestamp(year, month, 1)
    return None


def load_published(reference_dir=REFERENCE_DIR) -> pd.DataFrame:
    """Hanoi's published figures mapped to catalogue codes.

    Columns: published_indicator, target, target_kind ('indicator' | 'measure'), basis ('year' | 'month' |
    'ytd'), start, end (first and last month, Timestamps), value, unit, status (official | preliminary | estimate),
    source_url, note. Targets and other geographies are left out: they are not observations of Hanoi.
    """
    raw = pd.read_csv(reference_dir / "published_figures.csv", dtype=str)
    mapping = pd.read_csv(reference_dir / "published_mapping.csv", dtype=str)
    raw = raw[(raw["geo"] == "Hanoi") & raw["status"].isin(STATUS_MAP)]
    merged = raw.merge(mapping, left_on="indicator", right_on="published_indicator", how="inner")
    rows = []
    for rec in merged.itertuples(index=False):
        cumulative = rec.basis == "ytd" or "cumulative" in str(rec.unit)
        parsed = _parse_period(rec.period, cumulative)
        if parsed is None:
            continue
        basis, start, end = parsed
        rows.append(
            {
                "published_indicator": rec.indicator,
                "target": rec.target,
                "target_kind": rec.target_kind,
                "basis": basis,
                "start": start,
                "end": end,
                "value": float(rec.value),
                "unit": rec.unit,
                "status": STATUS_MAP[rec.status],
                "source_url": rec.source_url,
                "note": "" if pd.isna(rec.note_x) else rec.note_x,
            }
        )
    return pd.DataFrame(rows)
