"""Every table on screen, one way: a typed export (service/exports.py) drawn with column types and
headers in the language, numbers in the reader's locale, no None/nan (an empty cell), the same rows the
download link serves."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from service.exports import ExportTable

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


def show_table(table: ExportTable, lang: str, hide: tuple[str, ...] = (), **kwargs) -> object:
    """Draw an export; `hide` names column keys kept for the download but not shown on screen."""
    shown = ExportTable(table.name, table.frame, tuple(c for c in table.columns if c.key not in hide),
                        table.file_stem)
    frame = shown.labelled(lang)
    for column in frame.columns:
        if frame[column].dtype == object:
            frame[column] = frame[column].where(frame[column].notna(), None)
    return st.dataframe(frame, hide_index=True, width="stretch", column_config=column_config(shown, lang), **kwargs)


def empty_as_blank(frame: pd.DataFrame) -> pd.DataFrame:
    """Text columns with missing values as empty strings (st.table would print 'None')."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object:
            out[column] = out[column].fillna("")
    return out
