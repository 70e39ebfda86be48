"""The forms seed 004 adds (store/templates/): employment-service enterprises, licensed labour-export enterprises
and employers' half-yearly accident reports, from their sample files to the facts, the KPIs and the map; their
rules and half-year periods; small counts of accidents hidden by the existing rule."""
from __future__ import annotations

import pandas as pd
import pytest
from warehouse_copy import demo_copy

from store.paths import SAMPLES_DIR
from store.templates import get_template

AS_OF = pd.Timestamp("2026-10-01")
SAMPLES = {"employment_services": "dv_viec_lam_2026-09.csv", "labour_export": "xuat_khau_lao_dong_2026-09.xlsx",
           "occupational_safety": "tai_nan_lao_dong_2026-06.csv"}
SEPT, JUNE = pd.Timestamp("2026-09-01"), pd.Timestamp("2026-06-01")


def _sample(code: str) -> pd.DataFrame:
    """A sample file with the form's column keys as headers."""
    path = SAMPLES_DIR / SAMPLES[code]
    frame = pd.read_excel(path, dtype=str) if path.suffix == ".xlsx" else pd.read_csv(path, sep=";", dtype=str,
                                                                                      encoding="utf-8-sig")
    return frame.set_axis([f.key for f in get_template(code).fields], axis=1)


@pytest.fixture(scope="module")
def published(demo_version, tmp_path_factory):
    """The three samples ingested over a copy of the demo warehouse and published."""
    from pipeline.ingest import ingest_file
    from pipeline.publish import publish_staged

    with demo_copy(demo_version, tmp_path_factory.mktemp("forms") / "curated"):
        reports = {code: ingest_file(SAMPLES_DIR / name, as_of=AS_OF) for code, name in SAMPLES.items()}
        version = publish_staged()
        yield version, reports


def _caller(version: str, role: str = "analyst", commune: str | None = None):
    from service import Caller, Principal

    return Caller(Principal(f"{role}@hanoi.gov.vn", role, commune), reads="none", version=version)


def test_each_sample_is_recognised_and_accepted_whole(published):
    _, reports = published
    for code, report in reports.items():
        assert (report.template, report.status, report.quarantined) == (code, "ingested", 0), report.message_en
        assert report.accepted == len(_sample(code))


def test_the_samples_become_the_facts_of_their_measures(published):
    from indicators.warehouse import Warehouse

    version, _ = published
    with_demo = Warehouse(version)
    facts = with_demo.query("SELECT measure, commune_code, period, value, status, source FROM facts "
                            "WHERE measure LIKE 'esv_%' OR measure LIKE 'lex_%' OR measure LIKE 'osh_%'")
    esv = _sample("employment_services")
    placed = facts[(facts["measure"] == "esv_placed") & (facts["period"] == SEPT)]
    assert (placed["status"] == "official").all() and placed["value"].sum() == esv["placed"].astype(int).sum()
    assert sorted(placed["commune_code"]) == sorted(esv["commune"].unique())
    lex = _sample("labour_export")
    departed = facts[(facts["measure"] == "lex_departed") & (facts["period"] == SEPT)]
    assert departed["value"].sum() == lex["departed"].astype(int).sum()
    osh = _sample("occupational_safety")
    deaths = facts[(facts["measure"] == "osh_deaths") & (facts["period"] == JUNE)]
    assert deaths["value"].sum() == osh["deaths"].astype(int).sum() and (deaths["status"] == "official").all()
    employers = facts[(facts["measure"] == "osh_reporting_employers") & (facts["period"] == JUNE)]
    assert employers["value"].sum() == osh["employer"].nunique()
    assert facts[(facts["measure"] == "esv_placed") & (facts["period"] == pd.Timestamp("2026-08-01"))]["status"] \
        .eq("demo").all(), "other months keep the demo rows"


def test_the_kpis_read_the_forms_for_the_city_and_the_communes(published):
    import service
    from service import Area, Period

    version, _ = published
    caller = _caller(version)
    osh = _sample("occupational_safety")
    rate = service.value(caller, "osh_frequency_rate", Area.CITY, Period.month(2026, 6))
    expected = osh["victims"].astype(int).sum() * 2000 / osh["workers"].astype(int).sum()
    assert rate.value == pytest.approx(expected) and rate.status == "official"
    placements = service.value(caller, "esv_placements", Area.CITY, Period.month(2026, 9))
    assert placements.value == _sample("employment_services")["placed"].astype(int).sum()
    map_values = service.map_values(caller, "lex_departed", Period.month(2026, 9))
    assert len(map_values) == 126 and map_values["value"].notna().any()
    cards = {r.indicator.code: r for r in service.scorecard(caller, Area.CITY, Period.year(2026))}
    assert {"lex_departed", "esv_placements", "osh_accidents", "osh_deaths", "osh_frequency_rate"} <= set(cards)
    assert cards["osh_deaths"].value == osh["deaths"].astype(int).sum()


def test_small_counts_of_accidents_and_deaths_are_hidden_by_the_existing_rule(published):
    import service
    from service import Period

    version, _ = published
    for code in ("osh_deaths", "osh_accidents"):
        values = service.map_values(_caller(version), code, Period.month(2026, 6))
        assert values["suppressed"].any(), code
        shown = values.loc[~values["suppressed"].fillna(False).astype(bool), "value"].dropna()
        assert not ((shown > 0) & (shown < 10)).any(), code


# ---- rules and periods -------------------------------------------------------------------------------------
def _write(tmp_path, code: str, rows: list[list[str]], name: str = "f.csv"):
    path = tmp_path / name
    header = ";".join(f.header_vi for f in get_template(code).fields)
    path.write_text(header + "\n" + "\n".join(";".join(r) for r in rows) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def empty(tmp_path, monkeypatch):
    monkeypatch.setenv("HANOI_DATA_DIR", str(tmp_path / "curated"))
    return tmp_path


def test_a_placement_without_a_referral_is_quarantined(empty):
    from pipeline.ingest import ingest_file

    path = _write(empty, "employment_services", [["0101234567", "A", "00004", "09/2026", "10", "5", "6", "3", ""],
                                                 ["0101234567", "A", "00008", "09/2026", "10", "5", "5", "3", ""]])
    report = ingest_file(path, as_of=AS_OF)
    assert (report.accepted, report.quarantined, report.reasons) == (1, 1, {"at_most": 1})


def test_a_destination_outside_the_list_is_quarantined(empty):
    from pipeline.ingest import ingest_file

    path = _write(empty, "labour_export", [["0101234567", "A", "Nhật Bản", "00004", "09/2026", "3", "2", ""],
                                           ["0101234567", "A", "Sao Hỏa", "00004", "09/2026", "3", "2", ""]])
    report = ingest_file(path, as_of=AS_OF)
    assert (report.accepted, report.reasons) == (1, {"bad_choice": 1})


@pytest.mark.parametrize("written, month", [("06/2026", "2026-06"), ("6 tháng đầu năm 2026", "2026-06"),
                                            ("6 tháng cuối năm 2025", "2025-12"), ("H2/2025", "2025-12"),
                                            ("2026-H1", "2026-06")])
def test_half_years_are_read_as_their_last_month(empty, written, month):
    from pipeline.ingest import ingest_file, staged_files

    path = _write(empty, "occupational_safety", [["0101234567", "A", "00004", written, "300", "1", "0", "1", "0", "1", ""]])
    report = ingest_file(path, as_of=AS_OF)
    assert report.accepted == 1, report.message_en
    staged = pd.read_parquet(staged_files("occupational_safety")[0])
    assert f"{staged['period'].iloc[0]:%Y-%m}" == month


def test_a_month_that_ends_no_half_year_is_refused_with_what_to_write(empty):
    from pipeline.ingest import ingest_file, quarantine_dir

    path = _write(empty, "occupational_safety", [["0101234567", "A", "00004", "09/2026", "300", "1", "0", "1", "0", "1", ""]])
    report = ingest_file(path, as_of=AS_OF)
    assert report.reasons == {"not_period_end": 1}
    text = next(quarantine_dir().glob("*.csv")).read_text(encoding="utf-8-sig")
    assert "ghi tháng cuối của kỳ (06/2026 hoặc 12/2026" in text and "write the period's last month" in text


def test_accidents_above_the_people_hurt_or_a_fatal_accident_without_a_death_are_quarantined(empty):
    from pipeline.ingest import ingest_file, quarantine_dir

    # 2 accidents but 1 person hurt, and 1 fatal accident but nobody killed: two rules broken, both named
    path = _write(empty, "occupational_safety", [["0101234567", "A", "00004", "06/2026", "300", "2", "1", "1", "0", "0", ""]])
    report = ingest_file(path, as_of=AS_OF)
    assert report.quarantined == 1 and report.reasons == {"at_most": 2}
    text = next(quarantine_dir().glob("*.csv")).read_text(encoding="utf-8-sig")
    assert "“Tổng số vụ tai nạn lao động” lớn hơn “Tổng số người bị nạn”" in text
    assert "“Số vụ có người chết” lớn hơn “Số người chết”" in text


# ---- the safety KPIs on the pages (demo version) -------------------------------------------------------------
@pytest.mark.parametrize("until", ["2025-12", "2026-10"])
def test_the_safety_kpis_open_on_the_map_and_in_the_trends(until):
    """A year, or a year to a month that ends no half-year (October: the first half is the latest report)."""
    from apphelpers import run_app

    at = run_app("map", chi_tieu="osh_frequency_rate", ky="year", den=until)
    assert not at.exception
    assert at.selectbox(key="chi_tieu").value == "osh_frequency_rate"
    assert at.get("plotly_chart"), "the map is drawn for a half-yearly KPI"
    shown = at.dataframe[0].value
    rate = next(c for c in shown.columns if c.startswith("Giá trị"))  # the compact table: headed by the unit
    assert shown[rate].notna().sum() > 100, "the rate for (nearly) every commune"
    trends = run_app("trends", ds_chi_tieu="osh_deaths,osh_frequency_rate")
    assert not trends.exception
    assert trends.multiselect(key="ds_chi_tieu").value == ["osh_deaths", "osh_frequency_rate"]
    assert trends.get("plotly_chart")
