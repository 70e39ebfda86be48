"""CSV and XLSX bytes, formula-safe (interim: the audit-trail work replaces this with the full module)."""
from __future__ import annotations

import io

import pandas as pd

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """A text cell that a spreadsheet would run as a formula gets a leading quote; numbers are untouched."""
    if isinstance(value, str) and value.startswith(TRIGGERS):
        try:
            float(value)
            return value
        except ValueError:
            return "'" + value
    return value


def _safe(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(neutralise)
    out.columns = [neutralise(str(c)) for c in out.columns]
    return out


def csv_bytes(frame: pd.DataFrame) -> bytes:
    return _safe(frame).to_csv(index=False, date_format="%Y-%m-%d").encode("utf-8-sig")


def xlsx_bytes(frame: pd.DataFrame, sheet: str = "du_lieu", number_formats: dict[str, str] | None = None,
               dictionary: pd.DataFrame | None = None) -> bytes:
    out = _safe(frame)
    for column in out.columns:
        if isinstance(out[column].dtype, pd.DatetimeTZDtype):
            out[column] = out[column].dt.tz_localize(None)
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        out.to_excel(writer, index=False, sheet_name=sheet[:31])
        sheet_obj = writer.sheets[sheet[:31]]
        sheet_obj.freeze_panes = "A2"
        for j, column in enumerate(out.columns, start=1):
            fmt = (number_formats or {}).get(column)
            if fmt:
                for row in range(2, len(out) + 2):
                    sheet_obj.cell(row=row, column=j).number_format = fmt
        if dictionary is not None:
            _safe(dictionary).to_excel(writer, index=False, sheet_name="tu_dien")
    return buffer.getvalue()
