"""Cached data access for pages: every cache is keyed on the published version.

A publish switches the version, so the next rerun reads the new data without a restart; old cache
entries simply stop being asked for.
"""
from __future__ import annotations

import pandas as pd
import streamlit as st

from service.access import Principal, authorize_geo, authorize_scope, drop_hidden_rows, mask_communes
from indicators.queries import Scope, shown_kpi_frame
from indicators.scorecard import ScoreRow, build_scorecard
from indicators.warehouse import Warehouse, open_warehouse
from store.versions import current_version
from ui import audit
from ui.auth import current_principal


def version() -> str | None:
    """The version being served now (a small file read, done on every rerun)."""
    return current_version()


@st.cache_resource(max_entries=2, show_spinner=False)
def _warehouse(version_name: str) -> Warehouse:
    return open_warehouse(version_name)


def warehouse(version_name: str) -> Warehouse:
    return _warehouse(version_name)


# --- access: every accessor reads as a principal (issue 6) ---
# Each public accessor authorizes its scope for `principal` (default: this session's user, see ui/auth.py)
# before the cached query runs, and notes the read in the audit trail. Caches are keyed on the authorized
# scope, so one user's cached answer can never be a wider one than another user may see.


def _who(principal: Principal | None) -> Principal:
    return principal if principal is not None else current_principal()


@st.cache_data(max_entries=512, show_spinner=False)
def _scorecard(version_name: str, scope: Scope, grain: str, until: pd.Timestamp | None, geo: str) -> list[ScoreRow]:
    return build_scorecard(warehouse(version_name), scope, grain, until, geo)


def scorecard(version_name: str, scope: Scope, grain: str, until: pd.Timestamp | None, geo: str, *,
              principal: Principal | None = None) -> list[ScoreRow]:
    """Every KPI for a scope the principal may read (AccessDenied otherwise); `geo` picks the targets."""
    who = _who(principal)
    scope, geo = authorize_scope(who, scope), authorize_geo(who, geo)
    rows = _scorecard(version_name, scope, grain, until, geo)
    audit.note_read("scorecard", {"scope": scope, "grain": grain, "until": until, "geo": geo},
                    sum(r.has_data for r in rows))
    return rows


@st.cache_data(max_entries=512, show_spinner=False)
def _kpis(version_name: str, codes: tuple[str, ...], scope: Scope, grain: str, start: pd.Timestamp | None,
          end: pd.Timestamp | None, by_commune: bool) -> pd.DataFrame:
    return shown_kpi_frame(warehouse(version_name), codes, scope, grain, start, end, by_commune)


def kpis(version_name: str, codes: tuple[str, ...], scope: Scope, grain: str,
         start: pd.Timestamp | None = None, end: pd.Timestamp | None = None, by_commune: bool = False, *,
         principal: Principal | None = None) -> pd.DataFrame:
    """KPI values per period (per commune when `by_commune`: narrowed to what the principal may see)."""
    who = _who(principal)
    allowed = authorize_scope(who, scope, by_commune)
    frame = _kpis(version_name, tuple(codes), allowed, grain, start, end, by_commune)
    frame = drop_hidden_rows(who, frame) if by_commune else frame
    audit.note_read("kpis", {"codes": codes, "scope": allowed, "grain": grain, "start": start, "end": end,
                             "by_commune": by_commune}, len(frame))
    return frame


# --- sectors & supply-demand (issue 7) ---
# Same pattern as above: authorize the scope for the principal (per-commune frames: narrowed to what they
# may see, refused for the public), then the cached read keyed on the version, then the audit note. Every
# frame comes back with small counts of people suppressed (indicators/suppression.py via indicators/sectors.py).
from dataclasses import replace as _replace  # noqa: E402  (kept with its accessors: an additive block)

from indicators import sectors as _sectors  # noqa: E402


@st.cache_data(max_entries=256, show_spinner=False)
def _sector_figures(version_name: str, scope: Scope, start: pd.Timestamp, end: pd.Timestamp) -> _sectors.SectorFigures:
    return _sectors.sector_figures(warehouse(version_name), scope, start, end)


def sector_figures(version_name: str, scope: Scope, start: pd.Timestamp, end: pd.Timestamp, *,
                   principal: Principal | None = None) -> _sectors.SectorFigures:
    """Per-sector employment, BHXH stock and flows, coverage, demand and supply of a scope, and totals."""
    allowed = authorize_scope(_who(principal), scope)
    figures = _sector_figures(version_name, allowed, start, end)
    audit.note_read("sector_figures", {"scope": allowed, "start": start, "end": end}, len(figures.table))
    return figures


@st.cache_data(max_entries=256, show_spinner=False)
def _sector_data_status(version_name: str, scope: Scope, start: pd.Timestamp, end: pd.Timestamp) -> str | None:
    return _sectors.data_status(warehouse(version_name), scope, start, end)


def sector_data_status(version_name: str, scope: Scope, start: pd.Timestamp, end: pd.Timestamp, *,
                       principal: Principal | None = None) -> str | None:
    """The weakest data status behind the sector figures of a scope ('demo' for demonstration data)."""
    return _sector_data_status(version_name, authorize_scope(_who(principal), scope), start, end)


@st.cache_data(max_entries=256, show_spinner=False)
def _sector_matrix(version_name: str, measure: str, scope: Scope, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    matrix = _sectors.sector_commune_matrix(warehouse(version_name), measure, scope, start, end)
    return _sectors.protect_matrix(matrix, measure)


def sector_matrix(version_name: str, measure: str, scope: Scope, start: pd.Timestamp, end: pd.Timestamp, *,
                  principal: Principal | None = None) -> pd.DataFrame:
    """One measure per commune x sector (the heat map); AccessDenied for an account without commune detail."""
    allowed = authorize_scope(_who(principal), scope, by_commune=True)
    frame = _sector_matrix(version_name, measure, allowed, start, end)
    audit.note_read("sector_matrix", {"measure": measure, "scope": allowed, "start": start, "end": end}, len(frame))
    return frame


@st.cache_data(max_entries=256, show_spinner=False)
def _sector_demand_by_commune(version_name: str, sectors: tuple[str, ...], start: pd.Timestamp | None,
                              end: pd.Timestamp | None, communes: tuple[str, ...] | None) -> pd.DataFrame:
    frame = _sectors.sector_demand_by_commune(warehouse(version_name), sectors, start, end, communes=communes)
    return _sectors.protect_demand(frame)


def sector_demand_by_commune(version_name: str, sectors: tuple[str, ...], start: pd.Timestamp | None,
                             end: pd.Timestamp | None, *, principal: Principal | None = None) -> pd.DataFrame:
    """Vacancies, seekers, ratio and share of the city per commune for some sectors (Sectors and Map pages)."""
    allowed = authorize_scope(_who(principal), Scope(sectors=tuple(sectors) or None), by_commune=True)
    frame = _sector_demand_by_commune(version_name, tuple(sectors), start, end, allowed.communes)
    audit.note_read("sector_demand_by_commune", {"sectors": sectors, "start": start, "end": end,
                                                 "communes": allowed.communes}, len(frame))
    return frame


@st.cache_data(max_entries=64, show_spinner=False)
def _sector_forecast(version_name: str, scope: Scope, until: pd.Timestamp) -> dict[str, _sectors.MonthlyForecast | None]:
    result = _sectors.demand_supply_forecast(warehouse(version_name), scope, until)
    return {m: None if fc is None else _replace(fc, frame=_sectors.protect_history(fc.frame, m))
            for m, fc in result.items()}


def sector_forecast(version_name: str, scope: Scope, until: pd.Timestamp, *,
                    principal: Principal | None = None) -> dict[str, _sectors.MonthlyForecast | None]:
    """12-month forecasts of vacancies and job seekers of a scope's sectors (the KPIs' forecasting module)."""
    allowed = authorize_scope(_who(principal), scope)
    result = _sector_forecast(version_name, allowed, until)
    audit.note_read("sector_forecast", {"scope": allowed, "until": until}, sum(f is not None for f in result.values()))
    return result


@st.cache_data(max_entries=512, show_spinner=False)
def _commune_values(version_name: str, code: str, grain: str, until: pd.Timestamp,
                    sectors: tuple[str, ...] = ()) -> pd.DataFrame:
    from indicators.commune_values import values_by_commune

    return values_by_commune(warehouse(version_name), code, grain, until, sectors or None)


def commune_values(version_name: str, code: str, grain: str, until: pd.Timestamp,
                   sectors: tuple[str, ...] = (), *, principal: Principal | None = None) -> pd.DataFrame:
    """One indicator for all 126 communes in one period (map, ranking, profile ranks); the figures of
    communes the principal may not see are masked (their rows stay, so the map keeps its outline)."""
    frame = mask_communes(_who(principal), _commune_values(version_name, code, grain, until, tuple(sectors)))
    audit.note_read("commune_values", {"indicator": code, "grain": grain, "until": until, "sectors": sectors},
                    int(frame["value"].notna().sum()))
    return frame


@st.cache_data(max_entries=256, show_spinner=False)
def _all_commune_values(version_name: str, grain: str, until: pd.Timestamp, sectors: tuple[str, ...] = ()) -> pd.DataFrame:
    from indicators.commune_values import all_values_by_commune

    wh = warehouse(version_name)
    return all_values_by_commune(wh, list(wh.catalogue.codes), grain, until, sectors or None)


def all_commune_values(version_name: str, grain: str, until: pd.Timestamp, sectors: tuple[str, ...] = (), *,
                       principal: Principal | None = None) -> pd.DataFrame:
    """Every indicator for all 126 communes in one period (ranks and peer medians of the profile);
    communes the principal may not see are masked."""
    frame = _all_commune_values(version_name, grain, until, tuple(sectors))
    column = "code" if "code" in frame.columns else "commune_code"
    frame = mask_communes(_who(principal), frame, column)
    audit.note_read("all_commune_values", {"grain": grain, "until": until, "sectors": sectors}, len(frame))
    return frame


@st.cache_data(max_entries=256, show_spinner=False)
def commune_peers(version_name: str, code: str, until: pd.Timestamp) -> list[str]:
    from indicators.commune_values import peers

    return peers(warehouse(version_name), code, until)



# --- trends, plan completion & forecasts (issue 4) ---
# Same pattern: authorize the geography (or mask per-commune rows) for the principal, then the cached read.


@st.cache_data(show_spinner=False)
def published_figures() -> pd.DataFrame:
    """The real published city figures (reference data: public, the same for every user)."""
    from store.published import load_published

    return load_published()


@st.cache_data(max_entries=8, show_spinner=False)
def _forecasts(version_name: str) -> pd.DataFrame:
    from indicators.forecast_store import load_forecasts

    return load_forecasts(version_name)


def forecasts(version_name: str, geo: str, *, principal: Principal | None = None) -> pd.DataFrame:
    """The forecast rows of one area ('city' or a commune code) the principal may read."""
    geo = authorize_geo(_who(principal), geo)
    frame = _forecasts(version_name)
    frame = frame[frame["geo"] == geo].reset_index(drop=True)
    audit.note_read("forecasts", {"geo": geo}, len(frame))
    return frame


def forecast_communes(version_name: str, indicator: str, *, principal: Principal | None = None) -> pd.DataFrame:
    """One indicator's forecast in every commune; communes the principal may not see are masked."""
    frame = _forecasts(version_name)
    frame = frame[(frame["indicator"] == indicator) & (frame["geo"] != "city")].reset_index(drop=True)
    frame = mask_communes(_who(principal), frame, code_column="geo")
    audit.note_read("forecast_communes", {"indicator": indicator}, len(frame))
    return frame


@st.cache_data(max_entries=256, show_spinner=False)
def _forecast_paths(version_name: str, indicator: str, geo: str) -> pd.DataFrame:
    from indicators.forecast_store import load_paths

    return load_paths(version_name, indicator, geo)


def forecast_paths(version_name: str, indicator: str, geo: str, *, principal: Principal | None = None) -> pd.DataFrame:
    """History and fan quantiles of one forecast series."""
    geo = authorize_geo(_who(principal), geo)
    frame = _forecast_paths(version_name, indicator, geo)
    audit.note_read("forecast_paths", {"indicator": indicator, "geo": geo}, len(frame))
    return frame


@st.cache_data(max_entries=256, show_spinner=False)
def _plan_progress(version_name: str, code: str, year: int, geo: str) -> pd.DataFrame:
    from indicators.plan_completion import plan_progress

    return plan_progress(warehouse(version_name), code, year, geo)


def plan_progress(version_name: str, code: str, year: int, geo: str, *,
                  principal: Principal | None = None) -> pd.DataFrame:
    """Month-by-month year to date against the yearly plan, this year and last."""
    geo = authorize_geo(_who(principal), geo)
    frame = _plan_progress(version_name, code, year, geo)
    audit.note_read("plan_progress", {"indicator": code, "year": year, "geo": geo}, int(frame["ytd"].notna().sum()))
    return frame


@st.cache_data(max_entries=64, show_spinner=False)
def _plan_overview(version_name: str, year: int, month: int, geo: str) -> pd.DataFrame:
    from indicators.plan_completion import plan_overview

    return plan_overview(warehouse(version_name), year, month, geo)


def plan_overview(version_name: str, year: int, month: int, geo: str, *,
                  principal: Principal | None = None) -> pd.DataFrame:
    """Every plan indicator of an area at one month."""
    geo = authorize_geo(_who(principal), geo)
    frame = _plan_overview(version_name, year, month, geo)
    audit.note_read("plan_overview", {"year": year, "month": month, "geo": geo}, len(frame))
    return frame


@st.cache_data(max_entries=64, show_spinner=False)
def _commune_completion(version_name: str, code: str, year: int, month: int) -> pd.DataFrame:
    from indicators.plan_completion import commune_completion

    return commune_completion(warehouse(version_name), code, year, month)


def commune_completion(version_name: str, code: str, year: int, month: int, *,
                       principal: Principal | None = None) -> pd.DataFrame:
    """Plan completion of every commune with a plan; communes the principal may not see are masked."""
    frame = mask_communes(_who(principal), _commune_completion(version_name, code, year, month), "commune_code")
    audit.note_read("commune_completion", {"indicator": code, "year": year, "month": month}, len(frame))
    return frame


# --- data page & pipeline (issue 5) ---
# The version's own tables (ingest log, reconciliation, coverage), the catalogue's methodology, the raw-data
# templates' XLSX forms, and downloads of any table: small counts suppressed (indicators/suppression.py)
# over the whole table first, then narrowed to the communes the principal may see.
from indicators import suppression as _suppression  # noqa: E402  (kept with its accessors: an additive block)
from service.access import allowed_communes as _allowed_communes  # noqa: E402

XLSX_MAX_ROWS = 1_048_575
DERIVED_TABLES = ("methodology", "freshness")


@st.cache_data(max_entries=8, show_spinner=False)
def manifest(version_name: str) -> dict:
    """The version's manifest: when it was published, what it holds (kind, data_until, real rows, tables)."""
    from store.versions import read_manifest

    return read_manifest(version_name)


@st.cache_data(max_entries=32, show_spinner=False)
def _version_table(version_name: str, name: str) -> pd.DataFrame | None:
    from store.versions import read_manifest, version_path

    entry = read_manifest(version_name)["tables"].get(name)
    return None if entry is None else pd.read_parquet(version_path(version_name) / entry["file"])


def ingest_tables(version_name: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(ingest log, quarantine reasons) of the version — about files and rows, not people: everyone may read."""
    from pipeline.publish import ingest_tables as _empty_ingest_tables

    empty = _empty_ingest_tables([])
    log = _version_table(version_name, "ingest_log")
    reasons = _version_table(version_name, "quarantine_reasons")
    return (empty["ingest_log"] if log is None else log,
            empty["quarantine_reasons"] if reasons is None else reasons)


@st.cache_data(max_entries=16, show_spinner=False)
def _freshness(version_name: str, today: pd.Timestamp) -> pd.DataFrame:
    from pipeline.freshness import coverage, freshness

    cover = _version_table(version_name, "coverage")
    if cover is None:  # a version published before versions carried their coverage table
        cover = coverage(_version_table(version_name, "facts"))
    from store.catalogue import load_catalogue

    return freshness(cover, load_catalogue(), today)


def freshness(version_name: str, today: pd.Timestamp) -> pd.DataFrame:
    """Per indicator: latest period, the period its source's cadence promises by `today`, how late."""
    return _freshness(version_name, pd.Timestamp(today).normalize())


@st.cache_data(max_entries=8, show_spinner=False)
def _reconciliation_city(version_name: str) -> pd.DataFrame | None:
    frame = _version_table(version_name, "reconciliation")
    if frame is None or frame.empty:
        return None
    counts = [c for c in frame.columns if c not in ("period", "commune_code", "sector")]
    city = frame.groupby("period", as_index=False)[counts].sum()
    city["commune_code"], city["sector"] = "", ""
    return _suppression.suppress_reconciliation(city)


def reconciliation_city(version_name: str) -> pd.DataFrame | None:
    """City totals of the register–BHXH reconciliation per month (aggregates: everyone may read them)."""
    frame = _reconciliation_city(version_name)
    audit.note_read("reconciliation_city", {}, 0 if frame is None else len(frame))
    return frame


def methodology(lang: str) -> pd.DataFrame:
    """Every indicator's definition, numerator, denominator, source agency, frequency and caveats."""
    from store.catalogue import load_catalogue
    from i18n.strings import t

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
        })
    return pd.DataFrame(rows)


def downloadable_tables(version_name: str) -> list[str]:
    """Every table of the version plus the derived methodology and freshness tables, light ones first."""
    light = ["methodology", "freshness", "coverage", "ingest_log", "quarantine_reasons", "reconciliation", "plans", "facts"]
    present = list(manifest(version_name)["tables"]) + list(DERIVED_TABLES)
    return [n for n in light if n in present] + [n for n in present if n not in light]


@st.cache_data(max_entries=8, show_spinner=False)
def table_years(version_name: str) -> list[int]:
    """Years present in the facts (newest first), for slicing the facts download."""
    from store.versions import version_path

    entry = manifest(version_name)["tables"]["facts"]
    periods = pd.read_parquet(version_path(version_name) / entry["file"], columns=["period"])["period"]
    return sorted(periods.dt.year.unique().tolist(), reverse=True)


@st.cache_data(max_entries=32, show_spinner=False)
def _download_frame(version_name: str, table: str, measure: str | None, year: int | None, lang: str,
                    today: pd.Timestamp) -> pd.DataFrame:
    from store.versions import version_path

    if table == "methodology":
        return methodology(lang)
    if table == "freshness":
        return freshness(version_name, today)
    if table == "facts":
        entry = manifest(version_name)["tables"]["facts"]
        filters = [("measure", "==", measure)] if measure else []
        if year is not None:
            filters += [("period", ">=", pd.Timestamp(year, 1, 1)), ("period", "<", pd.Timestamp(year + 1, 1, 1))]
        frame = pd.read_parquet(version_path(version_name) / entry["file"], filters=filters or None)
        return _suppression.suppress_facts(frame.reset_index(drop=True))
    frame = _version_table(version_name, table)
    if frame is None:
        raise KeyError(table)
    if table == "reconciliation":
        return _suppression.suppress_reconciliation(frame)
    return frame


def download_frame(version_name: str, table: str, measure: str | None = None, year: int | None = None,
                   lang: str = "vi", today: pd.Timestamp | None = None, *,
                   principal: Principal | None = None) -> pd.DataFrame:
    """A table as the principal may take it away: suppressed first (over every commune), then narrowed to
    the communes they may see (rows of other communes are dropped; city rows stay)."""
    who = _who(principal)
    today = pd.Timestamp.today().normalize() if today is None else pd.Timestamp(today)
    frame = _download_frame(version_name, table, measure, year, lang, today)
    allowed = _allowed_communes(who)
    if allowed is not None:
        for column in ("commune_code", "geo", "code"):
            if column in frame.columns and table not in DERIVED_TABLES:
                codes = frame[column].astype(str)
                frame = frame[codes.isin(allowed) | ~codes.str.fullmatch(r"\d{5}")].reset_index(drop=True)
    audit.note_read("download_frame", {"table": table, "measure": measure, "year": year}, len(frame))
    return frame


def table_bytes(frame: pd.DataFrame, fmt: str, sheet: str = "du_lieu") -> bytes:
    """CSV (UTF-8 with BOM, for Excel), XLSX or Parquet bytes of a table."""
    import io

    if fmt == "csv":
        return frame.to_csv(index=False).encode("utf-8-sig")
    buffer = io.BytesIO()
    if fmt == "xlsx":
        out = frame.copy()
        for column in out.columns:  # Excel has no time zones and no Arrow strings
            if isinstance(out[column].dtype, pd.DatetimeTZDtype):
                out[column] = out[column].dt.tz_localize(None)
        with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
            out.to_excel(writer, index=False, sheet_name=sheet[:31])
    elif fmt == "parquet":
        frame.to_parquet(buffer, index=False)
    else:
        raise ValueError(fmt)
    return buffer.getvalue()


def templates() -> dict:
    """The raw-data templates (code -> definition), for the Data page's template tab."""
    from pipeline.templates import TEMPLATES

    return TEMPLATES


def template_guide(code: str, lang: str) -> tuple[pd.DataFrame, list[str]]:
    """A template's columns explained (header, required, guidance, example) and its cross-column rules."""
    from pipeline.templates import get_template, rule_text, template_guide as guide

    template = get_template(code)
    return guide(template, lang), [rule_text(template, r, lang) for r in template.rules]


@st.cache_data(max_entries=16, show_spinner=False)
def template_form(code: str) -> bytes:
    """The XLSX form of a raw-data template (blank: no data, so anyone may download it)."""
    from pipeline.templates import get_template, xlsx_template

    return xlsx_template(get_template(code))
