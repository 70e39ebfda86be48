"""Reading boundary files in every format and CRS a GIS office uses (indicators.boundary_read, boundary_crs)."""
from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np
import pytest
from pyproj import Geod, Transformer

from boundary_helpers import areas_m2, bilingual, built_frame, built_json, write_gpkg, write_json, write_shapefile_zip
from indicators.boundaries import prepare_boundary_file
from indicators.boundary_crs import HANOI_BOX, PROJ_DEFINITIONS, candidate_crs
from indicators.boundary_read import BoundaryFileError, read_boundary_file


@pytest.fixture(scope="module")
def frame():
    return built_frame()


@pytest.fixture(scope="module")
def original_areas(frame):
    return areas_m2(frame)


def _assert_same_geometry(path: Path, original_areas: dict[str, float], official_path: bool = False, **kwargs) -> None:
    """126 codes with areas within 1 % of the WGS 84 original; through the whole official path when asked."""
    import geopandas as gpd

    if official_path:
        prepared = prepare_boundary_file(path, **kwargs)
        assert prepared.ok, prepared.problems
        got = areas_m2(gpd.GeoDataFrame.from_features(prepared.full["features"], crs="EPSG:4326"))
    else:
        read = read_boundary_file(path, **kwargs)
        got = areas_m2(read.frame.assign(code=read.frame["code"].astype(str).str.zfill(5)))
    assert set(got) == set(original_areas)
    worst = max(abs(got[c] / a - 1) for c, a in original_areas.items())
    assert worst < 0.01, worst


# ------------------------------------------------------------------ the done-when test


@pytest.mark.parametrize("writer", ["shapefile_zip", "gpkg"])
def test_vn2000_utm48n_shapefile_and_geopackage_give_126_codes_and_the_same_areas(tmp_path, frame, original_areas, writer):
    utm = frame.to_crs("EPSG:3405")  # VN-2000 / UTM zone 48N
    path = (write_shapefile_zip(utm, tmp_path / "ranh_gioi.zip") if writer == "shapefile_zip"
            else write_gpkg(utm, tmp_path / "ranh_gioi.gpkg"))
    read = read_boundary_file(path)
    assert read.source_crs == "VN-2000 / UTM zone 48N (EPSG:3405)"
    assert any("VN-2000 / UTM zone 48N" in n and "WGS 84" in n for n in read.notes)
    _assert_same_geometry(path, original_areas, official_path=True)


@pytest.mark.parametrize("writer", ["shapefile_zip", "gpkg"])
def test_the_same_files_without_a_crs_get_the_clear_message(tmp_path, frame, writer):
    utm = frame.to_crs("EPSG:3405")
    if writer == "shapefile_zip":
        path = write_shapefile_zip(utm, tmp_path / "ranh_gioi.zip", strip_crs=True)
    else:
        with pytest.warns(UserWarning, match="crs"):  # geopandas warns that the file will have no CRS: the point
            path = write_gpkg(utm.set_crs(None, allow_override=True), tmp_path / "ranh_gioi.gpkg")
    with pytest.raises(BoundaryFileError) as err:
        read_boundary_file(path)
    text = "\n".join(err.value.problems)
    assert bilingual(err.value.problems)
    assert "không ghi hệ tọa độ" in text and "has no coordinate reference system" in text
    assert "x 530" in text and "y 227" in text  # what was found: the projected extent
    assert "EPSG:3405" in text and "EPSG:5897" in text  # which systems would fit
    assert ".prj" in text and "HANOI_BOUNDARY_CRS" in text  # what to do
    prepared = prepare_boundary_file(path)
    assert not prepared.ok and prepared.problems == err.value.problems


def test_a_file_without_crs_is_read_with_the_crs_the_user_chooses(tmp_path, frame, original_areas):
    path = write_shapefile_zip(frame.to_crs("EPSG:3405"), tmp_path / "no_prj.zip", strip_crs=True)
    read = read_boundary_file(path, crs="EPSG:3405")
    assert any("EPSG:3405" in n for n in read.notes)
    _assert_same_geometry(path, original_areas, crs="EPSG:3405")


def test_the_crs_can_come_from_the_environment(tmp_path, frame, monkeypatch):
    path = write_shapefile_zip(frame.to_crs("EPSG:5897"), tmp_path / "no_prj.zip", strip_crs=True)
    monkeypatch.setenv("HANOI_BOUNDARY_CRS", "EPSG:5897")
    assert len(read_boundary_file(path).frame) == 126


def test_an_unknown_chosen_crs_is_refused_clearly(tmp_path, frame):
    path = write_shapefile_zip(frame.to_crs("EPSG:3405"), tmp_path / "no_prj.zip", strip_crs=True)
    with pytest.raises(BoundaryFileError) as err:
        read_boundary_file(path, crs="EPSG:999999")
    assert "EPSG:999999" in err.value.problems[0] and bilingual(err.value.problems)


# ------------------------------------------------------------------ every VN-2000 system and format


@pytest.mark.parametrize("crs", ["EPSG:4756", "EPSG:5897", "EPSG:9209", "EPSG:32648"])
def test_vn2000_geographic_and_3_degree_tm_projections(tmp_path, frame, original_areas, crs):
    path = write_gpkg(frame.to_crs(crs), tmp_path / "rg.gpkg")
    _assert_same_geometry(path, original_areas)


def test_a_proj_definition_with_hanoi_towgs84_reads_like_the_epsg_code(tmp_path, frame, original_areas):
    path = write_gpkg(frame.to_crs(PROJ_DEFINITIONS["EPSG:5897"]), tmp_path / "proj_string.gpkg")
    _assert_same_geometry(path, original_areas)


@pytest.mark.parametrize("code", sorted(PROJ_DEFINITIONS))
def test_proj_definitions_agree_with_epsg_to_the_millimetre(code):
    lon, lat = np.array([105.3, 105.85, 106.0]), np.array([20.6, 21.03, 21.38])
    x, y = Transformer.from_crs("EPSG:4326", code, always_xy=True).transform(lon, lat)
    a = Transformer.from_crs(code, "EPSG:4326", always_xy=True).transform(x, y)
    b = Transformer.from_crs(PROJ_DEFINITIONS[code], "EPSG:4326", always_xy=True).transform(x, y)
    distance = Geod(ellps="WGS84").inv(a[0], a[1], b[0], b[1])[2]
    assert np.max(distance) < 0.001


def test_the_vn2000_datum_shift_is_applied(tmp_path, frame):
    """Declaring VN-2000 geographic moves the data by the datum shift (~200 m), not by nothing."""
    lonlat = frame.copy()
    read = read_boundary_file(write_gpkg(lonlat.set_crs("EPSG:4756", allow_override=True), tmp_path / "vn2000.gpkg"))
    a = np.array(frame.geometry.iloc[0].exterior.coords if frame.geometry.iloc[0].geom_type == "Polygon"
                 else frame.geometry.iloc[0].geoms[0].exterior.coords)[0]
    g = read.frame.geometry.iloc[0]
    b = np.array(g.exterior.coords if g.geom_type == "Polygon" else g.geoms[0].exterior.coords)[0]
    shift = Geod(ellps="WGS84").inv(a[0], a[1], b[0], b[1])[2]
    assert 100 < shift < 400


def test_shapefile_folder_and_bare_shp(tmp_path, frame, original_areas):
    write_shapefile_zip(frame.to_crs("EPSG:3405"), tmp_path / "rg.zip")
    folder = tmp_path / "rg"  # write_shapefile_zip leaves the parts in this folder
    _assert_same_geometry(folder, original_areas)
    _assert_same_geometry(folder / "xa_phuong.shp", original_areas)


def test_kml_and_kmz(tmp_path, frame, original_areas):
    kml = tmp_path / "rg.kml"
    frame.to_file(kml, driver="KML", engine="pyogrio")
    _assert_same_geometry(kml, original_areas)
    kmz = tmp_path / "rg.kmz"
    with zipfile.ZipFile(kmz, "w") as zf:
        zf.write(kml, "doc.kml")
    _assert_same_geometry(kmz, original_areas)


def test_geojson_in_utm_with_its_crs_member_is_reprojected(tmp_path, frame, original_areas):
    path = tmp_path / "utm.geojson"
    frame.to_crs("EPSG:32648").to_file(path, driver="GeoJSON", engine="pyogrio")
    _assert_same_geometry(path, original_areas)


def test_a_gpkg_with_several_layers_takes_the_commune_layer_and_says_so(tmp_path, frame):
    path = write_gpkg(frame.to_crs("EPSG:3405"), tmp_path / "many.gpkg")
    frame.head(30).to_crs("EPSG:3405").to_file(path, layer="quan_huyen", driver="GPKG", engine="pyogrio")
    frame.head(3).assign(geometry=frame.head(3).representative_point()).to_file(path, layer="diem", driver="GPKG", engine="pyogrio")
    read = read_boundary_file(path)
    assert read.layer == "xa_phuong" and len(read.frame) == 126
    assert any("quan_huyen" in n for n in read.notes)


# ------------------------------------------------------------------ unreadable, unsupported, outside Hanoi


def test_projected_coordinates_in_a_geojson_without_crs(tmp_path):
    data = built_json()
    for f in data["features"]:
        f["geometry"]["coordinates"] = [[[585000 + (x - 105.8) * 104000, 2325000 + (y - 21.0) * 110700] for x, y in r]
                                        for r in f["geometry"]["coordinates"]]
    with pytest.raises(BoundaryFileError) as err:
        read_boundary_file(write_json(tmp_path / "utm.geojson", data))
    text = "\n".join(err.value.problems)
    assert "ngoài Hà Nội" in text and "outside Hanoi" in text
    assert "UTM" in text and "EPSG:4326" in text and "EPSG:3405" in text
    assert bilingual(err.value.problems)


def test_swapped_coordinates(tmp_path):
    data = built_json()
    for f in data["features"]:
        f["geometry"]["coordinates"] = [[[y, x] for x, y in r] for r in f["geometry"]["coordinates"]]
    with pytest.raises(BoundaryFileError) as err:
        read_boundary_file(write_json(tmp_path / "swapped.geojson", data))
    assert "swapped" in err.value.problems[0] and "bị đảo" in err.value.problems[0]


def test_a_wrongly_declared_crs_is_named(tmp_path, frame):
    """TM-3 105°30' coordinates declared as TM-3 105°00' land ~50 km west: the message names the fitting CRS."""
    data = frame.to_crs("EPSG:9209").set_crs("EPSG:5897", allow_override=True)
    with pytest.raises(BoundaryFileError) as err:
        read_boundary_file(write_gpkg(data, tmp_path / "wrong.gpkg"))
    text = err.value.problems[0]
    assert "EPSG:5897" in text and "EPSG:9209" in text and "probably wrong" in text


def test_not_json_missing_and_not_a_feature_collection(tmp_path):
    for content, phrase in (("{not json", "not valid JSON"), ('{"type": "Feature"}', "FeatureCollection")):
        with pytest.raises(BoundaryFileError) as err:
            read_boundary_file(write_json(tmp_path / "bad.geojson", content))
        assert phrase in err.value.problems[0] and bilingual(err.value.problems)
    with pytest.raises(BoundaryFileError) as err:
        read_boundary_file(tmp_path / "nope.gpkg")
    assert "file not found" in err.value.problems[0]


def test_unsupported_extension_and_corrupt_files(tmp_path):
    cases = {"ranh_gioi.dwg": b"AC1032", "rg.gpkg": b"not a geopackage", "rg.zip": b"PK not really"}
    for name, content in cases.items():
        path = tmp_path / name
        path.write_bytes(content)
        with pytest.raises(BoundaryFileError) as err:
            read_boundary_file(path)
        text = err.value.problems[0]
        assert name in text and "Shapefile" in text and ".gpkg" in text, text  # says what is accepted
        assert bilingual(err.value.problems)


def test_a_zip_with_half_a_shapefile(tmp_path, frame):
    write_shapefile_zip(frame, tmp_path / "full.zip")
    path = tmp_path / "half.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.write(tmp_path / "full" / "xa_phuong.shp", "xa_phuong.shp")
    with pytest.raises(BoundaryFileError) as err:
        read_boundary_file(path)
    assert ".dbf" in err.value.problems[0] and ".shx" in err.value.problems[0]


def test_a_zip_without_map_data(tmp_path):
    path = tmp_path / "docs.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("readme.txt", "nothing here")
    with pytest.raises(BoundaryFileError) as err:
        read_boundary_file(path)
    assert "readme.txt" in err.value.problems[0]


def test_a_file_with_points_only(tmp_path, frame):
    points = frame.assign(geometry=frame.representative_point())
    with pytest.raises(BoundaryFileError) as err:
        read_boundary_file(write_gpkg(points, tmp_path / "points.gpkg"))
    assert "polygon" in err.value.problems[0].lower()


def test_candidates_for_raw_coordinates():
    assert {c.code for c in candidate_crs((530000, 2275000, 605000, 2365000))} >= {"EPSG:3405", "EPSG:5897"}
    assert {c.code for c in candidate_crs((105.3, 20.6, 106.0, 21.38))} >= {"EPSG:4326", "EPSG:4756"}
    assert candidate_crs((0, 0, 10, 10)) == []
    assert HANOI_BOX[0] < 105.29 and HANOI_BOX[2] > 106.02
