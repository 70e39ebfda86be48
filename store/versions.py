"""Published versions of the curated warehouse: one serialisable, crash-safe transaction, and what to serve.

Layout under `curated_dir()`:
    versions/<version>/<table>.parquet   immutable once served
    versions/<version>/manifest.json     version, created_at, format, per-table rows, bytes and sha256
    versions/<version>/.served           written when the version first became current
    CURRENT                               the name of the version the app serves
    .publish.lock                         held by the one transaction that may write

`publish_version` is the only way a version is made. Under one file lock it reads the served version,
lets the caller build the new tables from it (so two publishes are serialisable: the second one builds
on the first one's result, and a success that was reported is never undone), writes them under a
temporary name with every file and folder fsynced, renames the folder into place, verifies it, calls
the optional `derive` hook with the new (not yet served) name and adds its tables, verifies again,
moves CURRENT (one `os.replace`, fsynced), marks the version served and prunes. A failure at any step,
an exception or a `kill -9`, leaves the previous version serving.

A version folder without `.served` that is not CURRENT was never served (its publish died between the
rename and the switch). Only a transaction holding the lock can be writing one, so the next transaction
removes it, and until then `list_versions`, `rollback` and `served_version` ignore it. Versions written
before this format (no `format` in the manifest) count as served: nothing that may have been served is
deleted on a guess.

`served_version()` is what the app calls on every page run: CURRENT when it is valid, otherwise the
newest valid kept version and a problem text in Vietnamese and English for a banner. The first look at a
version in a process checks every checksum; later looks only compare each file's size and mtime_ns with
what was checked (a few `stat` calls). That trade-off misses a same-size, same-mtime change made after the
first check (bit rot in place); `python -m cli status` re-reads every checksum and finds it.
"""
from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import threading
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterator

import pandas as pd

from store.durable import STAGING_PREFIX, commit_folder, fsync_dir, fsync_file, write_text_durably
from store.paths import curated_dir

MANIFEST = "manifest.json"
SERVED_MARK = ".served"
POINTER = "CURRENT"
LOCK_NAME = ".publish.lock"
FORMAT = 2
KEEP_VERSIONS = 5

Derive = Callable[[str], "dict[str, pd.DataFrame]"]
"""Called with the name of a freshly written, not yet served version; returns tables to add to it."""


class VersionError(RuntimeError):
    """A version is missing, incomplete or does not match its manifest."""


class PublishError(RuntimeError):
    """A new version could not be published; the previous version is still serving."""


@dataclass
class Draft:
    """What a publish writes: the tables and the manifest's extra fields."""

    tables: dict[str, pd.DataFrame]
    meta: dict = field(default_factory=dict)


Build = Callable[[str | None], Draft]
"""Called under the lock with the served version's name (None when nothing is served); returns the draft."""


# ---- paths and names ----------------------------------------------------------------------------------
def versions_dir() -> Path:
    return curated_dir() / "versions"


def version_path(version: str) -> Path:
    return versions_dir() / version


def current_version() -> str | None:
    """The name CURRENT holds (None when nothing was ever published); `served_version` checks it."""
    pointer = curated_dir() / POINTER
    try:
        name = pointer.read_text(encoding="utf-8").strip()
    except (FileNotFoundError, UnicodeDecodeError):
        return None
    return name or None


def new_version_name(label: str) -> str:
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
    return f"{stamp}-{label}"


def _folders() -> list[str]:
    root = versions_dir()
    if not root.exists():
        return []
    return sorted(p.name for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))


def read_manifest(version: str) -> dict:
    """The version's manifest; VersionError (never a crash) when it is missing or not a manifest."""
    path = version_path(version) / MANIFEST
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise VersionError(f"version {version} has no manifest") from None
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise VersionError(f"version {version}: the manifest cannot be read ({exc.__class__.__name__})") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("tables"), dict) or not all(
            isinstance(e, dict) and {"file", "sha256"} <= set(e) for e in doc["tables"].values()):
        raise VersionError(f"version {version}: the manifest is not a version manifest")
    return doc


def was_served(version: str) -> bool:
    """Served at least once: marked, or CURRENT, or written before versions were marked (legacy)."""
    folder = version_path(version)
    if (folder / SERVED_MARK).exists() or version == current_version():
        return True
    try:
        return "format" not in read_manifest(version)
    except VersionError:
        return True  # a damaged folder is kept and reported, never deleted on a guess


def list_versions() -> list[str]:
    """Kept versions that were served at least once, oldest first (names sort by creation time)."""
    return [v for v in _folders() if was_served(v)]


def unserved_versions() -> list[str]:
    """Complete versions whose publish died before the switch: never served, never chosen."""
    return [v for v in _folders() if not was_served(v)]


def file_sha256(path: Path) -> str:
    """The file's SHA-256 (hex), read in 4 MB blocks: manifests and the ingest log record it."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(4 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# ---- durable writes -----------------------------------------------------------------------------------
def _write_table(folder: Path, name: str, frame: pd.DataFrame) -> dict:
    """One table as parquet, fsynced; returns its manifest entry."""
    path = folder / f"{name}.parquet"
    tmp = folder / f".{name}-{uuid.uuid4().hex}.parquet"
    frame.to_parquet(tmp, index=False, row_group_size=122_880)
    fsync_file(tmp)
    os.replace(tmp, path)
    return {"file": path.name, "rows": int(len(frame)), "bytes": path.stat().st_size, "sha256": file_sha256(path)}


def _manifest_text(manifest: dict) -> str:
    return json.dumps(manifest, ensure_ascii=False, indent=2)


def write_version(tables: dict[str, pd.DataFrame], label: str, meta: dict | None = None) -> str:
    """Write tables as a new, not yet served version (files, manifest and folders fsynced); returns its name.

    Call it only inside `publish_lock` (publish_version does): the name is what the next transaction
    treats as a leftover if this process dies before the switch.
    """
    version = new_version_name(label)

    def fill(staging: Path) -> dict:
        entries = {name: _write_table(staging, name, frame) for name, frame in tables.items()}
        return {**(meta or {}), "version": version, "format": FORMAT,
                "created_at": datetime.now(timezone.utc).isoformat(timespec="seconds"), "tables": entries}

    commit_folder(versions_dir(), version, fill, MANIFEST)
    return version


def add_tables(version: str, tables: dict[str, pd.DataFrame]) -> dict:
    """Add (or replace) tables of a version that is not served yet: files, manifest, checksums, fsynced."""
    if version == current_version() or (version_path(version) / SERVED_MARK).exists():
        raise VersionError(f"version {version} is or was served: its tables are immutable")
    manifest = read_manifest(version)
    folder = version_path(version)
    for name, frame in tables.items():
        if not isinstance(frame, pd.DataFrame):
            raise PublishError(f"derived table {name!r} is a {type(frame).__name__}, not a DataFrame")
        manifest["tables"][name] = _write_table(folder, name, frame)
    fsync_dir(folder)
    write_text_durably(folder / MANIFEST, _manifest_text(manifest))
    _forget(version)
    return manifest


# ---- checking a version -------------------------------------------------------------------------------
def verify_version(version: str, rows: bool = False) -> dict:
    """Check every table file against the manifest (size, checksum; with `rows`, the parquet footer's row
    count too); returns the manifest, raises VersionError naming the first problem."""
    manifest = read_manifest(version)
    folder = version_path(version)
    for name, entry in manifest["tables"].items():
        path = folder / entry["file"]
        if not path.exists():
            raise VersionError(f"{version}: table {name} is missing")
        if "bytes" in entry and path.stat().st_size != entry["bytes"]:
            raise VersionError(f"{version}: table {name} has {path.stat().st_size} bytes, the manifest says "
                               f"{entry['bytes']} (truncated?)")
        if file_sha256(path) != entry["sha256"]:
            raise VersionError(f"{version}: table {name} does not match its checksum")
        if rows:
            import pyarrow.parquet as pq

            try:
                found = pq.read_metadata(path).num_rows
            except Exception as exc:  # noqa: BLE001 - any unreadable footer is damage to report
                raise VersionError(f"{version}: table {name} is not a readable parquet file ({exc})") from None
            if "rows" in entry and found != entry["rows"]:
                raise VersionError(f"{version}: table {name} has {found} rows, the manifest says {entry['rows']}")
    return manifest


_checked: dict[str, tuple] = {}
_checked_lock = threading.Lock()


def _stamp(version: str) -> tuple | None:
    """(manifest size, mtime_ns, then each table file's) — None when a file is gone or the manifest is bad."""
    folder = version_path(version)
    try:
        manifest_stat = (folder / MANIFEST).stat()
        files = sorted(e["file"] for e in read_manifest(version)["tables"].values())
        stats = [(folder / f).stat() for f in files]
    except (OSError, VersionError):
        return None
    return ((manifest_stat.st_size, manifest_stat.st_mtime_ns),
            *((f, s.st_size, s.st_mtime_ns) for f, s in zip(files, stats)))


def _forget(version: str) -> None:
    with _checked_lock:
        _checked.pop(version, None)


def version_problem(version: str) -> str | None:
    """Why a version cannot be served (English, for logs), or None. Cheap after the first full check."""
    stamp_before = _stamp(version)
    with _checked_lock:
        if stamp_before is not None and _checked.get(version) == stamp_before:
            return None
    if not version_path(version).is_dir():
        return f"version {version} is missing"
    try:
        verify_version(version)
    except VersionError as exc:
        return str(exc)
    stamp_after = _stamp(version)
    if stamp_after is not None and stamp_after == stamp_before:
        with _checked_lock:
            _checked[version] = stamp_after
    return None


@dataclass(frozen=True)
class Served:
    """The version to serve and, when it is not the one CURRENT names, why (for the app's banner)."""

    name: str | None                 # the version to serve; None when no valid version exists
    asked: str | None                # what CURRENT names
    problem_vi: str | None = None
    problem_en: str | None = None

    @property
    def ok(self) -> bool:
        return self.problem_en is None


def served_version(full: bool = False) -> Served:
    """CURRENT when valid; otherwise the newest valid kept version, with the problem described.

    `full` re-reads every checksum instead of trusting this process's earlier checks (`cli status`).
    """
    if full:
        with _checked_lock:
            _checked.clear()
    asked = current_version()
    if asked is not None:
        problem = version_problem(asked)
        if problem is None:
            return Served(asked, asked)
        what_vi = f"Phiên bản dữ liệu {asked} bị hỏng hoặc thiếu ({problem})"
        what_en = f"The data version {asked} is damaged or missing ({problem})"
    else:
        if not _folders():
            return Served(None, None)
        what_vi = "Tệp CURRENT (phiên bản đang dùng) bị thiếu"
        what_en = "The CURRENT pointer (the served version) is missing"
    for candidate in reversed(list_versions()):
        if candidate != asked and version_problem(candidate) is None:
            return Served(candidate, asked,
                          f"{what_vi}; đang hiển thị phiên bản hợp lệ mới nhất {candidate}. "
                          "Quản trị viên: chạy `python -m cli status`, rồi `python -m cli rollback` hoặc công bố lại.",
                          f"{what_en}; showing the newest valid version {candidate}. "
                          "Administrators: run `python -m cli status`, then `python -m cli rollback` or publish again.")
    return Served(None, asked, f"{what_vi}; không còn phiên bản hợp lệ nào. Quản trị viên: chạy `python -m cli demo` "
                               "hoặc công bố lại dữ liệu.",
                  f"{what_en}; no valid version is left. Administrators: run `python -m cli demo` or publish again.")


# ---- the transaction ----------------------------------------------------------------------------------
@contextmanager
def publish_lock(timeout: float = 600.0) -> Iterator[None]:
    """One writer at a time per warehouse (a file lock, released by the OS if the process dies)."""
    root = curated_dir()
    root.mkdir(parents=True, exist_ok=True)
    with (root / LOCK_NAME).open("a") as fh:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise PublishError("một lần công bố khác đang chạy quá lâu; thử lại sau / "
                                       "another publish is still running; try again later") from None
                time.sleep(0.1)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _clean_leftovers() -> list[str]:
    """Staging folders and never-served versions of publishes that died (call only under the lock)."""
    root = versions_dir()
    if not root.exists():
        return []
    gone = [p for p in root.iterdir() if p.name.startswith(STAGING_PREFIX)]
    gone += [version_path(v) for v in unserved_versions()]
    for p in gone:
        shutil.rmtree(p, ignore_errors=True)
        _forget(p.name)
    current = current_version()
    if current and version_path(current).is_dir() and not (version_path(current) / SERVED_MARK).exists():
        _mark_served(current)  # the switch happened, the mark did not: finish it
    return [p.name for p in gone]


def _mark_served(version: str) -> None:
    write_text_durably(version_path(version) / SERVED_MARK, datetime.now(timezone.utc).isoformat(timespec="seconds"))


def _switch(version: str) -> None:
    """Point CURRENT at a verified version in one atomic, fsynced step, then mark it served."""
    verify_version(version)
    write_text_durably(curated_dir() / POINTER, version)
    _mark_served(version)


def _check_written(version: str, tables: dict[str, pd.DataFrame]) -> None:
    """The written version matches its manifest and what was meant to be written (rows and columns)."""
    import pyarrow.parquet as pq

    manifest = verify_version(version)
    for name, frame in tables.items():
        entry = manifest["tables"].get(name)
        if entry is None:
            raise PublishError(f"{version}: table {name} missing from the manifest")
        meta = pq.read_metadata(version_path(version) / entry["file"])
        if meta.num_rows != len(frame) or entry["rows"] != len(frame):
            raise PublishError(f"{version}: table {name} has {meta.num_rows} rows, expected {len(frame)}")
        names = set(meta.schema.to_arrow_schema().names)
        if not set(map(str, frame.columns)) <= names:
            raise PublishError(f"{version}: table {name} lost columns {set(map(str, frame.columns)) - names}")


def _prune(keep: int, protect: set[str]) -> list[str]:
    keep = max(keep, 2)
    versions = list_versions()
    doomed = [v for v in versions[:-keep] if v not in protect]
    for version in doomed:
        shutil.rmtree(version_path(version), ignore_errors=True)
        _forget(version)
    return doomed


def base_version() -> str | None:
    """The version a new publish builds on: the served one (CURRENT, or the fallback when it is damaged)."""
    return served_version().name


def publish_version(build: Build, label: str, *, keep: int = KEEP_VERSIONS, derive: Derive | None = None,
                    check: Callable[[dict[str, pd.DataFrame]], None] | None = None) -> str:
    """The publishing transaction; returns the name of the new served version.

    Under the lock: leftovers removed, `build(base)` with the served version's name, `check(tables)`
    (raise to refuse), write + fsync, verify, `derive(name)` and its tables added, verify, switch, mark,
    prune. If anything raises, the half-made version is removed and the previous version keeps serving.
    """
    with publish_lock():
        _clean_leftovers()
        previous = base_version()
        draft = build(previous)
        if check is not None:
            check(draft.tables)
        version = write_version(draft.tables, label, draft.meta)
        try:
            _check_written(version, draft.tables)
            if derive is not None:
                extra = derive(version)
                if extra:
                    add_tables(version, extra)
                    _check_written(version, {**draft.tables, **extra})
            _switch(version)
        except BaseException:
            if current_version() != version:
                shutil.rmtree(version_path(version), ignore_errors=True)
                _forget(version)
            raise
        _prune(keep, {version, previous} - {None})
    return version


def switch_version(version: str | None = None, *, derive: Derive | None = None) -> str:
    """Serve a kept version again (default: the newest kept one older than the served one); switches only.

    `derive`, when given, is called with the target's name before the switch so it can refuse it by
    raising; a served version is immutable, so it may not return tables the target lacks.
    """
    with publish_lock():
        _clean_leftovers()
        versions = list_versions()
        if version is None:
            current = base_version()
            older = [v for v in versions if current is None or v < current]
            older = [v for v in older if version_problem(v) is None]
            if not older:
                raise VersionError("không còn phiên bản hợp lệ nào cũ hơn / no earlier valid version is kept")
            version = older[-1]
        if version not in versions:
            raise VersionError(f"phiên bản {version} không được lưu / version {version} is not kept; "
                               f"kept: {', '.join(versions) or '-'}")
        if derive is not None:
            extra = derive(version) or {}
            have = set(read_manifest(version)["tables"])
            if set(extra) - have:
                raise VersionError(f"a rollback switches only: {version} lacks {sorted(set(extra) - have)}")
        _switch(version)
    return version


def prune_versions(keep: int) -> list[str]:
    """Delete all but the newest `keep` served versions (never the current one); returns what was deleted."""
    with publish_lock():
        return _prune(keep, {current_version()} - {None})
