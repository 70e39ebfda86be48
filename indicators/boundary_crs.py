"""Coordinate reference systems a Hanoi GIS office uses, and the check that data lies in Hanoi.

Why: the city's boundary files are kept in VN-2000 (QĐ 83/2000/QĐ-TTg), geographic or projected, and a
file whose CRS is missing or wrong puts the map hundreds of metres (datum) to hundreds of kilometres
(projection) away. Reprojection is done by pyproj (PROJ, bundled in the wheel); this module names the
systems, guesses candidates when a file carries no CRS, and tells whether coordinates fall in Hanoi.

VN-2000 in the EPSG registry (all on the WGS 84 ellipsoid):
- EPSG:4756  VN-2000 geographic (lon/lat degrees);
- EPSG:3405  VN-2000 / UTM zone 48N (central meridian 105°, k = 0.9996);
- EPSG:5897  VN-2000 / TM-3 zone 482 = the 3° TM with central meridian 105°00' (k = 0.9999), Hanoi's
             provincial meridian under Thông tư 973/2001/TT-TCĐC;
- EPSG:9209  VN-2000 / TM-3 105-30 (central meridian 105°30', k = 0.9999), also met in Hanoi files.
The datum shift VN-2000 -> WGS 84 is the national 7-parameter set of QĐ 05/2007/QĐ-BTNMT, in EPSG as
transformation 6960 "VN-2000 to WGS 84 (2)" (coordinate-frame rotations), which pyproj picks by itself
for the codes above. ``PROJ_DEFINITIONS`` spells the same systems as PROJ strings for files or tools that
need one: PROJ's ``+towgs84`` uses the position-vector convention, so its three rotations have the
opposite sign of the EPSG (coordinate-frame) ones; tests check both routes agree to the millimetre.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from pyproj import CRS, Transformer

WGS84 = "EPSG:4326"
# An equal-area projection centred on Hanoi: areas, gaps, overlaps and simplification are measured in it
# (metres), never in degrees.
HANOI_EQUAL_AREA = "+proj=laea +lat_0=21 +lon_0=105.75 +x_0=0 +y_0=0 +ellps=WGS84 +units=m +no_defs"

# The city's extent (lon/lat, WGS 84) is 105.29-106.02 E, 20.56-21.39 N; with about 5 km of margin.
HANOI_BOX = (105.23, 20.51, 106.07, 21.44)

TOWGS84_POSITION_VECTOR = (
    "-191.90441429,-39.30318279,-111.45032835,0.00928836,-0.01975479,0.00427372,0.252906278"
)


def _tm(lon_0: float, k: float) -> str:
    return (f"+proj=tmerc +lat_0=0 +lon_0={lon_0} +k={k} +x_0=500000 +y_0=0 +ellps=WGS84 "
            f"+towgs84={TOWGS84_POSITION_VECTOR} +units=m +no_defs")


@dataclass(frozen=True)
class KnownCRS:
    """A CRS offered to the user (upload form, messages): its code and how people call it."""

    code: str
    label_vi: str
    label_en: str


KNOWN_CRS: tuple[KnownCRS, ...] = (
    KnownCRS("EPSG:4326", "WGS 84 (kinh độ, vĩ độ)", "WGS 84 (lon/lat)"),
    KnownCRS("EPSG:4756", "VN-2000 địa lý (kinh độ, vĩ độ)", "VN-2000 geographic (lon/lat)"),
    KnownCRS("EPSG:5897", "VN-2000 / TM-3 kinh tuyến trục 105°00'", "VN-2000 / TM-3 central meridian 105°00'"),
    KnownCRS("EPSG:9209", "VN-2000 / TM-3 kinh tuyến trục 105°30'", "VN-2000 / TM-3 central meridian 105°30'"),
    KnownCRS("EPSG:3405", "VN-2000 / UTM múi 48N", "VN-2000 / UTM zone 48N"),
    KnownCRS("EPSG:32648", "WGS 84 / UTM múi 48N", "WGS 84 / UTM zone 48N"),
)

PROJ_DEFINITIONS: dict[str, str] = {
    "EPSG:4756": f"+proj=longlat +ellps=WGS84 +towgs84={TOWGS84_POSITION_VECTOR} +no_defs",
    "EPSG:3405": _tm(105, 0.9996),
    "EPSG:5897": _tm(105, 0.9999),
    "EPSG:9209": _tm(105.5, 0.9999),
}


def crs_label(crs: CRS | None) -> str:
    """'VN-2000 / UTM zone 48N (EPSG:3405)' — what a message calls a CRS."""
    if crs is None:
        return "—"
    code = crs.to_epsg(min_confidence=70)
    return f"{crs.name} (EPSG:{code})" if code else crs.name


def in_hanoi(bounds: tuple[float, float, float, float]) -> bool:
    """True when a lon/lat box (min x, min y, max x, max y) lies inside Hanoi's box."""
    minx, miny, maxx, maxy = bounds
    x0, y0, x1, y1 = HANOI_BOX
    return x0 <= minx <= maxx <= x1 and y0 <= miny <= maxy <= y1


def extent_text(bounds: tuple[float, float, float, float]) -> str:
    """'x 585000…612000, y 2275060…2364390' (metres) or 'x 105.28535…106.02013, …' (degrees) for a message."""
    minx, miny, maxx, maxy = bounds

    def num(v: float) -> str:
        return f"{v:.0f}" if abs(v) >= 1000 else f"{v:.5f}"

    return f"x {num(minx)}…{num(maxx)}, y {num(miny)}…{num(maxy)}"


def to_lonlat_bounds(bounds: tuple[float, float, float, float], crs: CRS | str) -> tuple[float, float, float, float]:
    """The lon/lat box of a box given in `crs` (corners and edge midpoints transformed)."""
    minx, miny, maxx, maxy = bounds
    xs = np.array([minx, maxx, minx, maxx, (minx + maxx) / 2, (minx + maxx) / 2, minx, maxx])
    ys = np.array([miny, miny, maxy, maxy, miny, maxy, (miny + maxy) / 2, (miny + maxy) / 2])
    lon, lat = Transformer.from_crs(crs, WGS84, always_xy=True).transform(xs, ys)
    lon, lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    if not (np.isfinite(lon).all() and np.isfinite(lat).all()):
        return (float("nan"),) * 4  # type: ignore[return-value]
    return float(lon.min()), float(lat.min()), float(lon.max()), float(lat.max())


def candidate_crs(bounds: tuple[float, float, float, float]) -> list[KnownCRS]:
    """The known systems under which raw coordinates in `bounds` would fall inside Hanoi.

    Why: a Shapefile without its .prj says nothing of its CRS; the user is told which systems fit, so the
    choice is theirs (UTM 48N and TM-3 105°00' share the central meridian and differ by 0.03 % only, so
    both usually fit: no guess is ever applied silently).
    """
    out = []
    for known in KNOWN_CRS:
        crs = CRS.from_user_input(known.code)
        minx, miny, maxx, maxy = bounds
        if crs.is_geographic and not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
            continue
        try:
            if in_hanoi(to_lonlat_bounds(bounds, crs)):
                out.append(known)
        except Exception:  # noqa: BLE001 - a CRS that cannot take these numbers is simply no candidate
            continue
    return out


def candidates_text(candidates: list[KnownCRS], lang: str) -> str:
    """'EPSG:5897 (VN-2000 / TM-3 …), EPSG:3405 (…)' in one language."""
    return ", ".join(f"{c.code} ({c.label_vi if lang == 'vi' else c.label_en})" for c in candidates)
