"""Validation of raw rows against their template, with pandera, and the reasons a row is quarantined.

Two steps per chunk of rows:
1. Parsing (vectorised): every cell is read according to its column's kind — numbers written "1.234,5"
   or "1,234.5", months written "09/2026", "2026-09" or "Tháng 9/2026", commune codes or names (see
   pipeline/crosswalk.py), VSIC letters, CCCDs, labels of enumerations. A cell that cannot be read gets a
   parse code ('' when fine) in a `_parse_<column>` column.
2. A pandera `DataFrameSchema` built from the template checks the parsed frame lazily, so every failure
   of every row is collected at once: parse codes, types, ranges (no negative count, a rate within 0–100),
   periods (January 2020 up to the month of the ingest), CCCD province codes, the template's cross-column
   rules (part <= whole, totals add up, rates match their counts, conditionally required columns),
   duplicates of the template's key (within the file and against earlier chunks), a commune name that
   contradicts its code.
Every failure maps to a reason in Vietnamese and English (`REASONS`); a row with any failure is
quarantined, the others are accepted: rows in = accepted + quarantined, by construction.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from pipeline.crosswalk import fold, names_to_codes, resolve_communes
from pipeline.privacy import cccd_format_ok, cccd_province_ok, mask_cccd
from pipeline.readers import RawChunk
from pipeline.templates import AtMost, Field, RateMatches, RequiredWhen, SumEquals, Template
from store.reference import load_sectors

FIRST_MONTH = pd.Timestamp(2020, 1, 1)

# reason code -> (vi, en); {col}, {a}, {b} are the columns' headers as written in the file.
REASONS: dict[str, tuple[str, str]] = {
    "missing": ("Thiếu giá trị bắt buộc ở cột {col}", "Missing required value in {col}"),
    "unreadable_number": ("Cột {col} không phải là số", "{col} is not a number"),
    "negative": ("Cột {col} là số âm", "{col} is negative"),
    "not_integer": ("Cột {col} phải là số nguyên (số người)", "{col} must be a whole number (people)"),
    "rate_range": ("Cột {col} ngoài khoảng 0–100%", "{col} is outside 0–100%"),
    "bad_period": ("Không đọc được tháng ở cột {col} (ghi MM/YYYY, ví dụ 09/2026)",
                   "Cannot read the month in {col} (write MM/YYYY, e.g. 09/2026)"),
    "period_range": ("Tháng ở cột {col} ngoài khoảng cho phép (01/2020 đến tháng nạp dữ liệu)",
                     "The month in {col} is out of range (January 2020 to the month of ingest)"),
    "bad_commune": ("Cột {col}: không có trong danh mục 126 xã, phường (hoặc 526 đơn vị cũ với số liệu trước 07/2025)",
                    "{col}: not one of the 126 communes (or the 526 old units for data before July 2025)"),
    "ambiguous_commune": ("Cột {col}: tên trùng với nhiều đơn vị, hãy ghi mã 5 chữ số",
                          "{col}: this name matches several units, write the 5-digit code"),
    "name_mismatch": ("Tên xã/phường không khớp với mã xã/phường", "The commune name does not match the commune code"),
    "bad_sector": ("Cột {col}: không phải mã ngành VSIC cấp 1 (A–U)", "{col}: not a VSIC section letter (A–U)"),
    "bad_choice": ("Cột {col}: giá trị không có trong danh mục cho phép", "{col}: value not in the allowed list"),
    "bad_status": ("Cột {col}: phải là Chính thức, Sơ bộ hoặc Ước tính", "{col}: must be Official, Preliminary or Estimate"),
    "bad_cccd_format": ("Số định danh (CCCD) phải gồm đúng 12 chữ số", "The personal ID (CCCD) must be exactly 12 digits"),
    "bad_cccd_province": ("3 số đầu của CCCD không phải mã tỉnh nơi đăng ký khai sinh",
                          "The first 3 digits of the CCCD are not a province code of birth registration"),
    "bad_employer": ("Cột {col}: mã số thuế phải có 10 chữ số (hoặc 10-3 chữ số)", "{col}: a tax code has 10 digits (or 10-3)"),
    "bad_year": ("Cột {col}: năm không hợp lệ", "{col}: not a valid year"),
    "age_range": ("Tuổi tại tháng cập nhật phải từ 15 đến 100", "Age in the update month must be 15 to 100"),
    "at_most": ("{a} lớn hơn {b}", "{a} is greater than {b}"),
    "sum": ("{a} khác tổng các cột thành phần ({b})", "{a} differs from the sum of its parts ({b})"),
    "rate_match": ("{a} không khớp với {b}", "{a} does not match {b}"),
    "required_when": ("Thiếu {a} (bắt buộc khi {b})", "{a} is missing (required when {b})"),
    "duplicate": ("Dòng trùng lặp: cùng {a} với một dòng trước đó (báo cáo gửi hai lần?)",
                  "Duplicate row: same {a} as an earlier row (report sent twice?)"),
    "wrong_field_count": ("Dòng có số cột khác dòng tiêu đề", "The row has a different number of fields than the header"),
    "bad_text": ("Cột {col}: giá trị không hợp lệ", "{col}: invalid value"),
}


# Short labels of every reason code, row-level and file-level (summaries, the Data page).
REASON_LABELS: dict[str, tuple[str, str]] = {
    "missing": ("thiếu giá trị bắt buộc", "missing required value"),
    "unreadable_number": ("không phải số", "not a number"),
    "negative": ("số âm", "negative count"),
    "not_integer": ("không phải số nguyên", "not a whole number"),
    "rate_range": ("tỷ lệ ngoài 0–100%", "rate outside 0–100%"),
    "bad_period": ("tháng không đọc được", "unreadable month"),
    "period_range": ("tháng ngoài khoảng cho phép", "month out of range"),
    "bad_commune": ("mã/tên xã không có trong danh mục", "unknown commune code or name"),
    "ambiguous_commune": ("tên xã trùng nhiều đơn vị", "ambiguous commune name"),
    "name_mismatch": ("tên và mã xã không khớp", "commune name and code disagree"),
    "bad_sector": ("mã ngành không hợp lệ", "invalid sector"),
    "bad_choice": ("giá trị ngoài danh mục", "value not in list"),
    "bad_status": ("tình trạng số liệu không hợp lệ", "invalid data status"),
    "bad_cccd_format": ("CCCD không đủ 12 số", "CCCD not 12 digits"),
    "bad_cccd_province": ("mã tỉnh của CCCD sai", "wrong CCCD province code"),
    "bad_employer": ("mã số thuế không hợp lệ", "invalid tax code"),
    "bad_year": ("năm không hợp lệ", "invalid year"),
    "age_range": ("tuổi ngoài 15–100", "age outside 15–100"),
    "at_most": ("tử số lớn hơn mẫu số", "part greater than whole"),
    "sum": ("tổng không khớp", "total does not add up"),
    "rate_match": ("tỷ lệ không khớp số liệu", "rate does not match counts"),
    "required_when": ("thiếu cột bắt buộc theo điều kiện", "conditionally required value missing"),
    "duplicate": ("dòng trùng lặp", "duplicate row"),
    "wrong_field_count": ("sai số cột", "wrong number of fields"),
    "bad_text": ("giá trị không hợp lệ", "invalid value"),
    "empty_file": ("tệp rỗng", "empty file"),
    "binary_file": ("không phải tệp văn bản", "not a text file"),
    "xls_not_supported": ("tệp .xls cũ", "old .xls file"),
    "unreadable_csv": ("CSV hỏng", "broken CSV"),
    "unreadable_xlsx": ("Excel hỏng", "broken Excel file"),
    "not_found": ("không tìm thấy tệp", "file not found"),
    "wrong_template": ("sai biểu mẫu", "wrong template"),
    "missing_columns": ("thiếu cột bắt buộc", "missing columns"),
    "duplicate_file": ("tệp đã nạp trước đó", "file already ingested"),
    "missing_key": ("chưa có khóa mã hóa CCCD", "no pseudonymisation key"),
}


def reason_label(code: str, lang: str = "vi") -> str:
    vi, en = REASON_LABELS.get(code, (code, code))
    return en if lang == "en" else vi


def reason_text(code: str, lang: str = "vi", **names: str) -> str:
    """A reason in one language with the headers filled in."""
    vi, en = REASONS[code]
    text = en if lang == "en" else vi
    return text.format(**{k: names.get(k, "") for k in ("col", "a", "b")})


# ---- header matching ------------------------------------------------------------------------------------
def _keys(text: str) -> set[str]:
    plain = fold(text)
    no_unit = fold(re.sub(r"\(.*?\)", " ", text))
    return {k for k in (plain, no_unit) if k}


def field_keys(f: Field) -> set[str]:
    keys: set[str] = set()
    for text in (f.header_vi, f.header_en, *f.aliases):
        keys |= _keys(text)
    return keys


def match_headers(headers: list[str], template: Template) -> tuple[dict[str, str], list[Field], list[str]]:
    """(file header -> field key, required fields missing, headers not in the template)."""
    index = {k: f.key for f in template.fields for k in field_keys(f)}
    mapping: dict[str, str] = {}
    extra: list[str] = []
    for h in headers:
        key = next((index[k] for k in _keys(h) if k in index), None)
        if key is None or key in mapping.values():
            extra.append(h)
        else:
            mapping[h] = key
    missing = [f for f in template.required if f.key not in mapping.values()]
    return mapping, missing, extra


def known_header(text: str, templates: list[Template]) -> bool:
    """Is this header a column of any template (used to find the header row)?"""
    keys = _keys(text)
    return any(keys & field_keys(f) for t in templates for f in t.fields)


@dataclass
class TemplateMatch:
    template: Template
    mapping: dict[str, str]
    missing: list[Field]
    extra: list[str]

    @property
    def complete(self) -> bool:
        return not self.missing


def rank_templates(headers: list[str], templates: list[Template]) -> list[TemplateMatch]:
    """Templates ordered by how well the headers fit: complete ones first, then by columns matched."""
    found = []
    for t in templates:
        mapping, missing, extra = match_headers(headers, t)
        found.append(TemplateMatch(t, mapping, missing, extra))
    return sorted(found, key=lambda m: (m.complete, len(m.mapping) - len(m.extra), -len(m.missing)), reverse=True)


# ---- parsing --------------------------------------------------------------------------------------------
_VI_EVIDENCE = re.compile(r"^-?\d+,\d{1,2}$|^-?\d+,\d{4,}$|^-?\d{1,3}(\.\d{3})+,\d+$|^-?\d{1,3}(\.\d{3}){2,}$")
_EN_EVIDENCE = re.compile(r"^-?\d+\.\d{1,2}$|^-?\d+\.\d{4,}$|^-?\d{1,3}(,\d{3})+\.\d+$|^-?\d{1,3}(,\d{3}){2,}$")


def detect_convention(texts: list[pd.Series]) -> str | None:
    """'vi' (1.234,5) or 'en' (1,234.5) from the values that can only be read one way; None if none can."""
    vi = en = 0
    for s in texts:
        sample = s[s.str.contains(r"[.,]", regex=True, na=False)].drop_duplicates().head(5000)
        sample = sample.str.replace(r"[\s\u00a0\u202f%]", "", regex=True)
        vi += int(sample.str.match(_VI_EVIDENCE).sum())
        en += int(sample.str.match(_EN_EVIDENCE).sum())
    if vi == en:
        return None
    return "vi" if vi > en else "en"


def parse_numbers(text: pd.Series, integer: bool, convention: str | None, native: pd.Series | None = None,
                  percent: bool = False) -> tuple[pd.Series, pd.Series]:
    """(values, unreadable) for a column of numbers written either way; `native` are real XLSX numbers.

    A separator followed by exactly three digits is ambiguous ("1.234"): in a whole-number column it is a
    thousands separator; otherwise the file's convention decides (Vietnamese by default).
    """
    s = text.fillna("").astype("str").str.replace(r"[\s\u00a0\u202f]", "", regex=True)
    if percent:
        s = s.str.replace("%", "", regex=False)
    conv = convention or "vi"
    plain = s.str.fullmatch(r"[-+]?\d+").fillna(False).astype(bool)
    values = pd.Series(np.nan, index=s.index, dtype=float)
    if plain.any():
        values[plain] = pd.to_numeric(s[plain], errors="coerce").astype(float)
    rest = ~plain & (s.str.len() > 0)
    if rest.any():
        r = s[rest]
        dot_groups = r.str.fullmatch(r"[-+]?\d{1,3}(\.\d{3})+").fillna(False)
        comma_groups = r.str.fullmatch(r"[-+]?\d{1,3}(,\d{3})+").fillna(False)
        single_dot = dot_groups & (r.str.count(r"\.") == 1)
        single_comma = comma_groups & (r.str.count(",") == 1)
        vi_dec = r.str.fullmatch(r"[-+]?\d{1,3}(\.\d{3})*,\d+|[-+]?\d+,\d+").fillna(False)
        en_dec = r.str.fullmatch(r"[-+]?\d{1,3}(,\d{3})*\.\d+|[-+]?\d+\.\d+").fillna(False)
        dot_thousands = (dot_groups & ~single_dot) | (single_dot & (integer or conv == "vi"))
        comma_thousands = (comma_groups & ~single_comma) | (single_comma & (integer or conv == "en"))
        comma_decimal = (vi_dec & ~comma_groups) | (single_comma & ~integer & (conv == "vi"))
        dot_decimal = (en_dec & ~dot_groups) | (single_dot & ~integer & (conv == "en"))
        canonical = pd.Series("", index=r.index, dtype="str")
        canonical[dot_thousands | comma_decimal] = r[dot_thousands | comma_decimal].str.replace(".", "", regex=False) \
            .str.replace(",", ".", regex=False)
        canonical[comma_thousands | dot_decimal] = r[comma_thousands | dot_decimal].str.replace(",", "", regex=False)
        other = ~(dot_thousands | comma_decimal | comma_thousands | dot_decimal)
        canonical[other] = r[other]  # scientific notation from spreadsheets, or garbage
        values[rest] = pd.to_numeric(canonical, errors="coerce").astype(float)
    if native is not None:
        has = native.notna()
        values[has] = native[has].astype(float)
    unreadable = values.isna() & (s.str.len() > 0) & ~(native.notna() if native is not None else False)
    return values, unreadable


_PERIOD_PATTERNS = (  # on the folded text: "09/2026" -> "09 2026", "Tháng 9/2026" -> "thang 9 2026"
    (re.compile(r"^(\d{4}) (\d{1,2})(?: \d{1,2})?(?: 00 00 00)?$"), ("y", "m")),
    (re.compile(r"^(\d{1,2}) (\d{4})$"), ("m", "y")),
    (re.compile(r"^\d{1,2} (\d{1,2}) (\d{4})$"), ("m", "y")),
    (re.compile(r"^(?:thang|t|month) ?(\d{1,2}) (?:nam |year )?(\d{4})$"), ("m", "y")),
    (re.compile(r"^(\d{4}) ?m ?(\d{1,2})$"), ("y", "m")),
    (re.compile(r"^(\d{4})(\d{2})$"), ("y", "m")),
)


def _one_period(value: str) -> pd.Timestamp | None:
    """The month a cell names, or None: 09/2026, 9-2026, 2026-09, 2026-09-01, Tháng 9/2026, T9/2026, 2026M09."""
    text = fold(value)
    for pattern, parts in _PERIOD_PATTERNS:
        m = pattern.match(text)
        if m:
            got = dict(zip(parts, m.groups()))
            year, month = int(got["y"]), int(got["m"])
            if 1 <= month <= 12 and 1900 <= year <= 2200:
                return pd.Timestamp(year, month, 1)
    return None


def parse_periods(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(first day of the month, unreadable) — once per distinct value."""
    s = text.fillna("").astype("str")
    codes, uniques = pd.factorize(s)
    parsed = np.array([_one_period(u) if u else None for u in uniques] + [None], dtype=object)
    values = pd.Series(pd.to_datetime(parsed[codes]), index=s.index).astype("datetime64[us]")
    return values, values.isna() & (s.str.len() > 0)


def _choice_lookup(f: Field) -> dict[str, str]:
    lookup: dict[str, str] = {}
    for c in f.choices:
        for text in (c.code, c.label_vi, c.label_en, *c.aliases):
            lookup[fold(text)] = c.code
    return lookup


def parse_choices(text: pd.Series, f: Field) -> tuple[pd.Series, pd.Series]:
    lookup = _choice_lookup(f)
    s = text.fillna("").astype("str")
    codes, uniques = pd.factorize(s)
    mapped = np.array([lookup.get(fold(u)) for u in uniques] + [None], dtype=object)
    values = pd.Series(pd.array(mapped[codes], dtype="str"), index=s.index)
    return values, values.isna() & (s.str.len() > 0)


def _sector_lookup() -> dict[str, str]:
    sectors = load_sectors()
    lookup = {}
    for code, vi, en in sectors[["code", "name_vi", "name_en"]].itertuples(index=False):
        for text in (code, vi, en, f"{code} {vi}", f"{code} {en}"):
            lookup[fold(text)] = code
    return lookup


def parse_sectors(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    lookup = _sector_lookup()
    s = text.fillna("").astype("str")
    codes, uniques = pd.factorize(s)
    letters = set(load_sectors()["code"])

    def one(value: str) -> str | None:
        key = fold(value)
        if key in lookup:
            return lookup[key]
        first = re.match(r"^([a-u])\b", key)  # "C - Công nghiệp chế biến", "c. manufacturing"
        return first.group(1).upper() if first and first.group(1).upper() in letters else None

    mapped = np.array([one(u) for u in uniques] + [None], dtype=object)
    values = pd.Series(pd.array(mapped[codes], dtype="str"), index=s.index)
    return values, values.isna() & (s.str.len() > 0)


def parse_cccd(text: pd.Series, native: pd.Series | None) -> tuple[pd.Series, pd.Series]:
    """12-digit strings; an ID that Excel stored as a number lost its leading zeros (every CCCD starts with
    0), so 10 or 11 digits are padded back — unambiguous because the length is fixed."""
    s = text.fillna("").astype("str").str.replace(r"[\s.\-]", "", regex=True)
    short = s.str.fullmatch(r"\d{10,11}").fillna(False).astype(bool)
    if short.any():
        s = s.where(~short, s.str.zfill(12))
    if native is not None and native.notna().any():
        has = native.notna()
        s[has] = native[has].map(lambda v: f"{int(v):012d}" if float(v).is_integer() and 0 <= v < 1e12 else str(v))
    ok = cccd_format_ok(s)
    return s.where(ok), ~ok & (s.str.len() > 0)


def parse_employer(text: pd.Series, native: pd.Series | None) -> tuple[pd.Series, pd.Series]:
    s = text.fillna("").astype("str").str.replace(r"\s", "", regex=True)
    if native is not None and native.notna().any():
        has = native.notna()
        s[has] = native[has].map(lambda v: f"{int(v):010d}" if float(v).is_integer() and 1e8 <= v < 1e10 else str(v))
    ok = s.str.fullmatch(r"\d{10}(-\d{3})?").fillna(False).astype(bool)
    return s.where(ok), ~ok & (s.str.len() > 0)


# ---- one chunk ------------------------------------------------------------------------------------------
@dataclass
class Context:
    """What validation of a file carries from chunk to chunk."""

    template: Template
    mapping: dict[str, str]              # file header -> field key
    as_of: pd.Timestamp                  # latest month a row may be for
    convention: str | None = None        # 'vi' | 'en', detected once per file
    seen_keys: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.uint64))

    @property
    def header_of(self) -> dict[str, str]:
        """field key -> the header as written in the file (the template's header when absent)."""
        found = {v: k for k, v in self.mapping.items()}
        return {f.key: found.get(f.key, f.header_vi) for f in self.template.fields}


@dataclass
class ChunkResult:
    accepted: pd.DataFrame               # parsed, typed columns (field keys) + `_row`
    quarantined: pd.DataFrame            # the rows as they came + `_row`, `ly_do` (vi), `reason` (en)
    reasons: Counter                     # reason code -> rows


def parse_chunk(chunk: RawChunk, ctx: Context) -> pd.DataFrame:
    """The typed frame of a chunk: one column per template field plus `_parse_<key>` codes."""
    t = ctx.template
    raw = chunk.text
    by_key = {v: k for k, v in ctx.mapping.items()}
    index = raw.index
    out: dict[str, pd.Series] = {}
    parse: dict[str, pd.Series] = {}

    def text_of(key: str) -> pd.Series:
        header = by_key.get(key)
        if header is None:
            return pd.Series("", index=index, dtype="str")
        return raw[header].fillna("").astype("str")

    def native_of(key: str) -> pd.Series | None:
        header = by_key.get(key)
        if header is None or chunk.numbers is None:
            return None
        return chunk.numbers[header]

    numeric = [f for f in t.fields if f.kind in ("count", "decimal", "rate", "year")]
    if ctx.convention is None and numeric:
        ctx.convention = detect_convention([text_of(f.key) for f in numeric])

    period_field = next((f for f in t.fields if f.kind == "period"), None)
    if period_field is not None:
        values, bad = parse_periods(text_of(period_field.key))
        out[period_field.key] = values
        parse[period_field.key] = pd.Series(np.where(bad, "bad_period", ""), index=index, dtype="str")
    period = out.get("period", pd.Series(pd.NaT, index=index, dtype="datetime64[us]"))

    for f in t.fields:
        s = text_of(f.key)
        code = pd.Series("", index=index, dtype="str")
        if f.kind == "period":
            continue
        if f.kind == "commune":
            native = native_of(f.key)
            resolved = resolve_communes(s, period, native)
            values = resolved["code"]
            reasons = resolved["reason"]
            code = reasons.where(reasons != "missing", "")
            blank = reasons == "missing"
            values = values.where(~blank)
            out[f.key] = values
            parse[f.key] = code.where(~(blank & f.required), "missing")
            continue
        if f.kind in ("count", "decimal", "rate"):
            values, bad = parse_numbers(s, f.kind == "count", ctx.convention, native_of(f.key), percent=f.kind == "rate")
            code = code.where(~bad, "unreadable_number")
        elif f.kind == "year":
            values, bad = parse_numbers(s, True, ctx.convention, native_of(f.key))
            bad = bad | (values.notna() & ((values % 1 != 0) | (values < 1900) | (values > 2100)))
            values = values.where(~bad)
            code = code.where(~bad, "bad_year")
        elif f.kind == "sector":
            values, bad = parse_sectors(s)
            code = code.where(~bad, "bad_sector")
        elif f.kind in ("enum", "status"):
            values, bad = parse_choices(s, f)
            code = code.where(~bad, "bad_status" if f.kind == "status" else "bad_choice")
        elif f.kind == "cccd":
            values, bad = parse_cccd(s, native_of(f.key))
            code = code.where(~bad, "bad_cccd_format")
        elif f.kind == "employer":
            values, bad = parse_employer(s, native_of(f.key))
            code = code.where(~bad, "bad_employer")
        else:  # text
            values = s.where(s.str.len() > 0)
        if f.required:
            native = native_of(f.key)
            blank = (s.str.len() == 0) & (native.isna() if native is not None else True)
            code = code.where(~blank, "missing")
        out[f.key] = values
        parse[f.key] = code
    frame = pd.DataFrame(out, index=index)
    for key, codes in parse.items():
        frame[f"_parse_{key}"] = codes.astype("str")
    if "commune_name" in out and "commune" in out:
        frame["_name_code"] = names_to_codes(text_of("commune_name"), period)
    return frame


def _key_hashes(frame: pd.DataFrame, t: Template) -> tuple[np.ndarray, np.ndarray]:
    """A 64-bit hash of each row's key, and whether the key is complete enough to compare.

    Rows whose required key columns did not parse are left out: they fail anyway, and would otherwise all
    look like duplicates of each other.
    """
    if len(frame) == 0:
        return np.empty(0, dtype=np.uint64), np.empty(0, dtype=bool)
    hashes = pd.util.hash_pandas_object(frame[list(t.key)], index=False).to_numpy(dtype=np.uint64)
    usable = np.ones(len(frame), dtype=bool)
    for key in t.key:
        if t.field(key).required:
            usable &= frame[key].notna().to_numpy()
    return hashes, usable


def _first_occurrence(hashes: np.ndarray, seen: np.ndarray) -> np.ndarray:
    """True where a key appears for the first time (in this chunk and in `seen`, sorted)."""
    order = np.argsort(hashes, kind="stable")
    sorted_h = hashes[order]
    repeat = np.zeros(len(hashes), dtype=bool)
    if len(hashes) > 1:
        repeat[order[1:][sorted_h[1:] == sorted_h[:-1]]] = True
    if len(seen):
        pos = np.searchsorted(seen, hashes)
        pos = np.minimum(pos, len(seen) - 1)
        repeat |= seen[pos] == hashes
    return ~repeat


def build_schema(ctx: Context, hashes: np.ndarray, usable: np.ndarray) -> pa.DataFrameSchema:
    """The pandera schema of a template's parsed frame (see the module docstring for what it checks)."""
    t = ctx.template
    columns: dict[str, pa.Column] = {}
    for f in t.fields:
        checks: list[pa.Check] = []
        dtype: object = None
        if f.kind in ("count", "decimal", "rate", "year"):
            dtype = float
            checks.append(pa.Check(lambda s: s >= 0, name="negative"))
            if f.kind == "count":
                checks.append(pa.Check(lambda s: s % 1 == 0, name="not_integer"))
            if f.kind == "rate":
                checks.append(pa.Check(lambda s: s <= 100, name="rate_range"))
        elif f.kind == "period":
            dtype = "datetime64[us]"
            checks.append(pa.Check(lambda s, hi=ctx.as_of: (s >= FIRST_MONTH) & (s <= hi), name="period_range"))
        elif f.kind == "cccd":
            checks.append(pa.Check(cccd_province_ok, name="bad_cccd_province"))
        columns[f.key] = pa.Column(dtype, checks=checks, nullable=True, required=True)
        columns[f"_parse_{f.key}"] = pa.Column(checks=pa.Check(lambda s: s == "", name="parse"), nullable=False)
    frame_checks: list[pa.Check] = []
    for rule in t.rules:
        if isinstance(rule, AtMost):
            frame_checks.append(pa.Check(
                lambda df, r=rule: ~(df[r.part] > df[r.whole]), name=f"at_most|{rule.part}|{rule.whole}"))
        elif isinstance(rule, SumEquals):
            frame_checks.append(pa.Check(
                lambda df, r=rule: ~((df[r.total] - df[list(r.parts)].sum(axis=1, min_count=len(r.parts))).abs() > 0.5),
                name=f"sum|{rule.total}|{','.join(rule.parts)}"))
        elif isinstance(rule, RateMatches):
            frame_checks.append(pa.Check(
                lambda df, r=rule: ~((df[r.rate] - 100 * df[r.num] / df[r.den].where(df[r.den] > 0)).abs() > r.tolerance),
                name=f"rate_match|{rule.rate}|{rule.num},{rule.den}"))
        elif isinstance(rule, RequiredWhen):
            frame_checks.append(pa.Check(
                lambda df, r=rule: ~(df[r.column].isin(list(r.values)).fillna(False) & df[r.target].isna()
                                     & (df[f"_parse_{r.target}"] == "")),
                name=f"required_when|{rule.target}|{rule.column}"))
    if "birth_year" in columns and "period" in columns:
        frame_checks.append(pa.Check(
            lambda df: ~((df["period"].dt.year - df["birth_year"]).lt(15) | (df["period"].dt.year - df["birth_year"]).gt(100)),
            name="age_range"))
    first = np.ones(len(hashes), dtype=bool)
    if usable.any():
        first[usable] = _first_occurrence(hashes[usable], ctx.seen_keys)
    frame_checks.append(pa.Check(lambda df, first=first: pd.Series(first, index=df.index),
                                 name=f"duplicate|{','.join(t.key)}"))
    frame_checks.append(pa.Check(
        lambda df: ~(df["_name_code"].notna() & df["commune"].notna() & (df["_name_code"] != df["commune"]))
        if "_name_code" in df.columns else pd.Series(True, index=df.index), name="name_mismatch"))
    return pa.DataFrameSchema(columns, checks=frame_checks, strict=False, name=t.code)


def _explain(failures: pd.DataFrame, ctx: Context) -> pd.DataFrame:
    """pandera failure cases -> one row per failing (row, reason code, vi, en)."""
    if failures["index"].isna().any():  # a check that crashed or a dtype error: a bug, never a silent pass
        broken = failures[failures["index"].isna()].head(3).to_dict("records")
        raise RuntimeError(f"validation of {ctx.template.code} failed internally: {broken}")
    header = ctx.header_of
    q = lambda key: f"“{header.get(key, key)}”"  # noqa: E731
    parts = []

    def add(group: pd.DataFrame, code: str, names: dict[str, str]) -> None:
        if code not in REASONS:
            code = "bad_text"
        parts.append(pd.DataFrame({"index": group["index"].to_numpy(dtype=np.int64), "code": code,
                                   "vi": reason_text(code, "vi", **names), "en": reason_text(code, "en", **names)}))

    is_parse = failures["check"].astype(str).eq("parse")
    for (column, case), group in failures[is_parse].groupby(["column", "failure_case"], sort=False):
        add(group, str(case), {"col": q(str(column)[len("_parse_"):])})
    for (check, column), group in failures[~is_parse].groupby(["check", "column"], dropna=False, sort=False):
        check = str(check)
        if check in ("negative", "not_integer", "rate_range", "period_range", "bad_cccd_province"):
            add(group, check, {"col": q(str(column))})
            continue
        code, *args = check.split("|")
        a = args[0].split(",") if args else []
        b = args[1].split(",") if len(args) > 1 else []
        if code == "duplicate":
            names = {"a": ", ".join(q(k) for k in a)}
        elif code == "sum":
            names = {"a": q(a[0]), "b": " + ".join(q(k) for k in b)}
        elif code == "rate_match":
            names = {"a": q(a[0]), "b": " / ".join(q(k) for k in b)}
        elif code in ("at_most", "required_when"):
            names = {"a": q(a[0]), "b": q(b[0])}
        else:
            names = {"col": q(str(column))}
        add(group, code, names)
    if not parts:
        return pd.DataFrame({"index": pd.Series([], dtype=np.int64), "code": [], "vi": [], "en": []})
    return pd.concat(parts, ignore_index=True)


def validate_chunk(chunk: RawChunk, ctx: Context) -> ChunkResult:
    """Parse and validate one chunk: accepted typed rows, quarantined raw rows with reasons."""
    t = ctx.template
    parsed = parse_chunk(chunk, ctx)
    hashes, usable = _key_hashes(parsed, t)
    schema = build_schema(ctx, hashes, usable)
    reasons = Counter()
    try:
        schema.validate(parsed, lazy=True)
        explained = pd.DataFrame(columns=["index", "code", "vi", "en"])
    except SchemaErrors as err:
        explained = _explain(err.failure_cases, ctx)
    if usable.any():
        ctx.seen_keys = np.union1d(ctx.seen_keys, hashes[usable])
    bad_index = pd.Index(explained["index"].unique())
    accepted = parsed.drop(index=bad_index)
    accepted = accepted[[f.key for f in t.fields]].assign(_row=accepted.index.to_numpy(dtype=np.int64))
    quarantined = _quarantine_rows(chunk, ctx, explained, bad_index)
    for code, n in explained.drop_duplicates(["index", "code"])["code"].value_counts().items():
        reasons[code] += int(n)
    if chunk.bad_lines:
        reasons["wrong_field_count"] += len(chunk.bad_lines)
    return ChunkResult(accepted=accepted, quarantined=quarantined, reasons=reasons)


def _quarantine_rows(chunk: RawChunk, ctx: Context, explained: pd.DataFrame, bad_index: pd.Index) -> pd.DataFrame:
    raw = chunk.text.loc[bad_index].copy() if len(bad_index) else chunk.text.iloc[0:0].copy()
    for header, key in ctx.mapping.items():
        if ctx.template.field(key).kind == "cccd" and header in raw.columns:
            raw[header] = mask_cccd(raw[header])
    raw.insert(0, "_row", raw.index.to_numpy(dtype=np.int64))
    raw = raw.join(_join_reasons(explained), how="left")
    if chunk.bad_lines:
        vi, en = REASONS["wrong_field_count"]
        lines = pd.DataFrame({"_row": [n if n is not None else -1 for n, _ in chunk.bad_lines],
                              "_raw_line": [_mask_line(text, ctx) for _, text in chunk.bad_lines],
                              "ly_do": vi, "reason": en})
        raw = pd.concat([raw, lines], ignore_index=True)
    return raw.reset_index(drop=True)


def _join_reasons(explained: pd.DataFrame) -> pd.DataFrame:
    """One line of reasons per row ("a | b"), fast when most rows have a single reason."""
    unique = explained.drop_duplicates(["index", "code"])
    counts = unique["index"].value_counts()
    single = unique[unique["index"].map(counts) == 1].set_index("index")[["vi", "en"]]
    multi = unique[unique["index"].map(counts) > 1]
    joined = multi.groupby("index", sort=False).agg(vi=("vi", " | ".join), en=("en", " | ".join))
    both = pd.concat([single, joined])
    return both.rename(columns={"vi": "ly_do", "en": "reason"})


def _mask_line(text: str, ctx: Context) -> str:
    """A malformed person-level line is not shown whole (it may hold a CCCD): digits runs of 9+ are masked."""
    if ctx.template.level != "person":
        return text
    return re.sub(r"\d{9,}", lambda m: m.group(0)[:3] + "*" * (len(m.group(0)) - 5) + m.group(0)[-2:], text)
