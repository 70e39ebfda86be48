"""AppTest of the 2030 forecast page (Dự báo 2030): fan chart, probability, status, model card, tables."""
import json
import os

import pandas as pd
import pytest

from apphelpers import run_app
from forecast_helpers import data_dir, forecast_version, plain_version
from indicators.status import assess_forecast
from i18n.strings import t
from store.catalogue import load_catalogue


@pytest.fixture
def forecasts(demo_version):
    """Serve the version with stored forecasts during one test."""
    from indicators.forecast_store import load_forecasts

    root, version, _ = forecast_version(demo_version)
    with data_dir(root):
        yield load_forecasts(version)


def run(**params):
    return run_app("forecast", **params)


def fan(at) -> dict:
    return json.loads(at.get("plotly_chart")[0].proto.spec)


def status_of(frame: pd.DataFrame, name: str) -> str:
    return frame.set_index("Chỉ tiêu").loc[name, "Trạng thái"]


def test_a_version_without_stored_forecasts_shows_the_same_ones(forecasts, demo_version):
    """Every version has its forecasts (stored at publish, or derived by readers with the same code): the
    page never waits for a background job, and shows the same statuses either way."""
    with_tables = next(d.value for d in run().dataframe if "Xác suất đạt (%)" in d.value.columns)
    root, _ = plain_version(demo_version)
    with data_dir(root):
        at = run()
    assert not at.exception
    assert not any("python -m cli forecast" in i.value for i in at.info)
    plain = next(d.value for d in at.dataframe if "Xác suất đạt (%)" in d.value.columns)
    pd.testing.assert_frame_equal(plain, with_tables)


def test_city_fan_chart_probability_status_and_model_card(forecasts):
    at = run()
    assert not at.exception
    assert at.selectbox(key="chi_tieu").value == "unemployment_rate"
    fig = fan(at)
    names = [tr.get("name") or "" for tr in fig["data"]]
    assert {"Khoảng dự báo 80%", "Khoảng dự báo 95%", "Dự báo trung tâm", "Mục tiêu 2030: < 2,50%"} <= set(names)
    assert fig["layout"]["separators"] == ",."
    row = forecasts[(forecasts["geo"] == "city") & (forecasts["indicator"] == "unemployment_rate")].iloc[0]
    metrics = {m.label: m.value for m in at.metric}
    shown = metrics["Xác suất đạt mục tiêu 2030"]
    assert shown.endswith("%") and float(shown[:-1].replace(",", ".")) == pytest.approx(row["probability"] * 100, abs=0.05)
    expected = t("status_" + assess_forecast(float(row["probability"])).status, "vi")
    assert any(expected in m.value and "theo xác suất dự báo" in m.value for m in at.markdown)
    card = " ".join(m.value for m in at.markdown)
    assert "Mô hình được chọn" in card and "MASE" in card and "Số liệu dùng" in card
    table = next(d.value for d in at.dataframe if "Xác suất đạt (%)" in d.value.columns and "Chỉ tiêu" in d.value.columns)
    assert len(table) == len(load_catalogue().indicators) and status_of(table, "Tỷ lệ thất nghiệp chung") == expected


@pytest.mark.parametrize("xa", ["", "10417"])
def test_the_overview_shows_the_same_status(forecasts, xa):
    params = {"xa": xa} if xa else {}
    overview = run_app(None, **params)
    labels = [m.label for m in overview.metric if m.value != "Không áp dụng"]  # n/a on a xã: no verdict
    badges = [m.value for m in overview.markdown if "-badge[" in m.value and "Mục tiêu 2030" in m.value
              or "-badge[" in m.value and "Không có mục tiêu định lượng" in m.value]
    assert len(badges) == len(labels) == len(load_catalogue().indicators) - (len(overview.metric) - len(labels))
    page = run(**params)
    table = next(d.value for d in page.dataframe if "Xác suất đạt (%)" in d.value.columns and "Chỉ tiêu" in d.value.columns)
    for label, badge in zip(labels, badges):
        assert f"[{status_of(table, label)}]" in badge, label


def test_commune_deep_link_to_a_yearly_count(forecasts):
    at = run(xa="10417", chi_tieu="new_jobs")
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Tổng dự kiến cả năm 2030"].endswith("người")
    assert any("400–600 người/năm" in m.value for m in at.markdown)  # the commune's own target
    names = [tr.get("name") or "" for tr in fan(at)["data"]]
    assert any("tổng 12 tháng gần nhất" in n for n in names)  # monthly counts: judged by their 12-month sums


def test_a_kept_baseline_says_so(forecasts):
    kept = forecasts[(forecasts["geo"] == "10417") & (forecasts["reason"] == "no_better_than_naive")]
    assert not kept.empty
    at = run(xa="10417", chi_tieu=kept["indicator"].iloc[0])
    assert not at.exception
    card = " ".join(m.value for m in at.markdown)
    assert "Đã giữ mô hình đơn giản" in card and "mô hình đơn giản — giữ nguyên" in card


def test_invalid_kpi_link_gives_a_notice_and_the_default(forecasts):
    at = run(chi_tieu="bogus")
    assert not at.exception
    assert at.selectbox(key="chi_tieu").value == "unemployment_rate"
    assert any("bogus" in i.value for i in at.info)


def test_choosing_a_kpi_updates_the_chart_and_the_url(forecasts):
    at = run()
    at.selectbox(key="chi_tieu").set_value("bhyt_coverage").run()
    assert not at.exception
    assert at.query_params["chi_tieu"] in ("bhyt_coverage", ["bhyt_coverage"])
    assert any((tr.get("name") or "") == "Mục tiêu 2030: ≥ 98,0%" for tr in fan(at)["data"])


def test_english(forecasts):
    at = run(lang="en", chi_tieu="trained_share")
    assert not at.exception
    assert "Probability of meeting the 2030 target" in [m.label for m in at.metric]
    assert any("Chosen model" in m.value for m in at.markdown)
    assert fan(at)["layout"]["separators"] == ".,"


def test_the_kpi_choice_survives_a_trip_through_the_other_pages(forecasts):
    at = run_app("trends")
    at.switch_page("pages/forecast.py").run()
    assert not at.exception and at.selectbox(key="chi_tieu").value == "unemployment_rate"
    at.selectbox(key="chi_tieu").set_value("productivity_growth").run()
    at.switch_page("pages/map.py").run()  # the map shares `chi_tieu` and has no productivity growth
    assert not at.exception


def test_the_citys_published_series_say_where_five_years_are_missing():
    """Issue 14 item 3: real published series forecast only with five official years; otherwise the page
    says so and shows the years that exist, gaps listed."""
    at = run_app("forecast")
    assert not at.exception
    assert any(s.value == "Số liệu chính thức đã công bố của thành phố" for s in at.subheader)
    table = next(d.value for d in at.table if "Các năm có số liệu" in d.value.columns)
    rows = table.set_index("Chỉ tiêu")
    abroad = rows.loc["Lao động đi làm việc ở nước ngoài"]
    assert abroad["Năm thiếu"] == "2023, 2024" and abroad["Dự báo 2030"].startswith("Chưa đủ số liệu chính thức (2/5")
    jobs = rows.loc["Giải quyết việc làm mới"]
    assert jobs["Các năm có số liệu"] == "2019, 2020, 2021, 2022, 2024, 2025" and jobs["Năm thiếu"] == "2023"
    assert jobs["Dự báo 2030"].startswith("239.608 người")  # six official years: forecast
    assert "nhandan.com.vn" in rows.loc["Tỷ lệ bao phủ BHYT"]["Nguồn"]
    assert not table.isna().any().any() and not table.astype(str).isin(["None", "nan"]).any().any()
