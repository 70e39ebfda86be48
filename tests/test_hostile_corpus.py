"""A hostile corpus beyond the first pipeline issue's broken samples: files as the officials who fill the
templates really send them, and as an attacker would craft them. Each case is ingested into a warehouse of
its own with demo history; each test asserts the message (vi and en), that rows in = accepted + quarantined,
and that nothing implausible reaches the curated facts after one publish of everything."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pandas as pd
import pytest

from pipeline.readers import encode_cp1258
from store.templates import get_template
from store.reference import load_communes, load_lineage
from warehouse_copy import demo_copy

COMMUNE_JOBS = get_template("commune_jobs")
LFS_ESTIMATES = get_template("lfs_estimates")

AS_OF = pd.Timestamp("2026-10-01")
HEADER = [f.header_vi for f in COMMUNE_JOBS.fields]
CODES = load_communes()["code"].tolist()
CONFIRMATION = "Ngày hội việc làm lớn của phường tháng 9, đã xác minh với UBND"


def jobs(i: int, period: str = "09/2026", loans: int = 13, fairs: int = 22, abroad: int = 2, other: int = 61,
         total: int | None = None, status: str = "Sơ bộ") -> list[str]:
    """A plausible row for commune number i (close to the demo values, so only the planted problem shows)."""
    total = loans + fairs + abroad + other if total is None else total
    return [CODES[i], "", period, str(loans), str(fairs), str(abroad), str(other), str(total), "40", "40", "",
            "4", status]


def text(rows: list[list[str]], header: list[str] = HEADER, delimiter: str = ";", end: str = "\n") -> str:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator=end).writerows([header, *rows])
    return buffer.getvalue()


def line(row: list[str]) -> str:
    return ";".join(row)


@dataclass
class Case:
    name: str
    make: Callable[[Path], None]                     # writes the file at the given path
    counts: tuple[int, int, int] | None              # rows in, accepted, quarantined
    reasons: frozenset[str] = frozenset()            # reason codes that must all be reported
    vi: tuple[str, ...] = ()                         # words the Vietnamese messages must hold
    en: tuple[str, ...] = ()
    poison: tuple[tuple[str, int, float], ...] = ()  # (measure, commune index, value) never in the facts
    options: dict = field(default_factory=dict)
    suffix: str = ".csv"


def _quote_all(rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter="\t", quoting=csv.QUOTE_ALL, lineterminator="\r\n").writerows([HEADER, *rows])
    return buffer.getvalue()


def _bytes(data: bytes) -> Callable[[Path], None]:
    return lambda path: path.write_bytes(data)


def _utf8(content: str) -> Callable[[Path], None]:
    return _bytes(content.encode("utf-8"))


def _formula_xlsx(path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(HEADER)
    ws.append([CODES[30], "", "09/2026", 13, 22, 2, 61, "=SUM(D2:G2)", 40, 40, None, 4, "Sơ bộ"])
    ws.append(jobs(31)[:3] + [13, 22, 2, 61, 98, 40, 40, None, 4, "Sơ bộ"])
    wb.save(path)


def _old_code() -> str:
    lineage = load_lineage()
    return next(c for c in lineage["old_code"] if c not in set(CODES))


def _lfs(i: int, labour_force: str) -> list[str]:
    return [CODES[i], "09/2026", labour_force, "640,5", "705", "180,2", "", "", "", "", "", "", "Ước tính"]


LFS_HEADER = [f.header_vi for f in LFS_ESTIMATES.fields]

CASES = [
    Case("o_qua_lon", _utf8(text([jobs(0), jobs(1, status="x" * 200_000), jobs(2)])), (3, 2, 1),
         frozenset({"line_too_long"}), ("vượt giới hạn 65.536 byte", "dòng"), ("over the limit of 65,536 bytes",)),
    Case("ngoac_kep_khong_dong", _utf8(text([jobs(3 + k) for k in range(10)]).replace(";Sơ bộ\n", ';"Sơ bộ\n', 3)
                                       .replace(';"Sơ bộ\n', ";Sơ bộ\n", 2)), (10, 9, 1),
         frozenset({"unclosed_quote"}), ("dấu ngoặc kép", "Alt+Enter"), ("never closed",)),
    Case("ky_tu_nul", _utf8(text([jobs(13), jobs(14, status="S\x00ơ bộ"), jobs(15)])), (3, 2, 1),
         frozenset({"nul_byte"}), ("ký tự NUL",), ("NUL characters",)),
    Case("xuong_dong_lan_lon", _utf8(HEADER[0] + ";" + ";".join(HEADER[1:]) + "\r\n" + line(jobs(16)) + "\n"
                                     + line(jobs(17)) + "\r" + line(jobs(18)) + "\r\n"
                                     + line(jobs(19)).replace(";61;", ";6\r1;") + "\n"), (5, 3, 2),
         frozenset({"wrong_field_count"}), ("xuống dòng",), ("line break inside a cell",)),
    Case("so_20_chu_so", _utf8(text([jobs(20)[:3] + ["99999999999999999999", "22", "2", "61", "99999999999999999999",
                                                      "40", "40", "", "4", "Sơ bộ"], jobs(21)])), (2, 1, 1),
         frozenset({"inexact_number", "above_max"}), ("viết đầy đủ", "vượt giới hạn tuyệt đối"),
         ("written in full", "absolute limit"), poison=(("jobs_loans", 20, 1e20),)),
    Case("ngay_kieu_my", _utf8(text([jobs(22, period="09/01/2026"), jobs(23)])), (2, 1, 1),
         frozenset({"ambiguous_date"}), ("đọc được hai cách", "01/2026", "09/2026"), ("reads two ways",),
         poison=(("jobs_loans", 22, 13.0),)),  # never read as January
    Case("ngay_kieu_my_da_khai_bao", _utf8(text([jobs(24, period="09/01/2026"), jobs(25, period="09/30/2026")])),
         (2, 2, 0), options={"period_format": "MM/DD/YYYY"}),
    Case("ngay_so_excel", _utf8(text([jobs(26, period="46266")])), (1, 1, 0)),
    Case("so_dang_khoa_hoc", _utf8(text([jobs(27)[:3] + ["1,3E+01"] + jobs(27)[4:]])), (1, 0, 1),
         frozenset({"unreadable_number"}), ("không phải là số",), ("is not a number",)),
    Case("so_le_trong_so_nguoi", _utf8(text([jobs(28)[:3] + ["13.0000001"] + jobs(28)[4:]])), (1, 0, 1),
         frozenset({"inexact_number"}), ("số nguyên viết đầy đủ",), ("whole number written in full",)),
    Case("vuot_luc_luong_lao_dong", _utf8(text([jobs(29, other=60_000)])), (1, 0, 1), frozenset({"above_reference"}),
         ("lớn hơn lực lượng lao động",), ("larger than the commune's labour force",),
         poison=(("jobs_other", 29, 60_000),)),
    Case("cong_thuc_khong_gia_tri", _formula_xlsx, (2, 1, 1), frozenset({"formula_no_value"}),
         ("công thức", "bấm Lưu"), ("formula without a computed value",), suffix=".xlsx"),
    Case("tang_dot_bien", _utf8(text([jobs(32, fairs=2000), jobs(33)])), (2, 1, 1), frozenset({"outlier_jump"}),
         ("khoảng thường thấy", "--confirm-outliers"), ("usual range", "--confirm-outliers"),
         poison=(("jobs_fairs", 32, 2000),)),
    Case("tang_dot_bien_da_xac_nhan", _utf8(text([jobs(34, fairs=1500)])), (1, 1, 0),
         vi=(CONFIRMATION,), en=("accepted as confirmed",), options={"confirm_outliers": CONFIRMATION}),
    Case("ma_don_vi_cu_sau_2025", _utf8(text([[_old_code()] + jobs(35)[1:]])), (1, 0, 1), frozenset({"old_unit"}),
         ("là đơn vị cũ", "từ 01/7/2025"), ("is a former unit", "since 1 July 2025")),
    Case("utf16_khong_bom", _bytes(text([jobs(36), jobs(37)]).encode("utf-16-le")), (2, 2, 0)),
    Case("dong_chi_co_dau_phan_cach", _utf8(text([jobs(38)]) + ";" * 12 + "\n" + "  \t \n" + line(jobs(39)) + "\n"),
         (2, 2, 0)),
    Case("thua_cot", _utf8(text([jobs(40) + ["x"], jobs(41)])), (2, 1, 1), frozenset({"wrong_field_count"}),
         ("14 cột", "13 cột"), ("14 fields", "header has 13")),
    Case("chen_cong_thuc_excel", _utf8(text([jobs(42, status="=cmd|' /C calc'!A0")])), (1, 0, 1),
         frozenset({"bad_status"}), ("Chính thức, Sơ bộ hoặc Ước tính",), ("Official, Preliminary or Estimate",)),
    Case("tieu_de_lap_giua_tep", _utf8(text([jobs(43)]) + ";".join(HEADER) + "\n" + line(jobs(44)) + "\n"), (3, 2, 1),
         frozenset({"bad_commune"}), ("không có trong danh mục",), ("not one of the 126 communes",)),
    Case("thang_tuong_lai", _utf8(text([jobs(45, period="12/2026")])), (1, 0, 1), frozenset({"period_range"}),
         ("ngoài khoảng cho phép",), ("out of range",)),
    Case("ky_tu_an_trong_ma", _utf8(text([["\u200b" + CODES[46]] + jobs(46)[1:]])), (1, 0, 1),
         frozenset({"bad_commune"}), ("không có trong danh mục",), ("not one of",)),
    Case("dau_tru_unicode", _utf8(text([jobs(47)[:3] + ["\u22125"] + jobs(47)[4:]])), (1, 0, 1),
         frozenset({"unreadable_number"}), ("không phải là số",), ("is not a number",)),
    Case("html_dat_ten_csv", _utf8("<html><head><title>Báo cáo</title></head><body><table><tr><td>Mã xã</td></tr>"
                                   "</table></body></html>\n"), (0, 0, 0), frozenset({"missing_columns"}),
         ("Không nhận ra biểu mẫu",), ("not recognised",)),
    Case("chen_sql", _utf8(text([["'; DROP TABLE facts; --"] + jobs(48)[1:]])), (1, 0, 1), frozenset({"bad_commune"}),
         ("không có trong danh mục",), ("not one of",)),
    Case("tron_bang_ma", _bytes(text([jobs(49)]).encode("utf-8") + encode_cp1258(line(jobs(50, status="Sơ bộ")) + "\n")
                                + (line(jobs(51)) + "\n").encode("utf-8")), (3, 2, 1),
         frozenset({"bad_encoding"}), ("bảng mã", "CSV UTF-8"), ("mixes encodings",)),
    Case("nghin_cot_thua", _utf8(text([jobs(52) + [""] * 1000], HEADER + [f"Cột phụ {k}" for k in range(1000)])),
         (1, 1, 0), vi=("Bỏ qua các cột",), en=("Ignored columns",)),
    Case("nam_nghin_dong_trung", _utf8(text([jobs(53)] * 5000)), (5000, 1, 4999), frozenset({"duplicate"}),
         ("trùng lặp",), ("Duplicate row",)),
    Case("mot_trieu_ty_viec_lam", _utf8(text([jobs(54, other=900_000_000_000_000)])), (1, 0, 1),
         frozenset({"above_max"}), ("vượt giới hạn tuyệt đối",), ("absolute limit",),
         poison=(("jobs_other", 54, 9e14),)),
    Case("llld_vuot_dan_so", _utf8(text([_lfs(55, "900.000")], LFS_HEADER)), (1, 0, 1), frozenset({"above_reference"}),
         ("lớn hơn dân số",), ("larger than the commune's population",), poison=(("labour_force", 55, 900_000),)),
    Case("ty_le_hai_dau_phan_tram", _utf8(text([jobs(56)[:10] + ["100,0%%"] + jobs(56)[11:]])), (1, 1, 0)),
    Case("ty_le_chu", _utf8(text([jobs(64)[:10] + ["một trăm"] + jobs(64)[11:]])), (1, 0, 1),
         frozenset({"unreadable_number"}), ("không phải là số",), ("is not a number",)),
    Case("bom_giua_tep", _bytes(text([jobs(57)]).encode("utf-8-sig") + text([jobs(58)]).encode("utf-8-sig")), (3, 2, 1),
         frozenset({"bad_commune"}), ("không có trong danh mục",), ("not one of",)),
    Case("tab_ngoac_kep_moi_o", _utf8(_quote_all([jobs(59), jobs(60)])), (2, 2, 0)),
    Case("chi_xuong_dong_cr", _utf8(text([jobs(61), jobs(62)], end="\r")), (2, 2, 0)),
    Case("so_am_khong", _utf8(text([jobs(63, loans=0)[:3] + ["-0"] + jobs(63, loans=0)[4:]])), (1, 1, 0)),
]


@pytest.fixture(scope="module")
def corpus(demo_version, tmp_path_factory):
    """Every case ingested into one warehouse with demo history, then one publish; (reports, files, facts)."""
    from pipeline.ingest import ingest_file
    from pipeline.publish import publish_staged
    from store.versions import version_path

    folder = tmp_path_factory.mktemp("corpus")
    with demo_copy(demo_version, folder / "curated"):
        reports, files = {}, {}
        for case in CASES:
            path = folder / f"{case.name}{case.suffix}"
            case.make(path)
            files[case.name] = path
            reports[case.name] = ingest_file(path, as_of=AS_OF, **case.options)
        version = publish_staged()
        facts = pd.read_parquet(version_path(version) / "facts.parquet")
        yield reports, files, facts[facts["status"] != "demo"]


def _messages(report, lang: str) -> str:
    parts = [report.message_vi if lang == "vi" else report.message_en]
    parts += [vi if lang == "vi" else en for vi, en in report.warnings]
    if report.quarantine_file:
        q = pd.read_csv(report.quarantine_file, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        parts += q["ly_do (vi)" if lang == "vi" else "reason (en)"].tolist()
    return " ".join(parts)


def test_the_corpus_is_large_enough():
    assert len(CASES) >= 30 and len({c.name for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_each_hostile_file(corpus, case):
    reports, _, facts = corpus
    report = reports[case.name]
    assert report.rows_in == report.accepted + report.quarantined
    if case.counts is not None:
        assert (report.rows_in, report.accepted, report.quarantined) == case.counts, (report.reasons, report.message_en)
    assert case.reasons <= set(report.reasons), report.reasons
    assert report.message_vi and report.message_en
    vi, en = _messages(report, "vi"), _messages(report, "en")
    for words in case.vi:
        assert words in vi, vi[:2000]
    for words in case.en:
        assert words in en, en[:2000]
    for measure, i, value in case.poison:
        mine = facts[(facts["measure"] == measure) & (facts["commune_code"] == CODES[i])]
        assert not (mine["value"] == value).any(), (measure, CODES[i], value)


def test_nothing_implausible_reaches_the_facts(corpus):
    from store.plausibility import load_plausibility

    _, _, real = corpus
    gates = load_plausibility()
    assert len(real) > 0
    for measure, part in real.groupby("measure"):
        gate = gates.measures[measure]
        assert (part["value"] <= gate.max).all(), measure
    jobs_fairs = real[real["measure"] == "jobs_fairs"]
    assert set(jobs_fairs.loc[jobs_fairs["value"] > 1000, "commune_code"]) == {CODES[34]}  # only the confirmed one
    sept = real[real["period"] == pd.Timestamp("2026-09-01")]
    assert not real[real["period"] == pd.Timestamp("2026-01-01")].size  # no US date read as January
    assert (sept.loc[sept["measure"].str.startswith("jobs_"), "value"] < 10_000).all()


def test_quarantined_cells_cannot_run_as_excel_formulas(corpus):
    reports, _, _ = corpus
    q = pd.read_csv(reports["chen_cong_thuc_excel"].quarantine_file, dtype=str, keep_default_na=False,
                    encoding="utf-8-sig")
    assert q["Tình trạng số liệu"].iloc[0] == "'=cmd|' /C calc'!A0"


def test_a_refused_line_keeps_its_physical_line_number(corpus):
    reports, _, _ = corpus
    q = pd.read_csv(reports["ngoac_kep_khong_dong"].quarantine_file, dtype=str, keep_default_na=False,
                    encoding="utf-8-sig")
    assert q["dong / line"].tolist() == ["4"]
    mixed = pd.read_csv(reports["xuong_dong_lan_lon"].quarantine_file, dtype=str, keep_default_na=False,
                        encoding="utf-8-sig")
    assert mixed["dong / line"].tolist() == ["5", "6"]


def test_a_folder_with_a_file_that_crashes_still_reads_the_others(tmp_path, monkeypatch, capsys):
    """One bad file never stops a folder and the summary always prints (an unforeseen error included)."""
    from cli.__main__ import main
    from pipeline import ingest

    monkeypatch.setenv("HANOI_DATA_DIR", str(tmp_path / "curated"))
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.csv").write_text(text([jobs(70)]), encoding="utf-8")
    (folder / "b.csv").write_text(text([jobs(71)]), encoding="utf-8")
    (folder / "c.csv").write_text(text([jobs(72)]) + text([jobs(73)])[len(";".join(HEADER)) + 1:], encoding="utf-8")
    real = ingest.ingest_file

    def flaky(path, *args, **kwargs):
        if Path(path).name == "b.csv":
            raise MemoryError("simulated")
        return real(path, *args, **kwargs)

    monkeypatch.setattr(ingest, "ingest_file", flaky)
    assert main(["ingest", str(folder), "--as-of", "2026-10", "--quiet"]) == 1
    out = capsys.readouterr().out
    assert "a.csv" in out and "c.csv" in out and "MemoryError" in out and "Tổng / total: 3 tệp / files" in out
