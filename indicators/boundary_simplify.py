"""A lighter copy of the boundaries for the browser that keeps shared edges shared.

Why: an official file has ~130,000 vertices (3 MB); every map view sends its geometry to the browser,
which must stay small (the budget is 300 KB for the whole map figure, ``BROWSER_GEOMETRY_BUDGET`` for the
geometry). Simplifying each polygon on its own moves two neighbours' copies of an edge differently and
opens slivers between them; GEOS's coverage simplification (``shapely.coverage_simplify``, a
Visvalingam-Whyatt variant on the shared edges of a valid coverage) simplifies each shared edge once.
The tolerance is taken from ``TOLERANCES_M`` (metres, in the equal-area projection), the smallest whose
geometry fits the budget (found by bisection: the size falls as the tolerance grows; when none fits, the
coarsest); coordinates are then rounded to 5 decimals (about 1 m) — the same vertex
rounds the same way in both neighbours.
"""
from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np
import shapely

from indicators.boundary_topology import to_lonlat, to_metres

TOLERANCES_M = (0.0, 5.0, 10.0, 20.0, 30.0, 50.0, 75.0, 100.0, 150.0, 200.0)
BROWSER_GEOMETRY_BUDGET = 170_000  # bytes of GeoJSON for the 126 communes (labels, outline, districts come on top)
DECIMALS = 5


@dataclass(frozen=True)
class Simplified:
    """The browser geometry (WGS 84, input order) and how it was made."""

    geometries: np.ndarray
    tolerance_m: float
    geojson_bytes: int
    vertices: int


def round_coordinates(geoms: np.ndarray, decimals: int = DECIMALS) -> np.ndarray:
    """Coordinates rounded (never snapped to a grid: no noding, so shared vertices stay shared)."""
    return shapely.transform(np.asarray(geoms, dtype=object), lambda xy: np.round(xy, decimals))


def geojson_size(geoms: np.ndarray, codes: list[str]) -> int:
    """Bytes of a FeatureCollection of these geometries as the map sends it (compact JSON)."""
    features = [{"type": "Feature", "id": c, "properties": {"code": c}, "geometry": shapely.geometry.mapping(g)}
                for c, g in zip(codes, geoms)]
    return len(json.dumps({"type": "FeatureCollection", "features": features}, separators=(",", ":")))


def _clean(geoms: np.ndarray) -> np.ndarray:
    return np.array([g if g.is_valid else shapely.make_valid(g) for g in geoms], dtype=object)


def simplify_for_browser(geoms: np.ndarray, codes: list[str], budget: int = BROWSER_GEOMETRY_BUDGET) -> Simplified:
    """The least simplified copy (see ``TOLERANCES_M``) whose GeoJSON fits ``budget`` bytes.

    ``geoms`` must be a valid coverage in WGS 84 (``boundary_topology.repair_coverage`` makes one).
    """
    metres = to_metres(geoms)

    def attempt(tolerance: float) -> Simplified:
        simple = metres if tolerance == 0 else shapely.coverage_simplify(metres, tolerance, simplify_boundary=True)
        lonlat = _clean(round_coordinates(to_lonlat(simple)))
        return Simplified(lonlat, tolerance, geojson_size(lonlat, codes), int(shapely.get_num_coordinates(lonlat).sum()))

    # the size falls as the tolerance grows: bisect the ladder for the first tolerance that fits
    tried: dict[int, Simplified] = {}
    lo, hi = 0, len(TOLERANCES_M) - 1
    while lo < hi:
        mid = (lo + hi) // 2
        tried[mid] = attempt(TOLERANCES_M[mid])
        if tried[mid].geojson_bytes <= budget:
            hi = mid
        else:
            lo = mid + 1
    return tried.get(lo) or attempt(TOLERANCES_M[lo])
