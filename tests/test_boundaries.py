"""Validating and preparing an official boundary file, the code property, and what the map is told to draw."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import shape

from boundary_helpers import bilingual, built_json, official_path, write_json
from indicators import boundaries
from indicators.boundaries import BoundarySet, load_boundaries, prepare_boundary_file
from indicators.boundary_codes import normalise_code
from pipeline.geo_build import official_units

ROOT = Path(__file__).resolve().parent.parent
BUILT = ROOT / "geo" / "hanoi_communes.geojson"


@pytest.fixture(scope="module")
def expected() -> set[str]:
    return {u["code"] for u in official_units()}


@pytest.fixture(scope="module")
def built() -> dict:
    return built_json()


@pytest.fixture()
def good(built: dict) -> dict:
    """A fresh, valid copy of the built map, standing in for an official file."""
    return copy.deepcopy(built)


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in (boundaries.ENV_FILE, boundaries.ENV_CODE_PROPERTY, boundaries.ENV_CRS):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HANOI_DATA_DIR", str(tmp_path / "curated"))  # no served boundary set


def write(tmp_path: Path, data: object, name: str = "official.geojson") -> Path:
    return write_json(tmp_path / name, data)


def joined(problems: list[str]) -> str:
    return "\n".join(problems)


# ---------------------------------------------------------------- preparing a file


def test_good_file_is_normalised(tmp_path: Path, good: dict, expected: set[str]) -> None:
    # write rings counter-clockwise and features shuffled: output must be clockwise, sorted
    good["features"].reverse()
    for f in good["features"]:
        f["geometry"]["coordinates"] = [ring[::-1] for ring in f["geometry"]["coordinates"]]
        del f["id"]
    prepared = prepare_boundary_file(write(tmp_path, good), expected)
    assert prepared.ok and prepared.problems == []
    for fc in (prepared.full, prepared.browser):
        feats = fc["features"]
        assert [f["id"] for f in feats] == sorted(expected)
        for f in feats:
            assert f["id"] == f["properties"]["code"] and set(f["properties"]) == {"code"}
            geom = shape(f["geometry"])
            assert geom.is_valid
            assert all(not p.exterior.is_ccw for p in getattr(geom, "geoms", [geom]))
    assert prepared.attribution == good["attribution"]
    assert prepared.report["code_property"] == "code"
    json.dumps(prepared.report)  # stored as JSON with the set


def test_missing_commune(tmp_path: Path, good: dict, expected: set[str]) -> None:
    dropped = good["features"].pop(10)["properties"]["code"]
    prepared = prepare_boundary_file(write(tmp_path, good), expected)
    assert not prepared.ok and prepared.browser is None
    assert dropped in joined(prepared.problems)
    assert "thiếu 1/126 mã" in joined(prepared.problems) and "1/126 codes missing" in joined(prepared.problems)
    assert bilingual(prepared.problems)


def test_duplicated_code(tmp_path: Path, good: dict, expected: set[str]) -> None:
    dup = copy.deepcopy(good["features"][3])
    good["features"].append(dup)
    prepared = prepare_boundary_file(write(tmp_path, good), expected)
    text = joined(prepared.problems)
    assert dup["properties"]["code"] in text and "more than once" in text and "nhiều lần" in text


def test_extra_unknown_code(tmp_path: Path, good: dict, expected: set[str]) -> None:
    extra = copy.deepcopy(good["features"][0])
    extra["properties"]["code"] = "99999"
    good["features"].append(extra)
    prepared = prepare_boundary_file(write(tmp_path, good), expected)
    assert "99999" in joined(prepared.problems) and "not among the expected" in joined(prepared.problems)


def test_invalid_geometry_bow_tie(tmp_path: Path, good: dict, expected: set[str]) -> None:
    feat = good["features"][5]
    bow_tie = [[105.80, 21.00], [105.82, 21.02], [105.82, 21.00], [105.80, 21.02], [105.80, 21.00]]
    feat["geometry"] = {"type": "Polygon", "coordinates": [bow_tie]}
    text = joined(prepare_boundary_file(write(tmp_path, good), expected).problems)
    assert feat["properties"]["code"] in text and "Self-intersection" in text
    assert "không hợp lệ" in text and "invalid geometries" in text


def test_wrong_geometry_type(tmp_path: Path, good: dict, expected: set[str]) -> None:
    feat = good["features"][0]
    feat["geometry"] = {"type": "Point", "coordinates": [105.8, 21.0]}
    assert f"{feat['properties']['code']} (Point)" in joined(prepare_boundary_file(write(tmp_path, good), expected).problems)


@pytest.mark.parametrize("as_text", [False, True])
def test_numeric_codes_get_their_leading_zeros_back(tmp_path: Path, good: dict, expected: set[str], as_text: bool) -> None:
    for f in good["features"]:
        n = int(f["properties"]["code"])
        f["properties"]["code"] = str(n) if as_text else n
    prepared = prepare_boundary_file(write(tmp_path, good), expected)
    assert prepared.ok, prepared.problems
    assert {f["id"] for f in prepared.browser["features"]} == expected
    notes = joined(prepared.notes)
    assert "thêm số 0 đứng đầu" in notes and "leading zeros back" in notes and "→ 00004" in notes


@settings(max_examples=50, deadline=None)
@given(st.integers(min_value=0, max_value=99_999))
def test_a_number_is_always_its_5_digit_code(n: int) -> None:
    assert normalise_code(n) == (str(n).zfill(5), n < 10_000)
    assert normalise_code(float(n))[0] == str(n).zfill(5)
    assert normalise_code(str(n))[0] == str(n).zfill(5)


def test_codes_found_by_name(tmp_path: Path, good: dict, expected: set[str]) -> None:
    for f in good["features"]:
        f["properties"] = {"MA_XA": f["properties"]["code"], "ten": f["properties"]["name"]}
    prepared = prepare_boundary_file(write(tmp_path, good), expected)
    assert prepared.ok and prepared.report["code_property"] == "MA_XA"
    assert "'MA_XA' (theo tên)" in joined(prepared.notes) and "(by name)" in joined(prepared.notes)


def test_codes_found_by_value(tmp_path: Path, good: dict, expected: set[str]) -> None:
    for f in good["features"]:
        f["properties"] = {"ten": f["properties"]["name"], "thuoc_tinh_7": int(f["properties"]["code"])}
        del f["id"]  # GDAL reads a feature's id as a column ("id", found by name)
    prepared = prepare_boundary_file(write(tmp_path, good), expected)
    assert prepared.ok and prepared.report["code_property"] == "thuoc_tinh_7"
    assert "(by value)" in joined(prepared.notes)


def test_no_property_holds_the_codes(tmp_path: Path, good: dict, expected: set[str]) -> None:
    for f in good["features"]:
        f["properties"] = {"ten": f["properties"]["name"]}
        del f["id"]
    text = joined(prepare_boundary_file(write(tmp_path, good), expected).problems)
    assert "no property holds the 5-digit codes" in text and "ten" in text and boundaries.ENV_CODE_PROPERTY in text


def test_a_named_code_property_that_is_absent(tmp_path: Path, good: dict, expected: set[str]) -> None:
    for f in good["features"]:
        f["properties"] = {"ma_xa": f["properties"]["code"], "ten": f["properties"]["name"]}
        del f["id"]
    path = write(tmp_path, good)
    text = joined(prepare_boundary_file(path, expected, code_property="MaDVHC").problems)
    assert "'MaDVHC'" in text and "ma_xa" in text and "the codes seem to be in 'ma_xa'" in text
    assert prepare_boundary_file(path, expected, code_property="ma_xa").ok


# ---------------------------------------------------------------- what the map draws


def test_default_is_built_schematic(expected: set[str]) -> None:
    bs = load_boundaries(expected)
    assert isinstance(bs, BoundarySet)
    assert bs.source == "built" and bs.problems == [] and not bs.official
    assert bs.caption_vi == "Sơ đồ ranh giới minh họa (không phải ranh giới chính thức)"
    assert bs.caption_en == "Schematic boundaries (not official)"
    assert bs.provenance("vi") == "Sơ đồ minh họa — không phải ranh giới chính thức"
    assert bs.provenance("en") == "Schematic map — not the official boundaries"
    assert "vietnamadminunits" in bs.attribution
    assert Path(bs.path) == BUILT
    assert {f["properties"]["code"] for f in bs.geojson["features"]} == expected
    assert all(f["id"] == f["properties"]["code"] for f in bs.geojson["features"])
    assert set(bs.layers) == {"labels", "outline", "districts", "district_labels"}


def test_bad_official_file_falls_back(tmp_path: Path, good: dict, expected: set[str]) -> None:
    good["features"].pop()
    path = write(tmp_path, good, "so_do_chinh_thuc.geojson")
    bs = load_boundaries(expected, official_path=str(path))
    assert bs.source == "built"
    assert len(bs.problems) >= 2
    assert "so_do_chinh_thuc.geojson" in bs.problems[0]
    assert "missing" in joined(bs.problems)
    assert bilingual(bs.problems)


def test_official_file_via_env(tmp_path: Path, good: dict, expected: set[str], monkeypatch: pytest.MonkeyPatch) -> None:
    del good["attribution"], good["name"]
    path = write(tmp_path, good, "ranh_gioi.geojson")
    monkeypatch.setenv(boundaries.ENV_FILE, str(path))
    bs = load_boundaries(expected)
    assert bs.source == "official" and bs.problems == [] and bs.official
    assert bs.caption_vi == "Ranh giới: tệp chính thức ranh_gioi.geojson"
    assert bs.caption_en == "Boundaries: official file ranh_gioi.geojson"
    assert bs.attribution == "ranh_gioi.geojson"
    assert len(bs.geojson["features"]) == 126
    # the file's name when it has no other, a version (its checksum) and a date
    assert bs.name == "ranh_gioi.geojson" and len(bs.version) == 12
    assert bs.provenance("vi").startswith("Ranh giới chính thức: ranh_gioi.geojson · phiên bản ")
    assert bs.provenance("en").startswith("Official boundaries: ranh_gioi.geojson · version ")


def test_attribution_and_name_taken_from_file(tmp_path: Path, good: dict, expected: set[str]) -> None:
    good["attribution"] = "Sở Nội vụ Hà Nội"
    good["name"] = "Ranh giới 126 xã, phường 2025"
    bs = load_boundaries(expected, official_path=str(write(tmp_path, good)))
    assert bs.source == "official" and bs.attribution == "Sở Nội vụ Hà Nội"
    assert bs.name == "Ranh giới 126 xã, phường 2025"


def test_env_code_property(tmp_path: Path, good: dict, expected: set[str], monkeypatch: pytest.MonkeyPatch) -> None:
    for f in good["features"]:
        f["properties"]["MA_XA"] = f["properties"].pop("code")
        f["properties"]["id"] = "x"  # a decoy that is not the code
    monkeypatch.setenv(boundaries.ENV_FILE, str(write(tmp_path, good)))
    monkeypatch.setenv(boundaries.ENV_CODE_PROPERTY, "ma")
    assert load_boundaries(expected).source == "built"
    monkeypatch.setenv(boundaries.ENV_CODE_PROPERTY, "MA_XA")
    bs = load_boundaries(expected)
    assert bs.source == "official"
    assert all(f["properties"]["code"] == f["id"] for f in bs.geojson["features"])


def test_a_shapefile_zip_via_env(tmp_path: Path, expected: set[str], monkeypatch: pytest.MonkeyPatch) -> None:
    from boundary_helpers import built_frame, write_shapefile_zip

    path = write_shapefile_zip(built_frame().to_crs("EPSG:3405"), tmp_path / "ranh_gioi_vn2000.zip")
    monkeypatch.setenv(boundaries.ENV_FILE, str(path))
    bs = load_boundaries(expected)
    assert bs.source == "official" and bs.name == "ranh_gioi_vn2000.zip" and bs.problems == []


def test_bad_env_file_falls_back(tmp_path: Path, expected: set[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(boundaries.ENV_FILE, str(tmp_path / "missing.geojson"))
    bs = load_boundaries(expected)
    assert bs.source == "built"
    assert "missing.geojson" in joined(bs.problems)


# ---------------------------------------------------------------- real official file (CI only)


def test_real_official_file_is_prepared(expected: set[str]) -> None:
    prepared = prepare_boundary_file(official_path(), expected)
    assert prepared.ok, prepared.problems
    assert {f["properties"]["code"] for f in prepared.browser["features"]} == expected
    assert all(shapely.is_valid(shape(f["geometry"])) for f in prepared.browser["features"])


def test_real_official_file_is_loaded(expected: set[str], monkeypatch: pytest.MonkeyPatch) -> None:
    path = official_path()
    monkeypatch.setenv(boundaries.ENV_FILE, str(path))
    bs = load_boundaries(expected)
    assert bs.source == "official"
    assert bs.problems == []
    assert path.name in bs.caption_vi and path.name in bs.caption_en
    assert len(bs.geojson["features"]) == 126


def test_a_configured_file_is_prepared_once_per_version(tmp_path: Path, good: dict, expected: set[str],
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[Path] = []
    real = boundaries.prepare_boundary_file
    monkeypatch.setattr(boundaries, "prepare_boundary_file", lambda path, *a, **k: calls.append(path) or real(path, *a, **k))
    path = write(tmp_path, good, "ranh_gioi.geojson")
    monkeypatch.setenv(boundaries.ENV_FILE, str(path))
    assert load_boundaries(expected).official and load_boundaries(expected).official
    assert len(calls) == 1
    good["name"] = "Bản mới"
    write(tmp_path, good, "ranh_gioi.geojson")
    import os

    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))
    assert load_boundaries(expected).name == "Bản mới" and len(calls) == 2
