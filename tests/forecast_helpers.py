"""A copy of the session's demo warehouse with its forecasts and verdicts stored, for the forecast, verdict
and page tests.

The derived tables are computed once per test session, by the publish transaction's derive hook (as
every publish of the command line does) and published into a separate data folder, so the other tests keep serving the
session's plain demo version (whose verdicts readers derive themselves: the same numbers). A test
switches to it with `data_dir`.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from store.versions import version_path

FORECAST_COMMUNES = ["10417", "00004", "10489"]
"""xã Hòa Xá (own targets and plans), a ward, and another commune."""


@contextmanager
def data_dir(root: Path):
    """Point the project at another curated folder for the duration of a block."""
    before = os.environ.get("HANOI_DATA_DIR")
    os.environ["HANOI_DATA_DIR"] = str(root)
    try:
        yield root
    finally:
        if before is None:
            os.environ.pop("HANOI_DATA_DIR", None)
        else:
            os.environ["HANOI_DATA_DIR"] = before


@lru_cache(maxsize=1)
def forecast_version(demo_version: str) -> tuple[Path, str, dict]:
    """(data folder, version with stored derived tables, the tables): built once per session."""
    from indicators.verdicts import derive_hook, version_tables
    from pipeline.publish import publish_update

    root = Path(tempfile.mkdtemp(prefix="hanoi-forecast-"))
    (root / "versions").mkdir()
    shutil.copytree(version_path(demo_version), root / "versions" / demo_version)
    (root / "CURRENT").write_text(demo_version, encoding="utf-8")
    with data_dir(root):
        version = publish_update({}, "demo-verdicts", {"derived": {"from_version": demo_version}}, derive=derive_hook)
        tables = version_tables(version)
    return root, version, tables
