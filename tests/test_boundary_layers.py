"""Orientation layers: commune labels from the zoom where they fit, the city outline, the old districts."""
from __future__ import annotations

import numpy as np
import pytest
import shapely
from shapely.geometry import shape

from boundary_helpers import built_frame
from indicators.boundary_layers import (
    city_outline, commune_labels, district_of_commune, fit_zoom, metres_per_pixel, old_districts,
)
from store.reference import load_communes, load_lineage


@pytest.fixture(scope="module")
def coverage():
    frame = built_frame()
    return list(frame["code"]), np.asarray(frame.geometry.values)


def test_fit_zoom_grows_with_the_text_and_shrinks_with_the_room():
    assert fit_zoom("Ba Vì", 5000, 3000, 21.0) < fit_zoom("Văn Miếu - Quốc Tử Giám", 5000, 3000, 21.0)
    assert fit_zoom("Ba Vì", 500, 300, 21.0) > fit_zoom("Ba Vì", 5000, 3000, 21.0)
    # at the zoom it returns, the text's width in metres is no more than the room
    zoom = fit_zoom("Hoàn Kiếm", 2000, 2000, 21.03)
    assert len("Hoàn Kiếm") * 0.58 * 11 * metres_per_pixel(zoom, 21.03) <= 2000


def test_every_commune_has_one_label_inside_it(coverage):
    codes, geoms = coverage
    names = load_communes().set_index("code")["short_name"]
    labels = commune_labels(codes, geoms, [names[c] for c in codes])
    assert sorted(lab.code for lab in labels) == sorted(codes)
    by_code = dict(zip(codes, geoms))
    assert all(shapely.contains(by_code[lab.code], shapely.Point(lab.lon, lab.lat)) for lab in labels)
    # small inner-city wards need a closer zoom than large rural communes
    area = {c: g.area for c, g in zip(codes, geoms)}
    smallest = min(labels, key=lambda lab: area[lab.code])
    largest = max(labels, key=lambda lab: area[lab.code])
    assert smallest.min_zoom > largest.min_zoom
    assert [lab.min_zoom for lab in labels] == sorted(lab.min_zoom for lab in labels)


def test_city_outline_is_the_edge_of_the_union(coverage):
    _, geoms = coverage
    outline = shape(city_outline(geoms))
    assert outline.geom_type in ("LineString", "MultiLineString")
    assert outline.length == pytest.approx(shapely.union_all(geoms).boundary.length, rel=1e-9)


def test_old_districts_from_the_lineage(coverage):
    codes, geoms = coverage
    lineage = load_lineage()
    district = district_of_commune(lineage)
    assert set(district) == set(codes) and len(set(district.values())) == 30
    assert district["00070"] == "Quận Hoàn Kiếm"  # Phường Hoàn Kiếm, formed mostly from the old Hoàn Kiếm
    lines, labels = old_districts(codes, geoms, lineage)
    assert len(labels) == 30 and {lab.text for lab in labels} == set(district.values())
    inner = shape(lines)
    assert inner.length > 0
    # the lines between districts are inside the city, never on its outline (drawn by its own layer)
    edge = shapely.union_all(geoms).boundary
    assert shapely.intersection(inner, edge).length < 1e-6
