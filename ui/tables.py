"""Every table on screen, one way: a typed export (service/exports.py) drawn with column types and
headers in the language, numbers in the reader's locale, no None/nan (an empty cell), the same rows the
download link serves."""
from __future__ import annotations

import pandas as pd
import streamlit as st
from pandas.io.formats.style import Styler

from i18n.formats import fmt_date, fmt_month, fmt_number
from i18n.strings import t
from service.exports import Column, ExportTable, column_kind

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
    for column, label in zip(table.columns, frame.columns):
        if column.kind in ("date", "month"):  # a day or a month as the reader writes it, never "00:00:00"
            shown = fmt_month if column.kind == "month" else fmt_date
            style = style.format(lambda v, f=shown: MISSING if pd.isna(v) else f(pd.Timestamp(v), lang), subset=[label])
    return style


def show_table(table: ExportTable, lang: str, hide: tuple[str, ...] = (), limit: int | None = None,
               **kwargs) -> object:
    """Draw an export; `hide` names column keys kept for the download but not shown on screen, `limit`
    draws only the first rows (a preview of a large table; the download has them all)."""
    frame = table.frame if limit is None else table.frame.head(limit)
    shown = ExportTable(table.name, frame, tuple(c for c in table.columns if c.key not in hide), table.file_stem)
    frame = empty_as_blank_none(shown.labelled(lang))
    kwargs.setdefault("width", "stretch")
    config = {**column_config(shown, lang), **kwargs.pop("column_config", {})}  # a page may refine a column (links)
    return st.dataframe(displayed(shown, frame, lang), hide_index=True, column_config=config, **kwargs)


def screen_table(frame: pd.DataFrame, decimals: dict[str, int] | None = None) -> ExportTable:
    """A page's own table (already labelled in the language, not a download) as a typed table, so it is drawn
    exactly as an export is: the column kinds from the values, `decimals` per numeric header (default 0 for
    whole numbers, 1 otherwise)."""
    decimals = decimals or {}
    frame = frame.rename(columns=str).reset_index(drop=True)
    columns = []
    for name in frame.columns:
        kind = column_kind(frame[name])
        columns.append(Column(name, name, name, kind, decimals.get(name, 0 if kind == "int" else 1)))
    return ExportTable("screen", frame, tuple(columns), "")


def show_frame(frame: pd.DataFrame, lang: str, decimals: dict[str, int] | None = None, **kwargs) -> object:
    """Draw a page's own table through show_table (a scrolling grid: sortable, same formats as exports)."""
    return show_table(screen_table(frame, decimals), lang, **kwargs)


def show_static(frame: pd.DataFrame, lang: str, decimals: dict[str, int] | None = None) -> object:
    """Draw a page's own short table as a static table (long names wrap: nothing cut off), with the same
    number formats and the same dash for a missing value as show_table."""
    table = screen_table(frame, decimals)
    return st.table(displayed(table, empty_as_blank_none(table.frame), lang), hide_index=True)


def missing_legend(lang: str) -> None:
    """The legend under a table with missing cells: what the dash means."""
    st.caption(t("table_missing_legend", lang))


def empty_as_blank_none(frame: pd.DataFrame) -> pd.DataFrame:
    """Text columns with every missing marker (NaN, NA, NaT) as None, the one marker `displayed` dashes."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].astype(object).where(out[column].notna(), None)
    return out
