"""Every table on screen, one way: a typed export (service/exports.py) drawn with column types and
headers in the language, numbers in the reader's locale, no None/nan (an empty cell), the same rows the
download link serves."""
from __future__ import annotations

import pandas as pd
import streamlit as st
from pandas.io.formats.style import Styler

from i18n.formats import fmt_number
from service.exports import ExportTable

MISSING = "–"
"""What a cell without a value shows (the table's legend and the data dictionary say: no data)."""

STEP = {0: 1, 1: 0.1, 2: 0.01, 3: 0.001}


def column_config(table: ExportTable, lang: str) -> dict:
    """Streamlit column types from the export's columns (keyed by the labelled headers)."""
    config = {}
    for column, label in zip(table.columns, table.labelled(lang).columns):
        if column.kind in ("number", "int"):
            config[label] = st.column_config.NumberColumn(format="localized", step=STEP.get(column.decimals, 0.01))
        elif column.kind == "percent":
            config[label] = st.column_config.NumberColumn(format="percent")
        elif column.kind == "month":
            config[label] = st.column_config.DateColumn(format="MM/YYYY" if lang == "vi" else "MMM YYYY")
        elif column.kind == "date":
            config[label] = st.column_config.DateColumn(format="DD/MM/YYYY" if lang == "vi" else "D MMM YYYY")
        elif column.kind == "bool":
            config[label] = st.column_config.CheckboxColumn()
        else:
            config[label] = st.column_config.TextColumn()
    return config


def displayed(table: ExportTable, frame: pd.DataFrame, lang: str) -> Styler:
    """The frame with what a reader sees in numeric and text cells: numbers in the language's format with
    the column's decimals, a dash where a value is missing (the grid would print "None"). The cells stay
    numbers underneath, so a column still sorts by value; dates and percentages keep their column type's
    format (and their own missing-value display)."""
    numeric = [label for column, label in zip(table.columns, frame.columns) if column.kind in ("number", "int")]
    text = [label for column, label in zip(table.columns, frame.columns) if column.kind == "text"]
    style = frame.style
    for column, label in zip(table.columns, frame.columns):
        if label in numeric:
            style = style.format(lambda v, d=column.decimals: MISSING if pd.isna(v) else fmt_number(float(v), lang, d),
                                 subset=[label])
    if text:
        style = style.format(lambda v: MISSING if v is None or v is pd.NA or v != v or v == "" else v, subset=text)
    return style


def show_table(table: ExportTable, lang: str, hide: tuple[str, ...] = (), **kwargs) -> object:
    """Draw an export; `hide` names column keys kept for the download but not shown on screen."""
    shown = ExportTable(table.name, table.frame, tuple(c for c in table.columns if c.key not in hide),
                        table.file_stem)
    frame = shown.labelled(lang)
    for column in frame.columns:
        if frame[column].dtype == object:
            frame[column] = frame[column].where(frame[column].notna(), None)
    return st.dataframe(displayed(shown, frame, lang), hide_index=True, width="stretch",
                        column_config=column_config(shown, lang), **kwargs)


def empty_as_blank(frame: pd.DataFrame) -> pd.DataFrame:
    """Text columns with missing values as empty strings (st.table would print 'None')."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object:
            out[column] = out[column].fillna("")
    return out
