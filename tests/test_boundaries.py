"""Validation of official boundary files and the fallback to the schematic map."""

from __future__ import annotations

import copy
import json
import os
from pathlib import Path

import pytest
import shapely
from shapely.geometry import shape

from indicators import boundaries
from indicators.boundaries import BoundarySet, load_boundaries, validate_boundary_file
from pipeline.geo_build import official_units

ROOT = Path(__file__).resolve().parent.parent
BUILT = ROOT / "geo" / "hanoi_communes.geojson"
OFFICIAL_ENV = "HANOI_OFFICIAL_BOUNDARY_TEST_FILE"


@pytest.fixture(scope="module")
def expected() -> set[str]:
    return {u["code"] for u in official_units()}


@pytest.fixture(scope="module")
def built() -> dict:
    with open(BUILT, encoding="utf-8") as fh:
        return json.load(fh)


@pytest.fixture()
def good(built: dict) -> dict:
    """A fresh, valid copy of the built map, standing in for an official file."""
    return copy.deepcopy(built)


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(boundaries.ENV_FILE, raising=False)
    monkeypatch.delenv(boundaries.ENV_CODE_PROPERTY, raising=False)


def write(tmp_path: Path, data: object, name: str = "official.geojson") -> Path:
    path = tmp_path / name
    text = data if isinstance(data, str) else json.dumps(data, ensure_ascii=False)
    path.write_text(text, encoding="utf-8")
    return path


def joined(problems: list[str]) -> str:
    return "\n".join(problems)


def assert_bilingual(problems: list[str]) -> None:
    assert problems
    for p in problems:
        assert " / " in p, p


# ---------------------------------------------------------------- validator


def test_good_file_is_normalised(tmp_path: Path, good: dict, expected: set[str]) -> None:
    # write rings counter-clockwise and features shuffled: output must be clockwise, sorted
    good["features"].reverse()
    for f in good["features"]:
        f["geometry"]["coordinates"] = [ring[::-1] for ring in f["geometry"]["coordinates"]]
        del f["id"]
    fc, problems = validate_boundary_file(write(tmp_path, good), expected)
    assert problems == []
    assert fc is not None
    feats = fc["features"]
    assert len(feats) == 126
    assert [f["id"] for f in feats] == sorted(expected)
    for f in feats:
        assert f["id"] == f["properties"]["code"]
        assert set(f["properties"]) == {"code", "name"}
        geom = shape(f["geometry"])
        assert geom.is_valid
        polys = getattr(geom, "geoms", [geom])
        assert all(not p.exterior.is_ccw for p in polys)
    assert fc["attribution"] == good["attribution"]
    json.dumps(fc)  # serialisable


def test_missing_commune(tmp_path: Path, good: dict, expected: set[str]) -> None:
    dropped = good["features"].pop(10)["properties"]["code"]
    fc, problems = validate_boundary_file(write(tmp_path, good), expected)
    assert fc is None
    assert dropped in joined(problems)
    assert "thiếu 1/126 mã" in joined(problems) and "1/126 codes missing" in joined(problems)
    assert_bilingual(problems)


def test_duplicated_code(tmp_path: Path, good: dict, expected: set[str]) -> None:
    dup = copy.deepcopy(good["features"][3])
    good["features"].append(dup)
    fc, problems = validate_boundary_file(write(tmp_path, good), expected)
    assert fc is None
    text = joined(problems)
    assert dup["properties"]["code"] in text and "more than once" in text and "nhiều lần" in text
    assert_bilingual(problems)


def test_unknown_code(tmp_path: Path, good: dict, expected: set[str]) -> None:
    good["features"][0]["properties"]["code"] = "99999"
    fc, problems = validate_boundary_file(write(tmp_path, good), expected)
    assert fc is None
    assert "99999" in joined(problems) and "not among the expected" in joined(problems)


def test_invalid_geometry_bow_tie(tmp_path: Path, good: dict, expected: set[str]) -> None:
    feat = good["features"][5]
    bow_tie = [[105.80, 21.00], [105.82, 21.02], [105.82, 21.00], [105.80, 21.02], [105.80, 21.00]]
    feat["geometry"] = {"type": "Polygon", "coordinates": [bow_tie]}
    fc, problems = validate_boundary_file(write(tmp_path, good), expected)
    assert fc is None
    text = joined(problems)
    assert feat["properties"]["code"] in text
    assert "Self-intersection" in text
    assert "không hợp lệ" in text and "invalid geometries" in text


def test_wrong_geometry_type(tmp_path: Path, good: dict, expected: set[str]) -> None:
    feat = good["features"][0]
    feat["geometry"] = {"type": "Point", "coordinates": [105.8, 21.0]}
    fc, problems = validate_boundary_file(write(tmp_path, good), expected)
    assert fc is None
    assert f"{feat['properties']['code']} (Point)" in joined(problems)


@pytest.mark.parametrize("as_text", [False, True])
def test_numeric_codes_lost_leading_zeros(
    tmp_path: Path, good: dict, expected: set[str], as_text: bool
) -> None:
    for f in good["features"]:
        n = int(f["properties"]["code"])
        f["properties"]["code"] = str(n) if as_text else n
    fc, problems = validate_boundary_file(write(tmp_path, good), expected)
    assert fc is None
    text = joined(problems)
    assert "mã 4 có vẻ đã mất số 0 đứng đầu (00004)" in text
    assert "code 4 seems to have lost its leading zeros (00004)" in text
    assert_bilingual(problems)


def test_projected_coordinates(tmp_path: Path, good: dict, expected: set[str]) -> None:
    def to_fake_utm(ring: list) -> list:
        return [[585000 + (x - 105.8) * 104000, 2325000 + (y - 21.0) * 110700] for x, y in ring]

    for f in good["features"]:
        f["geometry"]["coordinates"] = [to_fake_utm(r) for r in f["geometry"]["coordinates"]]
    good["crs"] = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::32648"}}
    fc, problems = validate_boundary_file(write(tmp_path, good), expected)
    assert fc is None
    text = joined(problems)
    assert "UTM" in text and "EPSG:4326" in text and "EPSG::32648" in text
    assert_bilingual(problems)


def test_swapped_coordinates(tmp_path: Path, good: dict, expected: set[str]) -> None:
    for f in good["features"]:
        f["geometry"]["coordinates"] = [[[y, x] for x, y in r] for r in f["geometry"]["coordinates"]]
    fc, problems = validate_boundary_file(write(tmp_path, good), expected)
    assert fc is None
    assert "swapped" in joined(problems)


def test_not_json(tmp_path: Path, expected: set[str]) -> None:
    fc, problems = validate_boundary_file(write(tmp_path, "{not json"), expected)
    assert fc is None
    assert "không phải JSON" in joined(problems) and "not valid JSON" in joined(problems)


def test_missing_file(tmp_path: Path, expected: set[str]) -> None:
    fc, problems = validate_boundary_file(tmp_path / "nope.geojson", expected)
    assert fc is None
    assert "file not found" in joined(problems)


def test_not_a_feature_collection(tmp_path: Path, good: dict, expected: set[str]) -> None:
    fc, problems = validate_boundary_file(write(tmp_path, good["features"][0]), expected)
    assert fc is None
    assert "FeatureCollection" in joined(problems)


def test_custom_code_property(tmp_path: Path, good: dict, expected: set[str]) -> None:
    for f in good["features"]:
        f["properties"] = {"ma_xa": f["properties"]["code"], "ten": f["properties"]["name"]}
    path = write(tmp_path, good)
    fc, problems = validate_boundary_file(path, expected)
    assert fc is None
    text = joined(problems)
    assert "'code'" in text and "ma_xa" in text and boundaries.ENV_CODE_PROPERTY in text
    fc, problems = validate_boundary_file(path, expected, code_property="ma_xa")
    assert problems == [] and fc is not None
    assert fc["features"][0]["properties"] == {"code": sorted(expected)[0]}


# ---------------------------------------------------------------- loader


def test_default_is_built_schematic(expected: set[str]) -> None:
    bs = load_boundaries(expected)
    assert isinstance(bs, BoundarySet)
    assert bs.source == "built" and bs.problems == []
    assert bs.caption_vi == "Sơ đồ ranh giới minh họa (không phải ranh giới chính thức)"
    assert bs.caption_en == "Schematic boundaries (not official)"
    assert "vietnamadminunits" in bs.attribution
    assert Path(bs.path) == BUILT
    assert {f["properties"]["code"] for f in bs.geojson["features"]} == expected
    assert all(f["id"] == f["properties"]["code"] for f in bs.geojson["features"])


def test_bad_official_file_falls_back(tmp_path: Path, good: dict, expected: set[str]) -> None:
    good["features"].pop()
    path = write(tmp_path, good, "so_do_chinh_thuc.geojson")
    bs = load_boundaries(expected, official_path=str(path))
    assert bs.source == "built"
    assert bs.caption_en == "Schematic boundaries (not official)"
    assert len(bs.problems) >= 2
    assert "so_do_chinh_thuc.geojson" in bs.problems[0]
    assert "missing" in joined(bs.problems)
    assert_bilingual(bs.problems)


def test_official_file_via_env(tmp_path: Path, good: dict, expected: set[str], monkeypatch: pytest.MonkeyPatch) -> None:
    del good["attribution"]
    path = write(tmp_path, good, "ranh_gioi.geojson")
    monkeypatch.setenv(boundaries.ENV_FILE, str(path))
    bs = load_boundaries(expected)
    assert bs.source == "official" and bs.problems == []
    assert bs.caption_vi == "Ranh giới: tệp chính thức ranh_gioi.geojson"
    assert bs.caption_en == "Boundaries: official file ranh_gioi.geojson"
    assert bs.attribution == "ranh_gioi.geojson"
    assert len(bs.geojson["features"]) == 126


def test_attribution_taken_from_file(tmp_path: Path, good: dict, expected: set[str]) -> None:
    good["attribution"] = "Sở Nội vụ Hà Nội"
    bs = load_boundaries(expected, official_path=str(write(tmp_path, good)))
    assert bs.source == "official" and bs.attribution == "Sở Nội vụ Hà Nội"


def test_env_code_property(tmp_path: Path, good: dict, expected: set[str], monkeypatch: pytest.MonkeyPatch) -> None:
    for f in good["features"]:
        f["properties"]["MA_XA"] = f["properties"].pop("code")
    monkeypatch.setenv(boundaries.ENV_FILE, str(write(tmp_path, good)))
    assert load_boundaries(expected).source == "built"
    monkeypatch.setenv(boundaries.ENV_CODE_PROPERTY, "MA_XA")
    bs = load_boundaries(expected)
    assert bs.source == "official"
    assert all(f["properties"]["code"] == f["id"] for f in bs.geojson["features"])


def test_bad_env_file_falls_back(tmp_path: Path, expected: set[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(boundaries.ENV_FILE, str(tmp_path / "missing.geojson"))
    bs = load_boundaries(expected)
    assert bs.source == "built"
    assert "missing.geojson" in joined(bs.problems)


# ---------------------------------------------------------------- real official file (CI only)


@pytest.fixture(scope="module")
def official_file() -> Path:
    value = os.environ.get(OFFICIAL_ENV, "").strip()
    if not value:
        pytest.skip(f"{OFFICIAL_ENV} not set")
    path = Path(value)
    if not path.is_absolute() and not path.exists():
        path = ROOT / path
    if not path.exists():
        pytest.skip(f"{OFFICIAL_ENV} points to a missing file: {value}")
    return path


def test_real_official_file_validates(official_file: Path, expected: set[str]) -> None:
    fc, problems = validate_boundary_file(official_file, expected)
    assert problems == []
    assert fc is not None
    assert {f["properties"]["code"] for f in fc["features"]} == expected
    assert all(f["id"] == f["properties"]["code"] for f in fc["features"])
    assert all(shapely.is_valid(shape(f["geometry"])) for f in fc["features"])


def test_real_official_file_is_loaded(
    official_file: Path, expected: set[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(boundaries.ENV_FILE, str(official_file))
    bs = load_boundaries(expected)
    assert bs.source == "official"
    assert bs.problems == []
    assert official_file.name in bs.caption_vi and official_file.name in bs.caption_en
    assert len(bs.geojson["features"]) == 126
