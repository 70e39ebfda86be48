"""Committed reference tables: communes, lineage, sectors, priority groups and plan targets.

Codes are read as strings everywhere: a commune code that became an integer has lost its leading zeros.
"""
from __future__ import annotations

from functools import lru_cache

import pandas as pd

from store.paths import REFERENCE_DIR


@lru_cache(maxsize=1)
def load_communes() -> pd.DataFrame:
    """The 126 commune-level units in force since 1 July 2025 (see pipeline/reference_build.py)."""
    return pd.read_csv(REFERENCE_DIR / "communes.csv", dtype={"code": str})


@lru_cache(maxsize=1)
def load_lineage() -> pd.DataFrame:
    """Old (pre-July 2025) unit -> new unit links, 794 rows; split old units appear more than once."""
    return pd.read_csv(
        REFERENCE_DIR / "commune_lineage.csv", dtype={"new_code": str, "old_code": str, "old_district_code": str}
    )


@lru_cache(maxsize=1)
def load_sectors() -> pd.DataFrame:
    """VSIC 2018 sections A-U with names and the plans' priority-sector flags."""
    sectors = pd.read_csv(REFERENCE_DIR / "sectors.csv", dtype=str, keep_default_na=False)
    sectors["priority"] = sectors["priority"].eq("True")
    return sectors


@lru_cache(maxsize=1)
def load_priority_groups() -> pd.DataFrame:
    return pd.read_csv(REFERENCE_DIR / "priority_groups.csv", dtype=str)


@lru_cache(maxsize=1)
def load_targets() -> pd.DataFrame:
    """Official targets: 2030 targets and yearly plans, for the city ('city') and communes (code)."""
    return pd.read_csv(REFERENCE_DIR / "targets.csv", dtype={"geo": str, "indicator": str})
