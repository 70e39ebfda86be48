"""The one place the product writes CSV and XLSX bytes, safe to open in Excel or LibreOffice.

Why one place: cells come from input files, file names, headers and URL parameters, all hostile. A
spreadsheet runs a cell beginning with `=`, `+`, `-`, `@`, tab or carriage return as a formula
(`=HYPERLINK("http://x","y")` phishes, `=cmd|' /C calc'!A0` runs a program), so every text cell that
begins with one of these gets a leading apostrophe (`'=...`), the OWASP CSV-injection rule; the
apostrophe stays visible, which is the point: the reader sees the text as it came, never its result.
Numbers are not text: a numeric column is never touched, and in a text column a value that is a plain
number (`-5`, `+84`, `-1.234,5`, `-2.5e-3`, `-12%`) stays as it is, so negative figures stay figures.

CSV: UTF-8 with BOM (Excel then shows Vietnamese), machine-readable numbers (no thousand separators,
'.' decimal), ISO dates (`2026-10-01`, or `2026-10-01T08:30:00+07:00` with a time), empty cells for
missing values; the header quoted only where needed, the rows written with pyarrow (text cells always
quoted), so a large quarantine file stays fast (about 15 times pandas' `to_csv`).
XLSX (openpyxl): numbers as typed numeric cells (16 significant digits, Excel shows 15; infinities
become empty cells) with the caller's number format per column, dates as
dates (an aware timestamp keeps its wall-clock time in its own zone, Excel has no time zones), text
neutralised, a bold frozen header row, optionally a data-dictionary sheet. Characters XML cannot hold
become U+FFFD and a text longer than Excel's cell limit (32.767) is cut with "…".
No Streamlit here.
"""
from __future__ import annotations

import codecs
import io
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from numbers import Number
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa
from pyarrow import csv as pacsv

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
"""A text cell beginning with one of these is run as a formula by Excel, LibreOffice or Google Sheets."""
NEUTRALISER = "'"
_PLAIN_NUMBER = r"[+-]?(?:\d[\d.,]*|[.,]\d[\d.,]*)(?:[eE][+-]?\d+)?%?"
_PLAIN_NUMBER_RE = re.compile(_PLAIN_NUMBER)
_SURROGATES = r"[\ud800-\udfff]"
_XML_ILLEGAL = r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]"
_XML_ILLEGAL_RE = re.compile(_XML_ILLEGAL)
XLSX_MAX_CELL_CHARS = 32_767
XLSX_DATE_FORMAT = "yyyy-mm-dd"
XLSX_DATETIME_FORMAT = "yyyy-mm-dd hh:mm:ss"
DICTIONARY_SHEET = "Từ điển dữ liệu"
DICTIONARY_HEADER = ("Cột / Column", "Mô tả / Description", "Đơn vị / Unit")


class DictionaryEntry(NamedTuple):
    """One row of the data-dictionary sheet: what a column holds and in which unit."""

    column: str
    description: str
    unit: str = ""


def is_plain_number(text: str) -> bool:
    """True for a number written as text (machine or Vietnamese style, with sign, exponent or %)."""
    return _PLAIN_NUMBER_RE.fullmatch(text) is not None


def neutralise(value: Any) -> Any:
    """The value as a spreadsheet may safely show it: risky text gets a leading apostrophe, rest unchanged."""
    if isinstance(value, str) and value[:1] in FORMULA_TRIGGERS and not is_plain_number(value):
        return NEUTRALISER + value
    return value


def _neutralise_text(series: pd.Series) -> pd.Series:
    """`neutralise` over a column of strings (missing values kept missing), vectorised."""
    text = series.astype("string")
    risky = text.str[:1].isin(FORMULA_TRIGGERS) & ~text.str.fullmatch(_PLAIN_NUMBER).fillna(False)
    return text.mask(risky.fillna(False).astype(bool), NEUTRALISER + text)


def _is_number(value: Any) -> bool:
    return isinstance(value, (Number, np.number)) and not isinstance(value, (bool, np.bool_))


def _missing(value: Any) -> bool:
    if value is None or value is pd.NaT or value is pd.NA:
        return True
    return isinstance(value, float) and math.isnan(value)


def _iso(value: date | datetime | pd.Timestamp) -> str:
    if isinstance(value, (datetime, pd.Timestamp)):
        if value.tzinfo is None and value.hour == value.minute == value.second == value.microsecond == 0:
            return value.date().isoformat()
        return value.isoformat()
    return value.isoformat()


def _header(columns: pd.Index) -> list[str]:
    return [re.sub(_SURROGATES, "\ufffd", neutralise(str(c))) for c in columns]


# ---- CSV -----------------------------------------------------------------------------------------------------
def _csv_column(series: pd.Series) -> pa.Array:
    if pd.api.types.is_bool_dtype(series) or (pd.api.types.is_numeric_dtype(series)
                                              and not isinstance(series.dtype, pd.CategoricalDtype)):
        return pa.array(series, from_pandas=True)
    if pd.api.types.is_datetime64_any_dtype(series):
        present = series.dropna()
        naive = getattr(series.dt, "tz", None) is None
        if naive and (present == present.dt.normalize()).all():
            text = series.dt.strftime("%Y-%m-%d")
        else:
            text = series.map(lambda v: None if _missing(v) else v.isoformat())
        return pa.array(text.astype(object).where(series.notna(), None), type=pa.string())
    if pd.api.types.infer_dtype(series, skipna=True) in ("string", "empty"):
        try:
            text = _neutralise_text(series)
            return pa.array(text.astype(object).where(text.notna(), None), type=pa.string())
        except UnicodeEncodeError:  # a lone surrogate: cell by cell below
            pass
    return pa.array([_csv_text(v) for v in series], type=pa.string())


def _csv_text(value: Any) -> str | None:
    """One cell of a mixed column as CSV text: numbers in machine form, dates ISO, text neutralised."""
    if _missing(value):
        return None
    if isinstance(value, (bool, np.bool_)):
        return "true" if value else "false"
    if _is_number(value):
        return repr(value.item() if isinstance(value, np.generic) else value)
    if isinstance(value, (date, datetime)):
        return _iso(value)
    return re.sub(_SURROGATES, "\ufffd", neutralise(str(value)))


def csv_bytes(frame: pd.DataFrame, *, header: bool = True, bom: bool = True) -> bytes:
    """The frame as safe CSV bytes (UTF-8, BOM first); `header`/`bom` off to append a chunk to a file."""
    table = pa.Table.from_arrays([_csv_column(frame.iloc[:, i]) for i in range(frame.shape[1])],
                                 names=_header(frame.columns))
    buffer = io.BytesIO()
    if bom:
        buffer.write(codecs.BOM_UTF8)
    if header and frame.shape[1]:  # the header quoted only where needed, so it reads `indicator,name,...`
        names = ['"' + n.replace('"', '""') + '"' if not n or any(c in n for c in ',"\r\n') else n
                 for n in table.column_names]  # an empty name quoted: a lone one would make a blank line
        buffer.write((",".join(names) + "\n").encode("utf-8"))
    if frame.shape[1]:
        pacsv.write_csv(table, buffer, pacsv.WriteOptions(include_header=False))
    return buffer.getvalue()


# ---- XLSX ----------------------------------------------------------------------------------------------------
def _xlsx_text(value: str) -> str:
    text = _XML_ILLEGAL_RE.sub("\ufffd", neutralise(value))
    return text if len(text) <= XLSX_MAX_CELL_CHARS else text[:XLSX_MAX_CELL_CHARS - 1] + "…"


def _xlsx_value(value: Any) -> Any:
    """One cell for openpyxl: a number, a naive date/datetime, a bool, safe text, or None."""
    if _missing(value):
        return None
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if _is_number(value):
        number = value.item() if isinstance(value, np.generic) else value
        return number if not isinstance(number, float) or math.isfinite(number) else None
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, date):
        return value
    return _xlsx_text(str(value))


def sheet_name(name: str) -> str:
    """A name Excel accepts: no []:*?/\\ characters, at most 31 characters, not empty."""
    clean = re.sub(r"[\[\]:*?/\\]", "-", _XML_ILLEGAL_RE.sub("", str(name))).strip("'")[:31]
    return clean or "Sheet1"


def _column_format(series: pd.Series, given: str | None) -> str | None:
    if given is not None:
        return given
    if pd.api.types.is_datetime64_any_dtype(series):
        present = series.dropna()
        if getattr(series.dt, "tz", None) is None and (present == present.dt.normalize()).all():
            return XLSX_DATE_FORMAT
        return XLSX_DATETIME_FORMAT
    return None


def _write_sheet(sheet, header: list[str], rows: Iterable[Sequence[Any]], formats: list[str | None]) -> None:
    """Header bold and frozen, then the rows; a number format only on numbers and dates of its column.

    Written in openpyxl's write-only mode (a large export streams); a text cell never starts with "=" after
    `neutralise`, so openpyxl never takes it for a formula.
    """
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    rows = iter(rows)
    sample = [row for _, row in zip(range(200), rows)]  # the first rows size the columns
    widths = [min(max([len(str(h))] + [len(v) for v in column if isinstance(v, str)] + [10]), 60)
              for h, column in zip(header, zip(*sample) if sample else [()] * len(header))]
    for j, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(j)].width = width + 2
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    head = []
    for text in header:
        cell = WriteOnlyCell(sheet, _xlsx_text(text))
        cell.font = bold
        head.append(cell)
    sheet.append(head)
    typed = (int, float, date, datetime)
    for row in (r for chunk in (sample, rows) for r in chunk):
        out = list(row)
        for j, fmt in enumerate(formats):
            if fmt is not None and isinstance(out[j], typed) and not isinstance(out[j], bool):
                cell = WriteOnlyCell(sheet, out[j])
                cell.number_format = fmt
                out[j] = cell
        sheet.append(out)


def _dictionary_rows(dictionary: pd.DataFrame | Sequence[DictionaryEntry | tuple[str, str, str]]
                     ) -> tuple[list[str], list[list[Any]]]:
    if isinstance(dictionary, pd.DataFrame):
        return ([str(c) for c in dictionary.columns],
                [[_xlsx_value(v) for v in values] for values in dictionary.itertuples(index=False, name=None)])
    return list(DICTIONARY_HEADER), [[_xlsx_value(str(part)) for part in DictionaryEntry(*entry)]
                                     for entry in dictionary]


def xlsx_bytes(frame: pd.DataFrame, sheet: str = "Dữ liệu", number_formats: Mapping[str, str] | None = None,
               dictionary: pd.DataFrame | Sequence[DictionaryEntry | tuple[str, str, str]] | None = None) -> bytes:
    """The frame as a safe XLSX workbook: typed cells, `number_formats` per column (e.g. '#,##0', '0.0%').

    `dictionary`, when given, adds a sheet documenting the columns: entries (column, description, unit)
    under a bilingual header, or a frame written with its own header.
    """
    from openpyxl import Workbook

    formats_given = dict(number_formats or {})
    unknown = set(formats_given) - {str(c) for c in frame.columns}
    if unknown:
        raise ValueError(f"number_formats for columns not in the frame: {sorted(unknown)}")
    book = Workbook(write_only=True)
    data = book.create_sheet(sheet_name(sheet))
    columns = [frame.iloc[:, i] for i in range(frame.shape[1])]
    formats = [_column_format(s, formats_given.get(str(name))) for name, s in zip(frame.columns, columns)]
    rows = ([_xlsx_value(v) for v in values] for values in zip(*columns)) if columns else iter(())
    _write_sheet(data, [str(c) for c in frame.columns], rows, formats)
    if dictionary is not None:
        name = sheet_name(DICTIONARY_SHEET)
        notes = book.create_sheet(name if name != data.title else sheet_name(f"{name} 2"))
        header, entries = _dictionary_rows(dictionary)
        _write_sheet(notes, header, entries, [None] * len(header))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
