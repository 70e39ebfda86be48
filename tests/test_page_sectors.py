"""AppTest of the Sectors page (Ngành kinh tế & cung–cầu lao động): controls, deep links, city and commune."""
import pandas as pd
import pytest
from apphelpers import APP, run_app
from streamlit.testing.v1 import AppTest

from indicators import sectors as S
from indicators.queries import Scope
from ui.format import fmt_delta, fmt_number, fmt_value
from ui.i18n import t

UNTIL = pd.Timestamp("2026-10-01")


def run(**params):
    at = run_app(page="sectors", **params)
    assert not at.exception, at.exception
    return at


def metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def selectbox(at, key_label: str):
    return next(s for s in at.selectbox if s.label == key_label)


def expected_metrics(warehouse, scope: Scope, grain: str = "month", until: pd.Timestamp = UNTIL, lang: str = "vi") -> dict:
    totals = S.sector_totals(S.sector_table(warehouse, scope, *S.period_window(grain, until)))
    return {
        t("sec_m_employed", lang): fmt_number(totals["employed"], lang),
        t("sec_m_bhxh_compulsory", lang): fmt_number(totals["bhxh_compulsory"], lang),
        t("sec_m_bhxh_new", lang): fmt_number(totals["bhxh_new"], lang),
        t("sec_m_bhxh_lost", lang): fmt_number(totals["bhxh_lost"], lang),
        t("sec_m_net_change", lang): fmt_delta(totals["net_change"], "", lang),
        t("sec_m_coverage", lang): fmt_value(totals["coverage"], "%", "%", lang),
        t("sec_m_vacancies", lang): fmt_number(totals["vacancies"], lang),
        t("sec_m_job_seekers", lang): fmt_number(totals["job_seekers"], lang),
        t("sec_m_gap", lang): fmt_delta(totals["gap"], "", lang),
        t("sec_m_ratio", lang): fmt_number(totals["ratio"], lang, 2),
    }


def test_city_page_shows_sectors_demand_supply_forecast_and_heat_map(warehouse):
    at = run()
    assert at.title[0].value == "Ngành kinh tế & cung–cầu lao động"
    assert metrics(at) == expected_metrics(warehouse, Scope())
    assert "." in metrics(at)["Lao động có việc làm"]  # vi-VN thousands: 4.149.998
    assert any("Dữ liệu minh họa" in w.value for w in at.warning)
    assert any("Minh họa (demo)" in m.value for m in at.markdown)
    captions = " ".join(c.value for c in at.caption)
    assert "Toàn thành phố · Tháng 10/2026" in captions
    assert "Ngành C, J, K, M, P, Q, R, số liệu đến 10/2026" in captions  # forecast of the priority sectors
    assert captions.count("Mô hình:") == 2  # demand and supply, each with its chosen model
    assert "30/126 xã, phường" in captions
    assert len(at.get("plotly_chart")) == 6  # stocks, flows, demand-supply, two fans, heat map
    where = at.dataframe[0].value
    assert len(where) == 10 and where["Xã, phường"].str.contains(r"\(\d{5}\)").all()
    sectors = at.dataframe[-1].value
    assert len(sectors) == 21 and (sectors["Ưu tiên"] == "★").sum() == 7


def test_commune_deep_link_shows_that_commune(warehouse):
    at = run(xa="10417")
    assert at.sidebar.selectbox[0].value == "10417"
    assert metrics(at) == expected_metrics(warehouse, Scope(communes=("10417",)))
    assert any(c.value.startswith("Xã Hòa Xá (10417) · Tháng 10/2026") for c in at.caption)
    assert at.button_group[0].disabled  # the commune-type control has no meaning for one commune
    where = at.dataframe[0].value
    assert where["Xã, phường"].str.startswith("▶ Xã Hòa Xá").sum() == 1  # its rank is shown even outside the top 10
    assert at.query_params["xa"] in ("10417", ["10417"])


def test_commune_type_control_and_link(warehouse):
    at = run(loai="xa", ky="year")
    assert at.button_group[0].value == "xa"
    assert metrics(at) == expected_metrics(warehouse, Scope(commune_type="xa"), "year")
    assert any(c.value.startswith("Các xã · Năm 2026 (10 tháng) · từ 01/2026 đến 10/2026") for c in at.caption)
    at.button_group[0].set_value("phuong").run()
    assert not at.exception
    assert metrics(at) == expected_metrics(warehouse, Scope(commune_type="phuong"), "year")
    assert at.query_params["loai"] in ("phuong", ["phuong"])
    at.button_group[0].set_value("").run()
    assert "loai" not in at.query_params  # the default is left out of the link


def test_global_sector_filter_is_honoured(warehouse):
    at = run(nganh="J,A")
    assert any("Đang lọc theo ngành" in i.value and "J – Thông tin và truyền thông" in i.value for i in at.info)
    assert metrics(at) == expected_metrics(warehouse, Scope(sectors=("J", "A")))
    sectors = at.dataframe[-1].value
    assert [s[0] for s in sectors["Ngành (VSIC)"]] == ["A", "J"]
    captions = " ".join(c.value for c in at.caption)
    assert "Ngành J, số liệu đến" in captions  # the forecast keeps the priority sectors of the selection
    assert "của các ngành đang chọn (J, A)" in captions
    heat = at.get("plotly_chart")[-1]
    assert heat is not None


def test_selection_outside_the_priority_group_says_so():
    at = run(nganh="A", nhom="kinh_te_so")
    assert selectbox(at, "Nhóm ngành ưu tiên").value == "kinh_te_so"
    assert any("không thuộc nhóm ngành ưu tiên" in i.value for i in at.info)


def test_forecast_group_and_heat_map_measure_controls():
    at = run(nhom="cong_nghe_cao", chiso="employed")
    captions = " ".join(c.value for c in at.caption)
    assert "Ngành C, M, số liệu đến 10/2026" in captions
    assert "Lao động có việc làm: 30/126" in captions
    selectbox(at, "Nhóm ngành ưu tiên").set_value("kinh_te_so").run()
    assert not at.exception
    assert "Ngành J, số liệu đến" in " ".join(c.value for c in at.caption)
    assert at.query_params["nhom"] in ("kinh_te_so", ["kinh_te_so"])
    at.toggle[0].set_value(True).run()
    assert "126/126 xã, phường" in " ".join(c.value for c in at.caption)


@pytest.mark.parametrize("params, bad", [({"loai": "quan"}, "loai"), ({"nhom": "du_lich_x"}, "nhom"),
                                         ({"chiso": "salary"}, "chiso")])
def test_invalid_page_link_values_give_a_notice_not_an_error(params, bad):
    at = run(**params)
    assert any("không hợp lệ" in i.value and f"“{bad}”" in i.value for i in at.info)
    assert at.title[0].value == "Ngành kinh tế & cung–cầu lao động"
    assert len(at.metric) == 10


@pytest.mark.parametrize("params, bad, default", [
    ({"xa": "4"}, "xa", ""), ({"den": "1999-01"}, "den", "2026-10"), ({"ky": "week"}, "ky", "month"),
])
def test_invalid_global_link_values_give_a_notice_and_the_page_its_defaults(params, bad, default):
    """The global controls read the link on the session's first run (under AppTest, the default page)."""
    at = AppTest.from_file(APP, default_timeout=180)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert any("không hợp lệ" in i.value and f"“{bad}”" in i.value for i in at.info)
    at.switch_page("pages/sectors.py").run()
    assert not at.exception
    assert selectbox(at, {"xa": "Địa bàn", "den": "Đến tháng", "ky": "Kỳ số liệu"}[bad]).value == default
    assert len(at.metric) == 10 and any(c.value.startswith("Toàn thành phố · Tháng 10/2026") for c in at.caption)


def test_unknown_sector_in_the_link_is_dropped():
    at = AppTest.from_file(APP, default_timeout=180)
    at.query_params["nganh"] = "J,Z"
    at.run()
    assert any("không hợp lệ" in i.value and "“Z”" in i.value for i in at.info)
    at.switch_page("pages/sectors.py").run()
    assert not at.exception
    assert [s[0] for s in at.dataframe[-1].value["Ngành (VSIC)"]] == ["J"]


def test_english_year_view(warehouse):
    at = run(lang="en", ky="year", den="2025-12", xa="00004")
    assert at.title[0].value == "Economic sectors & labour supply–demand"
    assert metrics(at) == expected_metrics(warehouse, Scope(communes=("00004",)), "year", pd.Timestamp("2025-12-01"), "en")
    assert any(c.value.startswith("Ba Dinh Ward (00004) · 2025 · Jan 2025 to Dec 2025") for c in at.caption)
    assert "," in metrics(at)["Employed persons"]
    assert any("Sectors C, J, K, M, P, Q, R, data up to Dec 2025" in c.value for c in at.caption)


def test_early_period_has_no_forecast_but_no_error():
    at = run(den="2020-06")
    assert sum("chưa dự báo được" in i.value for i in at.info) == 2
