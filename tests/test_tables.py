"""The one table helper (ui/tables.py): numbers in the reader's format, a dash for a missing value, the
cells still numbers underneath (so a column sorts by value)."""
from __future__ import annotations

import math

import pandas as pd

from service.exports import Column, ExportTable
from ui.tables import MISSING, displayed


def _table() -> ExportTable:
    frame = pd.DataFrame({"name": ["Xã Hòa Xá", None], "rate": [2.1234, math.nan], "people": [19123, pd.NA]})
    frame["people"] = frame["people"].astype("Int64")
    columns = (Column("name", "Xã, phường", "Commune"), Column("rate", "Tỷ lệ", "Rate", kind="number", decimals=2),
               Column("people", "Số người", "People", kind="int"))
    return ExportTable("t", frame, columns, "t")


def test_numbers_read_in_the_language_and_missing_values_as_a_dash():
    table = _table()
    for lang, rate, people in (("vi", "2,12", "19.123"), ("en", "2.12", "19,123")):
        frame = table.labelled(lang)
        html = displayed(table, frame, lang).to_html()
        assert rate in html and people in html and "None" not in html and "nan" not in html.lower().replace("name", "")
        assert html.count(MISSING) == 3
        assert frame.iloc[0, 1] == 2.1234  # the value underneath is untouched
