"""Writes that survive a crash: fsync of a file, of a folder (its entries), and small files replaced atomically.

A rename or a create is only durable once the folder holding it is fsynced; the published versions, the
CURRENT pointer and the audit log all rely on that, so it lives here once.
"""
from __future__ import annotations

import os
import uuid
from pathlib import Path


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
