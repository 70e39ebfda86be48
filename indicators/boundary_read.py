"""Read a boundary file as a GIS office hands it over, into WGS 84 lon/lat.

Why: the city's GIS keeps the commune boundaries as a Shapefile or a GeoPackage in VN-2000; others send
GeoJSON or KML. geopandas + pyogrio (GDAL inside the wheel) read them all, pyproj reprojects. Every way
a file can be unusable here — not a file we can open, no CRS, coordinates outside Hanoi once
reprojected, no polygon layer — raises ``BoundaryFileError`` with messages "vi / en" saying what was
found and what to do. Checking the content (codes, polygons, topology) is ``indicators.boundary_checks``.

Accepted: .geojson/.json, .gpkg, .kml/.kmz, .shp (beside its .shx/.dbf/.prj), a .zip holding any of
these, or a folder holding a Shapefile. In a file with several layers the polygon layer with the count
closest to the 126 communes is taken, and the choice is noted.
"""
from __future__ import annotations

import json
import os
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pyogrio
import shapely
from pyproj import CRS

from indicators.boundary_crs import (
    HANOI_BOX, WGS84, candidate_crs, candidates_text, crs_label, extent_text, in_hanoi,
)

ENV_CRS = "HANOI_BOUNDARY_CRS"
EXPECTED_UNITS = 126
MAX_UNZIPPED_BYTES = 512 << 20  # a zip that inflates beyond this is refused unread (zip bomb)
DATA_SUFFIXES = (".shp", ".gpkg", ".geojson", ".json", ".kml")
SUPPORTED_VI = ".geojson, .json, .gpkg, .kml, .kmz, .zip chứa Shapefile (.shp, .shx, .dbf, .prj), hoặc thư mục Shapefile"
SUPPORTED_EN = ".geojson, .json, .gpkg, .kml, .kmz, a .zip holding a Shapefile (.shp, .shx, .dbf, .prj), or a Shapefile folder"
HANOI_VI = "Hà Nội: 105,29–106,02° kinh Đông, 20,56–21,39° vĩ Bắc"
HANOI_EN = "Hanoi: 105.29–106.02° E, 20.56–21.39° N"


class BoundaryFileError(ValueError):
    """The file cannot give boundaries; ``problems`` says why, each "vi / en"."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class BoundaryFile:
    """What was read: the features in WGS 84 and where they came from."""

    frame: gpd.GeoDataFrame  # EPSG:4326, 2-D geometries, the file's attribute columns
    file_name: str
    driver: str
    layer: str | None
    source_crs: str  # e.g. "VN-2000 / UTM zone 48N (EPSG:3405)"
    title: str | None = None  # the name the file gives itself, if any
    attribution: str | None = None
    notes: list[str] = field(default_factory=list)  # what was done on the way, "vi / en"


def _fail(vi: str, en: str) -> BoundaryFileError:
    return BoundaryFileError([f"{vi} / {en}"])


def _unsupported(name: str, detail: str = "") -> BoundaryFileError:
    extra = f" ({detail})" if detail else ""
    return _fail(
        f"không đọc được tệp {name}{extra}. Định dạng nhận: {SUPPORTED_VI}. Hãy xuất lại từ phần mềm GIS",
        f"cannot read the file {name}{extra}. Accepted formats: {SUPPORTED_EN}. Please export it again from the GIS software",
    )


def _json_meta(path: Path) -> dict:
    """Top-level members of a GeoJSON file, after checking it is a FeatureCollection (precise messages)."""
    try:
        with open(path, encoding="utf-8-sig") as fh:
            data = json.load(fh)
    except (OSError, UnicodeDecodeError) as exc:
        raise _fail(f"không đọc được tệp {path.name}: {exc}", f"cannot read file {path.name}: {exc}") from exc
    except json.JSONDecodeError as exc:
        raise _fail(
            f"tệp không phải JSON hợp lệ (dòng {exc.lineno}, cột {exc.colno}: {exc.msg})",
            f"file is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})",
        ) from exc
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise _fail("tệp không phải GeoJSON FeatureCollection", "file is not a GeoJSON FeatureCollection")
    if not isinstance(data.get("features"), list) or not data["features"]:
        raise _fail("FeatureCollection không có đối tượng nào", "FeatureCollection has no features")
    return {k: v for k, v in data.items() if k in ("name", "attribution") and isinstance(v, str) and v.strip()}


def _shapefile_parts_missing(names: set[str], shp: str) -> list[str]:
    stem = shp[: -len(".shp")]
    return [ext for ext in (".shx", ".dbf") if not any(n.lower() == (stem + ext).lower() for n in names)]


def _zip_members(path: Path) -> list[str]:
    """Data files inside a zip (GDAL paths), after refusing zip bombs and half Shapefiles."""
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise _unsupported(path.name, f"không phải tệp zip hợp lệ: {exc} / not a valid zip: {exc}") from exc
    if sum(i.file_size for i in infos) > MAX_UNZIPPED_BYTES:
        raise _fail(f"tệp zip {path.name} giải nén quá {MAX_UNZIPPED_BYTES >> 20} MB",
                    f"the zip {path.name} inflates beyond {MAX_UNZIPPED_BYTES >> 20} MB")
    names = {i.filename for i in infos if not i.is_dir()}
    data = sorted(n for n in names if n.lower().endswith(DATA_SUFFIXES) and not n.startswith("__MACOSX/"))
    for shp in (n for n in data if n.lower().endswith(".shp")):
        missing = _shapefile_parts_missing(names, shp)
        if missing:
            raise _fail(f"Shapefile {shp} trong tệp zip thiếu {', '.join(missing)} — hãy nén đủ các tệp cùng tên",
                        f"Shapefile {shp} in the zip lacks {', '.join(missing)} — zip all files of the same name")
    if not data:
        raise _unsupported(path.name, f"zip không chứa tệp dữ liệu bản đồ / the zip holds no map data file; "
                                      f"found: {', '.join(sorted(names)[:8]) or '—'}")
    return [f"/vsizip/{path}/{name}" for name in data]


def _datasets(path: Path) -> list[str]:
    """The GDAL data sources to look into for this path."""
    suffix = path.suffix.lower()
    if path.is_dir():
        shps = sorted(str(p) for p in path.rglob("*") if p.suffix.lower() == ".shp")
        if not shps:
            raise _unsupported(path.name, "thư mục không có tệp .shp / the folder holds no .shp file")
        return shps
    if suffix in (".zip", ".kmz"):  # a KMZ is a zip around doc.kml
        return _zip_members(path)
    if suffix == ".shp":
        missing = _shapefile_parts_missing({p.name for p in path.parent.iterdir()}, path.name)
        if missing:
            raise _fail(f"Shapefile {path.name} thiếu {', '.join(missing)} bên cạnh",
                        f"Shapefile {path.name} lacks {', '.join(missing)} beside it")
        return [str(path)]
    if suffix in (".geojson", ".json", ".gpkg", ".kml"):
        return [str(path)]
    raise _unsupported(path.name, f"đuôi tệp {suffix or '—'} / file extension {suffix or '—'}")


def _polygon_layers(source: str) -> list[tuple[str, str | None, int]]:
    """(source, layer, features) of each layer that may hold polygons."""
    try:
        layers = pyogrio.list_layers(source)
    except Exception as exc:  # noqa: BLE001 - GDAL's own error text is what the user needs
        raise _unsupported(Path(source).name, str(exc).strip()) from exc
    out = []
    for name, gtype in layers:
        if gtype is not None and "polygon" not in str(gtype).lower() and "geometrycollection" not in str(gtype).lower() \
                and str(gtype).lower() not in ("unknown", "none"):
            continue
        try:
            count = int(pyogrio.read_info(source, layer=name)["features"])
        except Exception:  # noqa: BLE001 - a layer GDAL cannot describe is skipped
            continue
        if count > 0:
            out.append((source, str(name), count))
    return out


def _pick_layer(path: Path) -> tuple[str, str | None, list[str]]:
    """The data source and layer to read, and a note when there was a choice."""
    candidates = [c for source in _datasets(path) for c in _polygon_layers(source)]
    if not candidates:
        raise _fail(f"tệp {path.name} không có lớp vùng (Polygon) nào có đối tượng",
                    f"the file {path.name} has no polygon layer with features")
    source, layer, count = min(candidates, key=lambda c: (abs(c[2] - EXPECTED_UNITS), c[0], c[1]))
    notes = []
    if len(candidates) > 1:
        others = ", ".join(f"{c[1]} ({c[2]})" for c in candidates if c[:2] != (source, layer))
        notes.append(f"tệp có {len(candidates)} lớp vùng; dùng lớp {layer} ({count} đối tượng), bỏ qua: {others} / "
                     f"the file has {len(candidates)} polygon layers; using {layer} ({count} features), ignoring: {others}")
    return source, layer, notes


def _polygonal(geom):
    """2-D, and a KML MultiGeometry of polygons as one MultiPolygon (other types are left for the checks)."""
    if geom is None:
        return None
    geom = shapely.force_2d(geom)
    if geom.geom_type == "GeometryCollection":
        parts = [p for p in shapely.get_parts(geom) if p.geom_type in ("Polygon", "MultiPolygon")]
        polys = [q for p in parts for q in shapely.get_parts(p)]
        if polys and len(polys) == len(shapely.get_parts(geom)):
            return shapely.MultiPolygon(polys)
    return geom


def _no_crs(name: str, bounds: tuple[float, float, float, float]) -> BoundaryFileError:
    found = candidate_crs(bounds)
    fit_vi = (f"Hệ tọa độ đặt được dữ liệu vào Hà Nội: {candidates_text(found, 'vi')}" if found
              else "Không hệ tọa độ quen dùng nào (WGS 84, VN-2000) đặt được dữ liệu vào Hà Nội")
    fit_en = (f"Systems that would put it in Hanoi: {candidates_text(found, 'en')}" if found
              else "None of the usual systems (WGS 84, VN-2000) puts it in Hanoi")
    return _fail(
        f"tệp {name} không ghi hệ tọa độ (Shapefile thiếu tệp .prj?); tọa độ tìm thấy: {extent_text(bounds)}. {fit_vi}. "
        f"Cách xử lý: xuất lại kèm tệp .prj từ phần mềm GIS, hoặc chọn hệ tọa độ khi tải lên (hay đặt {ENV_CRS}, ví dụ EPSG:5897)",
        f"the file {name} has no coordinate reference system (a Shapefile without its .prj?); coordinates found: "
        f"{extent_text(bounds)}. {fit_en}. What to do: export it again with its .prj from the GIS software, or choose "
        f"the CRS when uploading (or set {ENV_CRS}, e.g. EPSG:5897)",
    )


def _outside(name: str, crs: CRS, raw: tuple[float, float, float, float],
             lonlat: tuple[float, float, float, float]) -> BoundaryFileError:
    hints_vi, hints_en = [], []
    swapped = (lonlat[1], lonlat[0], lonlat[3], lonlat[2])
    if in_hanoi(swapped):
        hints_vi.append("tọa độ có vẻ bị đảo (vĩ độ, kinh độ) — cần (kinh độ, vĩ độ)")
        hints_en.append("coordinates look swapped (lat, lon) — they must be (lon, lat)")
    else:
        found = [c for c in candidate_crs(raw) if CRS.from_user_input(c.code) != crs]
        if crs.is_geographic and not (-180 <= raw[0] <= raw[2] <= 180):
            hints_vi.append("số liệu có vẻ là tọa độ phẳng (hệ chiếu, ví dụ UTM, VN-2000), không phải độ")
            hints_en.append("the numbers look projected (e.g. UTM, VN-2000), not degrees")
        if found:
            hints_vi.append(f"tọa độ khớp với {candidates_text(found, 'vi')}: hệ tọa độ ghi trong tệp có lẽ sai")
            hints_en.append(f"the coordinates fit {candidates_text(found, 'en')}: the CRS written in the file is probably wrong")
    hint_vi = ("; " + "; ".join(hints_vi)) if hints_vi else ""
    hint_en = ("; " + "; ".join(hints_en)) if hints_en else ""
    return _fail(
        f"sau khi chuyển từ {crs_label(crs)} sang WGS 84 (EPSG:4326), tọa độ của {name} nằm ngoài Hà Nội "
        f"({extent_text(lonlat)}; {HANOI_VI}){hint_vi}. Hãy xuất lại tệp với đúng hệ tọa độ",
        f"once reprojected from {crs_label(crs)} to WGS 84 (EPSG:4326), the coordinates of {name} fall outside Hanoi "
        f"({extent_text(lonlat)}; {HANOI_EN}){hint_en}. Please export the file again with its true CRS",
    )


def read_boundary_file(path: str | os.PathLike[str], crs: str | None = None) -> BoundaryFile:
    """The file's features in WGS 84, or ``BoundaryFileError``.

    ``crs`` (e.g. "EPSG:5897"; default env ``HANOI_BOUNDARY_CRS``) is used only when the file declares none:
    a declared CRS is never overridden, so a wrong one is reported instead of silently replaced.
    """
    path = Path(path)
    if not path.exists():
        raise _fail(f"không tìm thấy tệp {path}", f"file not found: {path}")
    meta = _json_meta(path) if path.suffix.lower() in (".geojson", ".json") else {}
    source, layer, notes = _pick_layer(path)
    try:
        frame = gpd.read_file(source, layer=layer, engine="pyogrio")
        info = pyogrio.read_info(source, layer=layer)
    except Exception as exc:  # noqa: BLE001 - GDAL's own error text is what the user needs
        raise _unsupported(path.name, str(exc).strip()) from exc
    frame = frame.set_geometry(frame.geometry.map(_polygonal))
    usable = frame.geometry.notna() & ~frame.geometry.is_empty
    if not usable.any():
        raise _fail(f"tệp {path.name} không có hình học nào", f"the file {path.name} holds no geometry")
    raw = tuple(float(v) for v in shapely.total_bounds(frame.geometry[usable].values))
    chosen = crs or os.environ.get(ENV_CRS, "").strip() or None
    if frame.crs is None:
        if chosen is None:
            raise _no_crs(path.name, raw)
        try:
            frame = frame.set_crs(CRS.from_user_input(chosen))
        except Exception as exc:  # noqa: BLE001 - pyproj's CRSError: an unknown code
            raise _fail(f"không hiểu hệ tọa độ '{chosen}' (ví dụ đúng: EPSG:5897)",
                        f"unknown coordinate reference system '{chosen}' (a valid one: EPSG:5897)") from exc
        notes.append(f"tệp không ghi hệ tọa độ; dùng hệ đã chọn {crs_label(frame.crs)} / "
                     f"the file declares no CRS; using the chosen {crs_label(frame.crs)}")
    source_crs = frame.crs
    if not source_crs.equals(CRS.from_user_input(WGS84)):
        try:
            frame = frame.to_crs(WGS84)
        except Exception as exc:  # noqa: BLE001 - a transformation PROJ cannot do
            raise _fail(f"không chuyển được từ {crs_label(source_crs)} sang WGS 84: {exc}",
                        f"cannot reproject from {crs_label(source_crs)} to WGS 84: {exc}") from exc
        notes.append(f"đã chuyển từ {crs_label(source_crs)} sang WGS 84 / reprojected from {crs_label(source_crs)} to WGS 84")
    usable = frame.geometry.notna() & ~frame.geometry.is_empty
    lonlat = tuple(float(v) for v in shapely.total_bounds(frame.geometry[usable].values))
    if not in_hanoi(lonlat):  # type: ignore[arg-type]
        raise _outside(path.name, source_crs, raw, lonlat)  # type: ignore[arg-type]
    return BoundaryFile(frame=frame, file_name=path.name, driver=str(info.get("driver") or ""), layer=layer,
                        source_crs=crs_label(source_crs), title=meta.get("name"),
                        attribution=meta.get("attribution"), notes=notes)


__all__ = ["BoundaryFile", "BoundaryFileError", "ENV_CRS", "HANOI_BOX", "read_boundary_file"]
