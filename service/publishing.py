"""Every way a version is published, with its forecasts and verdicts derived for it in the same transaction.

The pipeline builds versions but may not know the verdict engine (pipeline imports only store/ and i18n/),
so the `derive` hook of the publish transaction (`store.versions.publish_version`) is attached here, once:
every entry point below passes `indicators.verdicts.derive_hook`, which derives the tables from the new,
not yet served, version's own data before the switch. The command line (`python -m cli demo | publish |
ingest --publish | forecast | rollback`), `./run.sh` (through the command line), the benchmarks and the
test suite's demo warehouse all publish through these functions, so a served version always carries the
verdicts and forecasts of its own data, and no user sees a verdict change unless the data do.

A version published some other way (before this step existed, or by a caller of `pipeline.publish`
directly) is still read correctly: readers derive the same tables once with the same deterministic code
(`indicators.verdicts.version_tables`); `publish_derived` stores them with it.
"""
from __future__ import annotations

import time

from indicators.verdicts import derive_hook, stored
from indicators.warehouse import NoDataError
from pipeline import publish as pipeline_publish
from store.versions import KEEP_VERSIONS, current_version, read_manifest

__all__ = ["ensure_demo", "publish_demo", "publish_derived", "publish_staged", "rollback"]


def publish_demo(end: str | None = None) -> str:
    """Publish the deterministic demo warehouse (staged real data merged over it) with its verdicts."""
    return pipeline_publish.publish_demo(end, derive=derive_hook)


def ensure_demo(end: str | None = None) -> str:
    """The served version; the demo with its verdicts is published first when nothing is served yet."""
    return pipeline_publish.ensure_demo(end, derive=derive_hook)


def publish_staged(keep: int = KEEP_VERSIONS) -> str:
    """Publish the staged real data over the served version's facts, with the verdicts of the result."""
    return pipeline_publish.publish_staged(keep=keep, derive=derive_hook)


def rollback(version: str | None = None) -> str:
    """Serve a kept version again. Nothing is derived: a version is immutable once served and already has
    the tables made for its own data (stamped with its name), or, when published without them, readers
    derive them from its data on first use; stale tables carried over from another version are never read."""
    return pipeline_publish.rollback(version)


def publish_derived(version: str | None = None) -> tuple[str, dict]:
    """Publish the served version's data again with its derived tables (`python -m cli forecast`, for a
    version published without them), through the same hook so they are derived for the new version itself.

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
    new = pipeline_publish.publish_update({}, f"{kind}-verdicts", {"derived": {"from_version": version}},
                                          derive=derive)
    return new, {"published": True, **timing, "total_seconds": round(time.perf_counter() - started, 2)}
