"""One verdict per KPI, area and month on every surface (issue 14's "done when").

For several areas, months and period types, the verdict stored with the version (`indicators.verdicts`)
is looked up once and then found on every surface that shows it: the service layer's scorecard, the
API's /api/v1/scorecard and /api/v1/forecast JSON, the Overview cards, the commune profile, the wall's
tiles, the forecast page and the briefing; and the same on a version published without stored tables
(readers derive them: "before forecasts exist" cannot show other verdicts).
"""
from __future__ import annotations

import re
from urllib.parse import urlencode

import pandas as pd
import pytest

import service
from apphelpers import run_app
from briefing.document import BriefingPeriod, build_briefing
from forecast_helpers import data_dir, forecast_version, plain_version
from i18n.strings import t
from indicators.verdicts import verdicts_for
from serverhelpers import get_json, start_server, stop_server
from service import Area, Caller, Period, Principal
from service.core import clear_caches
from service.metadata import commune_table
from store.catalogue import load_catalogue

ANALYST = Principal("phantich@hanoi.gov.vn", "analyst")
UNTIL = "2026-10"  # tests/conftest.py TEST_END_MONTH: the last month of data
CASES = [  # (area, period type, month the period ends with)
    ("city", "month", UNTIL),
    ("10417", "quarter", "2026-06"),  # xã Hòa Xá (own targets), the end of the first half of 2026
    ("00004", "year", "2025-12"),  # a ward, a whole year
    ("xa", "ytd", "2024-03"),  # all rural communes, year to date, an early month
]


@pytest.fixture(autouse=True)
def _audit_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("HANOI_AUDIT_DIR", str(tmp_path / "audit"))


@pytest.fixture(scope="module")
def version(demo_version) -> str:
    root, name, _ = forecast_version(demo_version)
    return name


def expected(version: str, area: str, month: str) -> dict[str, str]:
    """The stored verdicts, by KPI code: every surface shows the stored state itself."""
    found = verdicts_for(version, area, pd.Timestamp(month + "-01"))
    assert len(found) == len(load_catalogue().codes)
    return {code: v.status for code, v in found.items()}


def by_name(lang: str = "vi") -> dict[str, str]:
    return {ind.name(lang): ind.code for ind in load_catalogue().indicators}


def scorecard_states(version: str, area: str, grain: str, month: str) -> dict[str, str]:
    rows = service.scorecard(Caller(ANALYST, channel="api", reads="none", version=version), Area.parse(area),
                             Period(grain, pd.Timestamp(month + "-01")))
    return {r.indicator.code: r.assessment.status for r in rows}


def test_the_cases_cover_every_judged_state(version):
    states = set()
    for area, _, month in CASES:
        states |= set(expected(version, area, month).values())
    assert {"on_track", "at_risk", "off_track", "no_target"} <= states, states


@pytest.mark.parametrize("area, grain, month", CASES)
def test_the_service_scorecard_with_and_without_stored_tables(version, demo_version, area, grain, month):
    want = expected(version, area, month)
    assert scorecard_states(version, area, grain, month) == want
    root, plain = plain_version(demo_version)
    with data_dir(root):
        clear_caches()
        try:
            assert scorecard_states(plain, area, grain, month) == want  # derived by the reader: the same
        finally:
            clear_caches()


@pytest.fixture(scope="module")
def api(demo_version):
    url, proc = start_server({})  # development mode (tests/conftest.py): the development account
    yield url
    stop_server(proc)


@pytest.mark.parametrize("area, grain, month", CASES)
def test_the_api_scorecard(api, version, area, grain, month):
    status, body = get_json(f"{api}/api/v1/scorecard?" + urlencode({"area": area, "grain": grain, "period": month}))
    assert status == 200, body
    assert body["version"] == version
    got = {row["indicator"]["code"]: row["verdict"]["status"] for row in body["indicators"]}
    assert got == expected(version, area, month)
    probabilities = {code: v.probability for code, v in verdicts_for(version, area, pd.Timestamp(month + "-01")).items()}
    assert {row["indicator"]["code"]: row["verdict"]["probability"] for row in body["indicators"]} == probabilities


@pytest.mark.parametrize("area", ["city", "10417"])
def test_the_api_forecast_is_the_verdict_of_the_last_month(api, version, area):
    want = expected(version, area, UNTIL)
    stored = verdicts_for(version, area, pd.Timestamp(UNTIL + "-01"))
    for code in ("unemployment_rate", "bhxh_compulsory_share", "new_jobs", "bhtn_share"):
        status, body = get_json(f"{api}/api/v1/forecast?" + urlencode({"indicator": code, "area": area}))
        assert status == 200, body
        forecast = body["forecast"]
        assert forecast["verdict"] == want[code], code
        if stored[code].probability is not None:
            assert forecast["probability"] == pytest.approx(stored[code].probability), code


def overview_states(at) -> dict[str, str]:
    """KPI code -> the status word of its Overview card (the badge beside the card's target)."""
    names = by_name()
    # a KPI that does not exist for the area's type (urban unemployment on a xã) carries no verdict
    labels = [m.label for m in at.metric if m.value != t("not_applicable", "vi")]
    badges = [m.value for m in at.markdown if re.match(r":[a-z]+-badge\[", m.value)
              and ("Mục tiêu 2030" in m.value or "Không có mục tiêu định lượng" in m.value)]
    assert len(labels) == len(badges) == len(names) - (len(at.metric) - len(labels))
    return {names[label]: re.match(r":[a-z]+-badge\[([^\]]+)\]", badge).group(1) for label, badge in zip(labels, badges)}


def words(states: dict[str, str], lang: str = "vi") -> dict[str, str]:
    return {code: t("status_" + state, lang) for code, state in states.items()}


def _params(area: str, grain: str, month: str) -> dict[str, str]:
    params = {"ky": grain, "den": month}
    if area not in ("city", "phuong", "xa"):
        params["xa"] = area
    return params


@pytest.mark.parametrize("area, grain, month", [c for c in CASES if c[0] not in ("phuong", "xa")])
def test_the_overview_cards(version, area, grain, month):
    at = run_app(None, **_params(area, grain, month))
    assert not at.exception
    assert overview_states(at) == applicable(words(expected(version, area, month)), area)


def applicable(states: dict[str, str], area: str) -> dict[str, str]:
    """The states of the KPIs that exist for the area (a xã has no urban unemployment)."""
    from indicators.queries import Scope
    from indicators.scorecard import applies_to
    from store.catalogue import load_catalogue

    if area in ("city", "phuong", "xa"):
        return states
    catalogue = load_catalogue()
    return {code: s for code, s in states.items() if applies_to(catalogue.get(code), Scope(communes=(area,)))}


def test_the_overview_of_a_version_without_stored_tables(version, demo_version):
    root, plain = plain_version(demo_version)
    with data_dir(root):
        at = run_app(None, **_params("10417", "month", UNTIL))
    assert not at.exception
    assert overview_states(at) == applicable(words(expected(version, "10417", UNTIL)), "10417")


@pytest.mark.parametrize("area, grain, month", [c for c in CASES if c[0] not in ("city", "phuong", "xa")])
def test_the_commune_profile(version, area, grain, month):
    at = run_app("commune", **_params(area, grain, month))
    assert not at.exception
    table = at.dataframe[0].value
    names = by_name()
    assert {names[n]: s for n, s in zip(table["Chỉ tiêu"], table["Trạng thái"])} == words(expected(version, area, month))


@pytest.mark.parametrize("area", ["city", "10417"])
def test_the_wall_tiles(version, area, monkeypatch):
    import pandas as pd

    import ui.wall

    params = {"xem": "chi-tieu"} | ({"xa": area} if area != "city" else {})
    start = pd.Timestamp("2026-11-23T01:00:00Z")  # a multiple of 60 s: the view's first page
    page = ""
    for offset in (0, 20, 40):  # every page of the view (it rotates through them every 20 s)
        monkeypatch.setattr(ui.wall, "_now", lambda o=offset: start + pd.Timedelta(seconds=o))
        at = run_app("wall", **params)
        assert not at.exception
        page += "\n".join(m.value for m in at.markdown)
    tiles = {}
    for tile in page.split('<div class="wall-tile')[1:]:  # a tile without data has no status badge
        code = re.search(r'data-kpi="([a-z_0-9]+)"', tile).group(1)
        badge = re.search(r'<span class="wall-status">([^<]+)</span>', tile)
        tiles[code] = badge.group(1) if badge else None
    want = words(expected(version, area, UNTIL))
    shown = {code: word for code, word in tiles.items() if word is not None}
    assert len(shown) > 5
    assert shown == {code: want[code] for code in shown}


@pytest.mark.parametrize("area", ["city", "10417"])
def test_the_forecast_page(version, area):
    at = run_app("forecast", **({"xa": area} if area != "city" else {}))
    assert not at.exception
    table = next(d.value for d in at.dataframe if "Xác suất đạt (%)" in d.value.columns and "Chỉ tiêu" in d.value.columns)
    names = by_name()
    assert {names[n]: s for n, s in zip(table["Chỉ tiêu"], table["Trạng thái"])} == words(expected(version, area, UNTIL))


def test_the_forecast_page_commune_table_reads_the_stored_verdicts(version):
    code = "bhxh_compulsory_share"
    at = run_app("forecast", chi_tieu=code)
    assert not at.exception
    table = next(d.value for d in at.dataframe if "Xã, phường" in d.value.columns)
    labels = {f"{name} ({c})": c for c, name in commune_table()[["code", "name_vi"]].itertuples(index=False)}
    got = {labels[label]: word for label, word in zip(table["Xã, phường"], table["Trạng thái"])}
    assert len(got) > 100
    until = pd.Timestamp(UNTIL + "-01")
    assert got == {c: t("status_" + verdicts_for(version, c, until)[code].status, "vi") for c in got}


@pytest.mark.parametrize("area, period", [("10417", BriefingPeriod("6thang", 2026)),
                                          ("00004", BriefingPeriod("nam", 2025)),
                                          ("city", BriefingPeriod("nam", 2024))])
def test_the_briefing(version, area, period):
    doc = build_briefing(Caller(ANALYST, channel="api", reads="none", version=version), Area.parse(area), period,
                         "vi", geojson=None, now=pd.Timestamp("2026-11-20T03:00:00Z")).html
    want = words(expected(version, area, f"{period.until:%Y-%m}"))
    kpis = doc.split("<h2>2. ")[1].split("<h2>3. ")[0]
    got = dict(re.findall(r'<tr data-kpi="([a-z_0-9]+)">.*?<span class="pill"[^>]*>([^<]+)</span>', kpis))
    assert got == want
    forecasts = doc.split("<h2>5. ")[1].split("<h2>6. ")[0]
    listed = re.findall(r"<tr data-kpi='([a-z_0-9]+)'>.*?<td>([^<]+)</td></tr>", forecasts)
    assert listed and all(want[code] == word for code, word in listed)
