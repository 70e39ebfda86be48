"""Regenerate the sample raw files in this folder: `python data/samples/make_samples.py`.

Good samples (one per template, September 2026, values close to the demo warehouse so the app stays
plausible after ingesting them) and, in `broken/`, the bad inputs the pipeline must survive (docs/pipeline.md
lists what each one shows). All personal IDs are synthetic. Deterministic: same files every run.
"""
from __future__ import annotations

import csv
import io
import shutil
import sys
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))

from pipeline.demo_data import generate  # noqa: E402
from pipeline.demo_reports import form_rows, generate_reports  # noqa: E402
from pipeline.microdata import generate as generate_micro, write_raw  # noqa: E402
from pipeline.readers import encode_cp1258  # noqa: E402
from pipeline.forms import xlsx_template  # noqa: E402
from store.templates import Template, get_template  # noqa: E402
from store.reference import load_communes, load_lineage  # noqa: E402

COMMUNE_JOBS = get_template("commune_jobs")
JOB_SEEKERS = get_template("job_seekers")
LFS_ESTIMATES = get_template("lfs_estimates")
TRAINING = get_template("training")
VACANCIES = get_template("vacancies")
EMPLOYMENT_SERVICES = get_template("employment_services")
LABOUR_EXPORT = get_template("labour_export")
OCCUPATIONAL_SAFETY = get_template("occupational_safety")
HALF_YEAR = pd.Timestamp("2026-06-01")

MONTH = pd.Timestamp("2026-09-01")
PERSON_COMMUNE = "00679"
BROKEN = HERE / "broken"


def vi(x: float, decimals: int = 0) -> str:
    """1234.5 -> '1.234,5'."""
    text = f"{x:,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def write_csv(path: Path, header: list[str], rows: list[list[object]], delimiter: str = ";", encoding: str = "utf-8-sig",
              raw_bytes: bool = False) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    text = buffer.getvalue()
    path.write_bytes(encode_cp1258(text) if encoding == "cp1258" else text.encode(encoding))


def headers(t: Template, keys: list[str]) -> list[str]:
    return [t.field(k).header_vi for k in keys]


def commune_jobs_rows(facts: pd.DataFrame) -> list[list[object]]:
    m = facts[(facts["period"] == MONTH) & (facts["commune_code"] != "")].pivot_table(index="commune_code", columns="measure", values="value", aggfunc="sum")
    names = load_communes().set_index("code")["name_vi"]
    rows = []
    for code, r in m.iterrows():
        parts = [int(r[k]) for k in ("jobs_loans", "jobs_fairs", "jobs_abroad", "jobs_other")]
        members, reached = int(r["priority_group_members"]), int(r["priority_reached"])
        rate = vi(100 * reached / members, 1) if members else ""
        rows.append([code, names[code], "09/2026", *parts, sum(parts), members, reached, rate,
                     min(int(r["priority_new_jobs"]), sum(parts)), "Sơ bộ"])
    return rows


COMMUNE_JOBS_KEYS = ["commune", "commune_name", "period", "jobs_loans", "jobs_fairs", "jobs_abroad", "jobs_other",
                     "jobs_total", "priority_group_members", "priority_reached", "priority_reached_rate",
                     "priority_new_jobs", "status"]


def main() -> None:
    facts = generate(pd.Timestamp("2026-10")).facts
    rng = np.random.default_rng(2026)
    if BROKEN.exists():
        shutil.rmtree(BROKEN)
    BROKEN.mkdir()
    for old in HERE.glob("*.csv"):
        old.unlink()
    for old in HERE.glob("*.xlsx"):
        old.unlink()

    # 1. Commune monthly job-creation report: all 126 communes, UTF-8 with BOM, semicolons, vi numbers.
    jobs = commune_jobs_rows(facts)
    write_csv(HERE / "bao_cao_xa_2026-09.csv", headers(COMMUNE_JOBS, COMMUNE_JOBS_KEYS), jobs)

    # 2. Vacancies by commune x sector: an XLSX made from the downloadable form.
    month = facts[(facts["period"] == MONTH) & (facts["commune_code"] != "")]
    vac = month[month["measure"] == "vacancies"]
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(xlsx_template(VACANCIES)))
    ws = wb["Du lieu"]
    for i, r in enumerate(vac[vac["value"] > 0].itertuples(), start=2):
        ws.cell(row=i, column=1, value=r.commune_code)
        ws.cell(row=i, column=2, value="09/2026")
        ws.cell(row=i, column=3, value=r.sector)
        ws.cell(row=i, column=4, value=int(r.value))
        ws.cell(row=i, column=5, value="Chính thức")
    wb.save(HERE / "viec_lam_trong_2026-09.xlsx")

    # 3. Job seekers: plain UTF-8, commas, English header names.
    seek = month[(month["measure"] == "job_seekers") & (month["value"] > 0)]
    write_csv(HERE / "nguoi_tim_viec_2026-09.csv", [f.header_en for f in JOB_SEEKERS.fields],
              [[r.commune_code, "2026-09", r.sector, int(r.value), "Official"] for r in seek.itertuples()], delimiter=",",
              encoding="utf-8")

    # 4. Training institutions: 30 institutions, learners by commune of residence.
    rural = month[month["measure"] == "rural_vocational_trainees"].set_index("commune_code")["value"]
    short = month[month["measure"] == "priority_short_trainees"].set_index("commune_code")["value"]
    rows = []
    codes = sorted(rural.index)
    for i, code in enumerate(codes):
        inst = f"GDNN-{i % 30 + 1:04d}"
        enrolled = int(rural[code] + short[code] + rng.integers(5, 60))
        grads = int(rng.integers(0, enrolled + 1))
        employed = int(round(grads * rng.uniform(0.7, 0.95)))
        rows.append([inst, f"Trường Cao đẳng nghề số {i % 30 + 1}", code, "09/2026", enrolled, int(rural[code]),
                     int(short[code]), grads, employed, vi(100 * employed / grads, 1) if grads else "", "Chính thức"])
    write_csv(HERE / "co_so_gdnn_2026-09.csv", headers(TRAINING, [f.key for f in TRAINING.fields]), rows)

    # 5. Labour Force Survey commune estimates with standard errors (vi decimals).
    pivot = month.pivot_table(index="commune_code", columns="measure", values="value", aggfunc="sum")
    se = month.pivot_table(index="commune_code", columns="measure", values="se", aggfunc="sum")
    keys = [f.key for f in LFS_ESTIMATES.fields if f.key != "status"]
    rows = []
    for code in pivot.index:
        row = [code, "09/2026"]
        for k in keys[2:]:
            base = k.removesuffix("_se")
            row.append(vi(se.loc[code, base], 1) if k.endswith("_se") else vi(pivot.loc[code, base], 0))
        rows.append(row)
    write_csv(HERE / "lfs_uoc_luong_2026-09.csv", headers(LFS_ESTIMATES, keys), rows)

    # 6-7. Person-level: the labour register and the BHXH extract of one commune, synthetic CCCDs.
    lf = month[(month["measure"] == "labour_force") & (month["commune_code"] == PERSON_COMMUNE)]["value"].sum()
    bx = month[(month["measure"] == "bhxh_compulsory") & (month["commune_code"] == PERSON_COMMUNE)]["value"].sum()
    micro = generate_micro(HERE / ".tmp_micro", month="2026-09", register_rows=int(lf * 1.06), bhxh_rows=int(bx * 1.05),
                           communes=[PERSON_COMMUNE])
    paths = write_raw(micro, HERE / ".tmp_micro")
    shutil.move(paths["labour_register"], HERE / "dang_ky_lao_dong_2026-09.csv")
    shutil.move(paths["bhxh_participants"], HERE / "bhxh_nguoi_tham_gia_2026-09.csv")
    shutil.rmtree(HERE / ".tmp_micro")

    # 8-10. The forms seed 004 adds, as their reporting units would fill them (the demo's units and figures).
    reports = generate_reports(facts, pd.Timestamp("2026-10"), now=pd.Timestamp("2026-10-31"))
    esv = reports.units["employment_services"]
    esv = esv[esv["period"] == MONTH]
    write_csv(HERE / "dv_viec_lam_2026-09.csv", headers(EMPLOYMENT_SERVICES, [f.key for f in EMPLOYMENT_SERVICES.fields]),
              [[r.enterprise, r.enterprise_name, r.commune, "09/2026", r.counselling, r.introduced, r.placed,
                r.vacancies_received, "Chính thức"] for r in esv.itertuples()])
    lex = reports.units["labour_export"]
    lex = form_rows(lex[lex["period"] == MONTH], "labour_export", rng)
    labels = {c.code: c.label_vi for c in LABOUR_EXPORT.field("destination").choices}
    wb = load_workbook(io.BytesIO(xlsx_template(LABOUR_EXPORT)))
    ws = wb["Du lieu"]
    for i, r in enumerate(lex.itertuples(), start=2):
        for j, v in enumerate([r.enterprise, r.enterprise_name, labels[r.destination], r.commune, "09/2026",
                               int(r.contracts), int(r.departed), "Chính thức"], start=1):
            ws.cell(row=i, column=j, value=v)
    wb.save(HERE / "xuat_khau_lao_dong_2026-09.xlsx")
    osh = reports.units["occupational_safety"]
    osh = osh[osh["period"] == HALF_YEAR]
    write_csv(HERE / "tai_nan_lao_dong_2026-06.csv", headers(OCCUPATIONAL_SAFETY, [f.key for f in OCCUPATIONAL_SAFETY.fields]),
              [[r.employer, r.employer_name, r.commune, "6 tháng đầu năm 2026" if k % 3 == 0 else "06/2026", r.workers,
                r.accidents, r.fatal_accidents, r.victims, r.deaths, r.serious_injuries, "Chính thức"]
               for k, r in enumerate(osh.itertuples())])

    # ---- broken inputs ----------------------------------------------------------------------------------
    header = headers(COMMUNE_JOBS, COMMUNE_JOBS_KEYS)
    (BROKEN / "rong.csv").write_bytes(b"")
    write_csv(BROKEN / "chi_co_tieu_de.csv", header, [])
    write_csv(BROKEN / "thieu_cot.csv", [h for h in header if "Tổng số" not in h and "kênh khác" not in h],
              [r[:6] + r[8:] for r in jobs[:5]])
    write_csv(BROKEN / "sai_bieu_mau_viec_lam_trong.csv", [f.header_vi for f in VACANCIES.fields],
              [[r.commune_code, "09/2026", r.sector, int(r.value), ""] for r in vac.head(20).itertuples()])
    names = load_communes().set_index("code")["name_vi"]
    rows = [[names[r[0]], "", *r[2:]] for r in jobs[:6]]
    rows.append(["Phường Quang Trung", "", "03/2025", 1, 2, 0, 3, 6, 5, 4, "", 1, ""])  # two old wards had that name
    rows.append(["Phường Không Có", "", "09/2026", 1, 2, 0, 3, 6, 5, 4, "", 1, ""])
    write_csv(BROKEN / "ten_xa_thay_ma.csv", header, rows)
    # Codes typed as numbers in Excel: 4 -> 00004 is recovered, 123 is no unit and is quarantined.
    wb = load_workbook(io.BytesIO(xlsx_template(COMMUNE_JOBS)))
    ws = wb["Du lieu"]
    sample = [r for r in jobs if r[0] in ("00004", "00008", "00025")]
    for i, r in enumerate(sample + [["00123", "", "09/2026", 1, 1, 0, 1, 3, 2, 2, "", 1, ""]], start=2):
        for j, v in enumerate(r, start=1):
            ws.cell(row=i, column=j, value=int(v) if j == 1 else v)
    wb.save(BROKEN / "ma_xa_dang_so.xlsx")
    # Merged header cells, a title above, blank rows in between.
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["BÁO CÁO KẾT QUẢ GIẢI QUYẾT VIỆC LÀM THÁNG 9/2026"])
    ws.merge_cells("A1:M1")
    ws.append([])
    ws.append(["Mã xã/phường", "Tên xã/phường", "Tháng báo cáo", "Việc làm mới chia theo kênh", None, None, None,
               "Tổng số lao động được giải quyết việc làm mới", "Lao động nhóm ưu tiên", None, None,
               "Việc làm mới cho lao động nhóm ưu tiên", "Tình trạng số liệu"])
    ws.append([None, None, None, "Vay vốn chính sách", "Phiên giao dịch việc làm", "Đi làm việc ở nước ngoài",
               "Kênh khác", None, "Nhóm ưu tiên có nhu cầu", "Được tư vấn, kết nối việc làm", "Tỷ lệ tiếp cận", None, None])
    for rng_ in ("A3:A4", "B3:B4", "C3:C4", "D3:G3", "H3:H4", "I3:K3", "L3:L4", "M3:M4"):
        ws.merge_cells(rng_)
    for k, r in enumerate(jobs[10:16]):
        ws.append(r)
        if k % 2 == 1:
            ws.append([])
    wb.save(BROKEN / "tieu_de_gop_o.xlsx")
    write_csv(BROKEN / "windows1258.csv", header, jobs[20:30], encoding="cp1258")
    # Numbers written the English way (1,234.5) in the survey file, commas as separators.
    lfs_rows = []
    for code in list(pivot.index)[:8]:
        row = [code, "2026-09"]
        for k in keys[2:]:
            base = k.removesuffix("_se")
            value = se.loc[code, base] if k.endswith("_se") else pivot.loc[code, base]
            row.append(f"{value:,.1f}" if k.endswith("_se") else f"{value:,.0f}")
        lfs_rows.append(row)
    write_csv(BROKEN / "so_kieu_anh.csv", [f.header_en for f in LFS_ESTIMATES.fields if f.key != "status"], lfs_rows,
              delimiter=",", encoding="utf-8")
    bad = [list(r) for r in jobs[30:34]]
    bad[0][3] = -5                       # a negative count
    bad[0][7] = sum(int(x) for x in bad[0][3:7])
    bad[1][10] = "125,0"                 # a rate above 100%
    bad[2][9] = int(bad[2][8]) + 7       # reached > members
    bad[3][7] = int(bad[3][7]) + 3       # total does not add up
    write_csv(BROKEN / "so_am_ty_le_tren_100.csv", header, bad)
    write_csv(BROKEN / "gui_hai_lan.csv", header, jobs[40:45] + jobs[40:42])
    (BROKEN / "nhi_phan.csv").write_bytes(b"\x89PNG\r\n\x1a\n" + np.random.default_rng(1).bytes(4096))
    old = load_lineage()
    split_old = old[old["old_unit_divided"] == 1].drop_duplicates("old_code").head(3)
    whole_old = old[old["old_unit_divided"] == 0].drop_duplicates("old_code").head(3)
    rows = [[r.old_code, r.old_name, "06/2025", 10, 7, 1, 22, 40, 31, 29, "", 4, "Chính thức"]
            for r in pd.concat([split_old, whole_old]).itertuples()]
    write_csv(BROKEN / "don_vi_cu_truoc_2025.csv", header, rows)
    reg = pd.read_csv(HERE / "bhxh_nguoi_tham_gia_2026-09.csv", dtype=str, nrows=6, keep_default_na=False)
    cccd = reg.columns[0]
    reg.loc[0, cccd] = reg.loc[0, cccd][:9]             # 9 digits
    reg.loc[1, cccd] = "003" + reg.loc[1, cccd][3:]     # 003 is not a province code
    reg.loc[2, cccd] = reg.loc[2, cccd][:6] + "ABC123"  # letters
    reg.to_csv(BROKEN / "cccd_sai.csv", index=False, encoding="utf-8")
    print("samples written to", HERE)


if __name__ == "__main__":
    main()
