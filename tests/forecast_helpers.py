"""A forecast-bearing copy of the session's demo warehouse, for the forecast, status and page tests.

The batch runs once per test session on the city and a few communes, and publishes into a separate
data folder, so the other tests keep serving the session's plain demo version. A test switches to it
with the `forecast_env` fixture of its module (which restores `HANOI_DATA_DIR` afterwards).
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
    """(data folder, forecast version, batch stats): the demo version plus forecasts, built once."""
    from service.forecast_batch import publish_forecasts

    root = Path(tempfile.mkdtemp(prefix="hanoi-forecast-"))
    (root / "versions").mkdir()
    shutil.copytree(version_path(demo_version), root / "versions" / demo_version)
    (root / "CURRENT").write_text(demo_version, encoding="utf-8")
    with data_dir(root):
        version, stats = publish_forecasts(demo_version, communes=FORECAST_COMMUNES, workers=2, progress=None)
    return root, version, stats
