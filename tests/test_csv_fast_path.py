"""The CSV reader's one-go path for clean blocks gives exactly what the line-by-line path gives.

A clean block (the millions of rows of a register export) is parsed without a per-line pass
(`pipeline.readers._parse_clean_block`); any block that could hold a refused line falls back to the
line-by-line classifier. Both must agree on every row, every refused line, its number and reason, and the
blank-row count, for any mix of good and hostile lines: that is what this file checks, with hypothesis.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline import readers

HEADERS = ["Mã xã/phường", "Tháng", "Số người", "Ghi chú"]
GOOD = [
    '10417,09/2026,12,""',
    '"10417","09/2026","12","Tổ 3, thôn Đông"',
    '00004 , 09/2026 ,  7 ,  có khoảng trắng  ',
    '"00004","09/2026","7","ghi ""trích dẫn"" đúng"',
]
HOSTILE = [
    "",                                  # a blank line
    ",,,",                               # only separators: a blank row
    " , , , ",
    "10417,09/2026,12",                  # a field missing
    "10417,09/2026,12,a,b",              # one too many
    '10417,09/2026,"12,ghi chú',         # an unclosed quote
    '10417,09/2026,12,ghi chú"',         # a stray quote
    '10417,09/2026,1\x002,x',            # a NUL byte
    "10417,09/2026,12," + "x" * (readers.MAX_LINE_BYTES + 5),  # a line too long
    "10417,09/2026,12,\udcff",          # invalid UTF-8 (written as the byte 0xff)
    '"10417","09/2026","12","hai\u00a0"',  # a non-breaking space to trim
]


def _write(path: Path, lines: list[str], ending: str) -> Path:
    body = ending.join([",".join(HEADERS), *lines]) + ending
    path.write_bytes(body.encode("utf-8", errors="surrogateescape"))
    return path


def _read(path: Path, fast: bool, monkeypatch: pytest.MonkeyPatch) -> tuple[list, list, int]:
    with monkeypatch.context() as m:
        if not fast:
            m.setattr(readers, "_parse_clean_block", lambda data, raw: None)
        raw = readers.open_raw(path, lambda h: h in HEADERS)
        frames, bad = [], []
        for chunk in raw.chunks(chunk_rows=7):
            frames.append(chunk.text.assign(_line=chunk.rows))
            bad += [(b.line, b.code, b.message_vi, b.text) for b in chunk.bad_lines]
    rows = pd.concat(frames).astype(str).values.tolist() if frames else []
    return rows, sorted(bad), raw.blank_rows


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=st.lists(st.sampled_from(GOOD + HOSTILE), min_size=0, max_size=30),
       ending=st.sampled_from(["\n", "\r\n", "\r"]), block_exp=st.integers(min_value=0, max_value=3))
def test_the_fast_path_agrees_with_the_line_by_line_path(lines, ending, block_exp, tmp_path_factory, monkeypatch):
    monkeypatch.setattr(readers, "READ_BYTES", 64 << block_exp)  # tiny blocks: many block boundaries
    path = _write(tmp_path_factory.mktemp("fast") / "f.csv", lines, ending)
    fast = _read(path, True, monkeypatch)
    slow = _read(path, False, monkeypatch)
    assert fast == slow
    rows, bad, blanks = fast
    assert len(rows) + len(bad) + blanks == len(lines)  # every physical line is a row, refused or blank


def test_a_clean_block_is_taken_in_one_go_and_a_hostile_one_is_not(tmp_path, monkeypatch):
    clean = _write(tmp_path / "clean.csv", GOOD[:3] * 50, "\n")  # an escaped quote "" goes line by line
    raw = readers.open_raw(clean, lambda h: h in HEADERS)
    body = clean.read_bytes().split(b"\n", 1)[1]
    assert readers._parse_clean_block(body, raw) is not None
    for line in HOSTILE[3:]:
        hostile = _write(tmp_path / "hostile.csv", [*GOOD * 5, line, *GOOD * 5], "\n")
        body = hostile.read_bytes().split(b"\n", 1)[1]
        if line.endswith("\u00a0\"") or line.startswith(" ,"):
            continue  # trimmed later, clean for the parser
        assert readers._parse_clean_block(body, raw) is None, line
