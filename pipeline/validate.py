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
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Callable, Iterable, Iterator

import duckdb
import numpy as np
import pandas as pd
import pandera.pandas as pa
import pyarrow as pa_
import pyarrow.compute as pc
from pandera.engines import pandas_engine
from pandera.errors import SchemaErrors

from pipeline.crosswalk import fold, names_to_codes, old_unit_text, resolve_communes
from pipeline.plausibility import Finding, check_rows, inexact_counts
from store.plausibility import load_plausibility
from pipeline.privacy import cccd_province_ok, mask_cccd
from pipeline.readers import RawChunk
from store.templates import PERIOD_FORMATS, AtMost, Field, RateMatches, RequiredWhen, SumEquals, Template
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
    "bad_text": ("Cột {col}: giá trị không hợp lệ", "{col}: invalid value"),
    "inexact_number": ("Cột {col}: số người phải là số nguyên viết đầy đủ (tối đa 15 chữ số, không dạng 1,2E+20, "
                       "không có phần thập phân khác 0): định dạng cột là Số, 0 chữ số thập phân, rồi xuất lại",
                       "{col}: a count of people must be a whole number written in full (at most 15 digits, no "
                       "1.2E+20 form, no non-zero decimals): format the column as Number with 0 decimals and export again"),
    "formula_no_value": ("Cột {col}: ô có công thức nhưng chưa có giá trị đã tính (tệp do phần mềm khác tạo): mở tệp "
                         "bằng Excel hoặc LibreOffice, bấm Lưu, rồi gửi lại",
                         "{col}: the cell holds a formula without a computed value (the file was made by other "
                         "software): open it in Excel or LibreOffice, save it, and send it again"),
    "ambiguous_date": ("Cột {col}: ngày tháng đọc được hai cách (ngày/tháng hay tháng/ngày)",
                       "{col}: the date can be read two ways (day/month or month/day)"),
    "old_unit": ("Cột {col}: mã của đơn vị cũ (trước 01/7/2025); hãy ghi mã đơn vị mới",
                 "{col}: the code of a former unit (before 1 July 2025); write the new unit's code"),
    "not_period_end": ("Cột {col}: biểu mẫu này báo cáo theo kỳ nhiều tháng; ghi tháng cuối của kỳ (06/2026 hoặc "
                       "12/2026 với báo cáo 6 tháng; 03, 06, 09, 12 với báo cáo quý)",
                       "{col}: this form reports periods of several months; write the period's last month "
                       "(06/2026 or 12/2026 for a half-yearly report; 03, 06, 09, 12 for a quarterly one)"),
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
    "unclosed_quote": ("dấu ngoặc kép không đóng", "unclosed quote"),
    "nul_byte": ("ký tự NUL trong dòng", "NUL byte in the line"),
    "line_too_long": ("dòng quá dài", "line too long"),
    "bad_encoding": ("ký tự sai bảng mã", "invalid characters for the encoding"),
    "internal_error": ("lỗi khi xử lý tệp", "error while processing the file"),
    "confirmation_too_short": ("lý do xác nhận quá ngắn", "confirmation reason too short"),
    "bad_period_format": ("định dạng ngày không hợp lệ", "unknown date format"),
    "bad_text": ("giá trị không hợp lệ", "invalid value"),
    "inexact_number": ("số không chính xác (quá dài, dạng E+)", "inexact number (too long, E+ form)"),
    "formula_no_value": ("công thức chưa có giá trị", "formula without a value"),
    "ambiguous_date": ("ngày tháng nhập nhằng", "ambiguous date"),
    "old_unit": ("mã đơn vị cũ sau 07/2025", "former unit code after July 2025"),
    "not_period_end": ("kỳ không phải tháng cuối của kỳ báo cáo", "period is not the last month of a reporting period"),
    "above_max": ("vượt giới hạn tuyệt đối", "above the absolute limit"),
    "above_reference": ("lớn hơn dân số / lực lượng lao động", "above population / labour force"),
    "outlier_jump": ("thay đổi bất thường so với tháng trước", "unusual change from the month before"),
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
    "bad_received_at": ("thời điểm nhận báo cáo không hợp lệ", "invalid reception time"),
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
@lru_cache(maxsize=65536)
def _keys(text: str) -> frozenset[str]:
    plain = fold(text)
    no_unit = fold(re.sub(r"\(.*?\)", " ", text))
    return frozenset(k for k in (plain, no_unit) if k)


@lru_cache(maxsize=None)
def field_keys(f: Field) -> frozenset[str]:
    keys: set[str] = set()
    for text in (f.header_vi, f.header_en, *f.aliases):
        keys |= _keys(text)
    return frozenset(keys)


def _template_keys(templates: list[Template]) -> frozenset[str]:
    return frozenset(k for t in templates for f in t.fields for k in field_keys(f))


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


def header_matcher(templates: list[Template]) -> Callable[[str], bool]:
    """Is this header a column of any template (used to find the header row)? The keys of every template
    are gathered once per file: hashing the templates for each cell scanned cost 0.4 s a file."""
    keys = _template_keys(templates)
    return lambda text: bool(_keys(text) & keys)


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


# ---- parsing (Arrow compute on the hot paths: millions of rows a second) --------------------------------
_VI_EVIDENCE = re.compile(r"^-?\d+,\d{1,2}$|^-?\d+,\d{4,}$|^-?\d{1,3}(\.\d{3})+,\d+$|^-?\d{1,3}(\.\d{3}){2,}$")
_EN_EVIDENCE = re.compile(r"^-?\d+\.\d{1,2}$|^-?\d+\.\d{4,}$|^-?\d{1,3}(,\d{3})+\.\d+$|^-?\d{1,3}(,\d{3}){2,}$")
_STR = pd.StringDtype("pyarrow", na_value=np.nan)
# Parse outcome of a cell, stored as a small integer per column (`_parse_<key>`); 0 = fine.
PARSE_CODES = ("", "missing", "unreadable_number", "bad_period", "bad_commune", "ambiguous_commune", "bad_sector",
               "bad_choice", "bad_status", "bad_cccd_format", "bad_employer", "bad_year", "inexact_number",
               "formula_no_value", "ambiguous_date", "old_unit", "not_period_end")
_CODE = {c: i for i, c in enumerate(PARSE_CODES)}


def _arrow(text: pd.Series) -> pa_.Array:
    """The Arrow array behind a text column ('' for blanks), without copying when it is Arrow-backed."""
    arr = text.array
    if hasattr(arr, "__arrow_array__"):
        out = arr.__arrow_array__()
        if isinstance(out, pa_.ChunkedArray):  # combine_chunks copies even a single chunk
            out = out.chunk(0) if out.num_chunks == 1 else out.combine_chunks()
    else:
        out = pa_.array(text.astype(object).where(text.notna(), "").to_numpy(dtype=object), type=pa_.large_string())
    return pc.fill_null(out, "") if out.null_count else out  # fill_null copies even when nothing is null


def _series(arr: pa_.Array, index: pd.Index) -> pd.Series:
    """An Arrow string array as a pandas `str` Series."""
    values = pa_.chunked_array([arr]).to_pandas(types_mapper={pa_.string(): _STR, pa_.large_string(): _STR}.get)
    return pd.Series(values.array, index=index)  # .array: no alignment on the index


def _np(mask: pa_.Array) -> np.ndarray:
    return (pc.fill_null(mask, False) if mask.null_count else mask).to_numpy(zero_copy_only=False)


def _factorize(arr: pa_.Array) -> tuple[np.ndarray, list[str]]:
    """(codes, distinct values) — the cheap way to treat millions of cells as a few hundred values."""
    encoded = pc.dictionary_encode(arr)
    return encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64), encoded.dictionary.to_pylist()


def detect_convention(texts: list[pd.Series]) -> str | None:
    """'vi' (1.234,5) or 'en' (1,234.5) from the values that can only be read one way; None if none can."""
    vi = en = 0
    for s in texts:
        arr = _arrow(s).slice(0, 200_000)  # a sample is enough to tell the convention
        has_sep = _np(pc.or_(pc.match_substring(arr, "."), pc.match_substring(arr, ",")))
        if not has_sep.any():
            continue
        sample = pd.Series(arr.filter(pa_.array(has_sep)).to_pylist()).drop_duplicates().head(5000)
        sample = sample.str.replace(r"[\s\u00a0\u202f%]", "", regex=True)
        vi += int(sample.str.match(_VI_EVIDENCE).sum())
        en += int(sample.str.match(_EN_EVIDENCE).sum())
    if vi == en:
        return None
    return "vi" if vi > en else "en"


def _parse_separated(r: pd.Series, integer: bool, conv: str) -> pd.Series:
    """Numbers with separators (a minority of cells): classify each, rewrite canonically, convert."""
    dot_groups = r.str.fullmatch(r"[-+]?\d{1,3}(\.\d{3})+")
    comma_groups = r.str.fullmatch(r"[-+]?\d{1,3}(,\d{3})+")
    single_dot = dot_groups & (r.str.count(r"\.") == 1)
    single_comma = comma_groups & (r.str.count(",") == 1)
    vi_dec = r.str.fullmatch(r"[-+]?\d{1,3}(\.\d{3})*,\d+|[-+]?\d+,\d+")
    en_dec = r.str.fullmatch(r"[-+]?\d{1,3}(,\d{3})*\.\d+|[-+]?\d+\.\d+")
    dot_thousands = (dot_groups & ~single_dot) | (single_dot & (integer or conv == "vi"))
    comma_thousands = (comma_groups & ~single_comma) | (single_comma & (integer or conv == "en"))
    comma_decimal = (vi_dec & ~comma_groups) | (single_comma & (not integer) & (conv == "vi"))
    dot_decimal = (en_dec & ~dot_groups) | (single_dot & (not integer) & (conv == "en"))
    canonical = r.copy()
    a = dot_thousands | comma_decimal
    canonical[a] = r[a].str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    b = comma_thousands | dot_decimal
    canonical[b] = r[b].str.replace(",", "", regex=False)
    return pd.to_numeric(canonical, errors="coerce").astype(float)


def parse_numbers(text: pd.Series, integer: bool, convention: str | None, native: pd.Series | None = None,
                  percent: bool = False) -> tuple[pd.Series, pd.Series]:
    """(values, unreadable) for a column of numbers written either way; `native` are real XLSX numbers.

    A separator followed by exactly three digits is ambiguous ("1.234"): in a whole-number column it is a
    thousands separator; otherwise the file's convention decides (Vietnamese by default). Plain digits —
    nearly every cell — take a vectorised fast path.
    """
    arr = _arrow(text)
    length = pc.binary_length(arr)
    values = np.full(len(arr), np.nan)
    plain = _np(pc.and_(pc.ascii_is_decimal(arr), pc.less_equal(length, 15)))
    if plain.any():
        values[plain] = pc.cast(arr.filter(pa_.array(plain)), pa_.float64()).to_numpy(zero_copy_only=False)
    nonblank = _np(pc.greater(length, 0))
    rest = ~plain & nonblank
    if rest.any():
        r = pd.Series(arr.filter(pa_.array(rest)).to_pylist(), dtype=object).astype(str)
        r = r.str.replace("[\\s\u00a0\u202f%]" if percent else "[\\s\u00a0\u202f]", "", regex=True)
        values[rest] = _parse_separated(r, integer, convention or "vi").to_numpy()
    unreadable = np.isnan(values) & nonblank
    if native is not None:
        has = native.notna().to_numpy()
        values[has] = native.to_numpy(dtype=float)[has]
        unreadable &= ~has
    return pd.Series(values, index=text.index), pd.Series(unreadable, index=text.index)


_PERIOD_PATTERNS = (  # on the folded text: "09/2026" -> "09 2026", "Tháng 9/2026" -> "thang 9 2026"
    (re.compile(r"^(\d{4}) (\d{1,2})(?: \d{1,2})?(?: 00 00 00)?$"), ("y", "m")),
    (re.compile(r"^(\d{1,2}) (\d{4})$"), ("m", "y")),
    (re.compile(r"^(?:thang|t|month) ?(\d{1,2}) (?:nam |year )?(\d{4})$"), ("m", "y")),
    (re.compile(r"^(\d{4}) ?m ?(\d{1,2})$"), ("y", "m")),
    (re.compile(r"^(\d{4})(\d{2})$"), ("y", "m")),
)
_FULL_DATE = re.compile(r"^(\d{1,2}) (\d{1,2}) (\d{4})(?: 00 00(?: 00)?)?$")
_HALF_YEAR = (  # half-yearly forms only: "6 tháng đầu năm 2026", "H1/2026", "2026-H2" -> the half's last month
    (re.compile(r"^(?:6 ?thang|6t|sau thang) (dau|cuoi) nam (\d{4})$"), lambda m: (int(m.group(2)), 6 if m.group(1) == "dau" else 12)),
    (re.compile(r"^h ?([12]) (?:nam )?(\d{4})$"), lambda m: (int(m.group(2)), 6 * int(m.group(1)))),
    (re.compile(r"^(\d{4}) h ?([12])$"), lambda m: (int(m.group(1)), 6 * int(m.group(2)))),
)
_EXCEL_SERIAL = re.compile(r"^(\d{5})(?:[.,]0+)?$")
EXCEL_EPOCH = pd.Timestamp(1899, 12, 30)
AMBIGUOUS = "ambiguous"


def _month(year: int, month: int) -> pd.Timestamp | None:
    return pd.Timestamp(year, month, 1) if 1 <= month <= 12 and 1900 <= year <= 2200 else None


def _one_period(value: str, fmt: str = "MM/YYYY", span: int = 1) -> pd.Timestamp | str | None:
    """The month a cell names, None, or AMBIGUOUS: 09/2026, 2026-09, 2026-09-01, Tháng 9/2026, T9/2026, 2026M09,
    an Excel serial day number (46266 = 1 September 2026), or a full date read by `fmt`; for a half-yearly
    form (`span` 6) also "6 tháng đầu năm 2026" and "H1/2026" (its last month, June)."""
    text = fold(value)
    if span == 6:
        for pattern, month_of in _HALF_YEAR:
            m = pattern.match(text)
            if m:
                return _month(*month_of(m))
    serial = _EXCEL_SERIAL.match(text.replace(" ", "."))
    if serial and 36526 <= int(serial.group(1)) <= 73050:  # 2000-01-01 .. 2099-12-31
        day = EXCEL_EPOCH + pd.Timedelta(days=int(serial.group(1)))
        return pd.Timestamp(day.year, day.month, 1)
    full = _FULL_DATE.match(text)
    if full:
        a, b, year = int(full.group(1)), int(full.group(2)), int(full.group(3))
        if fmt == "DD/MM/YYYY":
            return _month(year, b) if 1 <= a <= 31 else None
        if fmt == "MM/DD/YYYY":
            return _month(year, a) if 1 <= b <= 31 else None
        if a <= 12 and b <= 12 and a != b:
            return AMBIGUOUS
        if b <= 12 and a <= 31:
            return _month(year, b)
        if a <= 12 and b <= 31:
            return _month(year, a)
        return None
    for pattern, parts in _PERIOD_PATTERNS:
        m = pattern.match(text)
        if m:
            got = dict(zip(parts, m.groups()))
            return _month(int(got["y"]), int(got["m"]))
    return None


def ambiguous_date_text(value: str) -> tuple[str, str]:
    """The refusal of a date whose day and month could be swapped, with both readings."""
    a, b, year = (int(x) for x in _FULL_DATE.match(fold(value)).groups()[:3])
    return (f"Ngày “{value}” đọc được hai cách: ngày/tháng → tháng {b:02d}/{year}, tháng/ngày → tháng {a:02d}/{year}. "
            f"Hãy ghi tháng dạng MM/YYYY (ví dụ {b:02d}/{year}), hoặc khai báo định dạng của tệp khi nạp: "
            "--period-format DD/MM/YYYY hoặc MM/DD/YYYY",
            f"The date “{value}” reads two ways: day/month → {b:02d}/{year}, month/day → {a:02d}/{year}. "
            f"Write the month as MM/YYYY (e.g. {b:02d}/{year}), or declare the file's format when ingesting: "
            "--period-format DD/MM/YYYY or MM/DD/YYYY")


def _by_distinct(text: pd.Series, one) -> tuple[np.ndarray, list, np.ndarray]:
    """Apply `one` to each distinct non-blank value: (row -> distinct index, mapped distinct values, blank rows)."""
    codes, uniques = _factorize(_arrow(text))
    mapped = [one(u) if u else None for u in uniques] + [None]
    blank_u = np.array([not u for u in uniques] + [True], dtype=bool)
    codes = np.where(codes < 0, len(uniques), codes)
    return codes, mapped, blank_u[codes]


def parse_periods(text: pd.Series, fmt: str = "MM/YYYY", span: int = 1) -> tuple[pd.Series, pd.Series]:
    """(first day of the month, unreadable) — once per distinct value; ambiguous dates are unreadable too
    (`period_codes` tells them apart)."""
    values, codes = period_codes(text, fmt, span)
    return values, pd.Series(codes != 0, index=text.index)


def period_codes(text: pd.Series, fmt: str = "MM/YYYY", span: int = 1) -> tuple[pd.Series, np.ndarray]:
    """(first day of the month, parse code per row: 0, bad_period, ambiguous_date or not_period_end).

    A form covering `span` months (a quarter, a half-year) writes each period as its last month: any
    other month is `not_period_end`."""
    if fmt not in PERIOD_FORMATS:
        raise ValueError(f"unknown period format {fmt!r}; use one of {', '.join(PERIOD_FORMATS)}")
    codes, mapped, blank = _by_distinct(text, lambda u: _one_period(u, fmt, span))
    months = np.array([np.datetime64(m, "us") if isinstance(m, pd.Timestamp) else np.datetime64("NaT", "us")
                       for m in mapped])
    ambiguous = np.array([m == AMBIGUOUS for m in mapped], dtype=bool)
    values = pd.Series(months[codes], index=text.index)
    out = np.zeros(len(text), dtype=np.int8)
    out[values.isna().to_numpy() & ~blank] = _CODE["bad_period"]
    out[ambiguous[codes]] = _CODE["ambiguous_date"]
    if span > 1:
        off = values.notna().to_numpy() & (values.dt.month.fillna(span).to_numpy() % span != 0)
        out[off] = _CODE["not_period_end"]
    return values, out


def _choice_lookup(f: Field) -> dict[str, str]:
    lookup: dict[str, str] = {}
    for c in f.choices:
        for text in (c.code, c.label_vi, c.label_en, *c.aliases):
            lookup[fold(text)] = c.code
    return lookup


def _codes_series(codes: np.ndarray, mapped: list, blank: np.ndarray, index: pd.Index) -> tuple[pd.Series, pd.Series]:
    """Rows' codes gathered from the small list of mapped distinct values, as Arrow strings (no per-row Python)."""
    arr = pa_.array(mapped, type=pa_.large_string()).take(pa_.array(codes))
    values = _series(arr, index)
    return values, pd.Series(values.isna().to_numpy() & ~blank, index=index)


def parse_choices(text: pd.Series, f: Field) -> tuple[pd.Series, pd.Series]:
    lookup = _choice_lookup(f)
    return _codes_series(*_by_distinct(text, lambda u: lookup.get(fold(u))), text.index)


@lru_cache(maxsize=1)
def _sector_lookup() -> dict[str, str]:
    sectors = load_sectors()
    lookup = {}
    for code, vi, en in sectors[["code", "name_vi", "name_en"]].itertuples(index=False):
        for text in (code, vi, en, f"{code} {vi}", f"{code} {en}"):
            lookup[fold(text)] = code
    return lookup


def _one_sector(value: str) -> str | None:
    lookup = _sector_lookup()
    key = fold(value)
    if key in lookup:
        return lookup[key]
    first = re.match(r"^([a-u])\b", key)  # "C - Công nghiệp chế biến", "c. manufacturing"
    return first.group(1).upper() if first else None


def parse_sectors(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    return _codes_series(*_by_distinct(text, _one_sector), text.index)


def _well_formed(arr: pa_.Array, length: int) -> np.ndarray:
    """Exactly `length` ASCII digits (byte length + a digit test: no regex on the hot path)."""
    return _np(pc.and_(pc.equal(pc.binary_length(arr), length), pc.ascii_is_decimal(arr)))


def _with_native(arr: pa_.Array, native: pd.Series | None, index: pd.Index, width: int, low: float) -> pa_.Array:
    """Replace cells that were real Excel numbers by their digits, zero-padded to `width` when in range."""
    if native is None or not native.notna().any():
        return arr
    has = native.notna().to_numpy()
    fixed = native[has].map(lambda v: f"{int(v):0{width}d}" if float(v).is_integer() and low <= v < 10 ** width else str(v))
    values = _series(arr, index)
    values[has] = fixed.to_numpy()
    return _arrow(values)


def parse_cccd(text: pd.Series, native: pd.Series | None) -> tuple[pd.Series, pd.Series]:
    """12-digit strings; an ID that Excel stored as a number lost its leading zeros (every CCCD starts with
    0), so 10 or 11 digits are padded back — unambiguous because the length is fixed. Spaces, dots and
    dashes typed inside the number are removed."""
    arr = _with_native(_arrow(text), native, text.index, 12, 0)
    ok = _well_formed(arr, 12)
    if not ok.all():
        fix = pa_.array(~ok)
        cleaned = pc.replace_substring_regex(arr.filter(fix), r"[\s.\-]", "")
        length = pc.binary_length(cleaned)
        short = pc.and_(pc.ascii_is_decimal(cleaned), pc.and_(pc.greater_equal(length, 10), pc.less_equal(length, 11)))
        cleaned = pc.if_else(short, pc.utf8_lpad(cleaned, 12, "0"), cleaned)
        values = _series(arr, text.index)
        values[~ok] = cleaned.to_pylist()
        arr = _arrow(values)
        ok = _well_formed(arr, 12)
    nonblank = _np(pc.greater(pc.binary_length(arr), 0))
    values = _series(arr, text.index)
    if not ok.all():
        values = values.where(ok)
    return values, pd.Series(~ok & nonblank, index=text.index)


def parse_employer(text: pd.Series, native: pd.Series | None) -> tuple[pd.Series, pd.Series]:
    """A 10-digit tax code, or 10-3 digits for a branch (spaces removed)."""
    arr = _with_native(_arrow(text), native, text.index, 10, 1e8)
    ok = _well_formed(arr, 10)
    nonblank = _np(pc.greater(pc.binary_length(arr), 0))
    values = _series(arr, text.index)
    other = ~ok & nonblank
    if other.any():
        rest = pd.Series(arr.filter(pa_.array(other)).to_pylist(), dtype=object).astype(str).str.replace(r"\s", "", regex=True)
        good = rest.str.fullmatch(r"\d{10}(-\d{3})?").to_numpy(dtype=bool)
        values[other] = rest.where(good).to_numpy()
        ok[other] = good
    if not ok.all():
        values = values.where(ok)
    return values, pd.Series(~ok & nonblank, index=text.index)


# ---- one chunk ------------------------------------------------------------------------------------------
@dataclass
class Context:
    """What validation of a file carries from chunk to chunk."""

    template: Template
    mapping: dict[str, str]              # file header -> field key
    as_of: pd.Timestamp                  # latest month a row may be for
    convention: str | None = None        # 'vi' | 'en', detected once per file
    period_format: str | None = None     # the file's declared format (PERIOD_FORMATS); None: the template's
    confirm_outliers: str | None = None  # the reason given to accept flagged outliers (kept in the ingest log)
    seen_keys: list[np.ndarray] = field(default_factory=list)  # sorted runs of the key hashes seen so far
    schemas: tuple | None = None         # (cells, rules) pandera schemas, built on the first chunk

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
    seconds: dict[str, float] = field(default_factory=dict)  # parse, checks (pandera), quarantine
    confirmed: list[dict] = field(default_factory=list)     # outliers accepted with the confirmation given


def parse_chunk(chunk: RawChunk, ctx: Context) -> pd.DataFrame:
    """The typed frame of a chunk: one column per template field plus `_parse_<key>` codes (PARSE_CODES)."""
    t = ctx.template
    raw = chunk.text
    by_key = {v: k for k, v in ctx.mapping.items()}
    index = raw.index
    n = len(raw)
    out: dict[str, pd.Series] = {}
    parse: dict[str, np.ndarray] = {}

    def text_of(key: str) -> pd.Series:
        header = by_key.get(key)
        if header is None:
            return pd.Series(pd.array([""] * n, dtype=_STR), index=index)
        return raw[header]

    def formula_of(key: str) -> np.ndarray | None:
        header = by_key.get(key)
        if header is None or chunk.formulas is None or header not in chunk.formulas:
            return None
        return chunk.formulas[header].to_numpy(dtype=bool)

    def native_of(key: str) -> pd.Series | None:
        header = by_key.get(key)
        if header is None or chunk.numbers is None:
            return None
        return chunk.numbers[header]

    numeric = [f for f in t.fields if f.kind in ("count", "decimal", "rate", "year")]
    if ctx.convention is None and numeric:
        ctx.convention = detect_convention([text_of(f.key) for f in numeric])

    period = pd.Series(pd.NaT, index=index, dtype="datetime64[us]")
    ordered = sorted(t.fields, key=lambda f: f.kind != "period")  # the period decides how communes are read
    for f in ordered:
        s = text_of(f.key)
        native = native_of(f.key)
        code = np.zeros(n, dtype=np.int8)
        if f.kind == "period":
            values, code = period_codes(s, ctx.period_format or t.period_format, t.months)
            period = values
        elif f.kind == "commune":
            resolved = resolve_communes(s, period, native)
            values = resolved["code"]
            reasons = resolved["reason"].to_numpy(dtype=object)
            for reason in ("bad_commune", "ambiguous_commune", "old_unit"):
                code[reasons == reason] = _CODE[reason]
        elif f.kind in ("count", "decimal", "rate"):
            values, bad = parse_numbers(s, f.kind == "count", ctx.convention, native, percent=f.kind == "rate")
            code[bad.to_numpy()] = _CODE["unreadable_number"]
            if f.kind == "count":
                inexact = inexact_counts(s)
                if native is not None:
                    inexact &= native.isna().to_numpy()  # a real Excel number is checked by its value
                code[inexact & (code == 0)] = _CODE["inexact_number"]
        elif f.kind == "year":
            values, bad = parse_numbers(s, True, ctx.convention, native)
            wrong = bad.to_numpy() | (values.notna() & ((values % 1 != 0) | (values < 1900) | (values > 2100))).to_numpy()
            values = values.where(~wrong)
            code[wrong] = _CODE["bad_year"]
        elif f.kind == "sector":
            values, bad = parse_sectors(s)
            code[bad.to_numpy()] = _CODE["bad_sector"]
        elif f.kind in ("enum", "status"):
            values, bad = parse_choices(s, f)
            code[bad.to_numpy()] = _CODE["bad_status" if f.kind == "status" else "bad_choice"]
        elif f.kind == "cccd":
            values, bad = parse_cccd(s, native)
            code[bad.to_numpy()] = _CODE["bad_cccd_format"]
        elif f.kind == "employer":
            values, bad = parse_employer(s, native)
            code[bad.to_numpy()] = _CODE["bad_employer"]
        else:  # free text
            values = s.where(s.str.len() > 0)
        blank = _np(pc.equal(pc.binary_length(_arrow(s)), 0))
        if native is not None:
            blank &= native.isna().to_numpy()
        formula = formula_of(f.key)
        if formula is not None:
            code[blank & formula & (code == 0)] = _CODE["formula_no_value"]
        if f.required:
            code[blank & (code == 0)] = _CODE["missing"]
        out[f.key] = values
        parse[f.key] = code
    frame = pd.DataFrame({f.key: out[f.key] for f in t.fields}, index=index)
    for key, codes in parse.items():
        frame[f"_parse_{key}"] = codes
    if "commune_name" in out and "commune" in out:
        frame["_name_code"] = names_to_codes(text_of("commune_name"), period)
    return frame


_HASHING = threading.local()


def _hashing_connection() -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection of this thread, kept: opening one cost 0.1 s a chunk."""
    con = getattr(_HASHING, "con", None)
    if con is None:
        con = duckdb.connect(":memory:", config={"threads": 2})
        con.execute("SET enable_progress_bar = false")
        _HASHING.con = con
    return con


def _key_hashes(frame: pd.DataFrame, t: Template) -> tuple[np.ndarray, np.ndarray]:
    """A 64-bit hash of each row's key (DuckDB's vectorised hash), and whether the key can be compared.

    Rows whose required key columns did not parse are left out: they fail anyway, and would otherwise all
    look like duplicates of each other.
    """
    if len(frame) == 0:
        return np.empty(0, dtype=np.uint64), np.empty(0, dtype=bool)
    table = pa_.Table.from_pandas(frame[list(t.key)], preserve_index=False)
    con = _hashing_connection()
    try:
        con.register("keys", table)
        cols = ", ".join(f'"{k}"' for k in t.key)
        hashes = con.sql(f"SELECT hash({cols}) AS h FROM keys").fetchnumpy()["h"]
    finally:
        con.unregister("keys")
    hashes = np.asarray(hashes, dtype=np.uint64)
    usable = np.ones(len(frame), dtype=bool)
    for key in t.key:
        if t.field(key).required:
            usable &= frame[key].notna().to_numpy()
    return hashes, usable


def _first_occurrence(hashes: np.ndarray, seen: list[np.ndarray]) -> np.ndarray:
    """True where a key appears for the first time (in this chunk and in `seen`: sorted runs, `_remember`).

    The common case — no duplicate at all — costs one sort and one merge-like lookup per run; the rows are
    only located when something repeats.
    """
    ordered = np.sort(hashes)
    first = np.ones(len(hashes), dtype=bool)
    if len(hashes) > 1 and (ordered[1:] == ordered[:-1]).any():
        first &= ~pd.Series(hashes).duplicated(keep="first").to_numpy()
    for run in seen:
        if len(run):
            pos = np.minimum(np.searchsorted(run, ordered), len(run) - 1)
            hits = ordered[run[pos] == ordered]
            if len(hits):
                first &= ~np.isin(hashes, hits)
    return first


def _remember(seen: list[np.ndarray], hashes: np.ndarray) -> list[np.ndarray]:
    """`seen` plus new keys, as a few sorted runs whose sizes at least double from the newest to the oldest
    (a run is merged into the one before only when it has grown as large). Keeping one sorted array re-sorted
    the whole file's keys at every chunk: 1.8 s over a 4.5 M-row register; this merges each key a few times.
    """
    runs = [*seen, np.sort(hashes)]
    while len(runs) > 1 and 2 * len(runs[-1]) >= len(runs[-2]):
        newest = runs.pop()
        runs[-1] = np.sort(np.concatenate([runs[-1], newest]), kind="stable")  # two sorted runs: linear
    return runs


def _rule_columns(t: Template) -> list[str]:
    cols: list[str] = []
    for rule in t.rules:
        if isinstance(rule, AtMost):
            cols += [rule.part, rule.whole]
        elif isinstance(rule, SumEquals):
            cols += [rule.total, *rule.parts]
        elif isinstance(rule, RateMatches):
            cols += [rule.rate, rule.num, rule.den]
        elif isinstance(rule, RequiredWhen):
            cols += [rule.target, rule.column, f"_parse_{rule.target}"]
    keys = {f.key for f in t.fields}
    if {"birth_year", "period"} <= keys:
        cols += ["birth_year", "period"]
    if "commune_name" in keys:
        cols += ["commune", "_name_code"]
    return list(dict.fromkeys(cols))


def _age_in_range(df: pd.DataFrame) -> pd.Series:
    age = df["period"].dt.year - df["birth_year"]
    return ~(age.lt(15) | age.gt(100))


def build_schemas(ctx: Context) -> tuple[pa.DataFrameSchema, pa.DataFrameSchema]:
    """The pandera schemas of a template's parsed frame: cell checks, and row rules over a narrow frame.

    Cell checks are column checks (parse codes, types, ranges, CCCD province, duplicates of the key via its
    column `_first_key`, True where a row's key is seen for the first time); cross-column rules are DataFrame
    checks run on only the columns they read, so a file where every row breaks a rule still reports quickly.
    Built once per file (`Context.schemas`): building them cost 0.1 s a chunk.
    """
    t = ctx.template
    gates = load_plausibility()
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
                checks.append(pa.Check(lambda s, lo=gates.rate_min, hi=gates.rate_max: (s >= lo) & (s <= hi),
                                       name="rate_range"))
        elif f.kind == "period":
            dtype = "datetime64[us]"
            checks.append(pa.Check(lambda s, hi=ctx.as_of: (s >= FIRST_MONTH) & (s <= hi), name="period_range"))
        elif f.kind == "cccd":
            checks.append(pa.Check(cccd_province_ok, name="bad_cccd_province"))
        columns[f.key] = pa.Column(dtype, checks=checks, nullable=True, required=True)
        columns[f"_parse_{f.key}"] = pa.Column("int8", pa.Check(lambda s: s == 0, name="parse"), nullable=False)
    columns["_first_key"] = pa.Column(bool, pa.Check(lambda s: s, name=f"duplicate|{','.join(t.key)}"))
    cells = pa.DataFrameSchema(columns, strict=False, name=t.code)

    row_checks: list[pa.Check] = []
    for rule in t.rules:
        if isinstance(rule, AtMost):
            row_checks.append(pa.Check(
                lambda df, r=rule: ~(df[r.part] > df[r.whole]), name=f"at_most|{rule.part}|{rule.whole}"))
        elif isinstance(rule, SumEquals):
            row_checks.append(pa.Check(
                lambda df, r=rule: ~((df[r.total] - df[list(r.parts)].sum(axis=1, min_count=len(r.parts))).abs() > 0.5),
                name=f"sum|{rule.total}|{','.join(rule.parts)}"))
        elif isinstance(rule, RateMatches):
            row_checks.append(pa.Check(
                lambda df, r=rule: ~((df[r.rate] - 100 * df[r.num] / df[r.den].where(df[r.den] > 0)).abs() > r.tolerance),
                name=f"rate_match|{rule.rate}|{rule.num},{rule.den}"))
        elif isinstance(rule, RequiredWhen):
            row_checks.append(pa.Check(
                lambda df, r=rule: ~(df[r.column].isin(list(r.values)).fillna(False) & df[r.target].isna()
                                     & (df[f"_parse_{r.target}"] == 0)),
                name=f"required_when|{rule.target}|{rule.column}"))
    keys = {f.key for f in t.fields}
    if {"birth_year", "period"} <= keys:
        row_checks.append(pa.Check(_age_in_range, name="age_range"))
    if "commune_name" in keys:
        row_checks.append(pa.Check(
            lambda df: ~(df["_name_code"].notna() & df["commune"].notna() & (df["_name_code"] != df["commune"])),
            name="name_mismatch"))
    rows = pa.DataFrameSchema({c: pa.Column(nullable=True) for c in _rule_columns(t)}, checks=row_checks,
                              strict=True, name=f"{t.code}_rules")
    return cells, rows


def _failures(schema: pa.DataFrameSchema, frame: pd.DataFrame) -> pd.DataFrame:
    """The failure cases of `schema` on `frame`, as pandera's lazy validation lists them, or an empty frame.

    The schema (its columns, dtypes and checks) is the declaration; this runs the same check functions,
    vectorised, without pandera's per-check bookkeeping, which cost more than the checks themselves at a
    million rows (0.43 s against 0.05 s). tests/test_validate_schema_runner.py holds it to pandera's own
    `validate(lazy=True)` on hostile frames. A missing column or a wrong dtype is a bug in this module, never
    a data problem: it raises, as pandera's index-less failure does in `_explain`.
    """
    checks: list[str] = []
    columns: list[str] = []
    cases: list[np.ndarray] = []
    rows: list[np.ndarray] = []
    index = frame.index.to_numpy()

    def add(check: str, column: str, failing: np.ndarray, values: pd.Series) -> None:
        at = np.flatnonzero(failing)
        if len(at):
            checks.append(check)
            columns.append(column)
            cases.append(values.iloc[at].to_numpy(dtype=object))  # only the failing values leave pandas
            rows.append(index[at])

    for name, column in schema.columns.items():
        if name not in frame.columns:
            raise RuntimeError(f"validation of {schema.name} failed internally: column {name} missing")
        series = frame[name]
        if column.dtype is not None and not column.dtype.check(pandas_engine.Engine.dtype(series.dtype)):
            raise RuntimeError(f"validation of {schema.name} failed internally: {name} is {series.dtype}, "
                               f"not {column.dtype}")
        null = series.isna().to_numpy()
        if not column.nullable and null.any():
            add("not_nullable", name, null, series)
        for check in column.checks:
            passed = np.asarray(check._check_fn(series), dtype=bool)
            if check.ignore_na:
                passed = passed | null
            add(check.name, name, ~passed, series)
    if schema.strict is True and set(frame.columns) - set(schema.columns):
        raise RuntimeError(f"validation of {schema.name} failed internally: unexpected columns")
    if schema.checks:
        all_null = frame.isna().all(axis=1).to_numpy()
        first = frame.columns[0]
        for check in schema.checks:
            passed = np.asarray(check._check_fn(frame), dtype=bool)
            if check.ignore_na:
                passed = passed | all_null
            add(check.name, first, ~passed, frame[first])
    if not rows:
        return pd.DataFrame({"check": [], "column": [], "failure_case": [], "index": []})
    sizes = [len(r) for r in rows]
    return pd.DataFrame({"check": np.repeat(np.array(checks, dtype=object), sizes),
                         "column": np.repeat(np.array(columns, dtype=object), sizes),
                         "failure_case": np.concatenate(cases), "index": np.concatenate(rows).astype(np.int64)})


@dataclass
class Explained:
    """Failing rows and their reasons: `rows` (row label) and `reason` (index into `texts`) arrays."""

    rows: np.ndarray
    reason: np.ndarray
    texts: list[tuple[str, str, str]]  # (code, vi, en)

    def codes(self) -> np.ndarray:
        return np.array([c for c, _, _ in self.texts], dtype=object)[self.reason] if len(self.rows) else np.array([])


# Parse codes whose message depends on the value written (both readings of a date, the new unit of an old one).
DETAILED: dict[str, object] = {"ambiguous_date": ambiguous_date_text, "old_unit": old_unit_text}


def _explain(failures: pd.DataFrame, ctx: Context, raw: pd.DataFrame | None = None,
             findings: list[Finding] = ()) -> Explained:
    """pandera failure cases and plausibility findings -> (row, reason) pairs, each distinct text once.

    Parse codes in DETAILED get one text per distinct value written (from `raw`, the chunk's cells)."""
    if len(failures) and failures["index"].isna().any():  # a crashed check or a dtype error: a bug, never a pass
        broken = failures[failures["index"].isna()].head(3).to_dict("records")
        raise RuntimeError(f"validation of {ctx.template.code} failed internally: {broken}")
    header = ctx.header_of
    q = lambda key: f"“{header.get(key, key)}”"  # noqa: E731
    texts: list[tuple[str, str, str]] = []
    rows: list[np.ndarray] = []
    reasons: list[np.ndarray] = []

    def add(group: pd.DataFrame, code: str, names: dict[str, str]) -> None:
        if code not in REASONS:
            code = "bad_text"
        texts.append((code, reason_text(code, "vi", **names), reason_text(code, "en", **names)))
        idx = np.unique(group["index"].to_numpy(dtype=np.int64))
        rows.append(idx)
        reasons.append(np.full(len(idx), len(texts) - 1, dtype=np.int32))

    def add_texts(code: str, idx: np.ndarray, vi: list[str], en: list[str]) -> None:
        slots: dict[tuple[str, str], int] = {}
        slot = np.empty(len(idx), dtype=np.int32)
        for j, pair in enumerate(zip(vi, en)):
            if pair not in slots:
                texts.append((code, *pair))
                slots[pair] = len(texts) - 1
            slot[j] = slots[pair]
        rows.append(np.asarray(idx, dtype=np.int64))
        reasons.append(slot)

    is_parse = failures["check"].astype(str).eq("parse").to_numpy()
    for (column, case), group in failures[is_parse].groupby(["column", "failure_case"], sort=False):
        key = str(column)[len("_parse_"):]
        code = PARSE_CODES[int(case)]
        written = header.get(key) if code in DETAILED else None
        if written is not None and raw is not None and written in raw.columns:
            idx = np.unique(group["index"].to_numpy(dtype=np.int64))
            pairs = [DETAILED[code](str(v)) for v in raw.loc[idx, written]]  # type: ignore[operator]
            add_texts(code, idx, [f"{q(key)}: {vi}" for vi, _ in pairs], [f"{q(key)}: {en}" for _, en in pairs])
            continue
        add(group, code, {"col": q(key)})
    for finding in findings:
        add_texts(finding.code, finding.rows, finding.vi, finding.en)
    cell_checks = ("negative", "not_integer", "rate_range", "period_range", "bad_cccd_province")
    for check, group in failures[~is_parse].groupby("check", sort=False):
        check = str(check)
        if check in cell_checks:  # a column check: one reason per column
            for column, part in group.groupby("column", sort=False):
                add(part, check, {"col": q(str(column))})
            continue
        column = group["column"].iloc[0]
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
    if not rows:
        return Explained(np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int32), texts)
    # A DataFrame check reports a failing row once per column it read: keep one (row, reason) pair.
    all_rows, all_reasons = np.concatenate(rows), np.concatenate(reasons)
    pairs = np.unique(np.stack([all_rows, all_reasons.astype(np.int64)], axis=1), axis=0)
    return Explained(pairs[:, 0], pairs[:, 1].astype(np.int32), texts)


@dataclass
class ParsedChunk:
    """A raw chunk and its typed frame (`parse_chunk`), parsed ahead of its checks by the reading thread."""

    chunk: RawChunk
    frame: pd.DataFrame
    seconds: float


def parsed_chunks(chunks: Iterable[RawChunk], ctx: Context) -> Iterator[ParsedChunk]:
    """Each chunk with its typed frame. Parsing keeps no state between chunks but the number convention
    found on the first, so it can run in the reading thread while the chunk before is checked."""
    for chunk in chunks:
        clock = time.perf_counter()
        frame = parse_chunk(chunk, ctx)
        yield ParsedChunk(chunk, frame, time.perf_counter() - clock)


def validate_chunk(chunk: RawChunk | ParsedChunk, ctx: Context) -> ChunkResult:
    """Parse (unless parsed ahead) and validate one chunk: accepted typed rows, quarantined raw rows with
    reasons."""
    t = ctx.template
    if isinstance(chunk, ParsedChunk):
        chunk, parsed, parse_s = chunk.chunk, chunk.frame, chunk.seconds
    else:
        clock = time.perf_counter()
        parsed = parse_chunk(chunk, ctx)
        parse_s = time.perf_counter() - clock
    clock = time.perf_counter()
    hashes, usable = _key_hashes(parsed, t)
    first = np.ones(len(hashes), dtype=bool)
    if usable.any():
        first[usable] = _first_occurrence(hashes[usable], ctx.seen_keys)
    parsed["_first_key"] = first
    if ctx.schemas is None:
        ctx.schemas = build_schemas(ctx)
    cells, rules = ctx.schemas
    failures = pd.concat([_failures(cells, parsed), _failures(rules, parsed[list(rules.columns)])], ignore_index=True)
    findings = check_rows(parsed, t, ctx.header_of)
    confirmed = [f for f in findings if f.confirmable and ctx.confirm_outliers]
    explained = _explain(failures, ctx, chunk.text, [f for f in findings if f not in confirmed])
    if usable.any():
        ctx.seen_keys = _remember(ctx.seen_keys, hashes[usable])
    check_s = time.perf_counter() - clock
    clock = time.perf_counter()
    bad = np.unique(explained.rows)
    keep = ~np.isin(parsed.index.to_numpy(), bad) if len(bad) else np.ones(len(parsed), dtype=bool)
    accepted = parsed.loc[keep, [f.key for f in t.fields]]
    accepted = accepted.assign(_row=accepted.index.to_numpy(dtype=np.int64))
    quarantined = _quarantine_rows(chunk, ctx, explained, bad)
    reasons = Counter()
    if len(explained.rows):
        codes, counts = np.unique(explained.codes(), return_counts=True)
        reasons.update({str(c): int(n) for c, n in zip(codes, counts)})
    for line in chunk.bad_lines:
        reasons[line.code] += 1
    kept = set(accepted.index.to_numpy(dtype=np.int64).tolist())
    confirmations = [{"line": int(row), **detail} for f in confirmed for row, detail in zip(f.rows, f.details)
                     if int(row) in kept]  # an outlier that fails another check is quarantined all the same
    return ChunkResult(accepted=accepted, quarantined=quarantined, reasons=reasons, confirmed=confirmations,
                       seconds={"parse": parse_s, "checks": check_s, "quarantine": time.perf_counter() - clock})


def _quarantine_rows(chunk: RawChunk, ctx: Context, explained: Explained, bad: np.ndarray) -> pd.DataFrame:
    raw = chunk.text.loc[bad].copy() if len(bad) else chunk.text.iloc[0:0].copy()
    for header, key in ctx.mapping.items():
        if ctx.template.field(key).kind == "cccd" and header in raw.columns:
            raw[header] = mask_cccd(raw[header])
    raw.insert(0, "_row", raw.index.to_numpy(dtype=np.int64))
    if len(bad):
        vi, en = _join_reasons(explained, raw.index.to_numpy(dtype=np.int64))
        raw["ly_do"], raw["reason"] = vi, en
    if chunk.bad_lines:
        lines = pd.DataFrame({"_row": [b.line for b in chunk.bad_lines],
                              "_raw_line": [_mask_line(b.text, ctx) for b in chunk.bad_lines],
                              "ly_do": [b.message_vi for b in chunk.bad_lines],
                              "reason": [b.message_en for b in chunk.bad_lines]})
        raw = pd.concat([raw, lines], ignore_index=True)
    return raw.reset_index(drop=True)


def _join_reasons(explained: Explained, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One line of reasons per quarantined row ("a | b"); rows with a single reason need no Python loop."""
    vi_text = np.array([v for _, v, _ in explained.texts], dtype=object)
    en_text = np.array([e for _, _, e in explained.texts], dtype=object)
    order = np.argsort(explained.rows, kind="stable")
    sorted_rows, sorted_reason = explained.rows[order], explained.reason[order]
    starts = np.searchsorted(sorted_rows, rows, side="left")
    ends = np.searchsorted(sorted_rows, rows, side="right")
    vi = vi_text[sorted_reason[starts]]
    en = en_text[sorted_reason[starts]]
    for i in np.flatnonzero(ends - starts > 1):
        ids = sorted_reason[starts[i]:ends[i]]
        vi[i] = " | ".join(vi_text[ids])
        en[i] = " | ".join(en_text[ids])
    return vi, en


def _mask_line(text: str, ctx: Context) -> str:
    """A malformed person-level line is not shown whole (it may hold a CCCD): digits runs of 9+ are masked."""
    if ctx.template.level != "person":
        return text
    return re.sub(r"\d{9,}", lambda m: m.group(0)[:3] + "*" * (len(m.group(0)) - 5) + m.group(0)[-2:], text)


# ---- the published facts table ---------------------------------------------------------------------------
FACT_STATUSES = ("official", "preliminary", "estimate", "demo")


def facts_schema() -> pa.DataFrameSchema:
    """What every published `facts` table must satisfy (checked before a version is written)."""
    from store.catalogue import load_catalogue

    from pipeline.crosswalk import new_codes

    measures = sorted(load_catalogue().measures)
    communes = sorted(new_codes() | {""})
    sectors = sorted(set(load_sectors()["code"]) | {""})
    gates = load_plausibility().measures
    limits = {m: g.max for m, g in gates.items() if g.max is not None}  # store/plausibility.yaml

    def unique_key(df: pd.DataFrame) -> pd.Series:
        hashes = pd.util.hash_pandas_object(df[["measure", "commune_code", "sector", "period"]], index=False)
        return pd.Series(_first_occurrence(hashes.to_numpy(dtype=np.uint64), []), index=df.index)

    return pa.DataFrameSchema({
        "measure": pa.Column(checks=pa.Check(lambda s: s.isin(measures), name="known_measure")),
        "commune_code": pa.Column(checks=pa.Check(lambda s: s.isin(communes), name="known_commune")),
        "sector": pa.Column(checks=pa.Check(lambda s: s.isin(sectors), name="known_sector")),
        "period": pa.Column("datetime64[us]", pa.Check(lambda s: s.dt.day == 1, name="first_of_month")),
        "value": pa.Column(float, pa.Check(lambda s: s >= 0, name="non_negative")),
        "se": pa.Column(float, pa.Check(lambda s: s >= 0, name="non_negative_se"), nullable=True),
        "status": pa.Column(checks=pa.Check(lambda s: s.isin(FACT_STATUSES), name="known_status")),
        "source": pa.Column(checks=pa.Check(lambda s: s.str.len() > 0, name="has_source")),
        "vintage": pa.Column("datetime64[us]", nullable=True),
        "provisional": pa.Column(bool),
    }, checks=[pa.Check(unique_key, name="unique_measure_commune_sector_period"),
               pa.Check(lambda df: ~(df["value"] > _limit_per_row(df["measure"], limits)),
                        name="plausible_max")], strict=True, name="facts")


def _limit_per_row(measure: pd.Series, limits: dict[str, float]) -> np.ndarray:
    """Each row's plausible maximum (inf where none), looked up once per distinct measure: a per-row map
    over millions of rows was a second of every publish."""
    codes, uniques = pd.factorize(measure)
    per_measure = np.array([float(limits.get(m, np.inf)) for m in uniques] + [np.inf])
    return per_measure[codes]  # code -1 (missing measure) picks the last: no limit


class FactsError(ValueError):
    """The facts table to publish breaks the warehouse contract."""


def validate_facts(facts: pd.DataFrame) -> None:
    """Raise FactsError with a readable summary when the facts table breaks its schema."""
    try:
        facts_schema().validate(facts, lazy=True)
    except SchemaErrors as err:
        cases = err.failure_cases
        summary = cases.groupby(["column", "check"], dropna=False).size().reset_index(name="rows")
        example = cases.head(5)[["column", "check", "failure_case", "index"]].to_dict("records")
        raise FactsError(f"facts table rejected: {summary.to_dict('records')}; e.g. {example}") from None
