"""The data status of a set of figures: the weakest one present (official < preliminary < estimate < demo).

Why the weakest: a badge over a table of figures must not claim more than its least certain figure does;
a page with one demo value among official ones is showing demo data.
"""
from __future__ import annotations

from typing import Iterable

from indicators.warehouse import STATUS_ORDER


def weakest_status(statuses: Iterable[str | None]) -> str | None:
    """The weakest known status among `statuses` (None and unknown values ignored; None when none is known)."""
    ranks = [STATUS_ORDER.index(s) for s in statuses if isinstance(s, str) and s in STATUS_ORDER]
    return STATUS_ORDER[max(ranks)] if ranks else None
