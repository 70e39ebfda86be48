"""What the controls need before any figure is read: the catalogue, the names of the 126 communes, the
VSIC sections, the priority groups and the last month of the served data. Public reference (the same
for everyone, nothing about people), so these are plain functions, not audited questions."""
from __future__ import annotations

import pandas as pd

from service.data_access import warehouse
from store.catalogue import Catalogue, load_catalogue
from store.reference import load_communes, load_priority_groups, load_sectors


def catalogue() -> Catalogue:
    """The KPI catalogue (names, units, definitions, directions)."""
    return load_catalogue()


def commune_table() -> pd.DataFrame:
    """The 126 communes: code, names vi/en, type, area, reference point."""
    return load_communes()


def sector_table() -> pd.DataFrame:
    """The 21 VSIC 2018 sections with names and the plans' priority flags."""
    return load_sectors()


def priority_groups() -> pd.DataFrame:
    """The data plan's four priority groups of sectors."""
    return load_priority_groups()


def data_until(version: str) -> pd.Timestamp:
    """The last month with data in a version (the newest month the controls offer)."""
    return warehouse(version).data_until


# --- the vocabulary pages name: rules, thresholds and lists, from where they are defined ----------------
from indicators.plan_completion import PLAN_INDICATORS  # noqa: E402
from indicators.sectors import COMMUNE_TYPES, PLAN_GROUPS, SECTOR_MEASURES, priority_sectors  # noqa: E402
from indicators.status import RULE_TEXT  # noqa: E402
from indicators.suppression import FLAG, THRESHOLD  # noqa: E402

__all__ = ["COMMUNE_TYPES", "FLAG", "weakest_status", "PLAN_GROUPS", "PLAN_INDICATORS", "RULE_TEXT", "SECTOR_MEASURES", "THRESHOLD",
           "catalogue", "commune_table", "data_until", "priority_groups", "priority_sectors", "sector_table"]


def weakest_status(statuses) -> str | None:
    """The weakest data status present (official < preliminary < estimate < demo), None when there is none:
    a badge over many figures is only as strong as its weakest one."""
    from indicators.warehouse import STATUS_ORDER

    present = {s for s in statuses if isinstance(s, str) and s in STATUS_ORDER}
    return max(present, key=STATUS_ORDER.index) if present else None

from indicators.forecast import BACKTEST_HORIZON, MODELS  # noqa: E402
from indicators.status import NO_VERDICT, VERDICTS  # noqa: E402
from store.audit import ACTIONS as AUDIT_ACTIONS  # noqa: E402
