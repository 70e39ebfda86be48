"""Versioned boundary sets: upload, store, serve, roll back; a bad file never replaces a good one."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from boundary_helpers import built_frame, built_json, write_shapefile_zip
from indicators import boundaries
from indicators.boundaries import load_boundaries, upload_boundary_file
from store import boundary_sets
from store.boundary_sets import (
    BoundarySetError, clear_boundary_set, current_boundary_set, list_boundary_sets, prune_boundary_sets,
    read_set_document, read_set_manifest, rollback_boundary_set, switch_boundary_set, verify_boundary_set,
)


@pytest.fixture(autouse=True)
def _own_store(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HANOI_DATA_DIR", str(tmp_path / "curated"))
    for name in (boundaries.ENV_FILE, boundaries.ENV_CODE_PROPERTY, boundaries.ENV_CRS):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="module")
def good_zip(tmp_path_factory) -> bytes:
    """The built geometry as the city's GIS would send it: a zipped Shapefile in VN-2000 / UTM 48N."""
    path = write_shapefile_zip(built_frame().to_crs("EPSG:3405"), tmp_path_factory.mktemp("zip") / "rg.zip")
    return path.read_bytes()


def _missing_a_commune() -> bytes:
    data = built_json()
    data["features"].pop(7)
    return json.dumps(data).encode()


def test_a_good_upload_is_stored_and_served(good_zip: bytes) -> None:
    outcome = upload_boundary_file(good_zip, "Ranh_gioi_VN2000.zip", name="Ranh giới Sở TNMT 2025", created_by="gis@hanoi")
    assert outcome.prepared.ok and outcome.set_id and outcome.served
    assert current_boundary_set() == outcome.set_id
    manifest = verify_boundary_set(outcome.set_id)
    assert manifest["name"] == "Ranh giới Sở TNMT 2025" and manifest["file_name"] == "Ranh_gioi_VN2000.zip"
    assert manifest["created_by"] == "gis@hanoi" and manifest["source_crs"].startswith("VN-2000 / UTM zone 48N")
    kept = boundary_sets.set_path(outcome.set_id) / "source" / "Ranh_gioi_VN2000.zip"
    assert kept.read_bytes() == good_zip  # the upload, exactly as received
    assert len(read_set_document(outcome.set_id, "browser")["features"]) == 126
    assert read_set_document(outcome.set_id, "report")["source_crs"] == manifest["source_crs"]
    geo = load_boundaries()
    assert geo.official and geo.set_id == outcome.set_id and geo.version == outcome.set_id
    assert geo.name == "Ranh giới Sở TNMT 2025"
    assert geo.provenance("vi").startswith("Ranh giới chính thức: Ranh giới Sở TNMT 2025 · phiên bản ")
    assert geo.layers["labels"]["vi"] and geo.layers["districts"]


def test_an_upload_that_fails_validation_leaves_the_served_set(good_zip: bytes) -> None:
    first = upload_boundary_file(good_zip, "rg.zip")
    before = {s.set_id for s in list_boundary_sets()}
    bad = upload_boundary_file(_missing_a_commune(), "thieu_mot_xa.geojson")
    assert not bad.prepared.ok and bad.set_id is None and not bad.served
    assert any("1/126 codes missing" in p for p in bad.prepared.problems)
    assert current_boundary_set() == first.set_id
    assert {s.set_id for s in list_boundary_sets()} == before  # nothing was written
    assert load_boundaries().set_id == first.set_id


def test_an_unreadable_upload_leaves_the_served_set(good_zip: bytes) -> None:
    first = upload_boundary_file(good_zip, "rg.zip")
    bad = upload_boundary_file(b"\x00garbage", "../../etc/ranh gioi.gpkg")
    assert not bad.prepared.ok and bad.prepared.file_name == "ranh gioi.gpkg"  # no path from the client is used
    assert current_boundary_set() == first.set_id


def test_the_name_defaults_to_the_file_name(good_zip: bytes) -> None:
    outcome = upload_boundary_file(good_zip, "ranh_gioi_2025.zip")
    assert read_set_manifest(outcome.set_id)["name"] == "ranh_gioi_2025.zip"


def test_stored_but_not_served_then_switch_and_rollback(good_zip: bytes) -> None:
    a = upload_boundary_file(good_zip, "a.zip").set_id
    b = upload_boundary_file(good_zip, "b.zip", serve=False).set_id
    assert current_boundary_set() == a
    assert [s.current for s in list_boundary_sets()] == [True, False]
    switch_boundary_set(b)
    assert current_boundary_set() == b and load_boundaries().name == "b.zip"
    assert rollback_boundary_set() == a
    assert current_boundary_set() == a
    history = boundary_sets.switch_history()
    assert [(h["from"], h["to"]) for h in history] == [(None, a), (a, b), (b, a)]


def test_rollback_to_no_set_and_clear(good_zip: bytes) -> None:
    with pytest.raises(BoundarySetError):
        rollback_boundary_set()  # nothing was ever switched
    a = upload_boundary_file(good_zip, "a.zip").set_id
    assert rollback_boundary_set() is None
    assert current_boundary_set() is None and load_boundaries().source == "built"
    assert rollback_boundary_set() == a  # a rollback is itself undone by the next one
    clear_boundary_set()
    assert current_boundary_set() is None and load_boundaries().source == "built"


def test_a_tampered_set_is_never_switched_to_and_not_drawn(good_zip: bytes) -> None:
    good = upload_boundary_file(good_zip, "good.zip").set_id
    other = upload_boundary_file(good_zip, "other.zip", serve=False).set_id
    browser = boundary_sets.set_path(other) / "browser.json"
    browser.write_text(browser.read_text(encoding="utf-8").replace("00004", "00005"), encoding="utf-8")
    with pytest.raises(BoundarySetError, match="checksum"):
        switch_boundary_set(other)
    assert current_boundary_set() == good
    # a served set damaged on disk falls back with a message rather than drawing it
    switch_boundary_set(good)
    target = boundary_sets.set_path(good) / "layers.json"
    target.write_text("{}", encoding="utf-8")
    geo = load_boundaries()
    assert geo.source == "built" and good in geo.problems[0] and "checksum" in geo.problems[0]


def test_unknown_ids_are_refused() -> None:
    for bad in ("", "../x", ".staging-1", "nope"):
        with pytest.raises(BoundarySetError):
            switch_boundary_set(bad)


def test_prune_keeps_the_served_set(good_zip: bytes) -> None:
    ids = [upload_boundary_file(good_zip, f"{i}.zip", serve=(i == 0)).set_id for i in range(3)]
    assert prune_boundary_sets(keep=1) == [ids[1]]
    assert [s.set_id for s in list_boundary_sets()] == [ids[0], ids[2]]


def test_the_served_set_wins_over_the_configured_file(good_zip: bytes, tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "env.geojson"
    path.write_text(json.dumps(built_json()), encoding="utf-8")
    monkeypatch.setenv(boundaries.ENV_FILE, str(path))
    assert load_boundaries().name == "hanoi_communes"  # the file's own name for itself
    upload_boundary_file(good_zip, "uploaded.zip")
    assert load_boundaries().name == "uploaded.zip"
