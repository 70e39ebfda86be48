"""The tables the pages offer for download, built once here for the screen and for the download route.

Each export is a typed table: machine-readable values (numbers stay numbers) with one `Column` per field
(labels in Vietnamese and English, kind, decimals, unit, meaning), always with the status and source of
its figures. The download route (api/downloads.py) asks `download(caller, name, params)`: the export's
underlying question is authorized, answered (cached, protected) and narrowed exactly as for the page,
and ONE `download` event is written with the user, role, parameters and rows, whatever the format.
No Streamlit here.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import pandas as pd

from i18n import formats
from i18n.strings import t
from indicators.area import Area, BadRequest, Period
from service import audit
from service.access import Principal, may_see_commune, require_download
from service.audit import Caller
from service.core import QUESTIONS, audit_params
from service.metadata import THRESHOLD, catalogue, commune_table, data_until
from service.versions import served_version


@dataclass(frozen=True)
class Column:
    """A field of an export: its key (the CSV header), labels, kind (text, int, number, percent, date,
    month, bool), decimals, unit and a description for the data dictionary."""

    key: str
    label_vi: str
    label_en: str
    kind: str = "text"
    decimals: int = 0
    unit_vi: str = ""
    unit_en: str = ""
    description_vi: str = ""
    description_en: str = ""

    def label(self, lang: str) -> str:
        return self.label_en if lang == "en" else self.label_vi

    def unit(self, lang: str) -> str:
        return self.unit_en if lang == "en" else self.unit_vi


@dataclass
class ExportTable:
    """A table as the page shows it and the download serves it."""

    name: str
    frame: pd.DataFrame
    columns: tuple[Column, ...]
    file_stem: str
    notes: list[str] = field(default_factory=list)

    @property
    def rows_read(self) -> int:
        return len(self.frame)

    def labelled(self, lang: str) -> pd.DataFrame:
        """The frame with its headers in the language (units in brackets): for screens and XLSX."""
        names = {c.key: c.label(lang) + (f" ({c.unit(lang)})" if c.unit(lang) else "") for c in self.columns}
        return self.frame[[c.key for c in self.columns]].rename(columns=names)


def _text(key: str, label_key: str, **kw: Any) -> Column:
    return Column(key, t(label_key, "vi"), t(label_key, "en"), **kw)


STATUS = _text("status", "col_data_status", description_vi="official | preliminary | estimate | demo",
               description_en="official | preliminary | estimate | demo")
SOURCE = _text("source", "col_source")


def _status_label(status: Any, lang: str) -> str:
    return t(f"data_{status}", lang) if isinstance(status, str) and status else t("no_data", lang)


# --- builders: (answer, params, lang) -> ExportTable ------------------------------------------------------
def scorecard_table(rows: list, params: dict[str, Any], lang: str, principal: Principal) -> ExportTable:
    """The Overview's table: every KPI's value, changes, period, 2030 target, verdict, status, source."""
    area: Area = params["area"]
    period: Period = params["period"]
    records = []
    for row in rows:
        ind, target = row.indicator, row.target
        records.append({
            "indicator": ind.code, "name": ind.name(lang), "value": row.value, "unit": ind.unit_label(lang),
            "previous": row.previous, "year_ago": row.year_ago,
            "period_start": row.period, "period_end": row.last_month,
            "target_low": None if target is None else target.low, "target_high": None if target is None else target.high,
            "verdict": t("status_" + row.assessment.status, lang), "verdict_code": row.assessment.status,
            "probability": row.assessment.probability, "suppressed": row.suppressed,
            "status": row.data_status, "status_label": _status_label(row.data_status, lang),
            "source": row.source or "", "vintage": row.vintage,
        })
    columns = (
        _text("indicator", "col_code"), _text("name", "col_indicator"),
        _text("value", "col_value", kind="number", decimals=2), _text("unit", "col_unit"),
        _text("previous", "col_previous", kind="number", decimals=2),
        _text("year_ago", "col_year_ago", kind="number", decimals=2),
        _text("period_start", "col_period_start", kind="month"), _text("period_end", "col_period_end", kind="month"),
        _text("target_low", "col_target_low", kind="number", decimals=2),
        _text("target_high", "col_target_high", kind="number", decimals=2),
        _text("verdict", "col_status"), _text("verdict_code", "col_status_code"),
        _text("probability", "col_probability", kind="percent", decimals=0),
        _text("suppressed", "col_suppressed", kind="bool"), STATUS, _text("status_label", "col_data_status_label"),
        SOURCE, _text("vintage", "col_vintage", kind="date"),
    )
    return ExportTable("scorecard", pd.DataFrame.from_records(records, columns=[c.key for c in columns]), columns,
                       f"tong-quan-{area.key}-{period.grain}-{period.slug}")


def profile_table(profile, params: dict[str, Any], lang: str, principal: Principal) -> ExportTable:
    """One row per KPI: the commune's value, the city's, the peers' median, its rank among the 126, the 2030
    target and the verdict, with status and source."""
    city = {r.indicator.code: r for r in profile.city_rows}
    ranks = profile.ranks
    records = []
    for row in profile.rows:
        ind = row.indicator
        values = ranks[ranks["indicator"] == ind.code].set_index("code")
        rank = values["rank"].get(profile.area.code)
        peer = values["value"].reindex(profile.peers).astype(float)
        records.append({
            "indicator": ind.code, "name": ind.name(lang), "unit": ind.unit_label(lang), "value": row.value,
            "city_value": city[ind.code].value if ind.code in city else None,
            "peer_median": float(peer.median()) if peer.notna().any() else None,
            "rank": None if rank is None or pd.isna(rank) else int(rank),
            "target": formats.target_text(ind, row.target, lang),
            "verdict": t("status_" + row.assessment.status, lang), "suppressed": row.suppressed,
            "status": row.data_status, "status_label": t("suppressed_small", lang, k=THRESHOLD) if row.suppressed
            else _status_label(row.data_status, lang), "source": row.source or "",
        })
    columns = (
        _text("indicator", "col_code"), _text("name", "col_indicator"), _text("unit", "col_unit"),
        _text("value", "col_commune_value", kind="number", decimals=2),
        _text("city_value", "col_city_value", kind="number", decimals=2),
        _text("peer_median", "col_peer_value", kind="number", decimals=2),
        _text("rank", "col_rank_of", kind="int"), _text("target", "col_target"), _text("verdict", "col_status"),
        _text("suppressed", "col_suppressed", kind="bool"), STATUS, _text("status_label", "col_data_status_label"),
        SOURCE,
    )
    frame = pd.DataFrame.from_records(records, columns=[c.key for c in columns])
    frame["rank"] = frame["rank"].astype("Int64")
    period: Period = params["period"]
    return ExportTable("profile", frame, columns, f"ho-so-{profile.area.key}-{period.grain}-{period.slug}")


def map_table(frame: pd.DataFrame, params: dict[str, Any], lang: str, principal: Principal) -> ExportTable:
    """The map's ranked table: every commune the caller may see, ranked, with its value and status."""
    code, period = params["indicator"], params["period"]
    ind = catalogue().get(code)
    shown = frame[frame["code"].map(lambda c: may_see_commune(principal, c))].copy()
    hidden = shown["suppressed"].fillna(False).astype(bool) if "suppressed" in shown else pd.Series(False, index=shown.index)
    out = pd.DataFrame({
        "rank": shown["rank"].astype("Int64"), "commune_code": shown["code"],
        "commune": shown["name_en" if lang == "en" else "name_vi"],
        "type": shown["type"].map(lambda x: t(f"type_{x}", lang)), "value": shown["value"],
        "suppressed": hidden, "status": shown["status"],
        "status_label": [t("suppressed_small", lang, k=THRESHOLD) if h else _status_label(s, lang)
                         for h, s in zip(hidden, shown["status"])],
        "source": shown.get("source", ""),
    }).sort_values(["rank", "commune_code"], na_position="last").reset_index(drop=True)
    columns = (
        _text("rank", "col_rank", kind="int"), _text("commune_code", "col_code"), _text("commune", "col_commune"),
        _text("type", "col_type"),
        Column("value", ind.name("vi"), ind.name("en"), "number", 2, ind.unit_label("vi"), ind.unit_label("en")),
        _text("suppressed", "col_suppressed", kind="bool"), STATUS, _text("status_label", "col_data_status_label"),
        SOURCE,
    )
    return ExportTable("map", out, columns, f"ban-do-{code}-{period.grain}-{period.slug}")


def measure_sources(measures: tuple[str, ...], lang: str) -> str:
    """The agencies behind some measures, each once, in the caller's language (the `source` column of
    tables built from several measures, such as the sector and demand tables)."""
    cat = catalogue()
    codes = dict.fromkeys(cat.measures[m].source for m in measures if m in cat.measures)
    return "; ".join(getattr(cat.sources[c], f"name_{'en' if lang == 'en' else 'vi'}") for c in codes if c in cat.sources)


def demand_table(frame: pd.DataFrame, params: dict[str, Any], lang: str, principal: Principal) -> ExportTable:
    """Where the demand is: vacancies, job seekers, ratio and share of the city's vacancies per commune."""
    names = commune_table().set_index("code")
    out = frame[frame["commune_code"].map(lambda c: may_see_commune(principal, c))].copy()
    out["commune"] = out["commune_code"].map(names["name_en" if lang == "en" else "name_vi"])
    out["share_of_city"] = out["share_of_city"]
    out["rank"] = out["share_of_city"].rank(ascending=False, method="min").astype("Int64")
    out = out.sort_values(["rank", "commune_code"], na_position="last").reset_index(drop=True)
    out["status"], out["source"] = params.get("_status"), measure_sources(("vacancies", "job_seekers"), lang)
    columns = (
        _text("rank", "col_rank", kind="int"), _text("commune_code", "col_code"), _text("commune", "col_commune"),
        _text("share_of_city", "map_mode_demand", kind="percent", decimals=1),
        _text("vacancies", "sec_m_vacancies", kind="number"), _text("job_seekers", "sec_m_job_seekers", kind="number"),
        _text("ratio", "sec_m_ratio", kind="number", decimals=2), STATUS, SOURCE,
    )
    period: Period = params["period"]
    return ExportTable("demand", out, columns, f"nhu-cau-{period.grain}-{period.slug}")


def forecast_table(frame: pd.DataFrame, params: dict[str, Any], lang: str, principal: Principal) -> ExportTable:
    """Every KPI's 2030 forecast for an area: expected value, 80% interval, probability, model."""
    area: Area = params["area"]
    cat = catalogue()
    records = []
    for rec in frame.to_dict("records"):
        ind = cat.get(rec["indicator"])
        records.append({"indicator": ind.code, "name": ind.name(lang), "unit": ind.unit_label(lang),
                        "value_2030": rec.get("value_2030"), "lo80": rec.get("lo80"), "hi80": rec.get("hi80"),
                        "lo95": rec.get("lo95"), "hi95": rec.get("hi95"), "probability": rec.get("probability"),
                        "model": rec.get("model"), "data_until": rec.get("data_until"),
                        "status": rec.get("status", "demo" if rec.get("model") else None),
                        "source": rec.get("source", "")})
    columns = (
        _text("indicator", "col_code"), _text("name", "col_indicator"), _text("unit", "col_unit"),
        _text("value_2030", "fc_col_expected", kind="number", decimals=2),
        _text("lo80", "col_lo80", kind="number", decimals=2), _text("hi80", "col_hi80", kind="number", decimals=2),
        _text("lo95", "col_lo95", kind="number", decimals=2), _text("hi95", "col_hi95", kind="number", decimals=2),
        _text("probability", "fc_col_probability", kind="percent", decimals=0), _text("model", "fc_col_model"),
        _text("data_until", "col_data_until", kind="month"), STATUS, SOURCE,
    )
    return ExportTable("forecast", pd.DataFrame.from_records(records, columns=[c.key for c in columns]), columns,
                       f"du-bao-2030-{area.key}")


def completion_table(frame: pd.DataFrame, params: dict[str, Any], lang: str, principal: Principal) -> ExportTable:
    """Plan completion of every commune with a plan that the caller may see."""
    names = commune_table().set_index("code")["name_en" if lang == "en" else "name_vi"]
    out = frame.assign(commune=frame["commune_code"].map(names))
    out = out[out["commune_code"].map(lambda c: may_see_commune(principal, c))]
    columns = (
        _text("commune_code", "col_code"), _text("commune", "col_commune"),
        _text("ytd", "pl_col_ytd", kind="number"), _text("plan", "pl_col_plan", kind="number"),
        _text("share", "pl_col_share", kind="percent", decimals=0),
        _text("ytd_last_year", "pl_col_ytd_last", kind="number"),
        _text("share_last_year", "pl_col_share_last", kind="percent", decimals=0), STATUS, SOURCE,
    )
    return ExportTable("plan_completion", out.reset_index(drop=True), columns,
                       f"ke-hoach-{params['indicator']}-{params['year']}-{params['month']:02d}")


def sector_table(figures, params: dict[str, Any], lang: str, principal: Principal) -> ExportTable:
    """The sector table behind the Sectors page."""
    area: Area = params["area"]
    period: Period = params["period"]
    table = figures.table
    out = table.assign(name=table["name_en" if lang == "en" else "name_vi"], status=params.get("_status"),
                       source=measure_sources(("employed", "bhxh_compulsory", "vacancies", "job_seekers"), lang))
    count = dict(kind="number")
    columns = (
        _text("sector", "col_code"), _text("name", "col_sector"),
        _text("employed", "sec_m_employed", **count), _text("bhxh_compulsory", "sec_m_bhxh_compulsory", **count),
        _text("bhxh_new", "sec_m_bhxh_new", **count), _text("bhxh_lost", "sec_m_bhxh_lost", **count),
        _text("net_change", "sec_m_net_change", **count),
        _text("coverage", "sec_m_coverage", kind="number", decimals=1, unit_vi="%", unit_en="%"),
        _text("vacancies", "sec_m_vacancies", **count), _text("job_seekers", "sec_m_job_seekers", **count),
        _text("ratio", "sec_m_ratio", kind="number", decimals=2), STATUS, SOURCE,
    )
    return ExportTable("sectors", out, columns, f"nganh-{area.key}-{period.grain}-{period.slug}")


STATE_LABELS = ("on_time", "late", "missing", "pending")


def missing_table(frame: pd.DataFrame, params: dict[str, Any], lang: str, principal: Principal) -> ExportTable:
    """Who has not sent a form's report for a period, or sent it late (missing first): the reporting unit, its
    commune, the due day and when the report arrived."""
    shown = frame[frame["state"].isin(("missing", "late"))]
    out = pd.DataFrame({
        "template": shown["template"], "period": shown["period"], "commune_code": shown["commune_code"],
        "commune": shown["commune_en" if lang == "en" else "commune_vi"], "unit": shown["unit"],
        "unit_name": shown["unit_name"], "state": shown["state"],
        "state_label": shown["state"].map(lambda s: t(f"cp_state_{s}", lang)),
        "due_on": shown["due_on"], "received_on": shown["received_on"], "status": shown["data_status"],
        "source": t("cp_source", lang)}).reset_index(drop=True)
    columns = (
        _text("template", "cp_col_template"), _text("period", "col_period_end", kind="month"),
        _text("commune_code", "col_code"), _text("commune", "col_commune"), _text("unit", "cp_col_unit"),
        _text("unit_name", "cp_col_unit_name"), _text("state", "cp_col_state_code"), _text("state_label", "cp_col_state"),
        _text("due_on", "cp_col_due", kind="date"), _text("received_on", "cp_col_received", kind="date"),
        _text("status", "col_data_status", description_vi="real | demo", description_en="real | demo"), SOURCE,
    )
    period = params.get("period")
    stem = f"bao-cao-chua-gui-{params['template']}" + (f"-{pd.Timestamp(period):%Y-%m}" if period is not None else "")
    return ExportTable("missing_reports", out, columns, stem)


def completeness_table(frame: pd.DataFrame, params: dict[str, Any], lang: str, principal: Principal) -> ExportTable:
    """The completeness of every form per period for an area: reports expected, on time, late, missing, not due
    yet, and the shares received by the due day and at all."""
    area: Area = params["area"]
    out = frame.assign(name=frame["name_en" if lang == "en" else "name_vi"], status=frame["data_status"],
                       source=t("cp_source", lang))
    count = dict(kind="int")
    columns = (
        _text("template", "cp_col_template"), _text("name", "cp_col_form"), _text("period", "col_period_end", kind="month"),
        _text("due_on", "cp_col_due", kind="date"), _text("expected", "cp_col_expected", **count),
        *(_text(s, f"cp_state_{s}", **count) for s in STATE_LABELS),
        _text("share_on_time", "cp_col_share_on_time", kind="percent", decimals=1),
        _text("share_received", "cp_col_share_received", kind="percent", decimals=1),
        _text("status", "col_data_status", description_vi="real | demo", description_en="real | demo"), SOURCE,
    )
    return ExportTable("completeness", out.reset_index(drop=True), columns, f"do-day-du-bao-cao-{area.key}")


STORED_LABELS = {"measure": "col_measure", "commune_code": "col_code", "geo": "col_code", "sector": "col_sector",
                 "period": "col_period", "value": "col_stored_value", "se": "col_se", "status": "col_data_status",
                 "source": "col_source", "vintage": "col_vintage", "provisional": "col_provisional",
                 "indicator": "col_indicator", "year": "pl_year", "kind": "col_plan_kind", "low": "col_target_low",
                 "high": "col_target_high", "suppressed": "col_suppressed"}
"""Headers in the language for the stored columns every table shares (the key stays the CSV header);
a column not listed keeps its stored name in both languages."""


def stored_column(name: str, series: pd.Series) -> Column:
    """A stored column as an export column: its kind from its type, its label from STORED_LABELS."""
    kind = column_kind(series)
    label = STORED_LABELS.get(name)
    decimals = 2 if kind == "number" else 0
    if label is None:
        return Column(name, name, name, kind, decimals)
    return _text(name, label, kind=kind, decimals=decimals)


def version_table(frame: pd.DataFrame, params: dict[str, Any], lang: str, principal: Principal) -> ExportTable:
    """A table of the data version as stored (the stored names as keys, headers in the language)."""
    columns = tuple(stored_column(c, frame[c]) for c in frame.columns)
    stem = "-".join(str(p) for p in (params["table"], params.get("measure"), params.get("year")) if p)
    return ExportTable(f"table:{params['table']}", frame.reset_index(drop=True), columns, stem)


def audit_table(page, params: dict[str, Any], lang: str, principal: Principal) -> ExportTable:
    """The audit trail of a span, one row per event (parameters as key=value pairs)."""
    rows = [{"time": e.get("time"), "user": e.get("user", ""), "role": e.get("role", ""), "commune": e.get("commune") or "",
             "action": e.get("action", ""), "page": e.get("page", ""), "channel": e.get("channel", ""),
             "params": "; ".join(f"{k}={v}" for k, v in sorted((e.get("params") or {}).items())),
             "rows": e.get("rows"), "version": e.get("version") or ""} for e in page.events]
    columns = (
        _text("time", "audit_col_time"), _text("user", "audit_col_user"), _text("role", "audit_col_role"),
        _text("commune", "audit_col_commune"), _text("action", "audit_col_action"), _text("page", "audit_col_page"),
        _text("channel", "audit_col_channel"), _text("params", "audit_col_params"),
        _text("rows", "audit_col_rows", kind="int"), _text("version", "col_version"),
    )
    return ExportTable("audit", pd.DataFrame.from_records(rows, columns=[c.key for c in columns]), columns,
                       f"nhat-ky-{params['start']:%Y%m%d}-{params['end']:%Y%m%d}")


def _days(q: dict[str, str]) -> dict[str, Any]:
    from datetime import datetime, timedelta, timezone

    days = _int({"so_ngay": q.get("days", "7")}, "so_ngay")
    if not 1 <= days <= 3660:
        raise BadRequest("Số ngày từ 1 đến 3660.", "days must be 1 to 3660.", "1..3660")
    today = datetime.now(timezone(timedelta(hours=7))).date()
    return {"start": today - timedelta(days=days - 1), "end": today, "asked_at": datetime.now(timezone.utc)}


def column_kind(series: pd.Series) -> str:
    """The export kind of a column from its type (text for anything not a number, date or flag)."""
    if pd.api.types.is_bool_dtype(series):
        return "bool"
    if pd.api.types.is_integer_dtype(series):
        return "int"
    if pd.api.types.is_float_dtype(series):
        return "number"
    if pd.api.types.is_datetime64_any_dtype(series):
        return "date"
    return "text"


# --- the registry: name -> (question, how the route's parameters become its arguments, builder) ---------
@dataclass(frozen=True)
class Export:
    """A download a page offers: its name in the URL, the question it presents, its parameters."""

    name: str
    question: str
    parse: Callable[[dict[str, str], str], dict[str, Any]]
    build: Callable[[Any, dict[str, Any], str, Principal], ExportTable]
    params: tuple[str, ...]


def _area(q: dict[str, str]) -> Area:
    return Area.parse(q.get("area"))


def _period(q: dict[str, str], version: str) -> Period:
    return Period.parse(q.get("grain"), q.get("period"), default_end=data_until(version))


def _sectors(q: dict[str, str]) -> tuple[str, ...]:
    return tuple(s for s in (q.get("sectors") or "").split(",") if s)


def _month(q: dict[str, str]) -> pd.Timestamp | None:
    """`period` as YYYY-MM (None when not given: the form's latest period)."""
    text = (q.get("period") or "").strip()
    if not text:
        return None
    return Period.parse("month", text).end


def _int(q: dict[str, str], name: str) -> int:
    try:
        return int(q.get(name, ""))
    except ValueError:
        raise BadRequest(f"«{name}» phải là số nguyên.", f"'{name}' must be a whole number.", name) from None


EXPORTS: dict[str, Export] = {e.name: e for e in (
    Export("tong-quan", "scorecard",
           lambda q, v: {"area": _area(q), "period": _period(q, v), "sectors": _sectors(q)}, scorecard_table,
           ("area", "grain", "period", "sectors")),
    Export("ho-so", "profile",
           lambda q, v: {"area": _area(q), "period": _period(q, v), "sectors": _sectors(q)}, profile_table,
           ("area", "grain", "period", "sectors")),
    Export("ban-do", "map_values",
           lambda q, v: {"indicator": q.get("indicator", "unemployment_rate"), "period": _period(q, v),
                         "sectors": _sectors(q)}, map_table, ("indicator", "grain", "period", "sectors")),
    Export("nhu-cau", "sector_demand",
           lambda q, v: {"sectors": _sectors(q), "period": _period(q, v)}, demand_table, ("sectors", "grain", "period")),
    Export("du-bao", "forecasts", lambda q, v: {"area": _area(q)}, forecast_table, ("area",)),
    Export("ke-hoach", "commune_completion",
           lambda q, v: {"indicator": q.get("indicator", "new_jobs"), "year": _int(q, "year"),
                         "month": _int(q, "month")}, completion_table, ("indicator", "year", "month")),
    Export("nganh", "sector_figures",
           lambda q, v: {"area": _area(q), "period": _period(q, v), "sectors": _sectors(q)}, sector_table,
           ("area", "grain", "period", "sectors")),
    Export("bang", "version_table",
           lambda q, v: {"table": q.get("table", ""), "measure": q.get("measure") or None,
                         "year": _int(q, "year") if q.get("year") else None, "lang": q.get("lang", "vi"),
                         "today": pd.Timestamp.today().normalize()}, version_table,
           ("table", "measure", "year")),
    Export("nhat-ky", "audit_events", lambda q, v: _days(q), audit_table, ("days",)),
    Export("bao-cao-chua-gui", "missing_reports",
           lambda q, v: {"template": q.get("template", "commune_jobs"), "today": pd.Timestamp.today().normalize(),
                         "period": _month(q)}, missing_table, ("template", "period")),
    Export("do-day-du", "completeness",
           lambda q, v: {"today": pd.Timestamp.today().normalize(), "area": _area(q),
                         "periods": _int(q, "periods") if q.get("periods") else 12}, completeness_table,
           ("area", "periods")),
)}


def export_table(caller: Caller, name: str, query: dict[str, str], lang: str = "vi", *, take_away: bool
                 ) -> ExportTable:
    """The export `name` for the caller: its question authorized, answered and narrowed as for a page.

    `take_away` (the download route): the caller must be allowed to download, and one `download` event
    is written with the parameters and rows (the question's own read is not written apart). Otherwise
    (a page showing the table) the read is written as the page's read.
    """
    spec = EXPORTS.get(name)
    if spec is None:
        raise BadRequest(f"Không có bảng tải về «{name[:40]}».", f"No download «{name[:40]}».", ", ".join(EXPORTS))
    version = caller.version or served_version()
    caller = caller.pinned(version)
    question = QUESTIONS[spec.question]
    params = question.bind(**spec.parse(query, version))
    if take_away:
        try:
            require_download(caller.principal)
        except Exception as denied:
            audit.record_denied(caller, f"download:{name}", audit_params(params), getattr(denied, "message_en", ""))
            raise
    answer, authorized, _ = question.run(caller, params)
    if spec.question in ("sector_figures", "sector_demand"):
        area = authorized.get("area", Area.CITY)
        authorized = {**authorized, "_status": QUESTIONS["sector_status"].answer(
            version, {"area": area, "period": authorized["period"], "sectors": authorized["sectors"]})}
    table = spec.build(answer, authorized, lang, caller.principal)
    if take_away:
        audit.record(caller, "download", {"export": name, **audit_params(
            {k: v for k, v in authorized.items() if not k.startswith("_")}), "lang": lang}, table.rows_read, version)
    else:
        audit.record_read(caller, f"export:{name}", audit_params(
            {k: v for k, v in authorized.items() if not k.startswith("_")}), table.rows_read, version)
    return table
