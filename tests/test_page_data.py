"""AppTest of the Data page (Dữ liệu & phương pháp): version, sources, freshness, methodology, downloads
(suppressed, narrowed to what a user may see), templates; and a publish picked up without a restart."""
from __future__ import annotations

import shutil

import numpy as np
import pandas as pd
from apphelpers import run_app

from i18n.strings import t
from service.access import Principal
from store.catalogue import load_catalogue
from indicators.suppression import FLAG, THRESHOLD
from store.templates import load_templates
from store.paths import SAMPLES_DIR


def captions(at) -> str:
    return " ".join(c.value for c in at.caption)


def test_the_page_describes_the_demo_version(demo_version):
    at = run_app("data")
    assert not at.exception, at.exception
    assert at.title[0].value == "Dữ liệu & phương pháp"
    assert demo_version in captions(at) and "dữ liệu đến 10/2026" in captions(at)
    assert any("dữ liệu minh họa" in i.value for i in at.info)
    assert not at.metric  # nothing ingested is said in words, not with four zeros
    assert any(i.value == "Chưa có tệp nào được nạp vào phiên bản này." for i in at.info)
    assert any("python -m cli publish" in i.value for i in at.info)  # an administrator runs the pipeline
    assert [t.label for t in at.tabs] == ["Nguồn & kiểm tra", "Báo cáo đã nhận (đủ)", "Độ mới số liệu", "Phương pháp tính",
                                          "Tải dữ liệu", "Biểu mẫu nhập liệu", "Ranh giới xã/phường"]  # the dev analyst is admin
    tables = [t.value for t in at.table]
    freshness = next(t for t in tables if "Độ mới" in t.columns)
    assert len(freshness) == len(load_catalogue().indicators)
    methods = next(t for t in tables if "Tử số" in t.columns)
    assert methods["Tử số"].str.len().gt(0).all()
    links = [(b.proto.label, b.proto.url) for b in at.get("link_button")]
    forms = [url for label, url in links if label == "Tải biểu mẫu XLSX"]
    assert sorted(forms) == sorted(f"/api/v1/templates/{code}.xlsx" for code in load_templates())
    assert {"Tải CSV", "Tải Excel (XLSX)", "Tải Parquet"} <= {label for label, _ in links}


def test_methodology_card_and_english(demo_version):
    at = run_app("data", lang="en")
    assert not at.exception
    assert at.title[0].value == "Data & methodology"
    at.selectbox(key="dp_indicator").set_value("unemployment_rate").run()
    card = " ".join(m.value for m in at.markdown)
    assert "Unemployed persons" in card and "Labour force aged 15+" in card and "Sample-survey estimate" in card


def test_facts_download_is_suppressed(demo_version):
    at = run_app("data")
    at.selectbox(key="dp_table").set_value("facts").run()
    at.selectbox(key="dp_measure").set_value("bhxh_new").run()
    assert not at.exception
    text = captions(at)
    assert "giá trị bị ẩn" in text
    hidden = int(text.split("dòng; ")[1].split(" giá trị")[0].replace(".", ""))
    assert hidden > 0
    preview = next(d.value for d in at.dataframe if t("col_measure", "vi") in d.value.columns)
    assert not {"measure", "value", "period", FLAG} & set(preview.columns)  # headers in the language, not stored names
    assert preview.loc[preview[t("col_suppressed", "vi")], t("col_stored_value", "vi")].isna().all()


def test_download_frames_hide_small_counts_then_narrow_to_the_users_communes(demo_version):
    import io

    import service
    from service.exports import export_table
    from service.files import file_bytes

    analyst = service.Caller(Principal("a@x.vn", "analyst"), reads="none")
    official = service.Caller(Principal("o@x.vn", "commune_official", "10417"), reads="none")
    full = service.version_table(analyst, "facts", "bhxh_new", 2026)
    values = full["value"].to_numpy()
    assert not ((values > 0) & (values < THRESHOLD)).any()  # no small count survives
    own = service.version_table(official, "facts", "bhxh_new", 2026)
    assert set(own["commune_code"]) == {"10417"}
    pd.testing.assert_frame_equal(own.reset_index(drop=True),
                                  full[full["commune_code"] == "10417"].reset_index(drop=True))  # suppressed city-wide
    table = export_table(official, "bang", {"table": "facts", "measure": "bhxh_new", "year": "2026"}, take_away=False)
    for fmt in ("csv", "xlsx", "parquet"):
        assert len(file_bytes(table, fmt)) > 100
    back = pd.read_parquet(io.BytesIO(file_bytes(table, "parquet")))
    assert len(back) == len(own)


def test_no_commands_or_version_names_for_a_non_administrator(demo_version, tmp_path, monkeypatch):
    monkeypatch.setenv("HANOI_DEV_USER", "phantich@hanoi.gov.vn")  # an analyst without the admin flag
    monkeypatch.setenv("HANOI_AUDIT_DIR", str(tmp_path / "audit"))
    at = run_app("data", lang="en")
    assert not at.exception, at.exception
    shown = " ".join([captions(at)] + [i.value for i in at.info] + [m.value for m in at.markdown])
    assert "python -m" not in shown and demo_version not in shown, shown
    assert "Published " in captions(at) and "data up to Oct 2026" in captions(at)
    assert any("demonstration data only" in i.value for i in at.info)


def test_a_commune_official_sees_no_other_commune_in_the_preview(tmp_path, monkeypatch):
    monkeypatch.setenv("HANOI_DEV_USER", "canbo.hoaxa@hanoi.gov.vn")
    monkeypatch.setenv("HANOI_AUDIT_DIR", str(tmp_path / "audit"))
    at = run_app("data")
    at.selectbox(key="dp_table").set_value("facts").run()
    assert not at.exception
    preview = next(d.value for d in at.dataframe if t("col_measure", "vi") in d.value.columns)
    assert set(preview[t("col_code", "vi")].dropna()) <= {"10417", ""}
    assert "Ranh giới xã/phường" not in [t.label for t in at.tabs]  # the boundary upload is for administrators


def test_a_publish_is_picked_up_without_a_restart(demo_version, tmp_path, monkeypatch):
    from store.paths import curated_dir

    root = tmp_path / "curated"
    shutil.copytree(curated_dir() / "versions" / demo_version, root / "versions" / demo_version)
    (root / "CURRENT").write_text(demo_version, encoding="utf-8")
    monkeypatch.setenv("HANOI_DATA_DIR", str(root))
    at = run_app("data")
    assert demo_version in captions(at)
    from pipeline.ingest import ingest_file
    from pipeline.publish import publish_staged

    ingest_file(SAMPLES_DIR / "bao_cao_xa_2026-09.csv", as_of=pd.Timestamp("2026-10-01"))
    ingest_file(SAMPLES_DIR / "broken" / "gui_hai_lan.csv", as_of=pd.Timestamp("2026-10-01"))
    version = publish_staged()
    at.run()  # the same session, no restart
    assert not at.exception
    assert version in captions(at) and demo_version not in captions(at)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Tệp đã nạp"] == "2" and metrics["Dòng được nhận"] == "131" and metrics["Dòng bị cách ly"] == "2"
    sources = next(t.value for t in at.table if "Lý do cách ly chính" in t.value.columns)
    assert "dòng trùng lặp (2)" in sources["Lý do cách ly chính"].iloc[0]
    assert any("6 dòng số liệu thật" in i.value or "dòng số liệu thật" in i.value for i in at.info)


def test_freshness_flags_a_late_source():
    from pipeline.freshness import expected_period, freshness

    cover = pd.DataFrame({"measure": ["jobs_loans", "unemployed", "population"],
                          "status": ["preliminary", "estimate", "demo"],
                          "last_period": pd.to_datetime(["2026-06-01", "2026-09-01", "2026-10-01"])})
    out = freshness(cover, load_catalogue(), pd.Timestamp("2026-11-23")).set_index("indicator")
    assert expected_period(pd.Timestamp("2026-11-23"), "monthly", 20) == pd.Timestamp("2026-10-01")
    assert expected_period(pd.Timestamp("2026-11-19"), "monthly", 20) == pd.Timestamp("2026-09-01")
    assert expected_period(pd.Timestamp("2026-11-23"), "quarterly", 45) == pd.Timestamp("2026-07-01")
    assert out.loc["jobs_loans", "status"] == "late" and out.loc["jobs_loans", "periods_late"] == 4
    assert out.loc["unemployment_rate", "status"] == "on_time"   # quarterly: Q3 data is there
    assert out.loc["trained_share", "status"] == "no_data"
    assert not out.loc["jobs_loans", "demo_only"]
    assert np.isnan(out.loc["trained_share", "periods_late"]) or out.loc["trained_share", "periods_late"] is None


def test_the_reports_view_lists_who_has_not_reported_and_a_commune_official_sees_their_own(tmp_path, monkeypatch):
    monkeypatch.setenv("HANOI_AUDIT_DIR", str(tmp_path / "audit"))
    at = run_app("data")
    assert not at.exception
    forms = next(t.value for t in at.table if "Biểu mẫu" in t.value.columns and "Kỳ báo cáo" in t.value.columns)
    assert "Báo cáo hoạt động của doanh nghiệp dịch vụ việc làm" in set(forms["Biểu mẫu"])
    at.selectbox(key="cp_form").set_value("employment_services").run()
    listed = next(d.value for d in at.dataframe if "Tình trạng" in d.value.columns)
    assert set(listed["Tình trạng"]) <= {"Chưa gửi", "Muộn"} and len(listed) > 0
    monkeypatch.setenv("HANOI_DEV_USER", "canbo.hoaxa@hanoi.gov.vn")
    own = run_app("data")
    own.selectbox(key="cp_form").set_value("occupational_safety").run()
    assert not own.exception
    mine = next(d.value for d in own.dataframe if "Tình trạng" in d.value.columns)
    assert len(mine) > 0 and set(mine["Mã"]) == {"10417"}


def test_the_file_log_shows_an_outlier_confirmed_and_its_reason(demo_version, tmp_path, monkeypatch):
    """An outlier accepted on an explicit confirmation is visible to the analyst with the reason given."""
    from pipeline.ingest import ingest_file
    from pipeline.publish import publish_staged
    from test_plausibility import AS_OF, jobs, write
    from warehouse_copy import demo_copy

    with demo_copy(demo_version, tmp_path / "curated"):
        reason = "Ngày hội việc làm lớn tháng 9, đã gọi xác minh với UBND phường"
        report = ingest_file(write(tmp_path / "jump.csv", [jobs(code="00070", fairs=3000)]), as_of=AS_OF,
                             confirm_outliers=reason)
        assert report.accepted == 1
        publish_staged()
        at = run_app("data")
        assert not at.exception
        files = next(d.value for d in at.dataframe if "Lý do xác nhận" in d.value.columns)
        row = files[files["Tệp"] == "jump.csv"].iloc[0]
        assert row["Giá trị bất thường đã xác nhận"] == "1" and row["Lý do xác nhận"] == reason
