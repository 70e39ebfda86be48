"""An export as a file: CSV (machine-readable numbers, keys as headers, UTF-8 with BOM for Excel), XLSX
(headers in the language, typed cells with number formats, a data-dictionary sheet) or Parquet.
Formula-safe through store/spreadsheet.py."""
from __future__ import annotations

import io

import pandas as pd

from service.exports import ExportTable
from store.spreadsheet import csv_bytes, xlsx_bytes

MEDIA = {"csv": "text/csv; charset=utf-8", "parquet": "application/vnd.apache.parquet",
         "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
XLSX_MAX_ROWS = 1_048_575
NUMBER_FORMATS = {"int": "#,##0", "percent": "0%", "date": "yyyy-mm-dd", "month": "yyyy-mm"}
"""Excel number formats by column kind (Excel shows them in the reader's own locale: 1.234,5 in vi-VN)."""


def _number_format(kind: str, decimals: int) -> str | None:
    if kind == "number":
        return "#,##0" if decimals == 0 else "#,##0." + "0" * decimals
    return NUMBER_FORMATS.get(kind)


def dictionary(table: ExportTable, lang: str) -> pd.DataFrame:
    """One row per column: key, label, kind, unit, meaning — the CSV's documentation travels with the XLSX."""
    heads = {"vi": ("Cột (CSV)", "Tên cột", "Kiểu", "Đơn vị", "Ý nghĩa"),
             "en": ("Column (CSV)", "Label", "Kind", "Unit", "Meaning")}["en" if lang == "en" else "vi"]
    return pd.DataFrame([(c.key, c.label(lang), c.kind, c.unit(lang),
                          c.description_en if lang == "en" else c.description_vi) for c in table.columns],
                        columns=list(heads))


def file_bytes(table: ExportTable, fmt: str, lang: str = "vi") -> bytes:
    """The export in a format (csv, xlsx, parquet); ValueError for another format."""
    frame = table.frame[[c.key for c in table.columns]]
    if fmt == "csv":
        return csv_bytes(frame)
    if fmt == "parquet":
        buffer = io.BytesIO()
        frame.to_parquet(buffer, index=False)
        return buffer.getvalue()
    if fmt == "xlsx":
        if len(frame) > XLSX_MAX_ROWS:
            raise ValueError(f"{len(frame)} rows do not fit in one Excel sheet")
        labelled = table.labelled(lang)
        formats = {label: _number_format(c.kind, c.decimals) for label, c in zip(labelled.columns, table.columns)}
        return xlsx_bytes(labelled, table.name.replace(":", "_")[:31],
                          {k: v for k, v in formats.items() if v}, dictionary(table, lang))
    raise ValueError(fmt)
