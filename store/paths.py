"""Locations of the project's data, in one place so pipeline and readers agree.

`HANOI_DATA_DIR` moves the curated warehouse (tests point it at a temporary folder); reference tables
are committed and always read from the repository. The report forms (`store/templates/`) and the KPI
catalogue (`store/catalogue.yaml`) are content a deployment may extend without code: `HANOI_TEMPLATES_DIR`
and `HANOI_CATALOGUE_FILE` point the whole project at its own.
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


def templates_dir() -> Path:
    """The folder of report-form declarations (store/templates/*.yaml unless HANOI_TEMPLATES_DIR says)."""
    override = os.environ.get("HANOI_TEMPLATES_DIR")
    return Path(override) if override else PROJECT_ROOT / "store" / "templates"


def catalogue_file() -> Path:
    """The KPI catalogue (store/catalogue.yaml unless HANOI_CATALOGUE_FILE says)."""
    override = os.environ.get("HANOI_CATALOGUE_FILE")
    return Path(override) if override else PROJECT_ROOT / "store" / "catalogue.yaml"
