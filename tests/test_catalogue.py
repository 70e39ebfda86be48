"""The KPI catalogue: complete metadata for every indicator, like datasette's documented-settings test."""
import re
from pathlib import Path

import pytest
import yaml

from store.catalogue import CATALOGUE_FILE, REQUIRED_FIELDS, CatalogueError, load_catalogue, parse_catalogue
from store.reference import load_targets

KPI_TARGETS = Path(__file__).resolve().parents[2] / "shared" / "docs" / "KPI_TARGETS.md"


def test_every_indicator_has_all_metadata():
    catalogue = load_catalogue()
    for ind in catalogue.indicators:
        for field in REQUIRED_FIELDS:
            if field in ("caveats_vi", "caveats_en", "denominator"):
                continue
            assert getattr(ind, field) not in ("", None, ()), f"{ind.code} lacks {field}"


def test_an_incomplete_entry_is_refused():
    doc = yaml.safe_load(CATALOGUE_FILE.read_text(encoding="utf-8"))
    del doc["indicators"][0]["agency"]
    with pytest.raises(CatalogueError, match="agency"):
        parse_catalogue(doc)


def test_unknown_measure_is_refused():
    doc = yaml.safe_load(CATALOGUE_FILE.read_text(encoding="utf-8"))
    doc["indicators"][0]["numerator"] = ["no_such_measure"]
    with pytest.raises(CatalogueError, match="no_such_measure"):
        parse_catalogue(doc)


def test_a_section_no_scorecard_shows_is_refused():
    """Scorecards (Overview, briefing) show the sections of store.catalogue.SECTIONS only: another would vanish."""
    doc = yaml.safe_load(CATALOGUE_FILE.read_text(encoding="utf-8"))
    doc["indicators"][0]["section"] = "X.1"
    with pytest.raises(CatalogueError, match="section must start with one of"):
        parse_catalogue(doc)


def test_sections_a_and_b_are_all_there():
    sections = {ind.section for ind in load_catalogue().indicators}
    expected = {"A.1", "A.1b", "A.2", "A.3", "A.4", "A.5", "A.6", "A.7", "A.8", "A.9", "A.10", "A.III.5",
                "B.I.1", "B.I.2", "B.I.3", "B.I.4", "B.II.1", "B.II.2", "B.II.3"}
    assert expected <= sections


def test_wages_and_plan_tracking_counts_are_there():
    codes = set(load_catalogue().codes)
    assert {"avg_monthly_income", "jobs_loans", "jobs_fairs", "jobs_abroad", "jobs_other", "job_fair_sessions"} <= codes


def test_new_jobs_is_the_sum_of_its_channels():
    catalogue = load_catalogue()
    channels = [catalogue.get(c).numerator[0] for c in ("jobs_loans", "jobs_fairs", "jobs_abroad", "jobs_other")]
    assert sorted(catalogue.get("new_jobs").numerator) == sorted(channels)


def test_every_target_refers_to_a_catalogue_indicator():
    codes = set(load_catalogue().codes)
    assert set(load_targets()["indicator"]) <= codes


def test_every_indicator_with_a_plan_target_has_its_2030_target_in_data():
    targets = load_targets()
    city_2030 = set(targets[(targets["geo"] == "city") & (targets["kind"] == "target_2030")]["indicator"])
    without = {"avg_monthly_income", "jobs_loans", "jobs_fairs", "jobs_abroad", "jobs_other", "job_fair_sessions",
               # the forms seed 004 adds: no 2030 target is set for them (lex_departed has seed 003's yearly plan)
               "lex_departed", "esv_placements", "esv_placement_rate", "osh_accidents", "osh_deaths",
               "osh_serious_injuries", "osh_frequency_rate", "osh_reporting_employers"}
    assert set(load_catalogue().codes) - without == city_2030


@pytest.mark.skipif(not KPI_TARGETS.exists(), reason="shared docs not present")
def test_targets_match_the_numbers_in_kpi_targets_md():
    """Each section-A target number of KPI_TARGETS.md appears in targets.csv for the city."""
    text = KPI_TARGETS.read_text(encoding="utf-8")
    section_a = text.split("## A.")[1].split("## B.")[0]
    targets = load_targets()
    city = targets[(targets["geo"] == "city") & (targets["kind"] == "target_2030")]
    numbers = set(city["low"].dropna()) | set(city["high"].dropna())
    for line in section_a.splitlines():
        cells = [c.strip() for c in line.split("|")]
        if len(cells) > 6 and re.fullmatch(r"\d+b?", cells[1]):
            for raw in re.findall(r"[\d.,]+", cells[5].replace(",", "")):
                assert float(raw) in numbers, f"target {raw} of row {cells[1]} missing"
