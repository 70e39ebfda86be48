"""A private copy of the session's demo warehouse, for tests that ingest and publish over real history."""
from __future__ import annotations

import os
import shutil
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator


@contextmanager
def demo_copy(demo_version: str, root: Path) -> Iterator[Path]:
    """`root` holds a copy of the demo version, served; HANOI_DATA_DIR points at it while in the block."""
    from store.paths import curated_dir

    source = curated_dir()
    shutil.copytree(source / "versions" / demo_version, root / "versions" / demo_version)
    (root / "CURRENT").write_text(demo_version, encoding="utf-8")
    old = os.environ.get("HANOI_DATA_DIR")
    os.environ["HANOI_DATA_DIR"] = str(root)
    try:
        yield root
    finally:
        os.environ["HANOI_DATA_DIR"] = old if old is not None else str(source)
