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

import pandas as pd

from store.paths import curated_dir

MANIFEST = "manifest.json"


class VersionError(RuntimeError):
    """A version is missing, incomplete or does not match its manifest."""


def versions_dir() -> Path:
    return curated_dir() / "versions"


def version_path(version: str) -> Path:
    return versions_dir() / version


def current_version() -> str | None:
    """The version the app serves, or None when nothing was ever published."""
    pointer = curated_dir() / "CURRENT"
    if not pointer.exists():
        return None
    name = pointer.read_text(encoding="utf-8").strip()
    return name or None


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


def write_version(tables: dict[str, pd.DataFrame], label: str, meta: dict | None = None) -> str:
    """Write tables as a new, not yet current, version; returns its name."""
    version = new_version_name(label)
    root = versions_dir()
    root.mkdir(parents=True, exist_ok=True)
    staging = root / f".staging-{uuid.uuid4().hex}"
    staging.mkdir()
    try:
        entries = {}
        for name, frame in tables.items():
            path = staging / f"{name}.parquet"
            frame.to_parquet(path, index=False, row_group_size=122_880)
            entries[name] = {"file": path.name, "rows": int(len(frame)), "sha256": file_sha256(path)}
        manifest = {
            "version": version,
            "created_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "tables": entries,
            **(meta or {}),
        }
        (staging / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
        os.rename(staging, root / version)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return version


def verify_version(version: str) -> dict:
    """Check every table file against the manifest's checksum; returns the manifest."""
    manifest = read_manifest(version)
    for name, entry in manifest["tables"].items():
        path = version_path(version) / entry["file"]
        if not path.exists():
            raise VersionError(f"{version}: table {name} is missing")
        if file_sha256(path) != entry["sha256"]:
            raise VersionError(f"{version}: table {name} does not match its checksum")
    return manifest


def switch_current(version: str) -> None:
    """Point CURRENT at a verified version in one atomic step."""
    verify_version(version)
    pointer = curated_dir() / "CURRENT"
    tmp = pointer.with_name(f".CURRENT-{uuid.uuid4().hex}")
    tmp.write_text(version, encoding="utf-8")
    os.replace(tmp, pointer)


def prune_versions(keep: int) -> list[str]:
    """Delete all but the newest `keep` versions (never the current one); returns what was deleted."""
    current = current_version()
    versions = list_versions()
    doomed = [v for v in versions[:-keep] if v != current] if keep > 0 else []
    for version in doomed:
        shutil.rmtree(version_path(version), ignore_errors=True)
    return doomed
