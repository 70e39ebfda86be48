"""Boundaries of Hanoi's 126 commune-level units for the map: official file or schematic.

Why: the project ships only its own schematic map (``geo/hanoi_communes.geojson``,
built by ``pipeline.geo_build`` from vietnamadminunits). The authoritative
boundaries live in the city's GIS and cannot be redistributed, so a deployment
may point the app at an official file at run time (env ``HANOI_BOUNDARY_FILE``,
optionally ``HANOI_BOUNDARY_CODE_PROPERTY`` naming the property that holds the
5-digit commune code). Such a file is validated first; if it is unusable the
app falls back to the schematic map and shows why (``BoundarySet.problems``),
instead of drawing a wrong or empty map.

Pure Python (no Streamlit): callers should cache ``load_boundaries`` themselves
(e.g. ``st.cache_data``), since validating an official file takes a moment.
All user-facing messages are bilingual, Vietnamese first: "vi / en".
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry import mapping, shape
from shapely.validation import explain_validity

ENV_FILE = "HANOI_BOUNDARY_FILE"
ENV_CODE_PROPERTY = "HANOI_BOUNDARY_CODE_PROPERTY"
PROJECT_ROOT = Path(__file__).resolve().parent.parent
BUILT_PATH = PROJECT_ROOT / "geo" / "hanoi_communes.geojson"

CAPTION_BUILT_VI = "Sơ đồ ranh giới minh họa (không phải ranh giới chính thức)"
CAPTION_BUILT_EN = "Schematic boundaries (not official)"

# Vietnam in WGS84, generously: anything outside is not lon/lat degrees.
LON_RANGE = (100.0, 112.0)
LAT_RANGE = (7.0, 25.0)
MAX_LISTED = 5  # codes named per message


@dataclass
class BoundarySet:
    """The boundaries the map should draw, and how to label them.

    ``geojson`` is a FeatureCollection whose features all carry property
    ``code`` (5-char string) and ``id`` = code, so a choropleth can use
    ``featureidkey="id"`` or ``"properties.code"``.
    """

    geojson: dict
    source: str  # 'built' | 'official'
    caption_vi: str
    caption_en: str
    attribution: str
    path: str
    problems: list[str] = field(default_factory=list)

    @property
    def caption(self) -> str:
        """Both captions, as shown under the map."""
        return f"{self.caption_vi} / {self.caption_en}"


def _first(items: list[str] | set[str], limit: int = MAX_LISTED) -> str:
    """The first few items (sets sorted, lists in their order) and how many more."""
    listed = sorted(items) if isinstance(items, set) else list(items)
    shown = ", ".join(listed[:limit])
    more = len(listed) - limit
    return shown + (f" (+{more})" if more > 0 else "")


def _normalise_code(raw: Any) -> tuple[str | None, str | None]:
    """(code, None) for a proper 5-char string code, (None, problem) otherwise."""
    if isinstance(raw, bool) or raw is None:
        return None, None
    if isinstance(raw, (int, float)):
        if isinstance(raw, float) and not (math.isfinite(raw) and raw.is_integer()):
            return None, None
        digits = str(int(raw))
        return None, digits
    if isinstance(raw, str):
        text = raw.strip()
        if text.isdigit() and len(text) < 5:
            return None, text
        return text, None
    return None, None


def _read_json(path: Path) -> tuple[Any, str | None]:
    try:
        with open(path, encoding="utf-8-sig") as fh:
            return json.load(fh), None
    except FileNotFoundError:
        return None, f"không tìm thấy tệp {path} / file not found: {path}"
    except (OSError, UnicodeDecodeError) as exc:
        return None, f"không đọc được tệp {path}: {exc} / cannot read file {path}: {exc}"
    except json.JSONDecodeError as exc:
        return None, (
            f"tệp không phải JSON hợp lệ (dòng {exc.lineno}, cột {exc.colno}: {exc.msg}) / "
            f"file is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        )


def _crs_hint(data: dict) -> str:
    crs = data.get("crs")
    if isinstance(crs, dict):
        name = (crs.get("properties") or {}).get("name")
        if name:
            return f" (crs: {name})"
    return ""


def _as_lists(obj: Any) -> Any:
    if isinstance(obj, (list, tuple)):
        return [_as_lists(o) for o in obj]
    return obj


def validate_boundary_file(
    path: str | os.PathLike[str], expected_codes: set[str], code_property: str = "code"
) -> tuple[dict | None, list[str]]:
    """Check an official boundary file and normalise it for the map.

    Why: an official file from another system often has lost leading zeros,
    a different code property, projected coordinates or broken rings; any of
    these would silently produce an empty or wrong map.

    Returns ``(feature_collection, [])`` when the file is usable: features
    sorted by code, property ``code`` as a 5-char string (plus ``name`` when
    present), ``id`` = code, exterior rings clockwise. Otherwise returns
    ``(None, problems)`` with every problem found, each "vi / en".
    """
    problems: list[str] = []
    data, error = _read_json(Path(path))
    if error:
        return None, [error]
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        return None, [
            "tệp không phải GeoJSON FeatureCollection / file is not a GeoJSON FeatureCollection"
        ]
    features = data.get("features")
    if not isinstance(features, list) or not features:
        return None, ["FeatureCollection không có đối tượng nào / FeatureCollection has no features"]

    # --- codes
    codes: list[str | None] = []
    no_prop: list[int] = []
    lost_zeros: list[str] = []
    bad_type: list[int] = []
    for i, feat in enumerate(features):
        props = feat.get("properties") if isinstance(feat, dict) else None
        props = props if isinstance(props, dict) else {}
        if code_property not in props:
            no_prop.append(i)
            codes.append(None)
            continue
        code, digits = _normalise_code(props[code_property])
        if digits is not None:
            lost_zeros.append(digits)
        elif code is None:
            bad_type.append(i)
        codes.append(code)
    if no_prop:
        available: set[str] = set()
        for feat in features[:50]:
            if isinstance(feat, dict) and isinstance(feat.get("properties"), dict):
                available.update(feat["properties"])
        hint_vi = f"; các thuộc tính có: {_first(available, 10)}" if available else ""
        hint_en = f"; available properties: {_first(available, 10)}" if available else ""
        problems.append(
            f"{len(no_prop)}/{len(features)} đối tượng thiếu thuộc tính mã '{code_property}'{hint_vi} "
            f"(đặt {ENV_CODE_PROPERTY} nếu mã nằm ở thuộc tính khác) / "
            f"{len(no_prop)}/{len(features)} features lack the code property '{code_property}'{hint_en} "
            f"(set {ENV_CODE_PROPERTY} if the code is stored under another name)"
        )
    if lost_zeros:
        shown = sorted(set(lost_zeros), key=lambda d: (len(d), d))[:MAX_LISTED]
        vi = "; ".join(f"mã {d} có vẻ đã mất số 0 đứng đầu ({d.zfill(5)})" for d in shown)
        en = "; ".join(f"code {d} seems to have lost its leading zeros ({d.zfill(5)})" for d in shown)
        more = len(set(lost_zeros)) - len(shown)
        tail = f" (+{more})" if more > 0 else ""
        problems.append(
            f"{vi}{tail} — mã phải là chuỗi 5 ký tự / {en}{tail} — codes must be 5-character strings"
        )
    if bad_type:
        problems.append(
            f"{len(bad_type)} đối tượng có mã không phải chuỗi (đối tượng số {_first([str(i) for i in bad_type])}) / "
            f"{len(bad_type)} features have a code that is not a string "
            f"(feature index {_first([str(i) for i in bad_type])})"
        )
    present = [c for c in codes if c is not None]
    if not lost_zeros and not no_prop:
        counts: dict[str, int] = {}
        for c in present:
            counts[c] = counts.get(c, 0) + 1
        missing = set(expected_codes) - set(counts)
        duplicated = {c for c, n in counts.items() if n > 1}
        unknown = set(counts) - set(expected_codes)
        if missing:
            problems.append(
                f"thiếu {len(missing)}/{len(expected_codes)} mã: {_first(missing)} / "
                f"{len(missing)}/{len(expected_codes)} codes missing: {_first(missing)}"
            )
        if duplicated:
            problems.append(
                f"mã xuất hiện nhiều lần: {_first(duplicated)} / codes appearing more than once: {_first(duplicated)}"
            )
        if unknown:
            problems.append(
                f"mã không thuộc danh sách 126 xã, phường: {_first(unknown)} / "
                f"codes not among the expected units: {_first(unknown)}"
            )

    # --- geometries
    geoms: list[Any] = []
    wrong_type: list[str] = []
    invalid: list[str] = []
    for i, feat in enumerate(features):
        label = codes[i] if codes[i] is not None else f"#{i}"
        gj = feat.get("geometry") if isinstance(feat, dict) else None
        gtype = gj.get("type") if isinstance(gj, dict) else None
        if gtype not in ("Polygon", "MultiPolygon"):
            wrong_type.append(f"{label} ({gtype})")
            geoms.append(None)
            continue
        try:
            geom = shape(gj)
        except Exception as exc:  # malformed coordinates
            invalid.append(f"{label}: {exc}")
            geoms.append(None)
            continue
        if geom.is_empty:
            invalid.append(f"{label}: empty")
        elif not geom.is_valid:
            invalid.append(f"{label}: {explain_validity(geom)}")
        geoms.append(geom)
    if wrong_type:
        problems.append(
            f"hình học phải là Polygon/MultiPolygon: {_first(wrong_type)} / "
            f"geometries must be Polygon/MultiPolygon: {_first(wrong_type)}"
        )
    if invalid:
        problems.append(
            f"hình học không hợp lệ: {_first(invalid)} / invalid geometries: {_first(invalid)}"
        )
    usable = [g for g in geoms if g is not None and not g.is_empty]
    if usable:
        minx, miny, maxx, maxy = shapely.total_bounds(usable)
        in_range = (
            LON_RANGE[0] <= minx <= maxx <= LON_RANGE[1] and LAT_RANGE[0] <= miny <= maxy <= LAT_RANGE[1]
        )
        if not in_range:
            extent = f"x {minx:.6g}…{maxx:.6g}, y {miny:.6g}…{maxy:.6g}"
            swapped = (
                LAT_RANGE[0] <= minx <= maxx <= LAT_RANGE[1] and LON_RANGE[0] <= miny <= maxy <= LON_RANGE[1]
            )
            if swapped:
                problems.append(
                    f"tọa độ có vẻ bị đảo (vĩ độ, kinh độ) — GeoJSON cần (kinh độ, vĩ độ) ({extent}) / "
                    f"coordinates look swapped (lat, lon) — GeoJSON needs (lon, lat) ({extent})"
                )
            else:
                crs = _crs_hint(data)
                problems.append(
                    f"tọa độ không phải kinh/vĩ độ WGS84 trong phạm vi Việt Nam ({extent}){crs}; "
                    f"có vẻ là hệ chiếu (ví dụ UTM, VN-2000) — cần chuyển sang EPSG:4326 / "
                    f"coordinates are not WGS84 lon/lat within Vietnam ({extent}){crs}; "
                    f"they look projected (e.g. UTM, VN-2000) — reproject to EPSG:4326"
                )

    if problems:
        return None, problems

    out_features = []
    for feat, code, geom in sorted(zip(features, codes, geoms), key=lambda t: str(t[1])):
        assert code is not None and geom is not None
        props: dict[str, Any] = {"code": code}
        name = (feat.get("properties") or {}).get("name")
        if isinstance(name, str) and name:
            props["name"] = name
        geom = shapely.orient_polygons(geom, exterior_cw=True)
        out_features.append(
            {"type": "Feature", "id": code, "properties": props, "geometry": _as_lists(mapping(geom))}
        )
    result: dict[str, Any] = {"type": "FeatureCollection", "features": out_features}
    for key in ("name", "attribution"):
        if isinstance(data.get(key), str):
            result[key] = data[key]
    return result, []


def _resolve(path_text: str) -> Path:
    """A relative path is tried against the working directory, then the project root."""
    path = Path(path_text).expanduser()
    if path.is_absolute() or path.exists():
        return path
    alt = PROJECT_ROOT / path
    return alt if alt.exists() else path


def _load_built() -> dict:
    try:
        with open(BUILT_PATH, encoding="utf-8") as fh:
            return json.load(fh)
    except FileNotFoundError as exc:
        raise FileNotFoundError(
            f"{BUILT_PATH} không có — chạy `python -m cli.geo_build` / "
            f"{BUILT_PATH} is missing — run `python -m cli.geo_build`"
        ) from exc


def load_boundaries(
    expected_codes: set[str], official_path: str | None = None, code_property: str | None = None
) -> BoundarySet:
    """The boundaries to draw: a valid official file if configured, else the schematic map.

    Why: one entry point so every page labels the map honestly. ``official_path``
    defaults to env ``HANOI_BOUNDARY_FILE`` and ``code_property`` to env
    ``HANOI_BOUNDARY_CODE_PROPERTY`` or "code". A configured but unusable file
    is not fatal: the schematic map is returned with ``problems`` explaining
    why the official one was rejected.
    """
    if official_path is None:
        official_path = os.environ.get(ENV_FILE, "").strip() or None
    if code_property is None:
        code_property = os.environ.get(ENV_CODE_PROPERTY, "").strip() or "code"

    problems: list[str] = []
    if official_path:
        path = _resolve(official_path)
        fc, problems = validate_boundary_file(path, expected_codes, code_property)
        if fc is not None:
            return BoundarySet(
                geojson=fc,
                source="official",
                caption_vi=f"Ranh giới: tệp chính thức {path.name}",
                caption_en=f"Boundaries: official file {path.name}",
                attribution=fc.get("attribution") or path.name,
                path=str(path.resolve()),
                problems=[],
            )
        problems = [
            f"Không dùng được tệp ranh giới chính thức {path.name}; đang hiển thị sơ đồ minh họa / "
            f"The official boundary file {path.name} cannot be used; showing the schematic map",
            *problems,
        ]

    built = _load_built()
    return BoundarySet(
        geojson=built,
        source="built",
        caption_vi=CAPTION_BUILT_VI,
        caption_en=CAPTION_BUILT_EN,
        attribution=str(built.get("attribution", "")),
        path=str(BUILT_PATH),
        problems=problems,
    )
