"""Orientation layers for the map, derived from the commune geometry: labels, city outline, old districts.

Why: a choropleth of 126 coloured cells gives no orientation. Leaders still think in the 30 pre-2025
districts, and a commune's name should be on the map where it fits. Everything is computed once per
boundary set (stored beside it, or cached for the schematic map) so a page view only draws.

- Labels: each commune's name at its pole of inaccessibility (``shapely.ops.polylabel``), with the lowest
  web-map zoom at which the text, at ``LABEL_FONT_PX``, fits in the commune's horizontal and vertical
  chords through that point; the map shows a label only from that zoom on, so more appear as the user
  zooms in (and MapLibre still drops any that collide).
- City outline: the boundary of the union of the communes.
- Old districts (approximate): the lineage (``data/reference/commune_lineage.csv``) says from which
  pre-2025 units, in which districts, each new commune was formed. A new commune that straddles old
  districts is given to the district that contributed most (an old unit merged whole weighs 1, one split
  between new units 0.5 where this commune is its main successor, else 0.25); the district outline is the
  union of its communes. It is a reference drawn faintly and said to be approximate, not a legal line.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
import shapely
from shapely.geometry import mapping
from shapely.ops import polylabel

from indicators.boundary_topology import to_lonlat, to_metres

LABEL_FONT_PX = 11
CHAR_WIDTH_EM = 0.58  # average advance of a sans-serif letter, in em (Vietnamese names, mixed case)
LINE_HEIGHT_EM = 1.3
EARTH_CIRCUMFERENCE_M = 40_075_016.686
TILE_PX = 512  # MapLibre's zoom scale: the world is 512 px wide at zoom 0
MAX_LABEL_ZOOM = 16.0


@dataclass(frozen=True)
class Label:
    """A name to draw at a point, from zoom ``min_zoom`` on."""

    code: str
    text: str
    lon: float
    lat: float
    min_zoom: float


def metres_per_pixel(zoom: float, lat: float) -> float:
    """Ground size of one screen pixel at this web-map zoom and latitude."""
    return EARTH_CIRCUMFERENCE_M * math.cos(math.radians(lat)) / (TILE_PX * 2 ** zoom)


def _chord(geom, point, horizontal: bool) -> float:
    """Length of the piece of a horizontal (or vertical) line through `point` that lies in `geom`."""
    minx, miny, maxx, maxy = geom.bounds
    line = (shapely.LineString([(minx - 1, point.y), (maxx + 1, point.y)]) if horizontal
            else shapely.LineString([(point.x, miny - 1), (point.x, maxy + 1)]))
    pieces = shapely.get_parts(shapely.intersection(line, geom))
    hit = [p for p in pieces if p.distance(point) < 1e-6]
    return float(hit[0].length) if hit else 0.0


def fit_zoom(text: str, width_m: float, height_m: float, lat: float, font_px: float = LABEL_FONT_PX) -> float:
    """The lowest zoom at which `text` fits in a box of width_m x height_m (metres), rounded up to 0.25."""
    text_w = max(len(text), 1) * CHAR_WIDTH_EM * font_px
    text_h = LINE_HEIGHT_EM * font_px
    if width_m <= 0 or height_m <= 0:
        return MAX_LABEL_ZOOM
    scale = EARTH_CIRCUMFERENCE_M * math.cos(math.radians(lat)) / TILE_PX
    zoom = max(math.log2(scale * text_w / width_m), math.log2(scale * text_h / height_m))
    return min(math.ceil(zoom * 4) / 4, MAX_LABEL_ZOOM)


def commune_labels(codes: list[str], geoms: np.ndarray, texts: list[str]) -> list[Label]:
    """A label per commune (see module doc), larger-first so MapLibre places the roomiest names first."""
    metres = to_metres(geoms)
    parts = [max(shapely.get_parts(g), key=lambda p: p.area) for g in metres]
    points = [polylabel(part, tolerance=10.0) for part in parts]
    lonlats = to_lonlat(np.array(points, dtype=object))
    out = []
    for code, text, part, point, lonlat in zip(codes, texts, parts, points, lonlats):
        width, height = _chord(part, point, True), _chord(part, point, False)
        out.append(Label(code, text, round(lonlat.x, 5), round(lonlat.y, 5), fit_zoom(text, width, height, lonlat.y)))
    return sorted(out, key=lambda lab: (lab.min_zoom, lab.code))


def city_outline(geoms: np.ndarray) -> dict:
    """The city's outline as a GeoJSON (Multi)LineString."""
    return mapping(shapely.boundary(shapely.union_all(geoms)))


def district_of_commune(lineage: pd.DataFrame) -> dict[str, str]:
    """new commune code -> the pre-2025 district that contributed most to it (see module doc)."""
    weight = np.where(lineage["old_unit_divided"].astype(int) == 0, 1.0,
                      np.where(lineage["is_default_new_unit"].astype(int) == 1, 0.5, 0.25))
    scored = lineage.assign(weight=weight).groupby(["new_code", "old_district_code", "old_district"],
                                                   as_index=False)["weight"].sum()
    scored = scored.sort_values(["new_code", "weight", "old_district_code"], ascending=[True, False, True])
    top = scored.drop_duplicates("new_code")
    return dict(zip(top["new_code"], top["old_district"]))


def old_districts(codes: list[str], geoms: np.ndarray, lineage: pd.DataFrame) -> tuple[dict, list[Label]]:
    """(the lines between old districts as one GeoJSON MultiLineString, one name label per district)."""
    district = district_of_commune(lineage)
    by_name: dict[str, list] = {}
    for code, geom in zip(codes, geoms):
        if code in district:
            by_name.setdefault(district[code], []).append(geom)
    polygons = {name: shapely.union_all(parts) for name, parts in sorted(by_name.items())}
    # the city's own outline is drawn by its own layer: only the lines between old districts are kept
    inner = shapely.union_all([shapely.boundary(p) for p in polygons.values()])
    lines = shapely.line_merge(shapely.difference(inner, shapely.boundary(shapely.union_all(geoms))))
    labels = []
    for name, poly in polygons.items():
        part = max(shapely.get_parts(poly), key=lambda p: p.area)
        point = polylabel(part, tolerance=1e-4)
        labels.append(Label("", name, round(point.x, 5), round(point.y, 5), 0.0))
    return mapping(lines), labels
