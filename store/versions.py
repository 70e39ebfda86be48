"""Published versions of the curated warehouse: folders, manifests and the atomic "current" pointer.

Layout under `curated_dir()`:
    versions/<version>/<table>.parquet   immutable once written
    versions/<version>/manifest.json     version, created_at, per-table row counts and sha256 checksums
    CURRENT                               the name of the version the app serves

A version folder is written under a temporary name and renamed into place, then checked against its
manifest; only then is CURRENT replaced (os.replace, atomic on POSIX). A failure at any step leaves the
previous version serving. Readers key their caches on the version name, so a publish is picked up
without a restart.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import uuid
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

import pandas as pd

from store.paths import curated_dir

MANIFEST = "manifest.json"


class VersionError(RuntimeError):
    """A version is missing, incomplete or does not match its manifest."""


def versions_dir() -> Path:
    return curated_dir() / "versions"


def version_path(version: str) -> Path:
    return versions_dir() / version


def read_pointer(pointer: Path) -> str | None:
    """The name a pointer file holds, or None when it is absent or empty."""
    if not pointer.exists():
        return None
    name = pointer.read_text(encoding="utf-8").strip()
    return name or None


def write_pointer(pointer: Path, name: str) -> None:
    """Replace a pointer file in one atomic step (os.replace): readers see the old name or the new one."""
    tmp = pointer.with_name(f".{pointer.name}-{uuid.uuid4().hex}")
    tmp.write_text(name, encoding="utf-8")
    os.replace(tmp, pointer)


def current_version() -> str | None:
    """The version the app serves, or None when nothing was ever published."""
    return read_pointer(curated_dir() / "CURRENT")


def list_versions() -> list[str]:
    """Published versions, oldest first (names sort by creation time)."""
    root = versions_dir()
    if not root.exists():
        return []
    return sorted(p.name for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))


def read_manifest(version: str) -> dict:
    path = version_path(version) / MANIFEST
    if not path.exists():
        raise VersionError(f"version {version} has no manifest")
    return json.loads(path.read_text(encoding="utf-8"))


def file_sha256(path: Path) -> str:
    """The file's SHA-256 (hex), read in 4 MB blocks: manifests and the ingest log record it."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(4 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def new_version_name(label: str) -> str:
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
    return f"{stamp}-{label}"


def write_folder(root: Path, name: str, write_files: Callable[[Path], dict], manifest: dict,
                 key: str = "files") -> Path:
    """Write a folder under a staging name and rename it into place, so it appears whole or not at all.

    `write_files(staging)` writes the files and returns their manifest entries ({key: {"file", "sha256", ...}}),
    stored under `key` in manifest.json beside `manifest`'s own keys. Returns the folder.
    """
    root.mkdir(parents=True, exist_ok=True)
    staging = root / f".staging-{uuid.uuid4().hex}"
    staging.mkdir()
    try:
        entries = write_files(staging)
        body = {**manifest, key: entries}
        (staging / MANIFEST).write_text(json.dumps(body, ensure_ascii=False, indent=2), encoding="utf-8")
        os.rename(staging, root / name)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return root / name


def verify_folder(folder: Path, key: str = "files") -> dict:
    """Check every file listed under `key` in the folder's manifest against its checksum; returns the manifest."""
    path = folder / MANIFEST
    if not path.exists():
        raise VersionError(f"{folder.name} has no manifest")
    manifest = json.loads(path.read_text(encoding="utf-8"))
    for name, entry in manifest[key].items():
        file = folder / entry["file"]
        if not file.exists():
            raise VersionError(f"{folder.name}: {name} is missing (manifest {key})")
        if file_sha256(file) != entry["sha256"]:
            raise VersionError(f"{folder.name}: {name} does not match its checksum (manifest {key})")
    return manifest


def write_version(tables: dict[str, pd.DataFrame], label: str, meta: dict | None = None) -> str:
    """Write tables as a new, not yet current, version; returns its name."""
    version = new_version_name(label)

    def write_tables(staging: Path) -> dict:
        entries = {}
        for name, frame in tables.items():
            path = staging / f"{name}.parquet"
            frame.to_parquet(path, index=False, row_group_size=122_880)
            entries[name] = {"file": path.name, "rows": int(len(frame)), "sha256": file_sha256(path)}
        return entries

    created = datetime.now(timezone.utc).isoformat(timespec="seconds")
    write_folder(versions_dir(), version, write_tables, {"version": version, "created_at": created, **(meta or {})},
                 key="tables")
    return version


def verify_version(version: str) -> dict:
    """Check every table file against the manifest's checksum; returns the manifest."""
    return verify_folder(version_path(version), key="tables")


def switch_current(version: str) -> None:
    """Point CURRENT at a verified version in one atomic step."""
    verify_version(version)
    write_pointer(curated_dir() / "CURRENT", version)


def prune_versions(keep: int) -> list[str]:
    """Delete all but the newest `keep` versions (never the current one); returns what was deleted."""
    current = current_version()
    versions = list_versions()
    doomed = [v for v in versions[:-keep] if v != current] if keep > 0 else []
    for version in doomed:
        shutil.rmtree(version_path(version), ignore_errors=True)
    return doomed
