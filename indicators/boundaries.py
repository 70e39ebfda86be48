"""Boundaries of Hanoi's 126 commune-level units for the map: an official set, an official file, or schematic.

Why: the project ships only its own schematic map (``geo/hanoi_communes.geojson``, built by
``pipeline.geo_build`` from vietnamadminunits). The authoritative boundaries live in the city's GIS and
cannot be redistributed, so a deployment brings them at run time, in whatever format and CRS the GIS
office keeps them:
- an administrator uploads a file on the Data page: ``prepare_boundary_file`` validates and prepares it,
  ``save_prepared`` stores it as a versioned set (``store.boundary_sets``), the service switches to it;
- or env ``HANOI_BOUNDARY_FILE`` names a file (any accepted format, a Shapefile as a .zip or folder;
  ``HANOI_BOUNDARY_CODE_PROPERTY`` names the code property, ``HANOI_BOUNDARY_CRS`` the CRS of a file
  that declares none), prepared the same way when the app loads it.
``load_boundaries`` picks, in this order, the served set, the configured file, the schematic map; a set
or file that cannot be used is never drawn: the next one is, with ``BoundarySet.problems`` saying why.

Preparing: read and reproject (``boundary_read``), find the codes (``boundary_codes``), check polygons,
areas, gaps and overlaps and repair slivers (``boundary_topology``), simplify for the browser keeping
shared edges shared (``boundary_simplify``), and derive labels, the city outline and the old districts
(``boundary_layers``). Pure Python (no Streamlit): callers cache ``load_boundaries`` (a file takes
seconds to prepare; a stored set is read in milliseconds). Messages are bilingual, "vi / en".
"""
from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import pandas as pd
import shapely
from shapely.geometry import mapping, shape

from i18n.formats import TIMEZONE, fmt_date
from i18n.strings import t
from indicators.boundary_codes import ENV_CODE_PROPERTY, code_set_problems, find_code_column
from indicators.boundary_layers import Label, city_outline, commune_labels, old_districts
from indicators.boundary_read import ENV_CRS, BoundaryFileError, read_boundary_file
from indicators.boundary_simplify import simplify_for_browser
from indicators.boundary_topology import area_findings, geometry_problems, repair_coverage, to_metres
from store import boundary_sets
from store.paths import GEO_FILE, PROJECT_ROOT
from store.reference import load_communes, load_lineage

ENV_FILE = "HANOI_BOUNDARY_FILE"
BUILT_PATH = GEO_FILE

CAPTION_BUILT_VI = "Sơ đồ ranh giới minh họa (không phải ranh giới chính thức)"
CAPTION_BUILT_EN = "Schematic boundaries (not official)"

__all__ = ["BoundarySet", "Prepared", "ENV_FILE", "ENV_CODE_PROPERTY", "ENV_CRS", "load_boundaries",
           "prepare_boundary_file", "save_prepared", "layers_document", "upload_boundary_file",
           "UploadOutcome"]


@dataclass
class Prepared:
    """A boundary file validated and made ready for the map (or the reasons it cannot be)."""

    file_name: str
    problems: list[str]  # non-empty: unusable, nothing else is filled
    notes: list[str] = field(default_factory=list)  # what was found and done (CRS, code property…)
    warnings: list[str] = field(default_factory=list)  # usable, but worth a look (areas, edge gaps)
    repairs: list[str] = field(default_factory=list)  # slivers repaired
    full: dict | None = None  # repaired FeatureCollection, full detail, WGS 84
    browser: dict | None = None  # simplified FeatureCollection for the map
    layers: dict | None = None  # labels, outline, old districts (``layers_document``)
    report: dict = field(default_factory=dict)  # everything above, as stored with the set
    title: str | None = None  # the file's own name for itself, if any
    attribution: str | None = None

    @property
    def ok(self) -> bool:
        return not self.problems


def _collection(codes: list[str], geoms: np.ndarray) -> dict:
    """Features sorted by code, ``id`` = ``properties.code``, exterior rings clockwise (plotly's geo winding)."""
    features = []
    for code, geom in sorted(zip(codes, geoms), key=lambda t: t[0]):
        geom = shapely.orient_polygons(geom, exterior_cw=True)
        features.append({"type": "Feature", "id": code, "properties": {"code": code}, "geometry": mapping(geom)})
    return {"type": "FeatureCollection", "features": features}


def _labels_json(labels: list[Label]) -> list[dict]:
    return [asdict(lab) for lab in labels]


def layers_document(codes: list[str], geoms: np.ndarray) -> dict:
    """Labels (vi and en), city outline and old districts for a coverage (see ``boundary_layers``)."""
    communes = load_communes().set_index("code")
    short_vi = [str(communes.loc[c, "short_name"]) if c in communes.index else c for c in codes]
    short_en = [str(communes.loc[c, "name_en"]).removesuffix(" Ward").removesuffix(" Commune")
                if c in communes.index else c for c in codes]
    districts, district_labels = old_districts(codes, geoms, load_lineage())
    return {"labels": {"vi": _labels_json(commune_labels(codes, geoms, short_vi)),
                       "en": _labels_json(commune_labels(codes, geoms, short_en))},
            "outline": city_outline(geoms), "districts": districts,
            "district_labels": _labels_json(district_labels)}


def prepare_boundary_file(path: str | os.PathLike[str], expected_codes: set[str] | None = None,
                          code_property: str | None = None, crs: str | None = None) -> Prepared:
    """Validate an official boundary file and prepare it for the map; never raises on a bad file.

    Why: one path for the upload and for HANOI_BOUNDARY_FILE, so both accept the same files and say the
    same things. ``expected_codes`` defaults to the 126 reference codes, ``code_property`` to a search by
    name then by value, ``crs`` (used only when the file declares none) to env ``HANOI_BOUNDARY_CRS``.
    """
    path = Path(path)
    communes = load_communes()
    expected = set(expected_codes) if expected_codes is not None else set(communes["code"])
    try:
        read = read_boundary_file(path, crs=crs)
    except BoundaryFileError as exc:
        return Prepared(path.name, exc.problems)
    found = find_code_column(read.frame, expected, code_property)
    notes = read.notes + found.notes
    problems = found.problems + (code_set_problems(found.codes, expected) if found.column else [])
    geoms = list(read.frame.geometry.values)
    problems += geometry_problems(found.codes, geoms)
    if problems:
        return Prepared(path.name, problems, notes=notes)
    codes = [str(c) for c in found.codes]
    metres = to_metres(np.asarray(geoms, dtype=object))
    official = dict(zip(communes["code"], communes["area_km2"].astype(float)))
    ratios, area_problems, warnings = area_findings(codes, metres, official)
    topo = repair_coverage(codes, metres)
    problems = area_problems + topo.problems
    warnings += topo.warnings
    if problems or topo.geometries is None:
        return Prepared(path.name, problems, notes=notes, warnings=warnings, repairs=topo.repairs)
    simple = simplify_for_browser(topo.geometries, codes)
    report = {
        "file_name": path.name, "driver": read.driver, "layer": read.layer, "source_crs": read.source_crs,
        "code_property": found.column, "notes": notes, "warnings": warnings, "repairs": topo.repairs,
        "issues": [asdict(i) for i in topo.issues], "area_ratio": {c: round(r, 4) for c, r in ratios.items()},
        "simplification": {"tolerance_m": simple.tolerance_m, "geojson_bytes": simple.geojson_bytes,
                           "vertices": simple.vertices,
                           "vertices_full": int(shapely.get_num_coordinates(topo.geometries).sum())},
    }
    return Prepared(path.name, [], notes=notes, warnings=warnings, repairs=topo.repairs,
                    full=_collection(codes, topo.geometries), browser=_collection(codes, simple.geometries),
                    layers=layers_document(codes, simple.geometries), report=report,
                    title=read.title, attribution=read.attribution)


def save_prepared(prepared: Prepared, source: Path, name: str | None = None, created_by: str = "") -> str:
    """Store a usable preparation as a new boundary set (not yet served); returns its id.

    ``name`` is what the map will call the set (default: the file's own title, else its file name).
    """
    if not prepared.ok or prepared.browser is None or prepared.full is None or prepared.layers is None:
        raise ValueError("only a usable preparation can be stored / chỉ lưu được bộ ranh giới hợp lệ")
    meta = {"name": (name or "").strip() or prepared.title or prepared.file_name, "file_name": prepared.file_name,
            "attribution": prepared.attribution or "", "created_by": created_by,
            "source_crs": prepared.report.get("source_crs", ""), "code_property": prepared.report.get("code_property")}
    documents = {"browser": prepared.browser, "full": prepared.full, "layers": prepared.layers, "report": prepared.report}
    return boundary_sets.save_boundary_set(documents, Path(source), meta)


MAX_UPLOAD_BYTES = 200 << 20  # Streamlit's own upload limit; a larger body is refused before it is written


@dataclass
class UploadOutcome:
    """What became of an uploaded file: its preparation, the stored set (None: refused) and whether it is served."""

    prepared: Prepared
    set_id: str | None = None
    served: bool = False


def _safe_name(file_name: str) -> str:
    """The uploaded file's base name with only harmless characters (its extension tells the format)."""
    base = Path(str(file_name).replace("\\", "/")).name.strip() or "ranh_gioi"
    safe = "".join(ch if ch.isalnum() or ch in "._- " else "_" for ch in base).strip(". ")
    stem, suffix = Path(safe).stem[:100] or "ranh_gioi", Path(safe).suffix[:10]
    return stem + suffix


def upload_boundary_file(data: bytes, file_name: str, *, name: str | None = None, code_property: str | None = None,
                         crs: str | None = None, created_by: str = "", serve: bool = True) -> UploadOutcome:
    """Validate an uploaded boundary file and, if usable, store it as a new set (and serve it when asked).

    Why: the one call below the Data page's upload (the service layer authorizes the administrator and
    audits around it). A file that fails validation writes nothing and changes nothing: the served set
    stays. The bytes are prepared from a private temporary folder, under their own (sanitised) name.
    """
    import tempfile

    safe = _safe_name(file_name)
    if len(data) > MAX_UPLOAD_BYTES:
        return UploadOutcome(Prepared(safe, [
            f"tệp {safe} lớn quá {MAX_UPLOAD_BYTES >> 20} MB / the file {safe} is larger than {MAX_UPLOAD_BYTES >> 20} MB"]))
    with tempfile.TemporaryDirectory(prefix="ranh-gioi-") as tmp:
        path = Path(tmp) / safe
        path.write_bytes(data)
        prepared = prepare_boundary_file(path, code_property=code_property or None, crs=crs or None)
        if not prepared.ok:
            return UploadOutcome(prepared)
        set_id = save_prepared(prepared, path, name=name, created_by=created_by)
    if serve:
        boundary_sets.switch_boundary_set(set_id)
    return UploadOutcome(prepared, set_id, serve)


@dataclass
class BoundarySet:
    """The boundaries the map should draw, and how to label them.

    ``geojson`` is the browser geometry: a FeatureCollection whose features all carry property ``code``
    (5-char string) and ``id`` = code, so a choropleth can use ``featureidkey="id"`` or
    ``"properties.code"``. ``layers`` is ``layers_document``'s output. ``name``, ``version`` and ``date``
    say which official boundaries these are (empty for the schematic map).
    """

    geojson: dict
    source: str  # 'built' | 'official'
    caption_vi: str
    caption_en: str
    attribution: str
    path: str
    problems: list[str] = field(default_factory=list)
    layers: dict = field(default_factory=dict)
    name: str = ""
    version: str = ""  # the boundary set id, or the first 12 hex digits of the file's sha256
    date: datetime | None = None  # when the set was stored, or the file's modification time
    set_id: str | None = None

    @property
    def caption(self) -> str:
        """Both captions, as shown under the map."""
        return f"{self.caption_vi} / {self.caption_en}"

    @property
    def official(self) -> bool:
        return self.source == "official"

    def provenance(self, lang: str) -> str:
        """One line, in one language, saying what the map shows: schematic, or which official set."""
        if not self.official:
            return t("map_provenance_schematic", lang)
        date = fmt_date(pd.Timestamp(self.date).tz_convert(TIMEZONE), lang) if self.date is not None else "—"
        return t("map_provenance_official", lang, name=self.name, version=self.version, date=date)


def _resolve(path_text: str) -> Path:
    """A relative path is tried against the working directory, then the project root."""
    path = Path(path_text).expanduser()
    if path.is_absolute() or path.exists():
        return path
    alt = PROJECT_ROOT / path
    return alt if alt.exists() else path


_BUILT_CACHE: dict[float, tuple[dict, dict]] = {}


def _load_built() -> tuple[dict, dict]:
    """The schematic map and its layers (computed once per file version)."""
    try:
        mtime = BUILT_PATH.stat().st_mtime
    except FileNotFoundError as exc:
        raise FileNotFoundError(
            f"{BUILT_PATH} không có — chạy `python -m pipeline.geo_build` / "
            f"{BUILT_PATH} is missing — run `python -m pipeline.geo_build`"
        ) from exc
    if mtime not in _BUILT_CACHE:
        built = json.loads(BUILT_PATH.read_text(encoding="utf-8"))
        codes = [str(f["properties"]["code"]) for f in built["features"]]
        geoms = np.array([shape(f["geometry"]) for f in built["features"]], dtype=object)
        _BUILT_CACHE.clear()
        _BUILT_CACHE[mtime] = (built, layers_document(codes, geoms))
    return _BUILT_CACHE[mtime]


def _from_set(set_id: str) -> BoundarySet:
    manifest = boundary_sets.verify_boundary_set(set_id)
    name = manifest.get("name") or manifest.get("file_name") or set_id
    return BoundarySet(
        geojson=boundary_sets.read_set_document(set_id, "browser"), source="official",
        caption_vi=f"Ranh giới: bộ chính thức {name}", caption_en=f"Boundaries: official set {name}",
        attribution=manifest.get("attribution") or manifest.get("file_name") or name,
        path=str(boundary_sets.set_path(set_id)), layers=boundary_sets.read_set_document(set_id, "layers"),
        name=name, version=set_id, date=datetime.fromisoformat(manifest["created_at"]), set_id=set_id)


_FILE_CACHE: dict[tuple, Prepared] = {}


def _prepared_file(path: Path, expected: set[str], code_property: str | None) -> Prepared:
    """The preparation of a configured file, kept while the file (path, size, mtime) and settings are the same.

    Why: every caller (the pages, the wall, the API's briefings) asks for the boundaries; preparing a
    3 MB file takes seconds, so it is done once per file version per process.
    """
    try:
        stat = path.stat()
        stamp: tuple = (stat.st_mtime_ns, stat.st_size)
    except OSError:
        stamp = (None, None)
    key = (str(path), *stamp, code_property, os.environ.get(ENV_CRS, ""), frozenset(expected))
    if key not in _FILE_CACHE:
        prepared = prepare_boundary_file(path, expected, code_property)
        if stamp[0] is None:
            return prepared  # a missing file is not remembered: it may appear
        _FILE_CACHE.clear()
        _FILE_CACHE[key] = prepared
    return _FILE_CACHE[key]


def _from_file(path: Path, expected: set[str], code_property: str | None) -> tuple[BoundarySet | None, list[str]]:
    prepared = _prepared_file(path, expected, code_property)
    if not prepared.ok or prepared.browser is None:
        return None, prepared.problems
    from store.versions import file_sha256

    version = file_sha256(path)[:12] if path.is_file() else ""
    date = datetime.fromtimestamp(path.stat().st_mtime, tz=timezone.utc)
    return BoundarySet(
        geojson=prepared.browser, source="official",
        caption_vi=f"Ranh giới: tệp chính thức {path.name}", caption_en=f"Boundaries: official file {path.name}",
        attribution=prepared.attribution or path.name, path=str(path.resolve()), layers=prepared.layers or {},
        name=prepared.title or path.name, version=version, date=date), []


def load_boundaries(expected_codes: set[str] | None = None, official_path: str | None = None,
                    code_property: str | None = None) -> BoundarySet:
    """The boundaries to draw: the served set, else a valid configured file, else the schematic map.

    Why: one entry point so every page labels the map honestly. ``official_path`` defaults to env
    ``HANOI_BOUNDARY_FILE`` and ``code_property`` to env ``HANOI_BOUNDARY_CODE_PROPERTY`` (else found
    by name or value). Giving ``official_path`` skips the served set. An unusable set or file is not
    fatal: the next choice is returned with ``problems`` explaining why.
    """
    expected = set(expected_codes) if expected_codes is not None else set(load_communes()["code"])
    problems: list[str] = []
    if official_path is None:
        set_id = boundary_sets.current_boundary_set()
        if set_id:
            try:
                return _from_set(set_id)
            except (boundary_sets.BoundarySetError, OSError, ValueError, KeyError) as exc:
                problems.append(f"Không đọc được bộ ranh giới đang dùng {set_id} ({exc}) / "
                                f"The served boundary set {set_id} cannot be read ({exc})")
        official_path = os.environ.get(ENV_FILE, "").strip() or None
    if code_property is None:
        code_property = os.environ.get(ENV_CODE_PROPERTY, "").strip() or None
    if official_path:
        path = _resolve(official_path)
        found, file_problems = _from_file(path, expected, code_property)
        if found is not None:
            found.problems = problems
            return found
        problems += [
            f"Không dùng được tệp ranh giới chính thức {path.name}; đang hiển thị sơ đồ minh họa / "
            f"The official boundary file {path.name} cannot be used; showing the schematic map",
            *file_problems,
        ]
    built, layers = _load_built()
    return BoundarySet(geojson=built, source="built", caption_vi=CAPTION_BUILT_VI, caption_en=CAPTION_BUILT_EN,
                       attribution=str(built.get("attribution", "")), path=str(BUILT_PATH), problems=problems,
                       layers=layers)

