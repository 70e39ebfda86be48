"""Polygons, areas, gaps and overlaps of the 126 communes; slivers repaired into a clean coverage.

Why: two neighbours digitised separately leave thin gaps or overlaps between them. A map of 126 units
must tile the city: territory counted twice or by nobody shows as a hairline, and breaks the
simplification that keeps shared edges shared. Everything here is measured in metres in an
equal-area projection centred on Hanoi (``HANOI_EQUAL_AREA``).

Method: all commune boundaries are noded together and polygonised into faces; each face is covered by
0 communes (a gap inside the city), 1 (normal) or 2+ (an overlap). Faces of one kind that touch are one
piece. A piece is a **sliver** when it is thinner than ``SLIVER_MAX_WIDTH_M`` on average
(2 x area / perimeter) and smaller than ``SLIVER_MAX_HA``, or smaller than ``NOISE_M2`` whatever its
shape: a sliver gap is given to the neighbour sharing the longest edge with it, a sliver overlap to the
covering commune with the smallest code, and the repair is reported. A larger gap or overlap is a
problem: the file must be corrected at its source. Every commune is then rebuilt from its faces, so
neighbours share exactly the same vertices.
Gaps that open onto the city's edge are not faces; they are found by closing the city's outline by
``NOTCH_WIDTH_M`` and reported (as warnings, from ``NOTCH_MIN_HA``: a smaller one cannot be told from a
bend of the edge), never repaired.
Areas: each commune against its official area (QĐ 19/2025/QĐ-TTg list): beyond ``AREA_WARN`` a warning,
beyond ``AREA_REJECT`` a problem (a unit half or twice its legal size is a wrong code or a wrong unit).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import shapely
from pyproj import Transformer
from shapely.validation import explain_validity

from i18n.formats import fmt_number
from indicators.boundary_codes import first
from indicators.boundary_crs import HANOI_EQUAL_AREA, WGS84

SLIVER_MAX_WIDTH_M = 10.0
SLIVER_MAX_HA = 1.0
NOISE_M2 = 1.0
NOTCH_WIDTH_M = 50.0
NOTCH_MIN_HA = 0.1
AREA_WARN = 0.10
AREA_REJECT = 0.50


@dataclass(frozen=True)
class TopologyIssue:
    """One gap or overlap: where, how big, between whom, and whether it was repaired."""

    kind: str  # 'gap' | 'overlap' | 'edge_gap'
    communes: tuple[str, ...]
    hectares: float
    width_m: float
    lon: float
    lat: float
    repaired_to: str | None = None

    def text(self) -> str:
        """'khoảng hở 0,02 ha giữa 00004, 00008 (gần 21,03860, 105,83800) / gap of 0.02 ha between …'."""
        names = {"gap": ("khoảng hở", "gap"), "overlap": ("chồng lấn", "overlap"),
                 "edge_gap": ("khoảng hở ở rìa thành phố", "gap at the city's edge")}[self.kind]
        who = ", ".join(self.communes) or "—"
        vi = (f"{names[0]} {fmt_number(self.hectares, 'vi', 2)} ha giữa {who} "
              f"(gần {fmt_number(self.lat, 'vi', 5)}, {fmt_number(self.lon, 'vi', 5)})")
        en = f"{names[1]} of {fmt_number(self.hectares, 'en', 2)} ha between {who} (near {self.lat:.5f}, {self.lon:.5f})"
        if self.repaired_to:
            vi += f", đã gán cho {self.repaired_to}"
            en += f", given to {self.repaired_to}"
        return f"{vi} / {en}"


@dataclass
class TopologyResult:
    """The repaired coverage (WGS 84, in the input order) and what was found on the way."""

    geometries: np.ndarray | None
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    repairs: list[str] = field(default_factory=list)
    issues: list[TopologyIssue] = field(default_factory=list)
    area_ratio: dict[str, float] = field(default_factory=dict)


def _transform(geoms: np.ndarray, src: str, dst: str) -> np.ndarray:
    transformer = Transformer.from_crs(src, dst, always_xy=True)
    return shapely.transform(geoms, lambda xy: np.column_stack(transformer.transform(xy[:, 0], xy[:, 1])))


def to_metres(geoms: np.ndarray) -> np.ndarray:
    """WGS 84 lon/lat -> Hanoi equal-area metres."""
    return _transform(np.asarray(geoms, dtype=object), WGS84, HANOI_EQUAL_AREA)


def to_lonlat(geoms: np.ndarray) -> np.ndarray:
    """Hanoi equal-area metres -> WGS 84 lon/lat."""
    return _transform(np.asarray(geoms, dtype=object), HANOI_EQUAL_AREA, WGS84)


def geometry_problems(codes: list[str | None], geoms: list) -> list[str]:
    """Wrong geometry types, empty or invalid polygons, each problem "vi / en"."""
    wrong_type, invalid = [], []
    for i, geom in enumerate(geoms):
        label = codes[i] if codes[i] is not None else f"#{i}"
        gtype = None if geom is None else geom.geom_type
        if gtype not in ("Polygon", "MultiPolygon"):
            wrong_type.append(f"{label} ({gtype})")
        elif geom.is_empty:
            invalid.append(f"{label}: empty")
        elif not geom.is_valid:
            invalid.append(f"{label}: {explain_validity(geom)}")
    problems = []
    if wrong_type:
        problems.append(f"hình học phải là Polygon/MultiPolygon: {first(wrong_type)} / "
                        f"geometries must be Polygon/MultiPolygon: {first(wrong_type)}")
    if invalid:
        problems.append(f"hình học không hợp lệ: {first(invalid)} (sửa bằng công cụ 'Fix geometries' của phần mềm GIS) / "
                        f"invalid geometries: {first(invalid)} (repair them with the GIS software's 'Fix geometries')")
    return problems


def area_findings(codes: list[str], metres: np.ndarray, official_km2: dict[str, float]) -> tuple[dict[str, float], list[str], list[str]]:
    """(ratio of drawn to official area per code, problems, warnings)."""
    ratios = {c: float(shapely.area(g)) / 1e6 / official_km2[c] for c, g in zip(codes, metres)
              if official_km2.get(c)}
    off = sorted(((r - 1, c) for c, r in ratios.items() if abs(r - 1) > AREA_WARN), key=lambda t: -abs(t[0]))
    def listed(items: list[tuple[float, str]], lang: str) -> str:
        return first([f"{c} ({'+' if d > 0 else ''}{fmt_number(d * 100, lang, 0)} %)" for d, c in items])
    rejected = [(d, c) for d, c in off if abs(d) > AREA_REJECT]
    problems, warnings = [], []
    if rejected:
        problems.append(
            f"diện tích lệch quá {fmt_number(AREA_REJECT * 100, 'vi')} % so với diện tích chính thức (mã sai hoặc đơn vị sai?): "
            f"{listed(rejected, 'vi')} / area differs from the official area by more than {AREA_REJECT:.0%} "
            f"(wrong code or wrong unit?): {listed(rejected, 'en')}")
    rest = [t for t in off if t not in rejected]
    if rest:
        warnings.append(
            f"diện tích lệch quá {fmt_number(AREA_WARN * 100, 'vi')} % so với diện tích chính thức: {listed(rest, 'vi')} / "
            f"area differs from the official area by more than {AREA_WARN:.0%}: {listed(rest, 'en')}")
    return ratios, problems, warnings


def _is_sliver(area_m2: float, width_m: float) -> bool:
    return area_m2 < NOISE_M2 or (width_m < SLIVER_MAX_WIDTH_M and area_m2 < SLIVER_MAX_HA * 1e4)


def _issue(kind: str, piece, communes: tuple[str, ...], repaired_to: str | None = None) -> TopologyIssue:
    area = float(shapely.area(piece))
    width = 2 * area / max(float(shapely.length(piece)), 1e-9)
    point = to_lonlat(np.array([shapely.point_on_surface(piece)]))[0]
    return TopologyIssue(kind, communes, area / 1e4, width, round(point.x, 5), round(point.y, 5), repaired_to)


def _shared_length(piece, geom) -> float:
    return float(shapely.length(shapely.intersection(shapely.boundary(piece), shapely.buffer(geom, 0.01))))


def repair_coverage(codes: list[str], metres: np.ndarray) -> TopologyResult:
    """Gaps and overlaps found, slivers repaired, every commune rebuilt from shared faces (see module doc)."""
    lines = shapely.union_all(shapely.boundary(metres))
    faces = shapely.get_parts(shapely.polygonize(shapely.get_parts(lines)))
    faces = faces[shapely.area(faces) > 0]
    tree = shapely.STRtree(metres)
    face_idx, commune_idx = tree.query(shapely.point_on_surface(faces), predicate="within")
    cover: list[list[int]] = [[] for _ in faces]
    for f, c in zip(face_idx, commune_idx):
        cover[f].append(int(c))
    owner: list[int | None] = [c[0] if len(c) == 1 else None for c in cover]
    result = TopologyResult(geometries=None)

    def settle(kind: str, piece, candidate_faces: list[int], who: tuple[str, ...], winner: int | None) -> None:
        """Record a gap or overlap piece; a sliver's faces go to `winner` (None: not a sliver, not repaired)."""
        area = float(shapely.area(piece))
        if winner is not None and _is_sliver(area, 2 * area / max(float(shapely.length(piece)), 1e-9)):
            for f in candidate_faces:
                if shapely.intersects(piece, shapely.point_on_surface(faces[f])):
                    owner[f] = winner
            result.issues.append(_issue(kind, piece, who, codes[winner]))
        else:
            result.issues.append(_issue(kind, piece, who))

    # overlaps: faces covered by the same communes, merged where they touch; a sliver to the smallest code
    by_set: dict[tuple[int, ...], list[int]] = {}
    for f, c in enumerate(cover):
        if len(c) > 1:
            by_set.setdefault(tuple(sorted(c)), []).append(f)
    for members, fs in sorted(by_set.items()):
        for piece in shapely.get_parts(shapely.union_all(faces[fs])):
            settle("overlap", piece, fs, tuple(sorted(codes[m] for m in members)), min(members, key=lambda m: codes[m]))

    # gaps inside the city: faces nobody covers; a sliver to the neighbour sharing the longest edge with it
    holes = [f for f, c in enumerate(cover) if not c]
    if holes:
        for piece in shapely.get_parts(shapely.union_all(faces[holes])):
            near = [int(i) for i in tree.query(shapely.buffer(piece, 0.01), predicate="intersects")]
            winner = max(near, key=lambda i: (_shared_length(piece, metres[i]), -int(codes[i]))) if near else None
            settle("gap", piece, holes, tuple(sorted(codes[i] for i in near)), winner)

    # gaps opening onto the city's edge (reported only)
    city = shapely.union_all(metres)
    half = NOTCH_WIDTH_M / 2
    closed = shapely.buffer(shapely.buffer(city, half, join_style="mitre"), -half, join_style="mitre")
    for piece in shapely.get_parts(shapely.difference(closed, city)):
        if shapely.area(piece) < NOTCH_MIN_HA * 1e4:
            continue
        near = tree.query(shapely.buffer(piece, 0.5), predicate="intersects")
        if len(near) >= 2:
            result.issues.append(_issue("edge_gap", piece, tuple(sorted(codes[int(i)] for i in near))))

    blocking = [i for i in result.issues if i.kind != "edge_gap" and i.repaired_to is None]
    if blocking:
        result.problems.append(
            f"{len(blocking)} khoảng hở/chồng lấn lớn hơn dung sai sửa tự động (rộng dưới "
            f"{fmt_number(SLIVER_MAX_WIDTH_M, 'vi')} m và nhỏ hơn {fmt_number(SLIVER_MAX_HA, 'vi')} ha) — cần sửa trong tệp gốc / "
            f"{len(blocking)} gaps/overlaps beyond the automatic repair tolerance (thinner than {SLIVER_MAX_WIDTH_M:g} m "
            f"and smaller than {SLIVER_MAX_HA:g} ha) — correct them in the source file")
        result.problems += [i.text() for i in blocking]
    edges = [i for i in result.issues if i.kind == "edge_gap"]
    result.warnings += [i.text() for i in edges]
    repaired = [i for i in result.issues if i.repaired_to is not None]
    if repaired:
        total = sum(i.hectares for i in repaired)
        result.repairs.append(
            f"đã sửa {len(repaired)} khe hở/chồng lấn nhỏ (tổng {fmt_number(total, 'vi', 2)} ha) / "
            f"repaired {len(repaired)} slivers (gaps/overlaps, {fmt_number(total, 'en', 2)} ha in all)")
        result.repairs += [i.text() for i in repaired]
    if result.problems:
        return result

    parts: list[list[int]] = [[] for _ in codes]
    for f, o in enumerate(owner):
        if o is not None:
            parts[o].append(f)
    rebuilt = np.array([shapely.union_all(faces[fs]) if fs else shapely.Polygon() for fs in parts], dtype=object)
    rebuilt = np.array([shapely.make_valid(g) if not g.is_valid else g for g in rebuilt], dtype=object)
    result.geometries = to_lonlat(rebuilt)
    return result
