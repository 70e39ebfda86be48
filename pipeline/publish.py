"""Publishing entry points: what goes into a new warehouse version, built under the publish transaction.

The transaction itself (lock, fsynced writes, verification, the `derive` hook, the atomic switch,
pruning, never-served leftovers) is `store.versions.publish_version`; every entry point here hands it a
`build(base)` function that reads the served version *inside* the lock, so two concurrent publishes are
serialisable: the second builds on the first, and a success that was reported is never undone. Each
entry point takes `derive` and passes it on (called with the new version's name before the switch; its
tables are added to the version). Readers key their caches on the version name, so they pick up a
publish without a restart.

`publish_staged` builds a version from the staging area (pipeline/ingest.py): staged real rows replace
the demo (or earlier) rows for the same measure x commune x month, reconciliation aggregates and the
ingest log are added, and every other table of the current version (plans, forecasts, ...) is carried over.
"""
from __future__ import annotations

from datetime import datetime, timezone

import duckdb
import pandas as pd

from store.versions import (KEEP_VERSIONS, Derive, Draft, PublishError, VersionError, current_version,  # noqa: F401
                            list_versions, publish_version, read_manifest, served_version, switch_version,
                            unserved_versions, verify_version, version_path)

__all__ = ["KEEP_VERSIONS", "PublishError", "publish", "publish_update", "publish_demo", "ensure_demo",
           "publish_staged", "rollback", "current_tables", "status_report"]


def _check_facts(tables: dict[str, pd.DataFrame]) -> None:
    """A bad facts table never becomes a version (checked under the lock, before anything is written)."""
    from pipeline.validate import validate_facts

    if "facts" in tables:
        validate_facts(tables["facts"])


def _carried_meta(version: str | None) -> dict:
    """The manifest fields of `version` a new version inherits (kind, status, ...), not its identity."""
    if version is None:
        return {}
    return {k: v for k, v in read_manifest(version).items() if k not in ("version", "created_at", "tables", "format")}


def tables_of(version: str | None) -> dict[str, pd.DataFrame]:
    """Every table of a version (empty for None)."""
    if version is None:
        return {}
    manifest = read_manifest(version)
    return {name: pd.read_parquet(version_path(version) / entry["file"]) for name, entry in manifest["tables"].items()}


def publish(tables: dict[str, pd.DataFrame], label: str, meta: dict | None = None,
            keep: int = KEEP_VERSIONS, derive: Derive | None = None) -> str:
    """Write `tables` as a new version, validate it, make it current, prune; returns the version name."""
    _check_facts(tables)  # early, so a bad table fails before waiting for the lock; checked again under it
    return publish_version(lambda base: Draft(tables, dict(meta or {})), label, keep=keep, derive=derive,
                           check=_check_facts)


def rollback(version: str | None = None, derive: Derive | None = None) -> str:
    """Serve an earlier (still kept, valid) version again; by default the one before the served version."""
    return switch_version(version, derive=derive)


def current_tables() -> dict[str, pd.DataFrame]:
    """Every table of the served version (empty when nothing is published)."""
    return tables_of(served_version().name)


def publish_update(updates: dict[str, pd.DataFrame], label: str, meta: dict | None = None,
                   keep: int = KEEP_VERSIONS, derive: Derive | None = None) -> str:
    """A new version = the served one with some tables replaced or added (e.g. forecasts).

    The served version is read under the publish lock, so an update never drops what a concurrent
    publish just added.
    """
    def build(base: str | None) -> Draft:
        return Draft({**tables_of(base), **updates}, {**_carried_meta(base), **(meta or {})})

    return publish_version(build, label, keep=keep, derive=derive, check=_check_facts)


def ensure_demo(end: str | None = None, derive: Derive | None = None) -> str:
    """Build and publish the demo warehouse if nothing is published yet; returns the served version."""
    existing = served_version().name
    if existing is not None:
        return existing
    return publish_demo(end, derive=derive, only_if_empty=True)


def publish_demo(end: str | None = None, derive: Derive | None = None, only_if_empty: bool = False) -> str:
    """Publish the deterministic demo warehouse (with any staged real data merged over it).

    The demo facts are generated before the lock (they do not depend on what is served); the staged data
    is read under it. With `only_if_empty`, a version published meanwhile by someone else wins.
    """
    from pipeline.demo_data import generate

    tables = generate(None if end is None else pd.Timestamp(end))

    def build(base: str | None) -> Draft:
        if only_if_empty and base is not None:
            raise _AlreadyPublished(base)
        return staged_draft(tables.facts, {"plans": tables.plans, **tables.extra}, {"kind": "demo"})

    try:
        return publish_version(build, "demo", derive=derive, check=_check_facts)
    except _AlreadyPublished as done:
        return done.version


class _AlreadyPublished(Exception):
    def __init__(self, version: str) -> None:
        super().__init__(version)
        self.version = version


def publish_staged(keep: int = KEEP_VERSIONS, derive: Derive | None = None) -> str:
    """Publish the staged real data over the served version's facts (demo or earlier real data).

    Everything is read under the publish lock: the served version, the staged files and the ingest log.
    """
    def build(base: str | None) -> Draft:
        other = tables_of(base)
        facts = other.pop("facts", None)
        if facts is None:
            facts = _empty_facts()
        return staged_draft(facts, other, _carried_meta(base))

    return publish_version(build, "data", keep=keep, derive=derive, check=_check_facts)


def staged_draft(base_facts: pd.DataFrame, other: dict[str, pd.DataFrame], meta: dict) -> Draft:
    """facts = base overlaid with staged real data; plus reconciliation, completeness and ingest tables.

    One snapshot of the staging area: the ingest log is read first, and only batches it lists are used,
    so a file being ingested meanwhile is either wholly in this version (facts and log) or wholly not.
    Completeness likewise: the reports of every listed batch, real reports replacing the demo's for each
    form and period they cover.
    """
    from pipeline.completeness import expected_reports, overlay_completeness, staged_receipts
    from pipeline.crosswalk import new_codes
    from pipeline.freshness import coverage
    from pipeline.ingest import read_log, staged_files
    from pipeline.reconcile import reconcile
    from store.templates import load_templates

    log = read_log()
    batches = {r.get("batch") for r in log if r.get("status") in ("ingested", "partial") and r.get("batch")}
    real = staged_facts(batches)
    facts = overlay(base_facts, real)
    derived = ("reconciliation", "ingest_log", "quarantine_reasons", "coverage", "completeness")
    tables = {"facts": facts, **{k: v for k, v in other.items() if k not in derived}}
    tables["coverage"] = coverage(facts)
    templates = load_templates()
    received = expected_reports(staged_receipts(log, templates, staged_files), templates, pd.Timestamp.now(), "real",
                                new_codes())
    tables["completeness"] = overlay_completeness(other.get("completeness"), received)
    register = [f for f in staged_files("labour_register") if f.stem in batches]
    bhxh = [f for f in staged_files("bhxh_participants") if f.stem in batches]
    if register and bhxh:
        tables["reconciliation"] = reconcile(register, bhxh)
    tables.update(ingest_tables(log))
    last = facts["period"].max()
    real_sources = sorted(real["source"].unique()) if len(real) else []
    meta = {**meta,
            "status": "mixed" if len(real) else meta.get("status", "demo"),
            "data_until": None if pd.isna(last) else pd.Timestamp(last).strftime("%Y-%m"),
            "real_rows": int(len(real)),
            "real_sources": real_sources}
    if meta.get("kind") == "demo" and len(real):
        meta["kind"] = "demo+real"
    return Draft(tables, meta)


# ---- staged data -> facts ------------------------------------------------------------------------------
def _batch_date_sql() -> str:
    return "strptime(substr(batch, 1, 15), '%Y%m%dT%H%M%S')"


def staged_facts(batches: set[str] | None = None) -> pd.DataFrame:
    """Facts rows (the warehouse schema) from every staged batch (or only `batches`); the latest batch wins
    per key."""
    from pipeline.crosswalk import MAPPED_NOTE
    from pipeline.ingest import staged_files
    from store.templates import load_templates

    parts = []
    con = duckdb.connect(":memory:", config={"threads": 2})
    con.execute("SET enable_progress_bar = false")
    try:
        for template in load_templates().values():
            files = [f for f in staged_files(template.code) if batches is None or f.stem in batches]
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
                counted = template.reporting.count_as
                if counted is not None:  # the reporting units of each commune and period (one row each)
                    selects.append(f"SELECT '{counted.key}' AS measure, commune, '' AS sector, period, "
                                   f"count(DISTINCT {template.reporting.unit})::DOUBLE AS value, NULL AS se, "
                                   f"max(status) AS status, bool_or(mapped) AS mapped, max(batch) AS batch "
                                   f"FROM latest GROUP BY commune, period")
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
        confirmed = rec.get("outliers_confirmed") or {}
        rows.append({**{c: rec.get(c) for c in columns}, "outliers_confirmed": confirmed.get("rows", 0),
                     "confirmation_reason": confirmed.get("reason", "")})
        for code, n in (rec.get("reasons") or {}).items():
            reasons.append({"batch": rec.get("batch") or "", "file": rec.get("file"), "template": rec.get("template") or "",
                            "reason": code, "label_vi": reason_label(code, "vi"), "label_en": reason_label(code, "en"),
                            "rows": int(n)})
    counts = ("rows_in", "accepted", "quarantined", "blank_rows", "outliers_confirmed")
    columns += ["outliers_confirmed", "confirmation_reason"]
    log_frame = pd.DataFrame(rows, columns=columns)
    for c in counts:
        log_frame[c] = log_frame[c].fillna(0).astype("int64")
    log_frame["seconds"] = log_frame["seconds"].astype(float)
    for c in set(columns) - {*counts, "seconds"}:
        log_frame[c] = log_frame[c].fillna("").astype("str")
    reason_frame = pd.DataFrame(reasons, columns=["batch", "file", "template", "reason", "label_vi", "label_en", "rows"])
    reason_frame["rows"] = reason_frame["rows"].astype("int64")
    return {"ingest_log": log_frame, "quarantine_reasons": reason_frame.astype({c: "str" for c in reason_frame.columns
                                                                                 if c != "rows"})}


def status_report() -> dict:
    """What `python -m cli status` prints: every kept version checked (manifest, sizes, checksums, row
    counts), the served one, never-served leftovers, and what is staged. Never raises on a damaged version."""
    from pipeline.ingest import read_log
    current = current_version()
    served = served_version(full=True)
    unserved = set(unserved_versions())
    names = sorted(set(list_versions()) | unserved | ({current} if current else set()))
    versions = []
    for version in names:
        entry: dict = {"version": version, "current": version == current, "served": version == served.name,
                       "never_served": version in unserved, "problem": None, "created_at": None, "kind": None,
                       "data_until": None, "rows": {}}
        try:
            manifest = verify_version(version, rows=True)
        except VersionError as exc:
            entry["problem"] = str(exc) if version_path(version).is_dir() else f"version {version} is missing"
            try:
                manifest = read_manifest(version)
            except VersionError:
                manifest = None
        if manifest is not None:
            entry.update(created_at=manifest.get("created_at"), kind=manifest.get("kind"),
                         data_until=manifest.get("data_until"),
                         rows={k: v.get("rows") for k, v in manifest["tables"].items()})
        versions.append(entry)
    log = read_log()
    damaged = [v["version"] for v in versions if v["problem"]]
    return {"current": current, "served": served.name, "served_problem_vi": served.problem_vi,
            "served_problem_en": served.problem_en, "versions": versions, "damaged": damaged,
            "never_served": sorted(unserved), "ok": not damaged and served.ok,
            "ingested_files": len(log), "last_ingest": log[-1]["ingested_at"] if log else None,
            "checked_at": datetime.now(timezone.utc).isoformat(timespec="seconds")}
