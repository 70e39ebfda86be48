"""Browser journey: switching the language from the sidebar changes the whole page and the link.

Vietnamese is the default; the sidebar's "English" switch turns titles, KPI names, statuses, month names
and number formats (2,12% -> 2.12%) to English, writes `lang=en` in the URL, and keeps it on other pages.
"""
from __future__ import annotations

import re

import pytest

from conftest import screenshot

from store.catalogue import load_catalogue

pytestmark = pytest.mark.browser

METRICS = '[data-testid="stMetric"]'


def _href(page) -> str:
    """The address bar: Streamlit rewrites it with history.replaceState, which page.url does not follow."""
    return page.evaluate("location.href")


def _unemployment(page) -> str:
    card = page.locator(METRICS).nth(4)
    return card.locator('[data-testid="stMetricValue"]').inner_text()


def test_switching_to_english_and_back(page, app_url):
    page.goto(app_url + "/?xa=10417")
    page.get_by_text("Tổng quan: KPI sức khỏe thị trường lao động").wait_for(timeout=120_000)
    page.locator(METRICS).nth(24).wait_for(timeout=60_000)
    page.wait_for_function(f"""() => {{ const v = document.querySelectorAll('{METRICS}')[4]
                                  ?.querySelector('[data-testid="stMetricValue"]')?.innerText;
                                  return v && /^\\d+,\\d+%$/.test(v.trim()); }}""", timeout=60_000)
    vi_value = _unemployment(page)
    assert re.fullmatch(r"\d+,\d+%", vi_value), vi_value
    assert page.get_by_text("Đúng hướng").first.is_visible()
    assert page.get_by_text(re.compile(r"Tháng \d\d/20\d\d")).first.is_visible()
    screenshot(page, "language-overview-vi")

    english = page.get_by_text("Overview: labour-market health KPIs")
    for _ in range(3):  # a click during the first run's last messages can be swallowed: try again
        page.locator('[data-testid="stSidebar"]').locator("button", has_text="English").click()
        try:
            english.wait_for(timeout=30_000)
            break
        except Exception:  # noqa: BLE001 - playwright's TimeoutError
            continue
    english.wait_for(timeout=30_000)
    page.locator(METRICS).nth(24).wait_for(timeout=60_000)
    page.wait_for_function("location.href.includes('lang=en')", timeout=30_000)
    # the title changes first; the Vietnamese run's cards stay on screen until redrawn: wait for an English value
    page.wait_for_function(f"""() => {{ const v = document.querySelectorAll('{METRICS}')[4]
                                  ?.querySelector('[data-testid="stMetricValue"]')?.innerText;
                                  return v && /^\\d+\\.\\d+%$/.test(v.trim()); }}""", timeout=60_000)
    en_value = _unemployment(page)
    assert en_value == vi_value.replace(",", "."), (vi_value, en_value)
    assert page.get_by_text("Unemployment rate, overall").first.is_visible()
    assert page.get_by_text("On track").first.is_visible()
    assert page.get_by_text(re.compile(r"(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) 20\d\d")).first.is_visible()
    assert page.get_by_text("Tổng quan: KPI sức khỏe thị trường lao động").count() == 0
    assert page.locator('[data-testid="stException"]').count() == 0
    sidebar = page.locator('[data-testid="stSidebar"]')
    assert sidebar.get_by_role("combobox", name="Area").input_value() == "Hoa Xa Commune (10417)"
    screenshot(page, "language-overview-en")

    # Another choice after the switch must keep the area (Streamlit matches choices by their labels)
    sidebar.get_by_role("combobox", name="Period type").click()
    page.get_by_role("option", name="Quarter").click()
    page.wait_for_function("location.href.includes('ky=quarter')", timeout=30_000)
    page.get_by_text(re.compile(r"Q[1-4] 20\d\d")).first.wait_for(timeout=60_000)
    assert "xa=10417" in _href(page) and "lang=en" in _href(page)
    assert sidebar.get_by_role("combobox", name="Area").input_value() == "Hoa Xa Commune (10417)"
    assert sidebar.get_by_role("combobox", name="Period type").input_value() == "Quarter"

    # A page's own choice keeps its value too (the map page's indicator)
    page.goto(app_url + "/ban-do?chi_tieu=bhyt_coverage")
    choice = page.locator(".st-key-chi_tieu input")
    choice.wait_for(timeout=120_000)
    assert choice.input_value() == load_catalogue().get("bhyt_coverage").name_vi
    page.locator('[data-testid="stSidebar"]').locator("button", has_text="English").click()
    page.wait_for_function("location.href.includes('lang=en')", timeout=60_000)
    page.wait_for_function(f"document.querySelector('.st-key-chi_tieu input')?.value === "
                           f"{load_catalogue().get('bhyt_coverage').name_en!r}", timeout=60_000)
    sidebar.get_by_role("combobox", name="Period type").click()
    page.get_by_role("option", name="Quarter").click()
    page.wait_for_function("location.href.includes('ky=quarter')", timeout=60_000)
    page.wait_for_timeout(2000)
    assert "chi_tieu=bhyt_coverage" in _href(page)
    assert choice.input_value() == load_catalogue().get("bhyt_coverage").name_en
    assert page.locator('[data-testid="stException"]').count() == 0

    page.locator('[data-testid="stSidebarNav"]').get_by_text("Operations wall").click()
    page.locator(".wall-tile").first.wait_for(timeout=120_000)
    page.wait_for_function("location.href.includes('/man-hinh-tuong')", timeout=30_000)
    assert "lang=en" in _href(page)
    assert page.get_by_text("Hanoi labour-market KPIs").first.is_visible()

    page.goto(app_url + "/?lang=vi")
    page.get_by_text("Tổng quan: KPI sức khỏe thị trường lao động").wait_for(timeout=60_000)
    page.wait_for_function("!location.href.includes('lang=')", timeout=30_000)  # the default is left out


def test_the_briefing_downloads_in_the_chosen_language(page, app_url, tmp_path):
    from pypdf import PdfReader

    page.goto(app_url + "/?lang=en&xa=10417")
    page.locator(METRICS).nth(24).wait_for(timeout=120_000)
    page.get_by_role("button", name="Leadership briefing").click()
    link = page.get_by_role("link", name="Download briefing (PDF)")
    link.wait_for(timeout=30_000)
    href = link.get_attribute("href")
    assert href.startswith("/api/v1/briefings/2026-6thang.pdf?") and "area=10417" in href and "lang=en" in href
    response = page.request.get(app_url + href, timeout=180_000)  # the browser's own session fetches the link
    assert response.ok and response.headers["content-type"] == "application/pdf"
    name = response.headers["content-disposition"].split('filename="')[1].split('"')[0]
    path = tmp_path / name
    path.write_bytes(response.body())
    assert path.name == "bao-cao-2026-6thang-10417-en.pdf"
    text = " ".join(p.extract_text() for p in PdfReader(path).pages)
    assert "Six-month report 2026" in text and "Hoa Xa Commune (10417)" in text
    from store.audit import default_log  # the server writes where this process would (same environment)

    exports = [e for e in default_log().read().events if e["action"] == "export" and e["params"]["file"] == path.name]
    assert exports and exports[-1]["params"]["format"] == "pdf" and exports[-1]["rows"] > 0
    assert page.locator('[data-testid="stException"]').count() == 0
