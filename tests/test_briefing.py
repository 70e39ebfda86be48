"""Briefings (briefing/document.py): self-contained HTML, a PDF that shows the scorecard's figures, access."""
from __future__ import annotations

import re

import pandas as pd
import pytest
from apphelpers import run_app

from briefing.document import (
    BriefingPeriod, available_periods, build_briefing, chromium_path, data_freshness, render_pdf,
)
from i18n.formats import fmt_percent_of, fmt_value
from indicators.boundaries import load_boundaries
from indicators.mapclass import NO_DATA
from indicators.queries import Scope
from indicators.scorecard import build_scorecard
from service import AccessDenied, Area, Caller, Principal
from store.reference import load_communes

ANALYST = Principal("phantich@hanoi.gov.vn", "analyst")
OFFICIAL = Principal("canbo.hoaxa@hanoi.gov.vn", "commune_official", "10417")
VIEWER = Principal("congchung@example.vn", "viewer")
H1_2026 = BriefingPeriod("6thang", 2026)
YEAR_2025 = BriefingPeriod("nam", 2025)


@pytest.fixture(autouse=True)
def _audit_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("HANOI_AUDIT_DIR", str(tmp_path / "audit"))


@pytest.fixture(scope="module")
def geojson():
    return load_boundaries(set(load_communes()["code"])).geojson


def _make(warehouse, who, geo, period, lang, geojson, **extra):
    area = Area.parse(geo)
    return build_briefing(Caller(who, channel="api", reads="none", version=warehouse.version), area, period, lang,
                          geojson=geojson, now=pd.Timestamp("2026-11-20T03:00:00Z"), **extra)


def _expected_values(warehouse, geo, period, lang) -> dict[str, str]:
    scope = Scope() if geo == "city" else Scope(communes=(geo,))
    rows = build_scorecard(warehouse, scope, period.grain, period.until, geo)
    return {r.indicator.code: fmt_value(r.value, r.indicator.unit, r.indicator.unit_label(lang), lang,
                                        compact=r.indicator.unit == "đồng/tháng")
            for r in rows if r.has_data}


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_periods_offered_are_complete_and_newest_first():
    periods = available_periods(pd.Timestamp("2026-10-01"))
    assert periods[:3] == [H1_2026, YEAR_2025, BriefingPeriod("6thang", 2025)]
    assert BriefingPeriod("nam", 2026) not in periods
    assert available_periods(pd.Timestamp("2026-12-01"))[0] == BriefingPeriod("nam", 2026)


def test_freshness_against_the_monthly_cadence():
    fresh = data_freshness(pd.Timestamp("2026-10-01"), pd.Timestamp("2026-11-22"))
    assert not fresh.stale and fresh.expected_until == pd.Timestamp("2026-09-01")
    late = data_freshness(pd.Timestamp("2026-10-01"), pd.Timestamp("2027-02-20"))
    assert late.stale and late.expected_until == pd.Timestamp("2026-12-01") and late.months_late == 2


def test_html_is_self_contained_and_shows_the_scorecard_figures(warehouse, geojson):
    made = _make(warehouse, ANALYST, "city", H1_2026, "vi", geojson)
    doc = made.html
    assert "<script" not in doc and "<link" not in doc and "src=" not in doc and "url(" not in doc
    assert not re.findall(r"https?://(?!www\.w3\.org/2000/svg)", doc), "no external address besides the SVG namespace"
    assert doc.count("<svg") >= 2 and 'class="choropleth"' in doc
    assert re.search(r'class="choropleth"[^>]*role="img" aria-label="Bản đồ [^"]+: \d+ xã, phường có số liệu', doc)
    assert "Báo cáo 6 tháng đầu năm 2026" in made.title
    for code, text in _expected_values(warehouse, "city", H1_2026, "vi").items():
        row = re.search(rf'<tr data-kpi="{code}">(.*?)</tr>', doc).group(1)
        assert f">{text}<" in row.replace("&lt;", "<"), code
    coloured = [m for m in re.findall(r'<path d="[^"]+" fill="([^"]+)"', doc) if m != NO_DATA]
    assert len(coloured) > 100, "an analyst's city map colours (nearly) every commune"


def test_the_forecasts_are_those_of_the_verdicts_beside_them(warehouse, geojson):
    """Section 5 shows, for each KPI, the forecast its verdict was decided on (as of the period's last
    month): the probability beside a status always implies that status (issue 14: BHTN "at risk" beside
    its own 0.0%)."""
    from indicators.status import status_from_probability

    doc = _make(warehouse, ANALYST, "city", H1_2026, "en", geojson).html
    section = doc.split("5. ")[1].split("6. ")[0]
    rows = {r.indicator.code: r for r in build_scorecard(warehouse, Scope(), H1_2026.grain, H1_2026.until)}
    listed = re.findall(r"<tr data-kpi='([^']+)'>(.*?)</tr>", section)
    assert len(listed) > 10
    for code, cells in listed:
        verdict = rows[code].verdict
        assert verdict.as_of == H1_2026.until and verdict.expected is not None
        if verdict.probability is not None:
            assert fmt_percent_of(verdict.probability, "en") in cells, code
            label = {"on_track": "On track", "at_risk": "At risk", "off_track": "Off track"}
            assert label[status_from_probability(verdict.probability)] in cells, code


def test_a_commune_official_gets_their_commune_and_a_map_without_other_communes(warehouse, geojson):
    own = _make(warehouse, OFFICIAL, "10417", YEAR_2025, "en", geojson)
    assert "Hoa Xa" in own.title
    for code, text in _expected_values(warehouse, "10417", YEAR_2025, "en").items():
        assert text in re.search(rf'<tr data-kpi="{code}">(.*?)</tr>', own.html).group(1), code
    city = _make(warehouse, OFFICIAL, "city", YEAR_2025, "vi", geojson)
    titles = re.findall(r'fill="([^"]+)" stroke="#ffffff" stroke-width="0.6" fill-rule="evenodd"><title>([^<]+)</title>',
                        city.html)
    coloured = [title for fill, title in titles if fill != NO_DATA]
    assert len(titles) == len(load_communes()) and coloured and all("Hòa Xá" in t for t in coloured)
    with pytest.raises(AccessDenied):
        _make(warehouse, OFFICIAL, "00004", YEAR_2025, "vi", geojson)
    viewer = _make(warehouse, VIEWER, "city", YEAR_2025, "vi", geojson)
    assert "Hòa Xá: –" in viewer.html and not re.search(r"<title>[^<]+: \d", viewer.html), "no commune coloured"


@pytest.mark.skipif(chromium_path() is None, reason="Chromium is needed to print the PDF")
@pytest.mark.parametrize("geo, period, lang", [("city", H1_2026, "vi"), ("10417", YEAR_2025, "en")])
def test_pdf_opens_and_shows_the_right_figures(warehouse, geojson, geo, period, lang):
    from pypdf import PdfReader
    import io

    who = ANALYST if geo == "city" else OFFICIAL
    made = _make(warehouse, who, geo, period, lang, geojson)
    pdf = render_pdf(made.html)
    assert pdf.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(pdf))
    assert 2 <= len(reader.pages) <= 8
    text = _squash(" ".join(page.extract_text() for page in reader.pages))
    expected = _expected_values(warehouse, geo, period, lang)
    assert len(expected) >= 10
    missing = [code for code, value in expected.items() if _squash(value) not in text]
    assert missing == []
    heading = "Báocáo6thángđầunăm2026" if lang == "vi" else "Annualreport2025"
    assert heading in text


def _links(at) -> dict[str, str]:
    return {b.proto.label: b.proto.url for b in at.get("link_button")}


def test_overview_offers_the_briefing_to_those_who_may_download(monkeypatch):
    monkeypatch.setenv("HANOI_DEV_USER", "phantich@hanoi.gov.vn")
    at = run_app()
    assert not at.exception
    links = _links(at)
    assert links["Tải báo cáo (HTML)"].startswith("/api/v1/briefings/2026-6thang.html?area=city")
    assert ("Tải báo cáo (PDF)" in links) == (chromium_path() is not None)
    monkeypatch.setenv("HANOI_DEV_USER", "congchung@example.vn")
    viewer = run_app()
    assert not viewer.exception
    assert _links(viewer) == {}
    assert any("không được tải dữ liệu" in c.value for c in viewer.caption)


def test_the_target_label_never_prints_over_a_value_label_or_the_line():
    """The 2030 target line's label moves (below the line, then to the left end) when a value label or the
    series sits where it would go: the "74,8%" over "Mục tiêu 2030" of the six-month report."""
    import re

    from briefing.document import CHAR_WIDTH, LABEL_HEIGHT, _overlaps, line_svg

    points = [(str(2021 + i), v) for i, v in enumerate((70.5, 71.6, 72.7, 74.0, 74.8, 75.5))]
    svg = line_svg(points, [f"{v:.1f}%" for _, v in points], 75.0, "Mục tiêu 2030")
    texts = re.findall(r'<text x="([\d.]+)" y="([\d.]+)" font-size="[\d.]+" text-anchor="(\w+)"[^>]*>([^<]+)</text>', svg)

    def box(x, y, anchor, label):
        x, y, width = float(x), float(y), len(label) * CHAR_WIDTH
        left = x - width if anchor == "end" else x - width / 2 if anchor == "middle" else x
        return left, y - LABEL_HEIGHT + 2, left + width, y + 2

    target = next(box(*t) for t in texts if t[3] == "Mục tiêu 2030")
    values = [box(*t) for t in texts if t[3].endswith("%")]
    assert values and not any(_overlaps(target, v) for v in values)


def test_an_interval_spanning_every_share_is_called_uninformative():
    from briefing.document import uninformative_band
    from store.catalogue import load_catalogue as catalogue

    share = catalogue().get("trained_share")
    count = catalogue().get("new_jobs")
    assert uninformative_band(share, 0.0, 100.0) and uninformative_band(share, 0.2, 99.8)
    assert not uninformative_band(share, 21.8, 75.4) and not uninformative_band(count, 0.0, 100.0)


def test_a_heading_stays_with_the_start_of_its_section():
    from briefing.document import FIRST_ROW_END, keep_with_heading

    kept = keep_with_heading("<h2>4.</h2>", f"<p>a</p><div>row 1</div>{FIRST_ROW_END}<div>row 2</div>")
    assert kept == "<section class='keep'><h2>4.</h2><p>a</p><div>row 1</div></section><div>row 2</div>"
    assert keep_with_heading("<h2>3.</h2>", "<div>map</div>") == "<section class='keep'><h2>3.</h2><div>map</div></section>"
