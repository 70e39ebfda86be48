"""Polygons, areas, gaps and overlaps, sliver repair and the coverage-preserving simplification."""
from __future__ import annotations

import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from boundary_helpers import built_frame, official_path
from indicators.boundary_simplify import BROWSER_GEOMETRY_BUDGET, geojson_size, simplify_for_browser
from indicators.boundary_topology import (
    NOTCH_MIN_HA, SLIVER_MAX_HA, SLIVER_MAX_WIDTH_M, area_findings, geometry_problems, repair_coverage, to_lonlat,
    to_metres,
)


@pytest.fixture(scope="module")
def coverage():
    frame = built_frame()
    return list(frame["code"]), to_metres(np.asarray(frame.geometry.values))


def _neighbours(metres, i):
    return [j for j in range(len(metres)) if j != i and shapely.touches(metres[i], metres[j])]


def _interior_index(codes, metres):
    """A commune that does not touch the city's edge (its neighbours surround it)."""
    edge = shapely.boundary(shapely.union_all(metres))
    return next(i for i, g in enumerate(metres) if not shapely.intersects(shapely.buffer(g, 1), edge)
                and shapely.area(g) > 5e6)


def _edge_index(codes, metres):
    edge = shapely.boundary(shapely.union_all(metres))
    return next(i for i, g in enumerate(metres) if shapely.length(shapely.intersection(shapely.buffer(g, 1), edge)) > 5000)


def _assert_clean_coverage(geoms_lonlat):
    metres = to_metres(geoms_lonlat)
    assert all(g.is_valid and not g.is_empty for g in metres)
    assert shapely.coverage_is_valid(metres)
    overlap = float(shapely.area(metres).sum() - shapely.area(shapely.union_all(metres)))
    assert abs(overlap) < 1.0  # m²
    holes = [r for p in shapely.get_parts(shapely.union_all(metres)) for r in p.interiors]
    assert sum(shapely.area(shapely.Polygon(r)) for r in holes) < 1.0


def test_a_clean_coverage_passes_untouched(coverage):
    codes, metres = coverage
    result = repair_coverage(codes, metres)
    assert result.problems == [] and result.repairs == [] and result.warnings == []
    _assert_clean_coverage(result.geometries)
    areas = shapely.area(to_metres(result.geometries))
    assert np.allclose(areas, shapely.area(metres), rtol=1e-6)


def test_sliver_overlaps_are_repaired_and_reported(coverage):
    codes, metres = coverage
    i = _interior_index(codes, metres)
    grown = metres.copy()
    grown[i] = shapely.buffer(metres[i], 1.0, join_style="mitre")  # 1 m into every neighbour
    result = repair_coverage(codes, grown)
    assert result.problems == []
    overlaps = [x for x in result.issues if x.kind == "overlap"]
    assert overlaps and all(codes[i] in x.communes and x.repaired_to for x in overlaps)
    assert {c for x in overlaps for c in x.communes} - {codes[i]} == {codes[j] for j in _neighbours(metres, i)}
    assert all(x.width_m < SLIVER_MAX_WIDTH_M and x.hectares < SLIVER_MAX_HA for x in overlaps)
    text = "\n".join(result.repairs)
    assert "chồng lấn" in text and "overlap" in text and " ha " in text
    _assert_clean_coverage(result.geometries)


def test_sliver_gaps_are_repaired_to_the_commune_they_surround(coverage):
    codes, metres = coverage
    i = _interior_index(codes, metres)
    shrunk = metres.copy()
    shrunk[i] = shapely.buffer(metres[i], -0.5, join_style="mitre")  # a 0.5 m ring, well under 1 ha
    result = repair_coverage(codes, shrunk)
    assert result.problems == []
    gaps = [x for x in result.issues if x.kind == "gap"]
    assert len(gaps) == 1 and gaps[0].repaired_to == codes[i]
    assert codes[i] in gaps[0].communes and len(gaps[0].communes) > 2
    _assert_clean_coverage(result.geometries)
    assert shapely.area(to_metres(result.geometries)[i]) == pytest.approx(shapely.area(metres[i]), rel=1e-3)


def test_a_large_gap_is_a_problem_naming_the_communes_and_hectares(coverage):
    codes, metres = coverage
    i = _interior_index(codes, metres)
    shrunk = metres.copy()
    shrunk[i] = shapely.buffer(metres[i], -100.0)
    result = repair_coverage(codes, shrunk)
    assert result.geometries is None
    text = "\n".join(result.problems)
    assert "khoảng hở" in text and "gap of" in text and codes[i] in text and " ha " in text
    gap = next(x for x in result.issues if x.kind == "gap")
    assert gap.repaired_to is None and gap.hectares > SLIVER_MAX_HA
    expected_ha = (shapely.area(metres[i]) - shapely.area(shrunk[i])) / 1e4
    assert gap.hectares == pytest.approx(expected_ha, rel=1e-3)


def test_a_large_overlap_is_a_problem(coverage):
    codes, metres = coverage
    i = _interior_index(codes, metres)
    grown = metres.copy()
    grown[i] = shapely.buffer(metres[i], 150.0)
    result = repair_coverage(codes, grown)
    assert result.geometries is None
    assert any("chồng lấn" in p and "overlap of" in p and codes[i] in p for p in result.problems)


def test_a_gap_opening_onto_the_city_edge_is_a_warning(coverage):
    codes, metres = coverage
    i = _edge_index(codes, metres)
    shrunk = metres.copy()
    shrunk[i] = shapely.buffer(metres[i], -6.0, join_style="mitre")
    result = repair_coverage(codes, shrunk)
    assert result.problems == []
    edge_gaps = [x for x in result.issues if x.kind == "edge_gap"]
    assert edge_gaps and all(x.hectares >= NOTCH_MIN_HA and codes[i] in x.communes for x in edge_gaps)
    assert any("rìa thành phố" in w and "city's edge" in w for w in result.warnings)


def test_invalid_and_wrong_geometries(coverage):
    codes, metres = coverage
    bow_tie = shapely.Polygon([(0, 0), (1, 1), (1, 0), (0, 1), (0, 0)])
    problems = geometry_problems(["00004", "00008", None], [bow_tie, shapely.Point(0, 0), None])
    text = "\n".join(problems)
    assert "00004: Self-intersection" in text and "Fix geometries" in text
    assert "00008 (Point)" in text and "#2 (None)" in text


def test_areas_against_the_official_areas(coverage):
    codes, metres = coverage
    official = {c: float(shapely.area(g)) / 1e6 for c, g in zip(codes, metres)}
    official[codes[0]] *= 1.2  # drawn 17 % smaller than the official area: a warning
    official[codes[1]] *= 3.0  # a third of its official area: a wrong unit or code
    ratios, problems, warnings = area_findings(codes, metres, official)
    assert ratios[codes[2]] == pytest.approx(1.0)
    assert len(problems) == 1 and codes[1] in problems[0] and codes[0] not in problems[0]
    assert len(warnings) == 1 and f"{codes[0]} (-17 %)" in warnings[0]


# ------------------------------------------------------------------ simplification


def test_simplification_keeps_the_coverage(coverage):
    codes, metres = coverage
    geoms = to_lonlat(metres)
    simple = simplify_for_browser(geoms, codes, budget=70_000)
    assert simple.tolerance_m > 0 and simple.geojson_bytes <= 70_000
    assert simple.vertices < shapely.get_num_coordinates(geoms).sum()
    _assert_clean_coverage(simple.geometries)


def test_a_file_that_fits_is_not_simplified(coverage):
    codes, metres = coverage
    geoms = to_lonlat(metres)
    simple = simplify_for_browser(geoms, codes, budget=10_000_000)
    assert simple.tolerance_m == 0
    assert simple.geojson_bytes == geojson_size(simple.geometries, codes)


@settings(max_examples=6, deadline=None)
@given(budget=st.integers(min_value=60_000, max_value=120_000))
def test_simplification_never_opens_slivers_whatever_the_budget(coverage, budget):
    codes, metres = coverage
    simple = simplify_for_browser(to_lonlat(metres), codes, budget=budget)
    _assert_clean_coverage(simple.geometries)


def test_the_real_official_file_fits_the_browser_budget():
    from indicators.boundaries import prepare_boundary_file

    prepared = prepare_boundary_file(official_path())
    assert prepared.ok, prepared.problems
    sizes = prepared.report["simplification"]
    assert sizes["geojson_bytes"] <= BROWSER_GEOMETRY_BUDGET
    geoms = np.array([shapely.geometry.shape(f["geometry"]) for f in prepared.browser["features"]], dtype=object)
    _assert_clean_coverage(geoms)
    full = np.array([shapely.geometry.shape(f["geometry"]) for f in prepared.full["features"]], dtype=object)
    _assert_clean_coverage(full)
