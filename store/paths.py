"""Locations of the project's data, in one place so pipeline and readers agree.

`HANOI_DATA_DIR` moves the curated warehouse (tests point it at a temporary folder); reference tables
are committed and always read from the repository.
"""
from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT: Path = Path(__file__).resolve().parent.parent
REFERENCE_DIR: Path = PROJECT_ROOT / "data" / "reference"
SAMPLES_DIR: Path = PROJECT_ROOT / "data" / "samples"
GEO_FILE: Path = PROJECT_ROOT / "geo" / "hanoi_communes.geojson"


def curated_dir() -> Path:
    """The curated warehouse root (one sub-folder per published version)."""
    override = os.environ.get("HANOI_DATA_DIR")
    return Path(override) if override else PROJECT_ROOT / "data" / "curated"
