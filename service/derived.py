"""`python -m cli forecast`: add the forecasts and verdicts to a version published without them.

Interim, until the publish transaction calls `indicators.verdicts.derive_tables` itself (then every
version is published with its derived tables and this step has nothing to do): derives the tables of the
current version and publishes them with its data as a new version. A few seconds at full size; the
verdicts are the same as the ones readers compute for a version without them, so serving the new version
changes no verdict.
"""
from __future__ import annotations

import time

from indicators.verdicts import derive_tables, stored
from indicators.warehouse import NoDataError
from pipeline.publish import publish_update
from store.versions import current_version, read_manifest


def publish_derived(version: str | None = None) -> tuple[str, dict]:
    """Derive the tables of `version` (default: the current one) and publish them with its data.

    Returns (served version, stats). Nothing is published when the version already has them, or when
    another version became current meanwhile (derived tables of older data must not join newer data).
    """
    version = version or current_version()
    if version is None:
        raise NoDataError("Chưa có dữ liệu được công bố / No data published yet: python -m cli demo")
    if stored(version):
        return version, {"published": False, "reason": "already derived"}
    started = time.perf_counter()
    tables = derive_tables(version)
    seconds = round(time.perf_counter() - started, 2)
    if current_version() != version:
        raise RuntimeError(f"phiên bản {current_version()} được công bố trong lúc tính cho {version}: chạy lại / "
                           f"version {current_version()} was published while deriving for {version}: run again")
    kind = read_manifest(version).get("kind", "data")
    rows = {name: len(frame) for name, frame in tables.items()}
    new = publish_update(tables, f"{kind}-verdicts", {"derived": {"from_version": version, "seconds": seconds,
                                                                   "rows": rows}})
    return new, {"published": True, "seconds": seconds, "rows": rows}
