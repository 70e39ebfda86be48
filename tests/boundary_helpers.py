"""Boundary files for tests: the project's built geometry written as a GIS office would hand it over."""
from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely

from indicators.boundary_topology import to_metres
from store.paths import GEO_FILE, PROJECT_ROOT

OFFICIAL_ENV = "HANOI_OFFICIAL_BOUNDARY_TEST_FILE"


def built_frame() -> gpd.GeoDataFrame:
    """The schematic geometry (WGS 84) with its code and name columns."""
    return gpd.read_file(GEO_FILE)[["code", "name", "geometry"]]


def built_json() -> dict:
    return json.loads(GEO_FILE.read_text(encoding="utf-8"))


def areas_m2(frame: gpd.GeoDataFrame) -> dict[str, float]:
    """Area of each commune (m², equal-area projection) from a WGS 84 frame."""
    return dict(zip(frame["code"], shapely.area(to_metres(np.asarray(frame.geometry.values)))))


def write_shapefile_zip(frame: gpd.GeoDataFrame, path: Path, strip_crs: bool = False) -> Path:
    """The frame (in its CRS) as a zipped Shapefile; without the .prj when `strip_crs`."""
    folder = path.with_suffix("")
    folder.mkdir(parents=True, exist_ok=True)
    frame.to_file(folder / "xa_phuong.shp", engine="pyogrio")
    with zipfile.ZipFile(path, "w") as zf:
        for part in sorted(folder.iterdir()):
            if strip_crs and part.suffix.lower() == ".prj":
                continue
            zf.write(part, part.name)
    return path


def write_gpkg(frame: gpd.GeoDataFrame, path: Path) -> Path:
    frame.to_file(path, layer="xa_phuong", driver="GPKG", engine="pyogrio")
    return path


def write_json(path: Path, data: object) -> Path:
    path.write_text(data if isinstance(data, str) else json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def official_path() -> Path:
    """The real official file given to CI (see .ci/run), or skip."""
    value = os.environ.get(OFFICIAL_ENV, "").strip()
    if not value:
        pytest.skip(f"{OFFICIAL_ENV} not set")
    path = Path(value)
    if not path.is_absolute() and not path.exists():
        path = PROJECT_ROOT / path
    if not path.exists():
        pytest.skip(f"{OFFICIAL_ENV} points to a missing file: {value}")
    return path


def bilingual(problems: list[str]) -> bool:
    return bool(problems) and all(" / " in p for p in problems)
