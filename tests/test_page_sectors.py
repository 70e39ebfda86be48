"""AppTest of the Sectors page (Ngành kinh tế & cung–cầu lao động): controls, deep links, city and commune."""
import pandas as pd
import pytest
from apphelpers import APP, run_app
from streamlit.testing.v1 import AppTest

from indicators import sectors as S
from indicators.queries import Scope
from i18n.formats import fmt_delta, fmt_number, fmt_percent_of, fmt_value
from i18n.strings import t

UNTIL = pd.Timestamp("2026-10-01")


def run(**params):
    at = run_app(page="sectors", **params)
    assert not at.exception, at.exception
    return at


def metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def selectbox(at, key_label: str):
    return next(s for s in at.selectbox if s.label == key_label)


def expected_metrics(warehouse, scope: Scope, grain: str = "month", until: pd.Timestamp = UNTIL,
                     lang: str = "vi") -> dict:
    """The page's ten headline figures, computed here from the warehouse and formatted independently."""
    figures = S.sector_figures(warehouse, scope, *S.period_window(grain, until))
    totals, hidden = figures.totals, figures.hidden_totals
    formats = {
        "employed": lambda v: fmt_number(v, lang), "bhxh_compulsory": lambda v: fmt_number(v, lang),
        "coverage": lambda v: fmt_value(v, "%", "%", lang), "bhxh_new": lambda v: fmt_number(v, lang),
        "bhxh_lost": lambda v: fmt_number(v, lang), "net_change": lambda v: fmt_delta(v, "", lang) or "–",
        "vacancies": lambda v: fmt_number(v, lang), "job_seekers": lambda v: fmt_number(v, lang),
        "gap": lambda v: fmt_delta(v, "", lang) or "–", "ratio": lambda v: fmt_number(v, lang, 2),
    }
    inputs = {"coverage": {"employed", "bhxh_compulsory"}, "net_change": {"bhxh_new", "bhxh_lost"},
              "gap": {"vacancies", "job_seekers"}, "ratio": {"vacancies", "job_seekers"}}
    out = {}
    for key, fmt in formats.items():
        gone = totals[key] is None and inputs.get(key, {key}) & hidden
        out[t(f"sec_m_{key}", lang)] = t("sec_hidden", lang) if gone else fmt(totals[key])
    return out


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
    assert any("không hợp lệ" in i.value and f"`{bad}`" in i.value for i in at.info)
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
    assert any("không hợp lệ" in i.value and f"`{bad}`" in i.value for i in at.info)
    at.switch_page("pages/sectors.py").run()
    assert not at.exception
    assert selectbox(at, {"xa": "Địa bàn", "den": "Đến tháng", "ky": "Kỳ số liệu"}[bad]).value == default
    assert len(at.metric) == 10 and any(c.value.startswith("Toàn thành phố · Tháng 10/2026") for c in at.caption)


def test_unknown_sector_in_the_link_is_dropped():
    at = AppTest.from_file(APP, default_timeout=180)
    at.query_params["nganh"] = "J,Z"
    at.run()
    assert any("không hợp lệ" in i.value and "`Z`" in i.value for i in at.info)
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


def test_the_public_sees_city_aggregates_but_no_commune_detail(monkeypatch, warehouse):
    monkeypatch.setenv("HANOI_DEV_USER", "congchung@example.vn")  # a viewer in config/access.toml
    at = run()
    assert metrics(at) == expected_metrics(warehouse, Scope())
    denied = [i.value for i in at.info if "chỉ được xem số liệu tổng hợp" in i.value]
    assert len(denied) == 2  # where the demand is, and the heat map
    assert len(at.get("plotly_chart")) == 5
    assert not any(d.label == t("download_csv", "vi") for d in at.get("download_button"))


def test_a_commune_official_sees_only_their_own_commune_rows(monkeypatch, warehouse):
    monkeypatch.setenv("HANOI_DEV_USER", "canbo.hoaxa@hanoi.gov.vn")  # commune official of 10417
    at = run()
    where = at.dataframe[0].value
    assert list(where["Xã, phường"]) == ["▶ Xã Hòa Xá (10417)"], "their own commune alone (they land on it: marked)"
    full = S.sector_demand_by_commune(warehouse, S.priority_sectors(), UNTIL, UNTIL).set_index("commune_code")
    assert where[t("sec_col_share", "vi")].iloc[0] == fmt_percent_of(full.loc["10417", "share_of_city"], "vi")
    assert any("1/1 xã, phường" in c.value for c in at.caption)  # the heat map: their commune alone


def test_small_counts_of_people_are_hidden_not_shown(warehouse):
    at = run(xa="10417", nganh="B,R")  # two small sectors of a rural commune
    shown = metrics(at)
    assert shown == expected_metrics(warehouse, Scope(communes=("10417",), sectors=("B", "R")))
    assert shown["Tăng mới"] == "ẩn" and shown["Tăng/giảm thuần"] == "ẩn"
    assert shown["Lao động có việc làm"] != "ẩn"  # large enough to show
    assert any("quy tắc bảo mật số nhỏ" in c.value for c in at.caption)
    table = at.dataframe[-1].value.set_index("Ngành (VSIC)")
    for column in ("Lao động có việc làm", "Người tham gia BHXH bắt buộc", "Tăng mới", "Giảm", "Người tìm việc (cung)"):
        for cell in table[column]:
            assert cell == "ẩn" or cell == "–" or int(cell.replace(".", "")) == 0 or int(cell.replace(".", "")) >= 10
