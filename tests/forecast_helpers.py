"""The session's demo version with its stored forecasts and verdicts, and a copy published without them.

The session's warehouse is published as every entry point publishes (`service.publishing`: the derive
hook adds the forecasts and verdicts of its own data). `plain_version` is the other case readers must
handle: a version published without the hook, which carries the previous version's tables (stamped with
that version's name) and so gets its own derived by readers with the same code; it lives in a separate
data folder, and a test switches to it with `data_dir`.
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


def forecast_version(demo_version: str) -> tuple[Path, str, dict]:
    """(data folder, version with stored derived tables, the tables): the session's own version."""
    from indicators.verdicts import stored, version_tables

    assert stored(demo_version), "the session's demo is published with its verdicts (tests/conftest.py)"
    return version_path(demo_version).parent.parent, demo_version, version_tables(demo_version)


@lru_cache(maxsize=1)
def plain_version(demo_version: str) -> tuple[Path, str]:
    """(data folder, a version published from the session's data without the derive hook): built once."""
    from pipeline.publish import publish_update

    root = Path(tempfile.mkdtemp(prefix="hanoi-plain-"))
    (root / "versions").mkdir()
    shutil.copytree(version_path(demo_version), root / "versions" / demo_version)
    (root / "CURRENT").write_text(demo_version, encoding="utf-8")
    with data_dir(root):
        version = publish_update({}, "demo-plain")  # carries demo_version's tables, made for another version
    return root, version
