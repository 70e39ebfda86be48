"""`python -m cli forecast`: add the forecasts and verdicts to a version published without them.

Every publish of the command line passes `indicators.verdicts.derive_hook` to the transaction, so its
versions have them; this is for a version published otherwise (before, or by another caller): its data
published again with the tables derived for it. The verdicts are the ones readers compute for a version
without them, so serving the new version changes no verdict.
"""
from __future__ import annotations

import time

from indicators.verdicts import derive_hook, stored
from indicators.warehouse import NoDataError
from pipeline.publish import publish_update
from store.versions import current_version, read_manifest


def publish_derived(version: str | None = None) -> tuple[str, dict]:
    """Publish the served version's data again with its derived tables (through the publish transaction's
    `derive` hook, so they are derived for the new version itself).

    Returns (served version, stats). Nothing is published when the version already has them.
    """
    version = version or current_version()
    if version is None:
        raise NoDataError("Chưa có dữ liệu được công bố / No data published yet: python -m cli demo")
    if stored(version):
        return version, {"published": False, "reason": "already derived"}
    started = time.perf_counter()
    timing: dict = {}

    def derive(name: str):
        t0 = time.perf_counter()
        tables = derive_hook(name)
        timing["seconds"] = round(time.perf_counter() - t0, 2)
        timing["rows"] = {k: len(v) for k, v in tables.items()}
        return tables

    kind = read_manifest(version).get("kind", "data")
    new = publish_update({}, f"{kind}-verdicts", {"derived": {"from_version": version}}, derive=derive)
    return new, {"published": True, **timing, "total_seconds": round(time.perf_counter() - started, 2)}
