"""AppTest of the Map page (Bản đồ): controls, deep links, the ranked twin, and official boundary files."""
import copy
import json
import os

import pytest
from apphelpers import run_app

from store.paths import GEO_FILE


def map_note(at) -> str:
    """The map's own provenance line (a figure annotation): schematic, or which official set."""
    figure = json.loads(at.get("plotly_chart")[0].proto.spec)
    return " ".join(a["text"] for a in figure["layout"].get("annotations", []))


def value_column(table):
    """The ranked table's value column, headed by its unit only ("Giá trị (%)"): compact on a phone."""
    return table[next(c for c in table.columns if c.startswith("Giá trị"))]


def test_default_map_and_ranked_table_of_126():
    at = run_app(page="map")
    assert not at.exception
    assert at.selectbox(key="chi_tieu").value == "unemployment_rate"
    table = at.dataframe[0].value
    assert len(table) == 126
    assert list(table.columns[:3]) == ["Hạng", "Xã, phường", "Giá trị (%)"]  # the value in view, no type column
    assert map_note(at).count("Sơ đồ minh họa") == 1  # schematic geometry says so, once, in Vietnamese
    assert "Schematic" not in map_note(at) and not any("Sơ đồ" in c.value for c in at.caption)


def test_deep_link_to_indicator_and_distance_mode():
    at = run_app(page="map", chi_tieu="bhyt_coverage", che_do="khoang_cach")
    assert not at.exception
    assert at.selectbox(key="chi_tieu").value == "bhyt_coverage"
    assert at.query_params["chi_tieu"] in ("bhyt_coverage", ["bhyt_coverage"])


def test_indicator_without_target_falls_back_to_levels():
    at = run_app(page="map", chi_tieu="avg_monthly_income", che_do="khoang_cach")
    assert not at.exception
    assert any("không có mục tiêu" in i.value for i in at.info)


def test_urban_rate_lists_the_75_communes_without_data():
    at = run_app(page="map", chi_tieu="unemployment_urban")
    assert not at.exception
    assert any(c.value.startswith("Không có số liệu (75)") for c in at.caption)
    table = at.dataframe[0].value
    assert len(table) == 126  # never dropped


def test_invalid_indicator_in_link_gives_notice():
    at = run_app(page="map", chi_tieu="khong_co")
    assert not at.exception
    assert at.selectbox(key="chi_tieu").value == "unemployment_rate"
    assert any("không hợp lệ" in i.value for i in at.info)


def test_changing_indicator_changes_the_table():
    at = run_app(page="map")
    before = value_column(at.dataframe[0].value).tolist()
    at.selectbox(key="chi_tieu").set_value("bhxh_compulsory_share").run()
    assert not at.exception
    assert at.selectbox(key="chi_tieu").value == "bhxh_compulsory_share"  # the indicator is named above the table
    assert "Giá trị (%)" in at.dataframe[0].value.columns
    assert value_column(at.dataframe[0].value).tolist() != before


def _write(tmp_path, name, doc):
    path = tmp_path / name
    path.write_text(json.dumps(doc), encoding="utf-8")
    return str(path)


@pytest.fixture
def built():
    return json.loads(GEO_FILE.read_text(encoding="utf-8"))


def _with_boundary(monkeypatch, path):
    monkeypatch.setenv("HANOI_BOUNDARY_FILE", path)
    return run_app(page="map")


def test_good_official_file_is_used(monkeypatch, tmp_path, built):
    doc = copy.deepcopy(built)
    doc["attribution"] = "Sở Nông nghiệp và Môi trường Hà Nội (thử nghiệm)"
    at = _with_boundary(monkeypatch, _write(tmp_path, "official.geojson", doc))
    assert not at.exception
    assert not at.warning or all("Tệp ranh giới" not in w.value for w in at.warning)
    assert "Ranh giới chính thức: hanoi_communes · phiên bản" in map_note(at)  # the file's own name for itself


def test_file_missing_a_commune_falls_back_with_a_message(monkeypatch, tmp_path, built):
    doc = copy.deepcopy(built)
    doc["features"] = doc["features"][1:]
    at = _with_boundary(monkeypatch, _write(tmp_path, "missing.geojson", doc))
    assert not at.exception
    message = " ".join(w.value for w in at.warning)
    assert "Tệp ranh giới chính thức không dùng được" in message
    assert built["features"][0]["properties"]["code"] in message
    assert "Sơ đồ minh họa" in map_note(at)


def test_file_with_invalid_geometry_falls_back(monkeypatch, tmp_path, built):
    doc = copy.deepcopy(built)
    doc["features"][0]["geometry"] = {"type": "Polygon", "coordinates": [[[105.8, 21.0], [105.9, 21.1], [105.9, 21.0], [105.8, 21.1], [105.8, 21.0]]]}
    at = _with_boundary(monkeypatch, _write(tmp_path, "bowtie.geojson", doc))
    assert not at.exception
    assert "Tệp ranh giới chính thức không dùng được" in " ".join(w.value for w in at.warning)


def test_file_with_numeric_codes_is_used_with_its_zeros_back(monkeypatch, tmp_path, built):
    """A Shapefile-style numeric code (4 for 00004) is padded back (lossless: codes have 5 digits by law)."""
    doc = copy.deepcopy(built)
    for feature in doc["features"]:
        feature["properties"]["code"] = int(feature["properties"]["code"])
        del feature["id"]
    at = _with_boundary(monkeypatch, _write(tmp_path, "numeric.geojson", doc))
    assert not at.exception
    assert all("Tệp ranh giới" not in w.value for w in at.warning)
    assert "Ranh giới chính thức" in map_note(at)


def test_real_official_file_when_available(monkeypatch):
    path = os.environ.get("HANOI_OFFICIAL_BOUNDARY_TEST_FILE")
    if not path or not os.path.exists(path):
        pytest.skip("official boundary file not available here")
    at = _with_boundary(monkeypatch, path)
    assert not at.exception
    assert "Ranh giới chính thức" in map_note(at)


def test_sector_demand_layer_for_priority_sectors():
    at = run_app(page="map", che_do="nhu_cau", nganh="J,M")
    assert not at.exception
    table = at.dataframe[0].value
    assert len(table) == 126
    shares = table.iloc[:, 2].dropna()
    assert 0.99 <= shares.sum() <= 1.01  # shares of the city's vacancies add up to the whole
    assert any("J, M" in c.value for c in at.caption)


def test_small_counts_of_people_are_hidden_and_listed_not_called_missing():
    at = run_app(page="map", chi_tieu="jobs_abroad")
    assert not at.exception
    hidden = next(c.value for c in at.caption if c.value.startswith("Ẩn để bảo vệ thông tin cá nhân"))
    n = int(hidden.split("(")[1].split(")")[0])
    assert n >= 2 and not any(c.value.startswith("Không có số liệu") for c in at.caption)
    table = at.dataframe[0].value
    values = value_column(table)
    assert len(table) == 126 and not ((values > 0) & (values < 10)).any()
    status = table["Loại số liệu (diễn giải)"]
    assert (status == "ẩn (dưới 10 người)").sum() == n == values.isna().sum()
