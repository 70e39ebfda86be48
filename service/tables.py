"""The version's own tables (ingest log, quarantine reasons, coverage, reconciliation, facts, plans), the
catalogue's methodology, data freshness and the raw-data templates: the Data page and its downloads."""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from indicators.area import BadRequest
from service.core import Protection, question
from service.policies import drop_others, signed_in
from service.protection import FACTS, NO_PEOPLE, RECONCILIATION
from store.catalogue import load_catalogue
from store.versions import read_manifest, version_path

DERIVED_TABLES = ("methodology", "freshness")
LIGHT_FIRST = ("methodology", "freshness", "coverage", "ingest_log", "quarantine_reasons", "completeness",
               "reconciliation", "plans", "facts")


@dataclass(frozen=True)
class VersionInfo:
    """What a user may know of the served version: its name, when it was published, what it holds."""

    version: str
    created_at: pd.Timestamp
    data_until: pd.Timestamp | None
    kind: str | None
    real_rows: int
    real_sources: tuple[str, ...]
    tables: tuple[str, ...]
    rows_read: int = 0


def _table(version: str, name: str) -> pd.DataFrame | None:
    entry = read_manifest(version)["tables"].get(name)
    return None if entry is None else pd.read_parquet(version_path(version) / entry["file"])


@question("version_info", authorize=(signed_in,), protect=NO_PEOPLE)
def version_info(version: str) -> VersionInfo:
    """The served version's name, publication time, last month, kind and how many real rows it holds."""
    manifest = read_manifest(version)
    until = manifest.get("data_until")
    return VersionInfo(version, pd.Timestamp(manifest["created_at"]),
                       pd.Timestamp(until + "-01") if until else None, manifest.get("kind"),
                       int(manifest.get("real_rows", 0) or 0), tuple(manifest.get("real_sources", []) or ()),
                       tuple(manifest["tables"]))


@dataclass(frozen=True)
class IngestSummary:
    """The ingest log (one row per file) and the quarantine reasons (per file and reason): about files
    and rows, never people, so every signed-in user may read them."""

    log: pd.DataFrame
    reasons: pd.DataFrame

    @property
    def rows_read(self) -> int:
        return len(self.log)


@question("ingest_summary", authorize=(signed_in,), protect=NO_PEOPLE)
def ingest_summary(version: str) -> IngestSummary:
    """The version's ingest log and quarantine reasons (empty tables for a demo-only version)."""
    from pipeline.publish import ingest_tables

    empty = ingest_tables([])
    log, reasons = _table(version, "ingest_log"), _table(version, "quarantine_reasons")
    return IngestSummary(empty["ingest_log"] if log is None else log,
                         empty["quarantine_reasons"] if reasons is None else reasons)


def _freshness(version: str, today: pd.Timestamp) -> pd.DataFrame:
    from pipeline.freshness import coverage, freshness as late

    cover = _table(version, "coverage")
    if cover is None:  # a version published before versions carried their coverage table
        cover = coverage(_table(version, "facts"))
    return late(cover, load_catalogue(), pd.Timestamp(today).normalize())


@question("freshness", authorize=(signed_in,), protect=NO_PEOPLE, maxsize=16)
def freshness(version: str, today: pd.Timestamp) -> pd.DataFrame:
    """Per indicator: latest period, the period its source's cadence promises by `today`, how late."""
    return _freshness(version, today)


def _city_reconciliation(version: str) -> pd.DataFrame | None:
    frame = _table(version, "reconciliation")
    if frame is None or frame.empty:
        return None
    counts = [c for c in frame.columns if c not in ("period", "commune_code", "sector")]
    city = frame.groupby("period", as_index=False)[counts].sum()
    city["commune_code"], city["sector"] = "", ""
    return city


@question("reconciliation_city", authorize=(signed_in,), protect=RECONCILIATION,
          rows=lambda frame: 0 if frame is None else len(frame))
def reconciliation_city(version: str) -> pd.DataFrame | None:
    """City totals of the register–BHXH reconciliation per month (aggregates: every signed-in user)."""
    return _city_reconciliation(version)


def methodology_table(lang: str) -> pd.DataFrame:
    """Every indicator's definition, numerator, denominator, source agency, the report forms its data comes
    from (lineage, from the template declarations), frequency and caveats."""
    from i18n.strings import t
    from store.templates import templates_for_measure

    cat = load_catalogue()

    def names(measures: tuple[str, ...]) -> str:
        return "; ".join(cat.measures[m].name_en if lang == "en" else cat.measures[m].name_vi for m in measures)

    rows = []
    for ind in cat.indicators:
        rows.append({
            "code": ind.code, "section": ind.section, "indicator": ind.name(lang), "definition": ind.definition(lang),
            "numerator": names(ind.numerator), "denominator": names(ind.denominator) or t("dp_no_denominator", lang),
            "unit": ind.unit_label(lang), "agency": ind.agency,
            "source": "; ".join(dict.fromkeys(cat.sources[cat.measures[m].source].name_en if lang == "en" else
                                              cat.sources[cat.measures[m].source].name_vi for m in ind.numerator)),
            "frequency": t(f"dp_freq_{ind.frequency}", lang), "lowest_geography": t(f"dp_geo_{ind.lowest_geography}", lang),
            "caveats": (ind.caveats_en if lang == "en" else ind.caveats_vi) or t("dp_no_caveats", lang),
            "plan_reference": ind.source_plan,
            "templates": "; ".join(dict.fromkeys(tpl.name(lang) for m in ind.measures for tpl in templates_for_measure(m)))
            or t("dp_no_template", lang),
        })
    return pd.DataFrame(rows)


@question("methodology", authorize=(signed_in,), protect=NO_PEOPLE, maxsize=4)
def methodology(version: str, lang: str = "vi") -> pd.DataFrame:
    """The catalogue's methodology table in one language."""
    return methodology_table(lang)


def _downloadable(version: str) -> list[str]:
    present = list(read_manifest(version)["tables"]) + list(DERIVED_TABLES)
    return [n for n in LIGHT_FIRST if n in present] + [n for n in present if n not in LIGHT_FIRST]


@question("downloadable_tables", authorize=(signed_in,), protect=NO_PEOPLE)
def downloadable_tables(version: str) -> list[str]:
    """Every table of the version plus the derived methodology and freshness tables, light ones first."""
    return _downloadable(version)


@question("table_years", authorize=(signed_in,), protect=NO_PEOPLE)
def table_years(version: str) -> list[int]:
    """Years present in the facts (newest first), for slicing the facts download."""
    entry = read_manifest(version)["tables"]["facts"]
    periods = pd.read_parquet(version_path(version) / entry["file"], columns=["period"])["period"]
    return sorted(periods.dt.year.unique().tolist(), reverse=True)


def _table_rows(version: str, table: str, measure: str | None, year: int | None, lang: str,
                today: pd.Timestamp) -> pd.DataFrame:
    if table not in _downloadable(version):
        raise BadRequest(f"Không có bảng «{str(table)[:40]}».", f"No table «{str(table)[:40]}».",
                         ", ".join(_downloadable(version)))
    if table == "methodology":
        return methodology_table(lang)
    if table == "freshness":
        return _freshness(version, today)
    if table == "facts":
        entry = read_manifest(version)["tables"]["facts"]
        filters = [("measure", "==", measure)] if measure else []
        if year is not None:
            filters += [("period", ">=", pd.Timestamp(year, 1, 1)), ("period", "<", pd.Timestamp(year + 1, 1, 1))]
        return pd.read_parquet(version_path(version) / entry["file"], filters=filters or None)
    return _table(version, table)


def _protect_table(frame: pd.DataFrame, params: dict) -> pd.DataFrame:
    table = params["table"]
    if table == "facts":
        return FACTS.apply(frame, params)
    if table == "reconciliation":
        return RECONCILIATION.apply(frame, params)
    return frame


VERSION_TABLE = Protection("version_table", _protect_table, "Facts and reconciliation protected as in their own "
                           "protections; the other tables hold no figure about people.")


@question("version_table", authorize=(signed_in,), narrow=drop_others("commune_code", "geo"), maxsize=32,
          protect=VERSION_TABLE)
def version_table(version: str, table: str, measure: str | None = None, year: int | None = None, lang: str = "vi",
          today: pd.Timestamp | None = None) -> pd.DataFrame:
    """A table of the version as it may be taken away: small counts protected over every commune first,
    then the rows of communes the caller may not see dropped (city rows stay)."""
    today = pd.Timestamp.today().normalize() if today is None else pd.Timestamp(today).normalize()
    return _table_rows(version, table, measure, year, lang, today)
