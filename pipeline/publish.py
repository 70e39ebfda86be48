"""Publish tables as a new warehouse version: write, verify, switch, prune.

The order matters: the new version is complete and checked before CURRENT moves, so a failure at any
step leaves the previous version serving.
"""
from __future__ import annotations

import pandas as pd

from store.versions import current_version, prune_versions, switch_current, verify_version, write_version

KEEP_VERSIONS = 5


def publish(tables: dict[str, pd.DataFrame], label: str, meta: dict | None = None,
            keep: int = KEEP_VERSIONS) -> str:
    """Write `tables` as a new version and make it current; returns the version name."""
    version = write_version(tables, label, meta)
    verify_version(version)
    switch_current(version)
    prune_versions(keep)
    return version


def rollback(version: str) -> str:
    """Serve an earlier (still kept) version again."""
    switch_current(version)
    return version


def ensure_demo(end: str | None = None) -> str:
    """Build and publish the demo warehouse if nothing is published yet; returns the current version."""
    existing = current_version()
    if existing is not None:
        return existing
    return publish_demo(end)


def publish_demo(end: str | None = None) -> str:
    from pipeline.demo_data import generate

    tables = generate(None if end is None else pd.Timestamp(end))
    last = tables.facts["period"].max()
    meta = {"kind": "demo", "status": "demo", "data_until": last.strftime("%Y-%m")}
    return publish({"facts": tables.facts, "plans": tables.plans}, "demo", meta)
