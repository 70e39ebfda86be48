"""Plausibility gates on parsed rows: nothing implausible is staged, outliers only with a confirmation.

The bounds are data (`store/plausibility.yaml`, read through `store.plausibility`); this module applies
them to a chunk of parsed rows of an aggregate template (person-level rows are counted at publish time,
where the facts contract applies each measure's absolute limit):
- exact whole numbers: a count must be written in full (at most 15 digits, no exponent such as 1E+20,
  no non-zero decimals), so the float arithmetic of the other checks is exact;
- absolute limits: a count never above `count_max`, any value never above its measure's `max`;
- a count never above the commune's population or labour force for that month (`at_most`), from the
  row itself when the file carries the reference, else from the served version;
- a month-on-month change beyond `multiple` x the series' usual change (the `quantile` of its absolute
  changes over the last `history_months`) is an outlier: confirmable, everything else is not.
Each failing row gets its own message with the value, the bound it broke and, for outliers, the series'
usual range, so the official who filled the form knows what to check.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from i18n.formats import fmt_number
from pipeline.crosswalk import BOUNDARY_CHANGE
from store.templates import Template
from store.plausibility import EXACT_DIGITS, Gate, Plausibility, load_plausibility
from store.reference import load_lineage
from store.versions import served_version, version_path

CONFIRMABLE = frozenset({"outlier_jump"})
_EXACT = re.compile(r"^[-+]?\d{1,3}(?:[., \u00a0\u202f]\d{3})*(?:[.,]0+)?$|^[-+]?\d+(?:[.,]0+)?$")


@dataclass
class Finding:
    """Rows (labels) that break one gate, with a message per row and what a confirmation would record."""

    code: str
    rows: np.ndarray
    vi: list[str]
    en: list[str]
    details: list[dict] = field(default_factory=list)

    @property
    def confirmable(self) -> bool:
        return self.code in CONFIRMABLE


def inexact_counts(text: pd.Series) -> np.ndarray:
    """Cells of a count column that are not a whole number written in full (exponent, long, decimals).

    Plain digits of up to 15 characters (nearly every cell) are exact and skipped without Python.
    """
    arr = pa.array(text.astype(object).where(text.notna(), "").to_numpy(dtype=object), type=pa.large_string()) \
        if not hasattr(text.array, "__arrow_array__") else pa.chunked_array(text.array.__arrow_array__()).combine_chunks()
    arr = pc.fill_null(arr, "")
    length = pc.binary_length(arr).to_numpy(zero_copy_only=False)
    plain = pc.ascii_is_decimal(arr).to_numpy(zero_copy_only=False)
    suspect = (length > 0) & ~(plain & (length <= EXACT_DIGITS))
    out = np.zeros(len(text), dtype=bool)
    if suspect.any():
        values = pd.Series(arr.filter(pa.array(suspect)).to_pylist(), dtype=object).str.strip()
        digits = values.str.count(r"\d")
        ok = values.str.match(_EXACT) & (digits <= EXACT_DIGITS)
        # "12,5" or "1.5" are not exact, but they are reported as "not a whole number" by the schema
        decimal = values.str.fullmatch(r"[-+]?\d+[.,]\d{1,2}") & (digits <= EXACT_DIGITS)
        out[np.flatnonzero(suspect)] = ~(ok | decimal).to_numpy(dtype=bool)
    return out


# ---- what the served version knows --------------------------------------------------------------------------
def _facts_file() -> str | None:
    version = served_version().name
    if version is None:
        return None
    from store.versions import read_manifest

    entry = read_manifest(version)["tables"].get("facts")
    return None if entry is None else str(version_path(version) / entry["file"])


@lru_cache(maxsize=8)
def _reference_table(path: str, measure: str) -> pd.DataFrame:
    """commune, period -> the reference (population or labour force), all sectors summed."""
    import duckdb

    con = duckdb.connect(":memory:", config={"threads": 2})
    try:
        return con.execute(f"SELECT commune_code AS commune, period::TIMESTAMP AS period, sum(value) AS ref "
                           f"FROM read_parquet('{path}') WHERE measure = ? AND commune_code <> '' GROUP BY ALL",
                           [measure]).df().astype({"period": "datetime64[us]"})
    finally:
        con.close()


@lru_cache(maxsize=32)
def _history(path: str, measure: str, rule_key: tuple) -> pd.DataFrame:
    """Per series (commune x sector) and month t: the value of t-1, its usual change and range before t."""
    import duckdb

    history_months, min_history, quantile = rule_key
    con = duckdb.connect(":memory:", config={"threads": 2})
    try:
        h = con.execute(f"SELECT commune_code AS commune, sector, period::TIMESTAMP AS period, sum(value) AS value "
                        f"FROM read_parquet('{path}') WHERE measure = ? AND commune_code <> '' GROUP BY ALL "
                        f"ORDER BY commune, sector, period", [measure]).df()
    finally:
        con.close()
    if h.empty:
        return pd.DataFrame(columns=["commune", "sector", "period", "prev", "usual", "lo", "hi", "months"])
    h["period"] = h["period"].astype("datetime64[us]")
    same = (h["commune"].eq(h["commune"].shift()) & h["sector"].eq(h["sector"].shift())).to_numpy()
    months = (h["period"].dt.year * 12 + h["period"].dt.month).to_numpy()
    consecutive = same & (months - np.roll(months, 1) == 1)
    h["change"] = np.where(consecutive, (h["value"] - h["value"].shift()).abs(), np.nan)
    g = h.groupby(["commune", "sector"], sort=False)
    roll = lambda col, how: getattr(g[col].rolling(history_months, min_periods=1), how)().reset_index(  # noqa: E731
        level=[0, 1], drop=True)
    h["usual"] = g["change"].rolling(history_months, min_periods=min_history).quantile(quantile).reset_index(
        level=[0, 1], drop=True)
    h["months"] = roll("change", "count")
    h["lo"], h["hi"] = roll("value", "min"), roll("value", "max")
    out = h.assign(period=(h["period"] + pd.DateOffset(months=1)).astype("datetime64[us]"), prev=h["value"])
    return out[["commune", "sector", "period", "prev", "usual", "lo", "hi", "months"]]


def _old_to_new() -> pd.DataFrame:
    links = load_lineage()[["old_code", "new_code"]].drop_duplicates()
    return links.rename(columns={"old_code": "commune", "new_code": "_new"})


def _references(parsed: pd.DataFrame, name: str, path: str | None, own: pd.Series | None) -> np.ndarray:
    """The reference for each row: its own column when given, else the served version's for its commune and
    month (the nearest month it has); an old unit gets the sum over the new units it went into."""
    out = np.full(len(parsed), np.nan)
    if path is not None:
        table = _reference_table(path, name)
        if len(table):
            first, last = table["period"].min(), table["period"].max()
            rows = pd.DataFrame({"commune": parsed["commune"].to_numpy(dtype=object),
                                 "period": parsed["period"].clip(first, last).to_numpy(), "_i": np.arange(len(parsed))})
            old = (parsed["period"] < BOUNDARY_CHANGE).fillna(False).to_numpy()
            new_rows = rows[~old].merge(table, on=["commune", "period"], how="inner")
            out[new_rows["_i"].to_numpy()] = new_rows["ref"].to_numpy()
            if old.any():
                old_rows = rows[old].merge(_old_to_new(), on="commune").drop(columns="commune") \
                    .rename(columns={"_new": "commune"}).merge(table, on=["commune", "period"])
                summed = old_rows.groupby("_i")["ref"].sum()
                out[summed.index.to_numpy()] = summed.to_numpy()
    if own is not None:
        mine = own.to_numpy(dtype=float)
        out = np.where(np.isnan(mine), out, mine)
    return out


# ---- the checks ---------------------------------------------------------------------------------------------
def _n(value: float, lang: str) -> str:
    return fmt_number(value, lang, 0 if float(value).is_integer() else 1)


def check_rows(parsed: pd.DataFrame, template: Template, header_of: dict[str, str],
               gates: Plausibility | None = None) -> list[Finding]:
    """Every gate broken by rows of a parsed chunk (NaN cells are skipped: the schema reports them)."""
    if template.level != "aggregate" or parsed.empty:
        return []
    gates = gates or load_plausibility()
    path = _facts_file()
    findings: list[Finding] = []
    by_measure = {f.measure: f.key for f in template.fields if f.measure}
    one_series_per_row = set(template.key) <= {"commune", "sector", "period"}
    index = parsed.index.to_numpy()
    for f in template.fields:
        if f.kind not in ("count", "decimal"):
            continue
        gate = gates.gate(template.code, f.key, f.measure) or Gate(f.key)
        col = f"“{header_of.get(f.key, f.header_vi)}”"
        values = parsed[f.key].to_numpy(dtype=float)
        known = ~np.isnan(values)
        limit = min(gate.max or np.inf, gates.count_max if f.kind == "count" else np.inf)
        above = known & (values > limit)
        if above.any():
            rows = np.flatnonzero(above)
            findings.append(Finding("above_max", index[rows],
                                    [f"Cột {col} = {_n(values[i], 'vi')} vượt giới hạn tuyệt đối {_n(limit, 'vi')} "
                                     "của chỉ tiêu này: kiểm tra lại số (thừa chữ số?) rồi gửi lại" for i in rows],
                                    [f"{col} = {_n(values[i], 'en')} is above this measure's absolute limit "
                                     f"{_n(limit, 'en')}: check the number (extra digits?) and send it again"
                                     for i in rows]))
        if gate.at_most is not None:
            own_key = by_measure.get(gate.at_most)
            own = parsed[own_key] if own_key is not None and own_key != f.key else None
            ref = _references(parsed, gate.at_most, path, own)
            over = known & ~above & ~np.isnan(ref) & (values > ref)
            if over.any():
                rows = np.flatnonzero(over)
                what_vi = "dân số" if gate.at_most == "population" else "lực lượng lao động"
                what_en = "population" if gate.at_most == "population" else "labour force"
                months = parsed["period"].dt.strftime("%m/%Y").to_numpy()
                findings.append(Finding("above_reference", index[rows],
                                        [f"Cột {col} = {_n(values[i], 'vi')} lớn hơn {what_vi} của xã, phường "
                                         f"({_n(ref[i], 'vi')}, tháng {months[i]}): không thể đúng, kiểm tra lại số "
                                         "hoặc mã xã" for i in rows],
                                        [f"{col} = {_n(values[i], 'en')} is larger than the commune's {what_en} "
                                         f"({_n(ref[i], 'en')}, {months[i]}): it cannot be right; check the number "
                                         "or the commune code" for i in rows]))
        if gate.jump and one_series_per_row and f.measure and path is not None:
            findings += _jumps(parsed, f.key, f.measure, col, values, known & ~above, path, gates)
    return findings


def _jumps(parsed: pd.DataFrame, key: str, measure: str, col: str, values: np.ndarray, usable: np.ndarray,
           path: str, gates: Plausibility) -> list[Finding]:
    rule = gates.jump
    history = _history(path, measure, (rule.history_months, rule.min_history, rule.quantile))
    if history.empty:
        return []
    sector = parsed["sector"].fillna("").to_numpy(dtype=object) if "sector" in parsed else np.full(len(parsed), "")
    rows = pd.DataFrame({"commune": parsed["commune"].to_numpy(dtype=object), "sector": sector,
                         "period": parsed["period"].to_numpy(), "_i": np.arange(len(parsed))})
    rows = rows[usable & (parsed["period"] >= BOUNDARY_CHANGE).fillna(False).to_numpy()]
    hit = rows.merge(history, on=["commune", "sector", "period"], how="inner")
    hit = hit[hit["usual"].notna()]
    if hit.empty:
        return []
    v = values[hit["_i"].to_numpy()]
    bound = rule.multiple * np.maximum(hit["usual"].to_numpy(), rule.floor)
    change = v - hit["prev"].to_numpy()
    flagged = np.abs(change) > bound
    if not flagged.any():
        return []
    hit = hit[flagged]
    v, bound, change = v[flagged], bound[flagged], change[flagged]
    index = parsed.index.to_numpy()[hit["_i"].to_numpy()]
    vi, en, details = [], [], []
    for j, rec in enumerate(hit.itertuples(index=False)):
        month = pd.Timestamp(rec.period).strftime("%m/%Y")
        vi.append(f"Cột {col} = {_n(v[j], 'vi')} ({month}) thay đổi {_n(change[j], 'vi')} so với tháng trước "
                  f"({_n(rec.prev, 'vi')}), vượt ngưỡng ±{_n(bound[j], 'vi')} ({fmt_number(rule.multiple, 'vi')} × mức "
                  f"thay đổi thường thấy); khoảng thường thấy của chuỗi trong {int(rec.months) + 1} tháng trước: "
                  f"{_n(rec.lo, 'vi')}–{_n(rec.hi, 'vi')}. Nếu số liệu đúng, nạp lại với "
                  "--confirm-outliers \"lý do\"")
        en.append(f"{col} = {_n(v[j], 'en')} ({month}) changed by {_n(change[j], 'en')} from the month before "
                  f"({_n(rec.prev, 'en')}), beyond ±{_n(bound[j], 'en')} ({fmt_number(rule.multiple, 'en')} × the "
                  f"usual change); the series' usual range over the previous {int(rec.months) + 1} months: "
                  f"{_n(rec.lo, 'en')}–{_n(rec.hi, 'en')}. If the figure is right, ingest again with "
                  "--confirm-outliers \"reason\"")
        details.append({"column": key, "measure": measure, "commune": rec.commune, "sector": rec.sector,
                        "period": month, "value": float(v[j]), "previous": float(rec.prev),
                        "bound": round(float(bound[j]), 1), "usual_range": [float(rec.lo), float(rec.hi)]})
    return [Finding("outlier_jump", index, vi, en, details)]
