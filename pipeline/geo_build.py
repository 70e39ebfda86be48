"""Build the project's own *schematic* boundaries of Hanoi's 126 commune-level units.

Why: since 1 July 2025 Hanoi has 126 commune-level units (51 phường, 75 xã).
The dashboard needs a map for them, but the official boundary file cannot be
redistributed with the project. This module therefore derives an
illustrative map from one MIT-licensed source only, the PyPI package
``vietnamadminunits`` (its ``data/dataset.db`` and ``data/converter_2025.json``).
Nothing else is read. The result is NOT an official boundary map; the app
says so. An official file can be plugged in at run time through
``indicators.boundaries.load_boundaries``.

Method (deterministic, no randomness; about 10 s of CPU):

1. Units: ``admin_units`` (provinceCode '01') gives the 126 new units with a
   reference point and the official area. ``admin_units_legacy`` gives the 526
   pre-2025 units with a geocoded point and a bounding box.
   ``converter_2025.json`` (``DICT_PROVINCE_WARD_NO_DIVIDED``) says which
   old units were merged *whole* into which new unit.
2. Projection: an equal-area "ellipsoidal sinusoidal" projection of WGS84,
   x = N(phi) cos(phi) (lon - 105.75°), y = meridian arc(phi) - arc(21°), in km.
   Its area element is exactly M N cos(phi) dphi dlon, so planar areas in it
   are true ellipsoidal areas (:func:`area_km2`). No pyproj needed.
3. Outline: union of the 526 old bounding boxes, closed (buffer +1.5/-1.5 km)
   to fill the gaps, largest part without holes, then eroded and opened
   (rounded corners) so that its area equals the sum of the official areas.
4. Cells: a power diagram (additively weighted Voronoi) on a 125 m grid inside
   the outline. Each unit is seeded at its reference point and at the points
   of the old units merged whole into it; all seeds of a unit share one
   weight. The weights are fitted to the official areas with a damped Newton
   iteration (Jacobian = boundary lengths, estimated on the grid). A 300 m
   disc around each reference point is pinned to its unit. Secondary seeds
   whose territory gets cut off from the reference point (or hangs on by a
   thin neck) are dropped and the fit repeated (first on a 250 m grid, then
   on the 125 m one). Left-over detached bits go to the best neighbour, so
   every unit is one polygon containing its reference point. The grid is
   turned by 0.3 rad against the axes: the reference points are rounded to
   4 decimals and edges parallel to the grid would flip whole rows at once.
5. Vectorise: the borders between grid labels are merged into junction-to-
   junction lines, each smoothed once (moving average, junctions fixed),
   simplified and polygonised. Every line is shared by the two units it
   separates, so the coverage has no gaps or overlaps and neighbours share
   exact vertices. If smoothing moved any unit's area by more than 2 %, the
   targets are corrected by that amount and steps 4-5 are redone once.
6. Output: WGS84 lon/lat rounded to 5 decimals (~1 m), **exterior rings
   clockwise** (``shapely.orient_polygons(exterior_cw=True)``), the winding
   Plotly's geo choropleth expects; features sorted by code, ``id`` = code.
   Top-level keys ``name``, ``attribution`` and ``method`` document the file.

Run: ``python -m cli.geo_build [--out geo/hanoi_communes.geojson]``.
"""

from __future__ import annotations

import argparse
import json
import math
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import shapely
import shapely.validation
from scipy import ndimage
from shapely.geometry import Point, Polygon

from i18n.names import ascii_fold

PROVINCE_CODE = "01"
PROVINCE_KEY = "thanhphohanoi"
DEFAULT_OUT = "geo/hanoi_communes.geojson"

ATTRIBUTION = (
    "Sơ đồ minh họa dựng từ vietnamadminunits (MIT) — không phải ranh giới chính thức / "
    "Schematic geometry built from vietnamadminunits (MIT), not official boundaries"
)
METHOD = (
    "Power diagram (weighted Voronoi) on a 125 m equal-area grid, seeded at each unit's "
    "reference point and at those of the pre-2025 units merged whole into it "
    "(converter_2025), weights fitted to the official areas; outline = smoothed union of "
    "the 526 pre-2025 bounding boxes scaled to the official total area; shared borders "
    "smoothed; WGS84 lon/lat, 5 decimals, exterior rings clockwise. "
    "Built by pipeline/geo_build.py."
)

# Build parameters (changing any of them changes the output file).
CELL_KM = 0.125  # grid resolution
CLOSE_KM = 1.5  # closing radius for the outline (fills gaps between boxes)
SMOOTH_KM = 1.0  # opening radius for the outline (rounds box corners)
NECK_KM = 0.25  # secondary seeds hanging on by a neck narrower than ~2x this are dropped
PROTECT_KM = 0.3  # disc around each reference point that must stay in its unit
SMOOTH_WINDOW = 7  # grid steps averaged when smoothing border lines
SIMPLIFY_KM = 0.03  # Douglas-Peucker tolerance on the smoothed border lines
COARSE_CELL_KM = 0.25  # grid used while choosing seeds
CANDIDATES = 12  # nearest units considered per grid cell
FD_DELTA = 2.0  # km, times the cell size = finite difference (km²) for the Jacobian
NEWTON_REG = 0.3  # Levenberg-Marquardt style damping of the Newton step
DECIMALS = 5  # lon/lat rounding

# Projection (WGS84 ellipsoid, km).
_A = 6378.137
_F = 1 / 298.257223563
_E2 = _F * (2 - _F)
LON0 = 105.75
LAT0 = 21.0


# --------------------------------------------------------------------------- data


def dataset_dir() -> Path:
    """Folder holding vietnamadminunits' data files (the only build input)."""
    import vietnamadminunits

    return Path(vietnamadminunits.__file__).resolve().parent / "data"


def _connect(db_path: str | Path | None) -> sqlite3.Connection:
    path = Path(db_path) if db_path else dataset_dir() / "dataset.db"
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True)


def official_units(db_path: str | Path | None = None) -> list[dict[str, Any]]:
    """Hanoi's 126 commune-level units (since 2025-07-01) from vietnamadminunits.

    Why: a single, licence-clean list of codes, names, types, reference points
    and official areas that the build, the tests and the app can share.
    Each dict: code (5-char str), name, short_name, name_en, type ('phuong'|'xa'),
    key, lat, lon, area_km2. Sorted by code.
    """
    con = _connect(db_path)
    try:
        rows = con.execute(
            "SELECT wardCode, ward, wardShort, wardType, wardKey, wardLat, wardLon, wardAreaKm2 "
            "FROM admin_units WHERE provinceCode = ? ORDER BY wardCode",
            (PROVINCE_CODE,),
        ).fetchall()
    finally:
        con.close()
    units = []
    for code, name, short, wtype, key, lat, lon, area in rows:
        kind = "phuong" if wtype == "Phường" else "xa"
        units.append(
            {
                "code": str(code).zfill(5),
                "name": name,
                "short_name": short,
                "name_en": english_name(short, kind),
                "type": kind,
                "key": key,
                "lat": float(lat),
                "lon": float(lon),
                "area_km2": float(area),
            }
        )
    return units


@dataclass(frozen=True)
class LegacyUnit:
    """A pre-2025 unit: geocoded point and bounding box (lat/lon degrees)."""

    key: str
    lat: float
    lon: float
    lat1: float
    lon1: float
    lat2: float
    lon2: float


def legacy_units(db_path: str | Path | None = None) -> list[LegacyUnit]:
    """The 526 pre-2025 units of Hanoi with their bounding boxes."""
    con = _connect(db_path)
    try:
        rows = con.execute(
            "SELECT districtKey, wardKey, wardLat, wardLon, wardBounds FROM admin_units_legacy "
            "WHERE provinceCode = ? ORDER BY wardCode",
            (PROVINCE_CODE,),
        ).fetchall()
    finally:
        con.close()
    out = []
    for dkey, wkey, lat, lon, bounds in rows:
        p1, p2 = bounds.split("–")
        la1, lo1 = (float(v) for v in p1.split(","))
        la2, lo2 = (float(v) for v in p2.split(","))
        out.append(
            LegacyUnit(
                f"{PROVINCE_KEY}_{dkey}_{wkey}",
                float(lat),
                float(lon),
                min(la1, la2),
                min(lo1, lo2),
                max(la1, la2),
                max(lo1, lo2),
            )
        )
    return out


def merged_whole(converter_path: str | Path | None = None) -> dict[str, list[str]]:
    """new unit key -> keys of the old units merged into it without being split."""
    path = Path(converter_path) if converter_path else dataset_dir() / "converter_2025.json"
    with open(path, encoding="utf-8") as fh:
        data = json.load(fh)
    return {k: list(v) for k, v in data["DICT_PROVINCE_WARD_NO_DIVIDED"][PROVINCE_KEY].items()}


def english_name(short_name: str, kind: str) -> str:
    """'Ba Đình', 'phuong' -> 'Ba Dinh Ward'; 'Hòa Xá', 'xa' -> 'Hoa Xa Commune'."""
    return f"{ascii_fold(short_name)} {'Ward' if kind == 'phuong' else 'Commune'}"


# --------------------------------------------------------------------------- projection


def _arc(phi: np.ndarray) -> np.ndarray:
    e2, e4, e6 = _E2, _E2**2, _E2**3
    return _A * (
        (1 - e2 / 4 - 3 * e4 / 64 - 5 * e6 / 256) * phi
        - (3 * e2 / 8 + 3 * e4 / 32 + 45 * e6 / 1024) * np.sin(2 * phi)
        + (15 * e4 / 256 + 45 * e6 / 1024) * np.sin(4 * phi)
        - (35 * e6 / 3072) * np.sin(6 * phi)
    )


_ARC0 = float(_arc(np.radians(LAT0)))


def project(lon: Any, lat: Any) -> tuple[np.ndarray, np.ndarray]:
    """WGS84 lon/lat (deg) -> equal-area x/y (km) around Hanoi."""
    phi = np.radians(np.asarray(lat, dtype=float))
    lam = np.radians(np.asarray(lon, dtype=float) - LON0)
    s = np.sin(phi)
    n = _A / np.sqrt(1 - _E2 * s * s)
    return n * np.cos(phi) * lam, _arc(phi) - _ARC0


def unproject(x: Any, y: Any) -> tuple[np.ndarray, np.ndarray]:
    """Inverse of :func:`project` (Newton on the meridian arc)."""
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    target = y + _ARC0
    phi = target / _A
    for _ in range(8):
        s = np.sin(phi)
        m = _A * (1 - _E2) / (1 - _E2 * s * s) ** 1.5
        phi = phi - (_arc(phi) - target) / m
    s = np.sin(phi)
    n = _A / np.sqrt(1 - _E2 * s * s)
    lon = LON0 + np.degrees(x / (n * np.cos(phi)))
    return lon, np.degrees(phi)


def _transform(geom: Any, func: Any) -> Any:
    return shapely.transform(geom, lambda c: np.column_stack(func(c[:, 0], c[:, 1])))


def to_km(geom: Any) -> Any:
    """Geometry in lon/lat -> geometry in the equal-area km projection."""
    return _transform(geom, project)


def to_lonlat(geom: Any) -> Any:
    """Geometry in the equal-area km projection -> lon/lat."""
    return _transform(geom, unproject)


def area_km2(geom_lonlat: Any) -> float:
    """True (ellipsoidal) area in km² of a lon/lat geometry with straight edges."""
    return float(shapely.area(to_km(geom_lonlat)))


# --------------------------------------------------------------------------- build steps

VERBOSE = 0
_T0 = time.perf_counter()


def _log(msg: str) -> None:
    if VERBOSE:
        print(f"[{time.perf_counter() - _T0:5.1f}s] {msg}", flush=True)


GRID_ANGLE = 0.3  # radians between the fitting grid and the projection axes


def _rotate(x: Any, y: Any, angle: float = GRID_ANGLE) -> tuple[np.ndarray, np.ndarray]:
    c, s = math.cos(angle), math.sin(angle)
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    return c * x - s * y, s * x + c * y


def _to_frame(geom: Any) -> Any:
    return _transform(geom, _rotate)


def _from_frame(geom: Any) -> Any:
    return _transform(geom, lambda x, y: _rotate(x, y, -GRID_ANGLE))


def build_outline(legacy: list[LegacyUnit], target_km2: float) -> Polygon:
    """Smoothed union of the old units' boxes, scaled to ``target_km2`` (km coords)."""
    boxes = []
    for u in legacy:
        lons = [u.lon1, u.lon2, u.lon2, u.lon1]
        lats = [u.lat1, u.lat1, u.lat2, u.lat2]
        x, y = project(lons, lats)
        boxes.append(Polygon(np.column_stack([x, y])))
    union = shapely.union_all(boxes)
    closed = union.buffer(CLOSE_KM, quad_segs=8).buffer(-CLOSE_KM, quad_segs=8)
    parts = list(getattr(closed, "geoms", [closed]))
    main = max(parts, key=lambda g: g.area)
    main = Polygon(main.exterior)

    def shaped(d: float) -> Polygon:
        g = main.buffer(-(d + SMOOTH_KM), quad_segs=8).buffer(SMOOTH_KM, quad_segs=8)
        parts = list(getattr(g, "geoms", [g]))
        return Polygon(max(parts, key=lambda p: p.area).exterior)

    lo, hi = -2.0, 2.0
    for _ in range(40):  # bisection on the erosion distance
        mid = (lo + hi) / 2
        if shaped(mid).area > target_km2:
            lo = mid
        else:
            hi = mid
    return shaped((lo + hi) / 2)


@dataclass
class _Grid:
    h: float  # cell size, km
    x0: float
    y0: float
    nx: int
    ny: int
    ii: np.ndarray  # row index of each inside cell
    jj: np.ndarray  # column index of each inside cell
    xc: np.ndarray
    yc: np.ndarray


def _make_grid(outline: Polygon, h: float) -> _Grid:
    minx, miny, maxx, maxy = outline.bounds
    x0 = math.floor(minx / h) * h - h
    y0 = math.floor(miny / h) * h - h
    nx = int(math.ceil((maxx - x0) / h)) + 2
    ny = int(math.ceil((maxy - y0) / h)) + 2
    jj, ii = np.meshgrid(np.arange(nx), np.arange(ny))
    xc = x0 + (jj + 0.5) * h
    yc = y0 + (ii + 0.5) * h
    shapely.prepare(outline)
    inside = shapely.contains_xy(outline, xc, yc)
    return _Grid(h, x0, y0, nx, ny, ii[inside], jj[inside], xc[inside], yc[inside])


class _Fitter:
    """Power-diagram assignment of grid cells to units, with area fitting.

    Score of unit u at cell x: min over u's seeds of |x - s|^2, minus w_u.
    Each cell goes to the unit with the lowest score (only the CANDIDATES
    nearest units are considered, which is ample for the weights involved).
    """

    def __init__(self, grid: _Grid, seeds: list[np.ndarray], refs: np.ndarray):
        self.g = grid
        self.seeds = seeds
        self.n_units = len(seeds)
        ncell = grid.xc.size
        self.rows = np.arange(ncell)
        k = min(CANDIDATES, self.n_units)
        self.cand = np.empty((ncell, k), dtype=np.int64)
        self.cd2 = np.empty((ncell, k))
        chunk = 16384  # bounds memory: n_units x chunk distances at a time
        for start in range(0, ncell, chunk):
            cells = self.rows[start : start + chunk]
            xc, yc = grid.xc[cells], grid.yc[cells]
            d2 = np.empty((self.n_units, cells.size))
            for u, pts in enumerate(seeds):
                row = np.full(cells.size, np.inf)
                for sx, sy in pts:
                    np.minimum(row, (xc - sx) ** 2 + (yc - sy) ** 2, out=row)
                d2[u] = row
            cand = np.argpartition(d2, k - 1, axis=0)[:k].T
            cand.sort(axis=1)  # deterministic order
            self.cand[cells] = cand
            self.cd2[cells] = np.take_along_axis(d2.T, cand, axis=1)
        self.index = np.full((grid.ny, grid.nx), -1, dtype=np.int64)
        self.index[grid.ii, grid.jj] = self.rows
        self.protect = np.full(ncell, -1, dtype=np.int64)
        self.ref_cell = np.empty(self.n_units, dtype=np.int64)
        for u, (rx, ry) in enumerate(refs):
            dist2 = (grid.xc - rx) ** 2 + (grid.yc - ry) ** 2
            self.ref_cell[u] = int(np.argmin(dist2))
            self.protect[dist2 <= PROTECT_KM**2] = u
        self.protect[self.ref_cell] = np.arange(self.n_units)
        self.fixed = self.protect >= 0

    def _d2(self, units: np.ndarray, cells: np.ndarray) -> np.ndarray:
        """Squared distance from cells to the nearest seed of units (broadcast)."""
        units, cells = np.broadcast_arrays(units, cells)
        out = np.full(units.shape, np.inf)
        xc, yc = self.g.xc[cells], self.g.yc[cells]
        for u in np.unique(units):
            m = units == u
            for sx, sy in self.seeds[u]:
                out[m] = np.minimum(out[m], (xc[m] - sx) ** 2 + (yc[m] - sy) ** 2)
        return out

    def _image(self, lab: np.ndarray) -> np.ndarray:
        img = np.full((self.g.ny, self.g.nx), -1, dtype=np.int64)
        img[self.g.ii, self.g.jj] = lab
        return img

    def _orphans(self, img: np.ndarray) -> np.ndarray:
        """Mark (-2) every piece of a unit not 4-connected to its reference cell."""
        g = self.g
        objs = ndimage.find_objects(img + 1)
        out = img.copy()
        for u, sl in enumerate(objs[: self.n_units]):
            if sl is None:
                continue
            comp, ncomp = ndimage.label(img[sl] == u)
            rc = self.ref_cell[u]
            ri, rj = g.ii[rc] - sl[0].start, g.jj[rc] - sl[1].start
            inside = 0 <= ri < comp.shape[0] and 0 <= rj < comp.shape[1]
            keep = comp[ri, rj] if inside else 0
            if ncomp == 1 and keep:
                continue
            view = out[sl]
            view[(comp > 0) & (comp != keep)] = -2
        return out

    def orphan_seeds(self, lab: np.ndarray) -> dict[int, set[int]]:
        """Secondary seeds whose territory is cut off, or hangs on by a thin neck.

        A seed's territory is the part of its unit closest to it. The unit's
        mask is eroded by NECK_KM; a seed whose territory lies mostly
        outside the eroded component holding the reference point is dropped.
        """
        g = self.g
        img = self._image(lab)
        objs = ndimage.find_objects(img + 1)
        bad: dict[int, set[int]] = {}
        for u, sl in enumerate(objs[: self.n_units]):
            pts = self.seeds[u]
            if sl is None or len(pts) < 2:
                continue
            sl = tuple(slice(max(s.start - 1, 0), s.stop + 1) for s in sl)
            mask = img[sl] == u
            core = ndimage.binary_erosion(mask, iterations=max(1, round(NECK_KM / g.h)))
            comp, ncomp = ndimage.label(core)
            rc = self.ref_cell[u]
            ri, rj = g.ii[rc] - sl[0].start, g.jj[rc] - sl[1].start
            ci, cj = np.nonzero(comp)
            if ci.size == 0:
                continue
            k = int(np.argmin((ci - ri) ** 2 + (cj - rj) ** 2))
            keep = comp[ci[k], cj[k]]
            mi, mj = np.nonzero(mask)
            cells = self.index[mi + sl[0].start, mj + sl[1].start]
            near = np.argmin(
                (g.xc[cells, None] - pts[None, :, 0]) ** 2 + (g.yc[cells, None] - pts[None, :, 1]) ** 2,
                axis=1,
            )
            linked = comp[mi, mj] == keep
            for j in range(1, len(pts)):
                mine = near == j
                if mine.any() and linked[mine].mean() < 0.5:
                    bad.setdefault(u, set()).add(j)
        return bad

    def connect(self, lab: np.ndarray, w: np.ndarray) -> np.ndarray:
        """Hand pieces cut off from their unit's reference cell to the best neighbour."""
        g = self.g
        img = self._orphans(self._image(lab))
        offsets = ((-1, 0), (1, 0), (0, -1), (0, 1))
        while True:
            hi, hj = np.nonzero(img == -2)
            if hi.size == 0:
                break
            cells = self.index[hi, hj]
            best = np.full(hi.size, -1, dtype=np.int64)
            best_s = np.full(hi.size, np.inf)
            for di, dj in offsets:
                ni = np.clip(hi + di, 0, g.ny - 1)
                nj = np.clip(hj + dj, 0, g.nx - 1)
                v = img[ni, nj]
                ok = v >= 0
                s = np.full(hi.size, np.inf)
                s[ok] = self._d2(v[ok], cells[ok]) - w[v[ok]]
                better = s < best_s
                best[better] = v[better]
                best_s[better] = s[better]
            done = best >= 0
            if not done.any():
                raise RuntimeError("cannot reassign orphaned grid cells")
            img[hi[done], hj[done]] = best[done]
        return img[g.ii, g.jj]

    def _step(self, w: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Labels, areas and the Jacobian d(area)/d(weight) (a graph Laplacian).

        Cells in a reference disc are pinned to their unit. The Jacobian is
        estimated by counting free cells whose best and second-best scores
        differ by less than ``delta``: raising the second unit's weight by
        ``delta`` would move them over.
        """
        n, cell_area = self.n_units, self.g.h**2
        delta = FD_DELTA * self.g.h
        score = self.cd2 - w[self.cand]
        two = np.argpartition(score, 1, axis=1)[:, :2]
        s2 = np.take_along_axis(score, two, axis=1)
        swap = s2[:, 1] < s2[:, 0]
        two[swap] = two[swap][:, ::-1]
        s2[swap] = s2[swap][:, ::-1]
        first = self.cand[self.rows, two[:, 0]]
        second = self.cand[self.rows, two[:, 1]]
        near = ((s2[:, 1] - s2[:, 0]) < delta) & ~self.fixed
        pairs = np.bincount(first[near] * n + second[near], minlength=n * n).reshape(n, n).astype(float)
        pairs = (pairs + pairs.T) * cell_area / (2 * delta)
        jac = np.diag(pairs.sum(axis=1)) - pairs
        first[self.fixed] = self.protect[self.fixed]
        area = np.bincount(first, minlength=n) * cell_area
        return first, area, jac

    def _areas(self, w: np.ndarray) -> np.ndarray:
        lab = self.cand[self.rows, np.argmin(self.cd2 - w[self.cand], axis=1)]
        lab[self.fixed] = self.protect[self.fixed]
        return np.bincount(lab, minlength=self.n_units) * self.g.h**2

    def fit(self, target: np.ndarray, w: np.ndarray, iters: int) -> tuple[np.ndarray, np.ndarray, float]:
        """Regularised Newton iteration with backtracking on the weights.

        Stops when every unit is within 1 % (or 1.5 grid cells) of its target;
        returns the best iterate (weights, labels, max relative error).
        """
        cell_area = self.g.h**2
        target = target * (self.g.xc.size * cell_area / target.sum())
        tol = np.maximum(0.01 * target, 1.5 * cell_area)
        best: tuple[float, np.ndarray, np.ndarray | None, float] = (math.inf, w, None, math.inf)
        reg = NEWTON_REG * np.eye(self.n_units)
        for _ in range(iters):
            lab, area, jac = self._step(w)
            resid = target - area
            score = float(np.max(np.abs(resid) / tol))
            if score < best[0]:
                best = (score, w.copy(), lab, float(np.max(np.abs(resid) / target)))
            if VERBOSE > 1:
                worst = int(np.argmax(np.abs(resid) / tol))
                _log(f"  h={self.g.h} score {score:.2f} worst unit #{worst} {area[worst]:.2f}/{target[worst]:.2f}")
            if score <= 1.0:
                break
            step = np.linalg.solve(jac + reg, resid)
            merit = np.linalg.norm(resid / tol)
            trial: tuple[float, float] | None = None
            for tau in (1.0, 0.5, 0.25, 0.125):
                m = float(np.linalg.norm((target - self._areas(w + tau * step)) / tol))
                if trial is None or m < trial[0]:
                    trial = (m, tau)
                if m < merit:
                    break
            assert trial is not None
            w = w + trial[1] * step
        assert best[2] is not None
        return best[1], best[2], best[3]


def _smooth_line(coords: np.ndarray, window: int) -> np.ndarray:
    """Moving average of a staircase line's vertices, end points kept."""
    n = len(coords)
    if n <= 2:
        return coords
    half = window // 2
    csum = np.vstack([np.zeros((1, 2)), np.cumsum(coords, axis=0)])
    idx = np.arange(n)
    k = np.minimum(np.minimum(idx, n - 1 - idx), half)  # shrink the window near the ends
    out = (csum[idx + k + 1] - csum[idx - k]) / (2 * k + 1)[:, None]
    out[0], out[-1] = coords[0], coords[-1]
    return out


def _smooth_coverage(grid: _Grid, lab: np.ndarray, n_units: int) -> list[Any]:
    """Vectorise the labelled grid as a smoothed, gap-free coverage.

    The borders (grid edges between different labels, outside included) are
    merged into lines running from junction to junction; each line is
    smoothed once (moving average over SMOOTH_WINDOW grid steps, junctions
    fixed) and simplified, then the faces are rebuilt with polygonize. As
    every border line is shared by the two units on either side, the result
    has no gaps or overlaps and neighbours share exact vertices.
    """
    img = np.full((grid.ny + 2, grid.nx + 2), -1, dtype=np.int64)
    img[grid.ii + 1, grid.jj + 1] = lab
    h, x0, y0 = grid.h, grid.x0 - grid.h, grid.y0 - grid.h  # padded origin
    i, j = np.nonzero(img[1:, :] != img[:-1, :])
    i = i + 1
    xs, ys = x0 + j * h, y0 + i * h
    hseg = np.stack([np.column_stack([xs, ys]), np.column_stack([xs + h, ys])], axis=1)
    i, j = np.nonzero(img[:, 1:] != img[:, :-1])
    j = j + 1
    xs, ys = x0 + j * h, y0 + i * h
    vseg = np.stack([np.column_stack([xs, ys]), np.column_stack([xs, ys + h])], axis=1)
    segs = shapely.multilinestrings(shapely.linestrings(np.concatenate([hseg, vseg])))
    merged = shapely.line_merge(segs)
    lines = []
    for line in shapely.get_parts(merged):
        c = _smooth_line(shapely.get_coordinates(line), SMOOTH_WINDOW)
        lines.append(shapely.simplify(shapely.linestrings(c), SIMPLIFY_KM, preserve_topology=False))
    faces = shapely.get_parts(shapely.polygonize(lines))
    # label each face by the grid cell under a point inside it
    out: list[list[Any]] = [[] for _ in range(n_units)]
    for face in faces:
        pt = shapely.point_on_surface(face)
        fi = int(math.floor((pt.y - grid.y0) / h)) + 1
        fj = int(math.floor((pt.x - grid.x0) / h)) + 1
        u = int(img[fi, fj])
        if u < 0:
            # a point close to a border may fall in the neighbouring cell: vote
            votes = img[fi - 1 : fi + 2, fj - 1 : fj + 2].ravel()
            votes = votes[votes >= 0]
            if votes.size == 0:
                continue
            u = int(np.bincount(votes).argmax())
        out[u].append(face)
    polys = []
    for u in range(n_units):
        if len(out[u]) != 1:
            raise RuntimeError(f"unit #{u}: {len(out[u])} faces after smoothing")
        polys.append(out[u][0])
    return polys


def _build_polygons(
    db_path: str | Path | None, converter_path: str | Path | None
) -> tuple[list[dict[str, Any]], list[Any], Polygon, list[np.ndarray]]:
    """Units, their polygons in km coordinates, the outline and the seeds used."""
    units = official_units(db_path)
    legacy = {u.key: u for u in legacy_units(db_path)}
    whole = merged_whole(converter_path)
    target = np.array([u["area_km2"] for u in units])

    outline = build_outline(list(legacy.values()), float(target.sum()))
    _log(f"outline: {outline.area:.1f} km², {len(outline.exterior.coords)} vertices")

    # All grid work happens in a frame rotated by GRID_ANGLE: reference points
    # are rounded to 4 decimals, so many pairs share a latitude or longitude,
    # and a power-diagram edge parallel to the grid flips a whole row of cells
    # at once, which stalls the area fit.
    outline_f = _to_frame(outline)
    refs = np.column_stack(_rotate(*project([u["lon"] for u in units], [u["lat"] for u in units])))
    seeds = []
    for u, ref in zip(units, refs):
        pts = [ref]
        for key in sorted(whole.get(u["key"], [])):
            old = legacy[key]
            pts.append(np.array(_rotate(*project(old.lon, old.lat))))
        seeds.append(np.array(pts, dtype=float))
    # a secondary seed sitting on another unit's seed makes their border undefined
    owner = np.concatenate([np.full(len(p), u) for u, p in enumerate(seeds)])
    flat = np.concatenate(seeds)
    for u in range(len(seeds)):
        d2 = ((seeds[u][:, None, :] - flat[None, :, :]) ** 2).sum(axis=2)
        clash = ((d2 < 0.05**2) & (owner[None, :] != u)).any(axis=1)
        clash[0] = False
        seeds[u] = seeds[u][~clash]

    # 1) power diagram (reference discs pinned), first on a coarse then on the
    #    fine grid; drop secondary seeds whose territory is cut off from the
    #    unit's reference point (or hangs on by a thin neck), and refit.
    w = np.zeros(len(units))
    for h in (COARSE_CELL_KM, CELL_KM):
        grid = _make_grid(outline_f, h)
        for _prune in range(6):
            fitter = _Fitter(grid, seeds, refs)
            w, lab, err = fitter.fit(target, w, iters=25)
            bad = fitter.orphan_seeds(lab)
            _log(f"fit h={h}: max area error {err:.1%}, {len(bad)} units with cut-off seeds")
            if not bad:
                break
            for u, idx in sorted(bad.items()):
                seeds[u] = np.delete(seeds[u], sorted(idx), axis=0)

    # 2) make every unit one connected piece, vectorise and smooth; if that
    #    moved an area by more than 2 %, refit once with the targets corrected
    #    by what it added or removed, and keep the better result.
    goal = target.copy()
    best: tuple[float, list[Any]] = (math.inf, [])
    for _round in range(2):
        if _round:
            w, lab, err = fitter.fit(goal, w, iters=25)
        lab = fitter.connect(lab, w)
        polys = [_from_frame(p) for p in _smooth_coverage(fitter.g, lab, len(units))]
        got = shapely.area(np.array(polys, dtype=object))
        rel = np.abs(got / target - 1)
        _log(f"round {_round}: smoothed max area error {rel.max():.1%} median {np.median(rel):.2%}")
        if rel.max() < best[0]:
            best = (float(rel.max()), polys)
        if rel.max() <= 0.02:
            break
        goal = np.maximum(goal + (target - got), 0.5 * target)

    return units, best[1], outline, seeds


def build(db_path: str | Path | None = None, converter_path: str | Path | None = None) -> dict:
    """Build the schematic FeatureCollection (see module docstring)."""
    units, polys, _outline, _seeds = _build_polygons(db_path, converter_path)
    features = []
    for u, poly in zip(units, polys):
        ll = to_lonlat(poly)
        ll = shapely.set_precision(ll, 10 ** (-DECIMALS))
        ll = shapely.orient_polygons(ll, exterior_cw=True)
        if not ll.is_valid or ll.geom_type != "Polygon":
            why = shapely.validation.explain_validity(ll)
            raise RuntimeError(f"unit {u['code']}: bad geometry {ll.geom_type} {why}")
        if not ll.contains(Point(u["lon"], u["lat"])):
            raise RuntimeError(f"unit {u['code']}: reference point outside its cell")
        features.append(
            {
                "type": "Feature",
                "id": u["code"],
                "properties": {
                    "code": u["code"],
                    "name": u["name"],
                    "short_name": u["short_name"],
                    "name_en": u["name_en"],
                    "type": u["type"],
                    "area_km2_official": u["area_km2"],
                    "area_km2_geom": round(area_km2(ll), 2),
                    "ref_lon": u["lon"],
                    "ref_lat": u["lat"],
                },
                "geometry": _geometry_json(ll),
            }
        )
    return {
        "type": "FeatureCollection",
        "name": "hanoi_communes",
        "attribution": ATTRIBUTION,
        "method": METHOD,
        "source": f"vietnamadminunits {_package_version()}",
        "features": features,
    }


def _package_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("vietnamadminunits")
    except PackageNotFoundError:  # pragma: no cover
        return "unknown"


def _ring(coords: Any) -> list[list[float]]:
    return [[round(float(x), DECIMALS), round(float(y), DECIMALS)] for x, y in coords]


def _geometry_json(geom: Polygon) -> dict:
    rings = [_ring(geom.exterior.coords)] + [_ring(r.coords) for r in geom.interiors]
    return {"type": "Polygon", "coordinates": rings}


def write_geojson(fc: dict, path: str | Path) -> None:
    """Write compactly, one feature per line (small, diff-friendly, deterministic)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    head = {k: v for k, v in fc.items() if k != "features"}
    dump = lambda o: json.dumps(o, ensure_ascii=False, separators=(",", ":"))  # noqa: E731
    lines = [dump(head)[:-1] + ',"features":[']
    feats = [dump(f) for f in fc["features"]]
    lines += [f + ("," if i < len(feats) - 1 else "") for i, f in enumerate(feats)]
    lines.append("]}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    """CLI entry point: build and write the GeoJSON."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default=DEFAULT_OUT, help=f"output path (default {DEFAULT_OUT})")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="print progress (-vv: more)")
    args = parser.parse_args(argv)
    global VERBOSE
    VERBOSE = args.verbose
    t0 = time.perf_counter()
    fc = build()
    write_geojson(fc, args.out)
    errs = [
        abs(f["properties"]["area_km2_geom"] / f["properties"]["area_km2_official"] - 1)
        for f in fc["features"]
    ]
    size = Path(args.out).stat().st_size
    print(
        f"wrote {args.out}: {len(fc['features'])} features, {size / 1024:.0f} KB, "
        f"area error max {max(errs):.1%} median {float(np.median(errs)):.1%}, "
        f"{time.perf_counter() - t0:.1f} s"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
