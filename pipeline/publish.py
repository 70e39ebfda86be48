"""Publish tables as a new warehouse version: lock, write, validate, switch, prune.

The order matters: the new version is complete, checksummed and validated before CURRENT moves (one
`os.replace`), so a failure at any step — an exception, a full disk, a `kill -9` — leaves the previous
version serving; a half-written version is never pointed at, and is removed (or, after a kill, cleaned up
by the next publish). Readers (the app, tests) resolve CURRENT once per request and key their caches on the
version name, so they pick up a publish without a restart. Pruning keeps the newest N versions and never
deletes the current one or the one it just replaced (a reader may still be opening it).

`publish_staged` builds a version from the staging area (pipeline/ingest.py): staged real rows replace
the demo (or earlier) rows for the same measure x commune x month, reconciliation aggregates and the
ingest log are added, and every other table of the current version (plans, forecasts, ...) is carried over.
"""
from __future__ import annotations

import fcntl
import shutil
import time
from contextlib import contextmanager
from datetime import datetime, timezone
from typing import Iterator

import duckdb
import pandas as pd
import pyarrow.parquet as pq

from store.paths import curated_dir
from store.versions import (VersionError, current_version, list_versions, read_manifest, switch_current,
                            verify_version, version_path, versions_dir, write_version)

KEEP_VERSIONS = 5
LOCK_NAME = ".publish.lock"


class PublishError(RuntimeError):
    """A new version failed its checks; the previous version is still serving."""


@contextmanager
def publish_lock(timeout: float = 600.0) -> Iterator[None]:
    """One publish at a time per warehouse (a file lock, released by the OS if the process dies)."""
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
                    raise PublishError("another publish is still running / một lần công bố khác đang chạy") from None
                time.sleep(0.2)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _clean_leftovers() -> list[str]:
    """Staging folders of publishes that were killed half-way (only called under the lock)."""
    root = versions_dir()
    if not root.exists():
        return []
    leftovers = [p for p in root.iterdir() if p.name.startswith(".staging-")]
    for p in leftovers:
        shutil.rmtree(p, ignore_errors=True)
    return [p.name for p in leftovers]


def _check_written(version: str, tables: dict[str, pd.DataFrame]) -> None:
    """The written version matches its manifest and what was meant to be written (rows and columns)."""
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
            raise PublishError(f"{version}: table {name} lost columns {set(frame.columns) - names}")


def _prune(keep: int, protect: set[str]) -> list[str]:
    keep = max(keep, 2)
    versions = list_versions()
    doomed = [v for v in versions[:-keep] if v not in protect]
    for version in doomed:
        shutil.rmtree(version_path(version), ignore_errors=True)
    return doomed


def publish(tables: dict[str, pd.DataFrame], label: str, meta: dict | None = None,
            keep: int = KEEP_VERSIONS) -> str:
    """Write `tables` as a new version, validate it, make it current, prune; returns the version name."""
    from pipeline.validate import validate_facts

    if "facts" in tables:
        validate_facts(tables["facts"])  # before anything is written: a bad table never becomes a version
    with publish_lock():
        _clean_leftovers()
        previous = current_version()
        version = write_version(tables, label, meta)
        try:
            _check_written(version, tables)
            switch_current(version)
        except BaseException:
            if current_version() != version:
                shutil.rmtree(version_path(version), ignore_errors=True)
            raise
        _prune(keep, {version, previous} - {None})
    return version


def rollback(version: str | None = None) -> str:
    """Serve an earlier (still kept) version again; by default the one before the current version."""
    with publish_lock():
        versions = list_versions()
        if version is None:
            current = current_version()
            older = [v for v in versions if current is None or v < current]
            if not older:
                raise VersionError("no earlier version is kept / không còn phiên bản cũ hơn")
            version = older[-1]
        if version not in versions:
            raise VersionError(f"version {version} is not kept; kept: {', '.join(versions) or '-'}")
        switch_current(version)
    return version


def current_tables() -> dict[str, pd.DataFrame]:
    """Every table of the current version (empty when nothing is published)."""
    version = current_version()
    if version is None:
        return {}
    manifest = read_manifest(version)
    return {name: pd.read_parquet(version_path(version) / entry["file"]) for name, entry in manifest["tables"].items()}


def publish_update(updates: dict[str, pd.DataFrame], label: str, meta: dict | None = None,
                   keep: int = KEEP_VERSIONS) -> str:
    """A new version = the current one with some tables replaced or added (e.g. forecasts)."""
    version = current_version()
    old_meta = {k: v for k, v in (read_manifest(version) if version else {}).items()
                if k not in ("version", "created_at", "tables")}
    tables = {**current_tables(), **updates}
    return publish(tables, label, {**old_meta, **(meta or {})}, keep)


def ensure_demo(end: str | None = None) -> str:
    """Build and publish the demo warehouse if nothing is published yet; returns the current version."""
    existing = current_version()
    if existing is not None:
        return existing
    return publish_demo(end)


def publish_demo(end: str | None = None) -> str:
    """Publish the deterministic demo warehouse (with any staged real data merged over it)."""
    from pipeline.demo_data import generate

    tables = generate(None if end is None else pd.Timestamp(end))
    return publish_with_staged(tables.facts, {"plans": tables.plans}, "demo", {"kind": "demo"})


def publish_staged(keep: int = KEEP_VERSIONS) -> str:
    """Publish the staged real data over the current version's facts (demo or earlier real data)."""
    base = current_tables()
    facts = base.pop("facts", None)
    if facts is None:
        facts = pd.DataFrame(columns=["measure", "commune_code", "sector", "period", "value", "se", "status",
                                      "source", "vintage", "provisional"])
    version = current_version()
    old_meta = {k: v for k, v in (read_manifest(version) if version else {}).items()
                if k not in ("version", "created_at", "tables")}
    return publish_with_staged(facts, base, "data", old_meta, keep)


def publish_with_staged(base_facts: pd.DataFrame, other: dict[str, pd.DataFrame], label: str, meta: dict,
                        keep: int = KEEP_VERSIONS) -> str:
    """facts = base overlaid with staged real data; plus reconciliation and ingest tables; then publish."""
    from pipeline.ingest import read_log, staged_files
    from pipeline.reconcile import reconcile

    real = staged_facts()
    facts = overlay(base_facts, real)
    from pipeline.freshness import coverage

    derived = ("reconciliation", "ingest_log", "quarantine_reasons", "coverage")
    tables = {"facts": facts, **{k: v for k, v in other.items() if k not in derived}}
    tables["coverage"] = coverage(facts)
    register, bhxh = staged_files("labour_register"), staged_files("bhxh_participants")
    if register and bhxh:
        tables["reconciliation"] = reconcile(register, bhxh)
    log = ingest_tables(read_log())
    tables.update(log)
    last = facts["period"].max()
    real_sources = sorted(real["source"].unique()) if len(real) else []
    meta = {**meta,
            "status": "mixed" if len(real) else meta.get("status", "demo"),
            "data_until": None if pd.isna(last) else pd.Timestamp(last).strftime("%Y-%m"),
            "real_rows": int(len(real)),
            "real_sources": real_sources}
    if meta.get("kind") == "demo" and len(real):
        meta["kind"] = "demo+real"
    return publish(tables, label, meta, keep)


# ---- staged data -> facts ------------------------------------------------------------------------------
def _batch_date_sql() -> str:
    return "strptime(substr(batch, 1, 15), '%Y%m%dT%H%M%S')"


def staged_facts() -> pd.DataFrame:
    """Facts rows (the warehouse schema) from every staged batch; the latest batch wins per key."""
    from pipeline.crosswalk import MAPPED_NOTE
    from pipeline.ingest import staged_files
    from pipeline.templates import TEMPLATES

    parts = []
    con = duckdb.connect(":memory:", config={"threads": 2})
    con.execute("SET enable_progress_bar = false")
    try:
        for template in TEMPLATES.values():
            files = staged_files(template.code)
            if not files or template.code == "labour_register":
                continue
            src = "read_parquet([" + ", ".join(f"'{f.as_posix()}'" for f in files) + "], union_by_name = true)"
            if template.level == "aggregate":
                key = ", ".join("orig_commune" if k == "commune" else k for k in template.key)
                sector = "sector" if "sector" in [f.key for f in template.fields] else "''"
                selects = []
                for col, measure in template.measures.items():
                    se = f"{col}_se" if any(f.se_of == col for f in template.fields) else "NULL"
                    selects.append(f"SELECT '{measure}' AS measure, commune, {sector} AS sector, period, {col} AS value, "
                                   f"{se} AS se, status, mapped, batch FROM latest WHERE {col} IS NOT NULL")
                sql = f"""
                WITH latest AS (SELECT * FROM {src} QUALIFY batch = max(batch) OVER (PARTITION BY {key}))
                SELECT measure, commune AS commune_code, sector, period, sum(value) AS value,
                       sqrt(sum(se * se)) AS se,
                       CASE max(CASE status WHEN 'official' THEN 0 WHEN 'preliminary' THEN 1 ELSE 2 END)
                            WHEN 0 THEN 'official' WHEN 1 THEN 'preliminary' ELSE 'estimate' END AS status,
                       bool_or(mapped) AS mapped, max({_batch_date_sql()}) AS vintage
                FROM ({' UNION ALL '.join(selects)}) GROUP BY ALL
                """
            else:  # BHXH participants -> the insurance measures
                sql = f"""
                WITH latest AS (SELECT * FROM {src} QUALIFY batch = max(batch) OVER (PARTITION BY pid, employer, period)),
                person AS (
                    SELECT pid, period, scheme,
                           arg_min(commune, (change NOT IN ('active', 'new', 'arrears'), employer)) AS commune,
                           arg_min(sector, (change NOT IN ('active', 'new', 'arrears'), employer)) AS sector,
                           bool_or(change IN ('active', 'new', 'arrears')) AS active,
                           bool_or(change = 'new') AS new, bool_and(change = 'left') AS left_,
                           bool_or(bhtn = 'yes' AND change IN ('active', 'new', 'arrears')) AS bhtn,
                           max({_batch_date_sql()}) AS vintage
                    FROM latest GROUP BY pid, period, scheme
                )
                SELECT 'bhxh_compulsory' AS measure, commune AS commune_code, sector, period, count(*) AS value,
                       max(vintage) AS vintage FROM person WHERE scheme = 'compulsory' AND active GROUP BY ALL
                UNION ALL SELECT 'bhxh_new', commune, sector, period, count(*), max(vintage) FROM person
                    WHERE scheme = 'compulsory' AND new GROUP BY ALL
                UNION ALL SELECT 'bhxh_lost', commune, sector, period, count(*), max(vintage) FROM person
                    WHERE scheme = 'compulsory' AND left_ GROUP BY ALL
                UNION ALL SELECT 'bhxh_voluntary', commune, '', period, count(*), max(vintage) FROM person
                    WHERE scheme = 'voluntary' AND active GROUP BY ALL
                UNION ALL SELECT 'bhtn', commune, '', period, count(*), max(vintage) FROM person
                    WHERE bhtn GROUP BY ALL
                """
                sql = (f"SELECT measure, commune_code, coalesce(sector, '') AS sector, period, value::DOUBLE AS value, "
                       f"NULL::DOUBLE AS se, 'official' AS status, false AS mapped, vintage FROM ({sql})")
            frame = con.sql(sql).df()
            frame["source"] = template.name_vi + frame["mapped"].map({True: f"; {MAPPED_NOTE}", False: ""})
            parts.append(frame)
    finally:
        con.close()
    if not parts:
        return _empty_facts()
    real = pd.concat(parts, ignore_index=True)
    real["provisional"] = real["status"].eq("preliminary")
    return _facts_types(real.drop(columns=["mapped"]))


def _empty_facts() -> pd.DataFrame:
    return _facts_types(pd.DataFrame({c: [] for c in ("measure", "commune_code", "sector", "period", "value", "se",
                                                      "status", "source", "vintage", "provisional")}))


def _facts_types(frame: pd.DataFrame) -> pd.DataFrame:
    out = pd.DataFrame({
        "measure": frame["measure"].astype("str"),
        "commune_code": frame["commune_code"].fillna("").astype("str"),
        "sector": frame["sector"].fillna("").astype("str"),
        "period": pd.to_datetime(frame["period"]).astype("datetime64[us]"),
        "value": frame["value"].astype(float),
        "se": frame["se"].astype(float),
        "status": frame["status"].astype("str"),
        "source": frame["source"].astype("str"),
        "vintage": pd.to_datetime(frame["vintage"]).astype("datetime64[us]"),
        "provisional": frame["provisional"].astype(bool),
    })
    return out.reset_index(drop=True)


def overlay(base: pd.DataFrame, real: pd.DataFrame) -> pd.DataFrame:
    """`base` with every measure x commune x month that `real` has replaced by `real`'s rows (all sectors)."""
    if real.empty:
        return base.reset_index(drop=True)
    keys = ["measure", "commune_code", "period"]
    base = _facts_types(base) if len(base) else _empty_facts()
    covered = real[keys].drop_duplicates()
    marker = base[keys].merge(covered.assign(_hit=True), on=keys, how="left")["_hit"].fillna(False).to_numpy(dtype=bool)
    merged = pd.concat([base.loc[~marker], real], ignore_index=True)
    return merged.sort_values(["measure", "period", "commune_code", "sector"], ignore_index=True)


def ingest_tables(log: list[dict]) -> dict[str, pd.DataFrame]:
    """The ingest log and its quarantine reasons as tables the Data page reads from the version."""
    from pipeline.validate import reason_label

    columns = ["batch", "file", "template", "status", "rows_in", "accepted", "quarantined", "blank_rows", "read_as",
               "period_min", "period_max", "ingested_at", "seconds", "message_vi", "message_en"]
    rows, reasons = [], []
    for rec in log:
        rows.append({c: rec.get(c) for c in columns})
        for code, n in (rec.get("reasons") or {}).items():
            reasons.append({"batch": rec.get("batch") or "", "file": rec.get("file"), "template": rec.get("template") or "",
                            "reason": code, "label_vi": reason_label(code, "vi"), "label_en": reason_label(code, "en"),
                            "rows": int(n)})
    log_frame = pd.DataFrame(rows, columns=columns)
    for c in ("rows_in", "accepted", "quarantined", "blank_rows"):
        log_frame[c] = log_frame[c].fillna(0).astype("int64")
    log_frame["seconds"] = log_frame["seconds"].astype(float)
    for c in set(columns) - {"rows_in", "accepted", "quarantined", "blank_rows", "seconds"}:
        log_frame[c] = log_frame[c].fillna("").astype("str")
    reason_frame = pd.DataFrame(reasons, columns=["batch", "file", "template", "reason", "label_vi", "label_en", "rows"])
    reason_frame["rows"] = reason_frame["rows"].astype("int64")
    return {"ingest_log": log_frame, "quarantine_reasons": reason_frame.astype({c: "str" for c in reason_frame.columns
                                                                                 if c != "rows"})}


def status_report() -> dict:
    """What `python -m cli status` prints: versions, the current one, what is staged."""
    from pipeline.ingest import read_log

    current = current_version()
    versions = []
    for version in list_versions():
        try:
            manifest = read_manifest(version)
        except VersionError:
            continue
        versions.append({"version": version, "current": version == current, "created_at": manifest.get("created_at"),
                         "kind": manifest.get("kind"), "data_until": manifest.get("data_until"),
                         "rows": {k: v["rows"] for k, v in manifest["tables"].items()}})
    log = read_log()
    return {"current": current, "versions": versions, "ingested_files": len(log),
            "last_ingest": log[-1]["ingested_at"] if log else None,
            "checked_at": datetime.now(timezone.utc).isoformat(timespec="seconds")}

