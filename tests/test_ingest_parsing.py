"""Reading cells as people write them (numbers, months, communes, old units) and the invariant that every
row in is either accepted or quarantined — checked on random files with hypothesis."""
from __future__ import annotations

import csv
import io

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.crosswalk import default_new_unit, resolve_communes, split_to_new
from pipeline.ingest import ingest_file
from pipeline.readers import detect_encoding, encode_cp1258
from store.templates import get_template
from pipeline.validate import parse_numbers, parse_periods
from store.reference import load_communes, load_lineage

COMMUNE_JOBS = get_template("commune_jobs")

AS_OF = pd.Timestamp("2026-10-01")


def s(values) -> pd.Series:
    return pd.Series(values, dtype="str")


@pytest.mark.parametrize("text, integer, convention, expected", [
    ("1.234,5", False, None, 1234.5), ("1,234.5", False, None, 1234.5), ("1234", True, None, 1234),
    ("1.234", True, "en", 1234), ("1,234", True, "vi", 1234),        # whole numbers: always thousands
    ("1.234", False, "vi", 1234), ("1.234", False, "en", 1.234),     # decimals: the file's convention decides
    ("1,234", False, "vi", 1.234), ("1,234", False, "en", 1234),
    ("12,5", False, None, 12.5), ("12.5", False, None, 12.5), ("1.234.567", True, None, 1234567),
    ("1 234 567", True, None, 1234567), ("-3", True, None, -3), ("\u00a0 42 ", True, None, 42),
])
def test_numbers_written_either_way(text, integer, convention, expected):
    values, bad = parse_numbers(s([text]), integer, convention)
    assert not bad.iloc[0] and values.iloc[0] == pytest.approx(expected)


@pytest.mark.parametrize("text", ["x", "12a", "1..2", "--3", "1,2,3,4"])
def test_unreadable_numbers_are_flagged(text):
    values, bad = parse_numbers(s([text]), True, "vi")
    assert bad.iloc[0] and np.isnan(values.iloc[0])


def test_percent_signs_in_rates():
    values, bad = parse_numbers(s(["95,5%", "100 %"]), False, "vi", percent=True)
    assert values.tolist() == [95.5, 100.0] and not bad.any()


def test_real_excel_numbers_win_over_their_text():
    values, _ = parse_numbers(s(["1.234"]), False, "vi", native=pd.Series([1.234]))
    assert values.iloc[0] == pytest.approx(1.234)  # a number typed in Excel is never re-read as 1234


@given(st.integers(min_value=0, max_value=10**12))
@settings(max_examples=60, deadline=None)
def test_whole_numbers_roundtrip_in_both_conventions(n):
    vi = f"{n:,}".replace(",", ".")
    en = f"{n:,}"
    for text in (vi, en, str(n)):
        values, bad = parse_numbers(s([text]), True, None)
        assert not bad.iloc[0] and values.iloc[0] == n


@pytest.mark.parametrize("text", ["09/2026", "9/2026", "2026-09", "2026-09-01", "Tháng 9/2026", "T9/2026",
                                  "tháng 9 năm 2026", "2026M09", "202609", "25/09/2026", "09/25/2026",
                                  "2026-09-01 00:00:00", "46266", "46280", "46266.0", "09/09/2026"])
def test_months_written_many_ways(text):
    values, bad = parse_periods(s([text]))
    assert not bad.iloc[0] and values.iloc[0] == pd.Timestamp("2026-09-01")


@pytest.mark.parametrize("text, fmt, month", [("01/09/2026", "DD/MM/YYYY", 9), ("09/01/2026", "DD/MM/YYYY", 1),
                                              ("09/01/2026", "MM/DD/YYYY", 9), ("01/09/2026", "MM/DD/YYYY", 1),
                                              ("2026-01-09", "MM/DD/YYYY", 1), ("09/2026", "MM/DD/YYYY", 9)])
def test_a_declared_format_decides_the_day_month_order(text, fmt, month):
    values, bad = parse_periods(s([text]), fmt)
    assert not bad.iloc[0] and values.iloc[0] == pd.Timestamp(2026, month, 1)


def test_day_month_ambiguous_dates_are_refused_with_both_readings():
    from pipeline.validate import ambiguous_date_text, period_codes

    values, codes = period_codes(s(["09/01/2026", "01/09/2026", "13/01/2026"]))
    assert values.isna().tolist() == [True, True, False] and codes.tolist()[:2] == [14, 14]  # ambiguous_date
    vi, en = ambiguous_date_text("09/01/2026")
    assert "01/2026" in vi and "09/2026" in vi and "ngày/tháng" in vi and "--period-format" in vi
    assert "day/month → 01/2026" in en and "month/day → 09/2026" in en


@pytest.mark.parametrize("text", ["13/2026", "2026-00", "Sept 2026", "x", "32/13/2026", "99999"])
def test_unreadable_months(text):
    _, bad = parse_periods(s([text]))
    assert bad.iloc[0]


def test_commune_codes_names_and_eras():
    new = pd.Timestamp("2026-09-01")
    old = pd.Timestamp("2024-05-01")
    text = s(["00004", "4", "Phường Ba Đình", "ba dinh", "Ba Dinh Ward", "Phường Trúc Bạch", "Phường Trúc Bạch", "99999",
              "Phường Quang Trung"])
    period = pd.Series([new, new, new, new, new, new, old, new, old])
    out = resolve_communes(text, period)
    assert out["code"].tolist()[:5] == ["00004"] * 5
    assert out["reason"].tolist()[5:] == ["old_unit", "", "bad_commune", "ambiguous_commune"]
    assert out["code"].iloc[6] == "00004"  # Trúc Bạch was old ward 00004 before July 2025


def test_old_unit_codes_after_july_2025_name_the_new_unit():
    from pipeline.crosswalk import old_unit_text

    lineage = load_lineage()
    communes = load_communes().set_index("code")
    counts = lineage.groupby("old_code")["new_code"].nunique()
    whole = next(c for c in counts[counts == 1].index if c not in set(communes.index))
    split = next(c for c in counts[counts > 1].index if c not in set(communes.index))
    out = resolve_communes(s([whole, split, str(int(whole))]), pd.Series([pd.Timestamp("2026-09-01")] * 3))
    assert out["reason"].tolist() == ["old_unit"] * 3
    new = lineage.loc[lineage["old_code"] == whole, "new_code"].iloc[0]
    vi, en = old_unit_text(whole)
    assert f"mã {new}" in vi and communes.loc[new, "name_vi"] in vi and f"code {new}" in en
    vi, en = old_unit_text(split)
    for code in lineage.loc[lineage["old_code"] == split, "new_code"]:
        assert f"mã {code}" in vi and f"code {code}" in en
    assert "chia vào" in vi and "split between" in en


def test_every_old_code_has_one_default_new_unit():
    lineage = load_lineage()
    old = pd.Series(sorted(lineage["old_code"].unique()))
    mapped = default_new_unit(old)
    assert mapped.notna().all() and mapped.isin(load_communes()["code"]).all()


@given(st.lists(st.tuples(st.sampled_from(sorted(load_lineage()["old_code"].unique())), st.integers(0, 10_000)),
                min_size=1, max_size=30))
@settings(max_examples=40, deadline=None)
def test_splitting_old_units_keeps_every_total_exact(rows):
    frame = pd.DataFrame({"commune": [r[0] for r in rows], "period": pd.Timestamp("2025-03-01"),
                          "n": [float(r[1]) for r in rows]})
    out = split_to_new(frame, "commune", "period", ["n"], [])
    assert out["n"].sum() == frame["n"].sum()
    assert (out["n"] % 1 == 0).all() and (out["n"] >= 0).all()
    assert out["commune"].isin(load_communes()["code"]).all() and out["mapped"].all()


def test_encoding_detection():
    text = "Mã xã;Tháng\n00004;Phường Hoàn Kiếm\n"
    assert detect_encoding(text.encode("utf-8")) == "utf-8"
    assert detect_encoding(b"\xef\xbb\xbf" + text.encode("utf-8")) == "utf-8-sig"
    assert detect_encoding(encode_cp1258(text)) == "cp1258"
    assert detect_encoding("Ma xa;Cafe\n1;café".encode("cp1252")) == "cp1252"


# ---- the invariant: rows in = accepted + quarantined ---------------------------------------------------
CELL = st.one_of(st.sampled_from(["00004", "4", "Phường Ba Đình", "99999", "", "Giảng Võ", "x"]),
                 st.sampled_from(["09/2026", "2026-09", "13/2026", "", "08/2026", "2019-12"]),
                 st.integers(-5, 500).map(str), st.sampled_from(["1.234", "12,5", "abc", "", "1,234.5"]))
ROW = st.lists(CELL, min_size=1, max_size=len(COMMUNE_JOBS.fields) + 2)


@given(rows=st.lists(ROW, min_size=0, max_size=40), blank_lines=st.integers(0, 3))
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_every_row_is_accepted_or_quarantined(rows, blank_lines, tmp_path_factory, monkeypatch):
    root = tmp_path_factory.mktemp("inv")
    monkeypatch.setenv("HANOI_DATA_DIR", str(root / "curated"))
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\n")
    writer.writerow([f.header_vi for f in COMMUNE_JOBS.fields])
    data_lines = 0  # rows with too few or too many fields count too: they are quarantined as such
    for i, row in enumerate(rows):
        if not any(row):
            continue  # an all-blank line is not a data row
        writer.writerow(row)
        data_lines += 1
        if i < blank_lines:
            buffer.write("\n")
    path = root / "random.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8")
    report = ingest_file(path, template="commune_jobs", as_of=AS_OF)
    assert report.rows_in == data_lines
    assert report.rows_in == report.accepted + report.quarantined
    if report.quarantined:
        quarantined = pd.read_csv(report.quarantine_file, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        assert len(quarantined) == report.quarantined and (quarantined["ly_do (vi)"] != "").all()
        assert (quarantined["reason (en)"] != "").all()
    if report.accepted:
        staged = pd.read_parquet(root / "curated" / report.staged_file)
        assert staged["_row"].nunique() == report.accepted
