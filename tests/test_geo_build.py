"""Checks of the schematic commune map geo/hanoi_communes.geojson and its build.

Tolerances achieved by the build (and asserted here): every unit's area within
±5 % of its official area (actual max ≈ 2.2 %), median error ≤ 1 % (actual ≈ 0.1 %),
city total within 0.5 %; no overlaps, no gaps, one polygon per unit that
contains the unit's reference point.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
import shapely
import shapely.validation
from shapely.geometry import Point, shape

from pipeline import geo_build
from pipeline.geo_build import area_km2, english_name, official_units

ROOT = Path(__file__).resolve().parent.parent
BUILT = ROOT / "geo" / "hanoi_communes.geojson"

UNIT_AREA_TOL = 0.05
MEDIAN_AREA_TOL = 0.01
TOTAL_AREA_TOL = 0.005


@pytest.fixture(scope="module")
def fc() -> dict:
    with open(BUILT, encoding="utf-8") as fh:
        return json.load(fh)


@pytest.fixture(scope="module")
def units() -> dict[str, dict]:
    return {u["code"]: u for u in official_units()}


@pytest.fixture(scope="module")
def geoms(fc: dict) -> dict[str, object]:
    return {f["properties"]["code"]: shape(f["geometry"]) for f in fc["features"]}


def test_official_units_list(units: dict[str, dict]) -> None:
    assert len(units) == 126
    assert all(isinstance(c, str) and len(c) == 5 and c.isdigit() for c in units)
    kinds = [u["type"] for u in units.values()]
    assert kinds.count("phuong") == 51 and kinds.count("xa") == 75
    assert units["00004"]["name"] == "Phường Ba Đình"
    assert units["00004"]["name_en"] == "Ba Dinh Ward"


def test_english_names() -> None:
    assert english_name("Hòa Xá", "xa") == "Hoa Xa Commune"
    assert english_name("Đống Đa", "phuong") == "Dong Da Ward"
    assert english_name("Văn Miếu - Quốc Tử Giám", "phuong") == "Van Mieu - Quoc Tu Giam Ward"


def test_codes_names_and_types(fc: dict, units: dict[str, dict]) -> None:
    feats = fc["features"]
    assert fc["type"] == "FeatureCollection"
    assert len(feats) == 126
    codes = [f["properties"]["code"] for f in feats]
    assert len(set(codes)) == 126
    assert set(codes) == set(units)
    for f in feats:
        p = f["properties"]
        u = units[p["code"]]
        assert isinstance(p["code"], str) and len(p["code"]) == 5
        assert f["id"] == p["code"]
        assert (p["name"], p["short_name"], p["name_en"], p["type"]) == (
            u["name"],
            u["short_name"],
            u["name_en"],
            u["type"],
        )
        assert p["name_en"].isascii()
        assert p["area_km2_official"] == u["area_km2"]
        assert (p["ref_lon"], p["ref_lat"]) == (u["lon"], u["lat"])
    kinds = [f["properties"]["type"] for f in feats]
    assert kinds.count("phuong") == 51 and kinds.count("xa") == 75


def test_top_level_documentation(fc: dict) -> None:
    assert fc["name"] == "hanoi_communes"
    assert "không phải ranh giới chính thức" in fc["attribution"]
    assert "not official" in fc["attribution"]
    assert "vietnamadminunits" in fc["attribution"]
    assert fc["method"]


def test_valid_clockwise_polygons_containing_reference_points(fc: dict, geoms: dict) -> None:
    for f in fc["features"]:
        g = geoms[f["properties"]["code"]]
        assert g.geom_type == "Polygon", f["id"]
        assert g.is_valid, (f["id"], shapely.validation.explain_validity(g))
        assert not g.exterior.is_ccw, f"{f['id']}: exterior ring must be clockwise"
        assert all(r.is_ccw for r in g.interiors), f"{f['id']}: holes must be counter-clockwise"
        ref = Point(f["properties"]["ref_lon"], f["properties"]["ref_lat"])
        assert g.contains(ref), f"{f['id']} does not contain its reference point"


def test_areas_close_to_official(fc: dict, geoms: dict) -> None:
    errors = []
    for f in fc["features"]:
        p = f["properties"]
        a = area_km2(geoms[p["code"]])
        assert a == pytest.approx(p["area_km2_geom"], abs=0.006)
        errors.append(a / p["area_km2_official"] - 1)
    errors = np.abs(errors)
    worst = [f["id"] for f, e in zip(fc["features"], errors) if e > UNIT_AREA_TOL]
    assert not worst, f"units beyond ±{UNIT_AREA_TOL:.0%}: {worst}"
    assert np.median(errors) <= MEDIAN_AREA_TOL
    total = sum(area_km2(g) for g in geoms.values())
    official = sum(f["properties"]["area_km2_official"] for f in fc["features"])
    assert abs(total / official - 1) <= TOTAL_AREA_TOL


def test_area_formula_is_ellipsoidal() -> None:
    # a 0.1° x 0.1° cell at 21°N: M * N * cos(phi) * dphi * dlambda on WGS84
    a, e2 = 6378.137, 0.0066943799901413165
    phi = math.radians(21.05)
    s2 = math.sin(phi) ** 2
    m = a * (1 - e2) / (1 - e2 * s2) ** 1.5
    n = a / math.sqrt(1 - e2 * s2)
    expected = m * n * math.cos(phi) * math.radians(0.1) ** 2
    cell = shapely.box(105.8, 21.0, 105.9, 21.1).segmentize(0.001)
    assert area_km2(cell) == pytest.approx(expected, rel=1e-5)


def test_no_overlaps_no_gaps(geoms: dict) -> None:
    polys = list(geoms.values())
    tree = shapely.STRtree(polys)
    left, right = tree.query(polys, predicate="intersects")
    overlap = 0.0
    for i, j in zip(left, right):
        if i < j:
            overlap += shapely.area(shapely.intersection(polys[i], polys[j]))
    assert overlap < 1e-9  # degrees²: shared edges only
    union = shapely.union_all(polys)
    assert union.geom_type == "Polygon"
    total = sum(p.area for p in polys)
    assert union.area == pytest.approx(total, rel=1e-7)
    assert len(union.interiors) == 0


def test_file_is_small() -> None:
    assert BUILT.stat().st_size < 400 * 1024


def test_build_reads_nothing_from_shared_folder() -> None:
    source = Path(geo_build.__file__).read_text(encoding="utf-8")
    # licence rule: the build must not touch the reference files in ../shared/geo
    for needle in ("shared/", "shared\\", "hanoi_wards_2025", "hanoi_outline_2025", "HANOI_BOUNDARY"):
        assert needle not in source, needle


def test_build_is_deterministic_and_committed_file_is_current(tmp_path: Path) -> None:
    # A full build takes ~10-15 s of CPU, so it runs once: a byte-for-byte match
    # with the committed file shows both determinism and that it is up to date.
    out = tmp_path / "hanoi_communes.geojson"
    assert geo_build.main(["--out", str(out)]) == 0
    assert out.read_bytes() == BUILT.read_bytes()
