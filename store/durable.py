"""Writes that survive a crash: fsync of a file, of a folder (its entries), and small files replaced atomically.

A rename or a create is only durable once the folder holding it is fsynced; the published versions, the
CURRENT pointer and the audit log all rely on that, so it lives here once.
"""
from __future__ import annotations

import json
import os
import shutil
import uuid
from pathlib import Path
from typing import Callable


def fsync_file(path: Path) -> None:
    """Flush a written file's data to disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_dir(directory: Path) -> None:
    """Make a create, a rename or a delete durable (the directory entry itself)."""
    fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_text_durably(path: Path, text: str) -> None:
    """Write a small file next to its final name, fsync it, rename it into place, fsync the folder."""
    tmp = path.with_name(f".{path.name}-{uuid.uuid4().hex}")
    with tmp.open("w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    fsync_dir(path.parent)


STAGING_PREFIX = ".staging-"
"""Folders being written start with this; a crash leaves them behind, never a half-written final folder."""


def commit_folder(root: Path, name: str, fill: Callable[[Path], dict], manifest_name: str) -> None:
    """Create `root/name` whole or not at all: `fill(staging)` writes (and fsyncs) the files into a staging
    folder and returns the manifest, which is written durably last; the folder is then renamed into place
    and `root` fsynced. On any failure the staging folder is removed and the error raised.

    Published versions and boundary sets are both stored this way, so that a reader never sees a folder
    without its manifest, or a manifest naming files that are not on disk.
    """
    root.mkdir(parents=True, exist_ok=True)
    staging = root / f"{STAGING_PREFIX}{uuid.uuid4().hex}"
    staging.mkdir()
    try:
        manifest = fill(staging)
        write_text_durably(staging / manifest_name, json.dumps(manifest, ensure_ascii=False, indent=2))
        os.rename(staging, root / name)
        fsync_dir(root)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
