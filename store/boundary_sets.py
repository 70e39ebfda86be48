"""Versioned boundary sets: the official geometry an administrator uploaded, kept like data versions.

Layout under ``curated_dir() / "boundaries"``:
    sets/<set id>/manifest.json     set id, created_at, name, file name, who, the source's sha256, the
                                    preparation report's summary, and every file with its sha256
    sets/<set id>/source/<file>     the uploaded file exactly as received (nothing is lost)
    sets/<set id>/<name>.json       the prepared geometry and layers (see ``indicators.boundaries``)
    CURRENT                         the set the map serves (absent: no uploaded set, see load_boundaries)
    history.jsonl                   one line per switch: when, to which set, from which (for rollback)

A set is written under a staging name (every file fsynced) and renamed into place, checked against its
manifest before it is served, and only then is CURRENT replaced atomically (``store.durable``). A set that fails
at any step is never served; the one serving stays. Sets are immutable once written.
"""
from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from store.durable import commit_folder, fsync_file, write_text_durably
from store.paths import curated_dir
from store.versions import MANIFEST, VersionError, file_sha256, new_version_name

POINTER = "CURRENT"


class BoundarySetError(VersionError):
    """A boundary set is missing, incomplete or does not match its manifest."""


@dataclass(frozen=True)
class BoundarySetInfo:
    """One stored set, as the Data page lists it."""

    set_id: str
    name: str
    file_name: str
    created_at: str  # ISO 8601, UTC
    created_by: str
    source_sha256: str
    current: bool


def boundaries_dir() -> Path:
    """Where boundary sets live (beside the data versions, moved with HANOI_DATA_DIR)."""
    return curated_dir() / "boundaries"


def _sets_dir() -> Path:
    return boundaries_dir() / "sets"


def set_path(set_id: str) -> Path:
    """The folder of one set (the id is checked: it never leaves the sets folder)."""
    if not set_id or "/" in set_id or "\\" in set_id or set_id.startswith("."):
        raise BoundarySetError(f"not a boundary set id: {set_id!r}")
    return _sets_dir() / set_id


def current_boundary_set() -> str | None:
    """The set the map serves, or None when no set was ever switched to (or it was cleared)."""
    try:
        name = (boundaries_dir() / POINTER).read_text(encoding="utf-8").strip()
    except (FileNotFoundError, UnicodeDecodeError):
        return None
    return name or None


def read_set_manifest(set_id: str) -> dict:
    """A set's manifest (metadata and file list)."""
    path = set_path(set_id) / MANIFEST
    if not path.exists():
        raise BoundarySetError(f"boundary set {set_id} does not exist")
    return json.loads(path.read_text(encoding="utf-8"))


def list_boundary_sets() -> list[BoundarySetInfo]:
    """Stored sets, oldest first (ids sort by creation time)."""
    root = _sets_dir()
    if not root.exists():
        return []
    current = current_boundary_set()
    out = []
    for folder in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")):
        try:
            m = read_set_manifest(folder.name)
        except (BoundarySetError, json.JSONDecodeError):
            continue
        out.append(BoundarySetInfo(folder.name, m.get("name", ""), m.get("file_name", ""), m.get("created_at", ""),
                                   m.get("created_by", ""), m.get("source_sha256", ""), folder.name == current))
    return out


def save_boundary_set(documents: dict[str, dict], source: Path, meta: dict) -> str:
    """Store prepared documents (name -> JSON object) and the source file as a new set, not yet served.

    ``source`` may be a file or a folder (a Shapefile folder); it is copied as received. ``meta`` (name,
    file_name, created_by, report…) goes into the manifest. Returns the new set's id.
    """
    set_id = new_version_name("ranh-gioi")
    source_sha = file_sha256(source) if source.is_file() else ""

    def write_files(staging: Path) -> dict:
        entries = {}
        for name, doc in documents.items():
            path = staging / f"{name}.json"
            path.write_text(json.dumps(doc, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
            fsync_file(path)
            entries[name] = {"file": path.name, "sha256": file_sha256(path)}
        kept = staging / "source"
        kept.mkdir()
        files = [source] if source.is_file() else sorted(p for p in source.rglob("*") if p.is_file())
        for i, file in enumerate(files):
            target = kept / (file.name if source.is_file() else str(file.relative_to(source)))
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(file, target)
            fsync_file(target)
            entries[f"source:{i}"] = {"file": str(target.relative_to(staging)), "sha256": file_sha256(target)}
        return entries

    commit_folder(_sets_dir(), set_id, lambda staging: {
        "set_id": set_id, "created_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "source_sha256": source_sha, **meta, "files": write_files(staging)}, MANIFEST)
    return set_id


def verify_boundary_set(set_id: str) -> dict:
    """Every file of the set against its checksum; returns the manifest."""
    folder = set_path(set_id)
    manifest = read_set_manifest(set_id)
    for name, entry in manifest.get("files", {}).items():
        path = folder / entry["file"]
        if not path.is_file():
            raise BoundarySetError(f"boundary set {set_id}: {name} is missing")
        if file_sha256(path) != entry["sha256"]:
            raise BoundarySetError(f"boundary set {set_id}: {name} does not match its checksum")
    return manifest


def read_set_document(set_id: str, name: str) -> dict:
    """One prepared document of a set (e.g. 'browser', 'layers', 'report')."""
    manifest = read_set_manifest(set_id)
    entry = manifest["files"].get(name)
    if entry is None:
        raise BoundarySetError(f"boundary set {set_id} has no document {name}")
    return json.loads((set_path(set_id) / entry["file"]).read_text(encoding="utf-8"))


def _log_switch(to: str | None, previous: str | None) -> None:
    line = json.dumps({"at": datetime.now(timezone.utc).isoformat(timespec="seconds"), "to": to, "from": previous})
    with open(boundaries_dir() / "history.jsonl", "a", encoding="utf-8") as fh:
        fh.write(line + "\n")


def switch_boundary_set(set_id: str) -> None:
    """Serve a verified set from now on (one atomic pointer replacement); logged for rollback."""
    verify_boundary_set(set_id)
    previous = current_boundary_set()
    boundaries_dir().mkdir(parents=True, exist_ok=True)
    write_text_durably(boundaries_dir() / POINTER, set_id)
    _log_switch(set_id, previous)


def clear_boundary_set() -> None:
    """Serve no uploaded set any more (the map falls back to HANOI_BOUNDARY_FILE or the schematic map)."""
    previous = current_boundary_set()
    pointer = boundaries_dir() / POINTER
    if pointer.exists():
        write_text_durably(pointer, "")
        _log_switch(None, previous)


def switch_history() -> list[dict]:
    """Every switch, oldest first: {"at", "to", "from"} (None = no uploaded set)."""
    path = boundaries_dir() / "history.jsonl"
    if not path.exists():
        return []
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            out.append(json.loads(line))
        except json.JSONDecodeError:
            continue
    return out


def rollback_boundary_set() -> str | None:
    """Go back to the set served before the current one (None: back to no uploaded set); returns it."""
    history = switch_history()
    if not history:
        raise BoundarySetError("no earlier boundary set to go back to")
    previous = history[-1].get("from")
    if previous:
        switch_boundary_set(previous)
    else:
        clear_boundary_set()
    return previous


def prune_boundary_sets(keep: int) -> list[str]:
    """Delete all but the newest `keep` sets (never the served one); returns what was deleted."""
    current = current_boundary_set()
    ids = [s.set_id for s in list_boundary_sets()]
    doomed = [s for s in ids[:-keep] if s != current] if keep > 0 else []
    for set_id in doomed:
        shutil.rmtree(set_path(set_id), ignore_errors=True)
    return doomed
