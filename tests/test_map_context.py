"""A commune official's map: their commune beside the city and its type, the rest drawn as outside their
detail (not "no data"), their commune outlined, no one-value legend."""
import json

import pandas as pd
import pytest
from apphelpers import run_app

import service
from i18n.strings import t
from service import Area, Period
from service.access import Principal
from service.audit import Caller
from ui.map_context import context_figures
from ui.map_data import hover_texts, restricted_mask
from ui.map_view import RESTRICTED_COLOUR

OFFICIAL = "canbo.hoaxa@hanoi.gov.vn"  # config/access.toml: commune official of 10417 (Xã Hòa Xá)


def frame() -> pd.DataFrame:
    return pd.DataFrame({"code": ["10417", "00004"], "name_vi": ["Xã Hòa Xá", "Phường Ba Đình"],
                         "name_en": ["Hoa Xa Commune", "Ba Dinh Ward"], "type": ["xa", "phuong"],
                         "value": [1.8, None], "status": ["demo", None], "rank": [78.0, None]})


def test_restricted_is_every_commune_outside_the_accounts_detail():
    assert restricted_mask(frame(), ("10417",)).tolist() == [False, True]
    assert restricted_mask(frame(), None).tolist() == [False, False]  # leaders and analysts see all
    assert restricted_mask(frame(), ()).tolist() == [True, True]


def test_hover_says_outside_the_detail_not_no_data():
    values = frame()
    texts = hover_texts(values, values["name_vi"], ["1,80%", ""], "Tháng 11/2026", "vi",
                        restricted_mask(values, ("10417",)))
    assert "1,80%" in texts[0]
    assert t("hover_restricted", "vi") in texts[1] and t("hover_no_data", "vi") not in texts[1]


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_context_names_the_places_and_formats_the_values(lang):
    figures = context_figures(frame().iloc[0], 1.886, 1.397, "%", "%", lang)
    assert [f.label for f in figures] == [("Xã Hòa Xá" if lang == "vi" else "Hoa Xa Commune"),
                                         t("whole_city", lang), t("tr_type_xa", lang)]
    assert [f.value for f in figures] == (["1,80%", "1,89%", "1,40%"] if lang == "vi" else ["1.80%", "1.89%", "1.40%"])
    assert "78" in figures[0].note and "None" not in " ".join(f.note for f in figures)


def test_context_without_a_value_or_rank_says_so():
    own = frame().iloc[0].copy()
    own["value"], own["rank"] = float("nan"), float("nan")
    figures = context_figures(own, None, 1.4, "%", "%", "vi")
    assert figures[0].value == figures[1].value == t("hover_no_data", "vi").capitalize()
    assert figures[0].note == ""


def figure(at) -> dict:
    return json.loads(at.get("plotly_chart")[0].proto.spec)


def test_a_commune_official_lands_on_their_commune_with_context(monkeypatch, demo_version):
    monkeypatch.setenv("HANOI_DEV_USER", OFFICIAL)
    at = run_app(page="map")
    assert not at.exception
    assert at.selectbox(key="xa").value == "10417"
    caller = Caller(Principal(OFFICIAL, "commune_official", "10417"))
    period = Period("month", pd.Timestamp(at.selectbox(key="den").value + "-01"))
    city = service.value(caller, "unemployment_rate", Area.CITY, period).value
    group = service.value(caller, "unemployment_rate", Area.group("xa"), period).value
    metrics = {m.label: m.value for m in at.metric}
    assert set(metrics) == {"Xã Hòa Xá", "Toàn thành phố", "Các xã"}
    assert metrics["Toàn thành phố"] == f"{city:.2f}%".replace(".", ",")
    assert metrics["Các xã"] == f"{group:.2f}%".replace(".", ",")
    captions = " ".join(c.value for c in at.caption)
    assert "Không có số liệu (" not in captions  # never a wall of "no data"
    assert "125 xã, phường khác" in captions and "Xã Hòa Xá" in captions
    traces = figure(at)["data"]
    assert not any(tr.get("showscale", True) and tr.get("colorbar") for tr in traces)  # no "1,80 – 1,80" legend
    outside = [tr for tr in traces if tr.get("name") == t("map_restricted_name", "vi")]
    assert len(outside) == 1 and len(outside[0]["locations"]) == 125
    assert outside[0]["colorscale"][0][1] == RESTRICTED_COLOUR
    layers = figure(at)["layout"]["map"]["layers"]
    assert any(layer.get("type") == "line" and layer.get("color") == "#111111" for layer in layers)  # outlined


def test_an_analyst_sees_the_legend_and_no_context_row(demo_version):
    at = run_app(page="map")
    assert not at.exception
    assert not at.metric
    traces = figure(at)["data"]
    assert any(tr.get("colorbar") and tr.get("showscale", True) for tr in traces)


def test_the_area_chosen_in_the_sidebar_is_outlined_for_every_role(demo_version):
    at = run_app(page="map", xa="00004")
    layers = figure(at)["layout"]["map"]["layers"]
    outlined = [layer for layer in layers if layer.get("type") == "line" and layer.get("color") == "#111111"]
    assert len(outlined) == 1
