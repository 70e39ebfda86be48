"""The map figure: offline style, orientation layers, the selected commune, provenance once, payload."""
from __future__ import annotations

import json

import pandas as pd
import pytest

from boundary_helpers import official_path
from indicators.boundaries import load_boundaries
from indicators.mapclass import SEQUENTIAL, quantile_classes
from store.reference import load_communes
from ui.map_view import CHART_CONFIG, MAP_STYLE, choropleth, class_labels, payload_bytes

PAYLOAD_LIMIT = 300_000


@pytest.fixture(autouse=True)
def _no_served_set(monkeypatch, tmp_path):
    monkeypatch.setenv("HANOI_DATA_DIR", str(tmp_path / "curated"))
    monkeypatch.delenv("HANOI_BOUNDARY_FILE", raising=False)


def _figure(geo, lang="vi", selected=None):
    communes = load_communes()
    values = [None if i % 9 == 0 else float(i) for i in range(len(communes))]
    classes = quantile_classes(values)
    frame = pd.DataFrame({"code": communes["code"]})
    return choropleth(geo, frame, classes, class_labels(classes, 1, lang), list(communes["name_vi"]), "—", "%",
                      lang=lang, selected=selected)


def _symbol_layers(fig):
    return [layer for layer in fig.layout.map.layers if layer.type == "symbol"]


def test_the_style_fetches_nothing():
    fig = _figure(load_boundaries())
    assert fig.layout.map.style == MAP_STYLE
    assert "glyphs" not in MAP_STYLE and "sprite" not in MAP_STYLE
    assert all(source["type"] == "geojson" for source in MAP_STYLE["sources"].values())  # in-memory, nothing fetched
    assert MAP_STYLE["sources"]  # non-empty: an empty object is dropped on the way and breaks hover and click
    text = fig.to_json()
    assert "http://" not in text and "https://" not in text
    assert all(layer.symbol.icon == "" for layer in _symbol_layers(fig))  # plotly's default icon is on a CDN
    assert CHART_CONFIG["scrollZoom"] is True


def test_labels_appear_as_the_user_zooms_in():
    fig = _figure(load_boundaries())
    communes = [layer for layer in _symbol_layers(fig) if layer.maxzoom is None or layer.maxzoom > 20]
    zooms = sorted({layer.minzoom for layer in communes})
    assert len(zooms) >= 5 and zooms[0] < fig.layout.map.zoom < zooms[-1]
    names = [f["properties"]["t"] for layer in communes for f in layer.source["features"]]
    assert len(names) == 126 and "Ba Vì" in names


def test_labels_follow_the_language():
    names = lambda fig: {f["properties"]["t"] for layer in _symbol_layers(fig) for f in layer.source["features"]}  # noqa: E731
    assert "Hoàn Kiếm" in names(_figure(load_boundaries(), "vi"))
    assert "Hoan Kiem" in names(_figure(load_boundaries(), "en"))
    english = names(_figure(load_boundaries(), "en"))  # the old districts' names too, never left in Vietnamese
    assert "Soc Son District" in english and not any(n.startswith(("Huyện ", "Quận ", "Thị xã ")) for n in english)
    assert "Huyện Sóc Sơn" in names(_figure(load_boundaries(), "vi"))


def test_outline_districts_and_the_selected_commune():
    geo = load_boundaries()
    fig = _figure(geo, selected="00070")
    lines = [layer for layer in fig.layout.map.layers if layer.type == "line"]
    dashed = [layer for layer in lines if layer.line.dash]
    assert len(dashed) == 1 and dashed[0].source["geometry"] == geo.layers["districts"]
    assert any(layer.source["geometry"] == geo.layers["outline"] for layer in lines)
    hoan_kiem = next(f["geometry"] for f in geo.geojson["features"] if f["id"] == "00070")
    assert sum(layer.source["geometry"] == hoan_kiem for layer in lines) == 2  # white casing + dark line
    top = fig.layout.map.layers[-1]
    assert top.type == "symbol" and [f["properties"]["t"] for f in top.source["features"]] == ["Hoàn Kiếm"]
    assert not top.minzoom  # always named
    assert not any(layer.source.get("geometry") == hoan_kiem for layer in _figure(geo).layout.map.layers)


def test_text_is_light_on_dark_fills():
    fig = _figure(load_boundaries())
    colours = {layer.symbol.textfont.color for layer in _symbol_layers(fig) if layer.maxzoom is None or layer.maxzoom > 20}
    assert colours == {"#ffffff", "#1b1b1b"}
    assert SEQUENTIAL[-1] != SEQUENTIAL[0]


@pytest.mark.parametrize("lang,own,other", [("vi", "Sơ đồ minh họa", "Schematic"), ("en", "Schematic", "Sơ đồ")])
def test_the_schematic_map_says_so_once_in_the_current_language(lang, own, other):
    fig = _figure(load_boundaries(), lang)
    text = json.dumps([a.text for a in fig.layout.annotations], ensure_ascii=False)
    assert text.count(own) == 1 and other not in text


def test_payload_of_the_schematic_map():
    assert payload_bytes(_figure(load_boundaries(), selected="00004")) < PAYLOAD_LIMIT


def test_payload_and_provenance_with_the_official_file():
    geo = load_boundaries(official_path=str(official_path()))
    assert geo.official, geo.problems
    fig = _figure(geo, selected="00004")
    assert payload_bytes(fig) < PAYLOAD_LIMIT
    annotation = fig.layout.annotations[0].text
    assert f"Ranh giới chính thức: {geo.name} · phiên bản {geo.version}" in annotation
