"""Completeness of reports ("đủ", pipeline/completeness.py, service/completeness.py): per form, period and
reporting unit whether the report arrived, when, and on time; the missing and late list for a test warehouse
where some communes and enterprises skipped a month and one reported late; missing reports never zeros."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from pipeline.completeness import (expected_reports, last_ended_period, overlay_completeness, report_states,
                                   summary)
from store.templates import get_template, load_templates

TODAY = pd.Timestamp("2026-11-30")
A, B, C = "00004", "00008", "00025"


def _receipts(rows: list[tuple]) -> pd.DataFrame:
    """(template, period, unit, commune, received) -> receipts as pipeline.completeness builds them."""
    from pipeline.completeness import _receipt_types

    return _receipt_types(pd.DataFrame([
        {"template": t, "period": pd.Timestamp(p), "unit": u, "unit_name": f"Đơn vị {u}" if u else None,
         "commune_code": c, "received_at": pd.Timestamp(r), "batch": f"b-{p}-{u}"} for t, p, u, c, r in rows]))


# ---- the rules, on small tables --------------------------------------------------------------------------------
def test_a_unit_is_expected_after_its_first_report_until_it_has_been_silent_for_its_memory():
    rows = [("employment_services", "2025-01-01", "0100000001", A, "2025-02-05")]
    table = expected_reports(_receipts(rows), load_templates(), pd.Timestamp("2026-03-15"), "real", [A, B])
    periods = table["period"]
    memory = get_template("employment_services").reporting.memory
    assert periods.min() == pd.Timestamp("2025-01-01") and len(table) == memory
    assert (table["commune_code"] == A).all() and table["reports"].tolist() == [1] + [0] * (memory - 1)


def test_a_missing_report_is_listed_under_the_communes_of_the_units_last_report():
    rows = [("employment_services", "2026-08-01", "0100000001", A, "2026-09-05"),
            ("employment_services", "2026-08-01", "0100000001", B, "2026-09-05"),
            ("employment_services", "2026-09-01", "0100000001", C, "2026-10-05")]
    table = expected_reports(_receipts(rows), load_templates(), pd.Timestamp("2026-11-15"), "real", [A, B, C])
    by_period = table.groupby("period")["commune_code"].apply(sorted).to_dict()
    assert by_period == {pd.Timestamp("2026-08-01"): [A, B], pd.Timestamp("2026-09-01"): [C],
                         pd.Timestamp("2026-10-01"): [C]}


def test_every_commune_is_expected_of_a_commune_form_and_one_report_of_an_agencys():
    rows = [("commune_jobs", "2026-09-01", A, A, "2026-10-10"), ("vacancies", "2026-09-01", "", "", "2026-10-10")]
    table = expected_reports(_receipts(rows), load_templates(), pd.Timestamp("2026-10-20"), "real", [A, B, C])
    jobs = table[table["template"] == "commune_jobs"]
    assert sorted(jobs["commune_code"]) == [A, B, C] and jobs["received_at"].notna().sum() == 1
    assert table[table["template"] == "vacancies"][["unit", "commune_code"]].values.tolist() == [["", ""]]


def test_on_time_late_missing_and_not_due_yet_are_decided_on_the_day_asked():
    rows = [("commune_jobs", "2026-09-01", A, A, "2026-10-20T16:00:00Z"),  # 23:00 in Hanoi on the due day
            ("commune_jobs", "2026-09-01", B, B, "2026-10-20T17:30:00Z")]  # 00:30 the next day in Hanoi
    table = expected_reports(_receipts(rows), load_templates(), pd.Timestamp("2026-10-25"), "real", [A, B, C])
    assert table["due_on"].unique().tolist() == [pd.Timestamp("2026-10-20")]
    before = report_states(table, pd.Timestamp("2026-10-20")).set_index("unit")["state"].to_dict()
    after = report_states(table, pd.Timestamp("2026-10-21")).set_index("unit")["state"].to_dict()
    assert before == {A: "on_time", B: "late", C: "pending"} and after == {A: "on_time", B: "late", C: "missing"}
    counts = summary(report_states(table, pd.Timestamp("2026-10-20"))).iloc[0]
    assert pd.isna(counts["share_on_time"]), "no completeness before the due day"
    counts = summary(report_states(table, pd.Timestamp("2026-10-21"))).iloc[0]
    assert (counts["expected"], counts["on_time"], counts["late"], counts["missing"]) == (3, 1, 1, 1)
    assert counts["share_on_time"] == pytest.approx(1 / 3) and counts["share_received"] == pytest.approx(2 / 3)


def test_a_unit_covering_several_communes_is_one_report_of_the_city():
    rows = [("labour_export", "2026-09-01", "0100000001", c, "2026-10-05") for c in (A, B, C)]
    states = report_states(expected_reports(_receipts(rows), load_templates(), pd.Timestamp("2026-10-11"), "real",
                                            [A, B, C]), TODAY)
    assert summary(states).iloc[0]["expected"] == 1
    assert summary(states, ("commune_code",))["expected"].tolist() == [1, 1, 1]


def test_half_yearly_reports_are_expected_per_half_and_due_after_it():
    assert last_ended_period(pd.Timestamp("2026-12-01"), 6) == pd.Timestamp("2026-06-01")
    assert last_ended_period(pd.Timestamp("2027-01-05"), 6) == pd.Timestamp("2026-12-01")
    rows = [("occupational_safety", "2025-12-01", "0100000001", A, "2026-01-08")]
    table = expected_reports(_receipts(rows), load_templates(), pd.Timestamp("2026-12-01"), "real", [A])
    assert table["period"].tolist() == [pd.Timestamp("2025-12-01"), pd.Timestamp("2026-06-01")]
    assert table["due_on"].tolist() == [pd.Timestamp("2026-01-10"), pd.Timestamp("2026-07-10")]


def test_real_reports_replace_the_demos_for_the_periods_they_cover():
    demo = expected_reports(_receipts([("commune_jobs", p, A, A, "2026-10-10") for p in ("2026-08-01", "2026-09-01")]),
                            load_templates(), pd.Timestamp("2026-10-01"), "demo", [A, B])
    real = expected_reports(_receipts([("commune_jobs", "2026-09-01", B, B, "2026-10-10")]), load_templates(),
                            pd.Timestamp("2026-10-01"), "real", [A, B])
    both = overlay_completeness(demo, real)
    assert both.groupby("period")["data_status"].unique().map(list).to_dict() == {
        pd.Timestamp("2026-08-01"): ["demo"], pd.Timestamp("2026-09-01"): ["real"]}


def test_the_demo_version_carries_its_completeness(warehouse, demo_version):
    import service
    from service import Area

    table = _ask(service.completeness, TODAY, Area.CITY, 1, version=demo_version)
    assert set(table["data_status"]) == {"demo"}
    assert {"commune_jobs", "employment_services", "labour_export", "occupational_safety"} <= set(table["template"])
    units = table[table["reporting_unit"] != "source"]
    assert units["missing"].sum() > 0 and units["late"].sum() > 0


# ---- done when: a warehouse where some skipped a month and one reported late --------------------------------
def _jobs_csv(path: Path, rows: list[tuple[str, str]]) -> Path:
    header = ";".join(f.header_vi for f in get_template("commune_jobs").fields)
    lines = [";".join([code, "", month, "10", "5", "1", "20", "36", "30", "25", "", "3", "Sơ bộ"]) for code, month in rows]
    path.write_text(header + "\n" + "\n".join(lines) + "\n", encoding="utf-8")
    return path


def _services_csv(path: Path, rows: list[tuple[str, str, str]]) -> Path:
    header = ";".join(f.header_vi for f in get_template("employment_services").fields)
    lines = [";".join([unit, f"Công ty {unit[-2:]}", code, month, "12", "8", "5", "9", "Chính thức"])
             for unit, code, month in rows]
    path.write_text(header + "\n" + "\n".join(lines) + "\n", encoding="utf-8")
    return path


X, Y, Z = "0101234501", "0101234502", "0101234503"


@pytest.fixture(scope="module")
def skipped(tmp_path_factory):
    """A warehouse of real reports only: August from A, B, C (on time) and from enterprises X (two communes)
    and Y; September from A on time, B late, C not at all; X on time, Z (new) late, Y not at all."""
    from pipeline.ingest import ingest_file
    from pipeline.publish import publish_staged

    root = tmp_path_factory.mktemp("skipped")
    patch = pytest.MonkeyPatch()
    patch.setenv("HANOI_DATA_DIR", str(root / "curated"))
    try:
        as_of = pd.Timestamp("2026-10-01")
        files = [
            (_jobs_csv(root / "xa_08.csv", [(A, "08/2026"), (B, "08/2026"), (C, "08/2026")]), "2026-09-10"),
            (_jobs_csv(root / "xa_09_a.csv", [(A, "09/2026")]), "2026-10-15"),
            (_jobs_csv(root / "xa_09_b.csv", [(B, "09/2026")]), "2026-10-28"),
            (_services_csv(root / "dv_08.csv", [(X, A, "08/2026"), (X, B, "08/2026"), (Y, C, "08/2026")]), "2026-09-08"),
            (_services_csv(root / "dv_09_x.csv", [(X, A, "09/2026"), (X, B, "09/2026")]), "2026-10-09"),
            (_services_csv(root / "dv_09_z.csv", [(Z, B, "09/2026")]), "2026-10-20"),
        ]
        for path, received in files:
            report = ingest_file(path, as_of=as_of, received_at=received)
            assert report.status == "ingested", report.message_en
        version = publish_staged()
        yield version
    finally:
        patch.undo()


def _ask(question, *args, role: str = "analyst", commune: str | None = None, version: str):
    from service import Caller, Principal

    principal = Principal(f"{role}@hanoi.gov.vn", role, commune)
    return question(Caller(principal, reads="none", version=version), *args)


def test_the_missing_and_late_list_names_who_skipped_and_who_was_late(skipped):
    import service

    jobs = _ask(service.missing_reports, "commune_jobs", TODAY, pd.Timestamp("2026-09-01"), version=skipped)
    state = jobs.set_index("commune_code")["state"]
    assert (state[A], state[B], state[C]) == ("on_time", "late", "missing")
    assert (state == "missing").sum() == 124 and len(jobs) == 126
    assert jobs.iloc[0]["state"] == "missing", "missing reports first"
    late = jobs[jobs["state"] == "late"].iloc[0]
    assert (late["received_on"], late["due_on"]) == (pd.Timestamp("2026-10-28"), pd.Timestamp("2026-10-20"))
    services = _ask(service.missing_reports, "employment_services", TODAY, pd.Timestamp("2026-09-01"), version=skipped)
    by_unit = services.groupby("unit")["state"].first().to_dict()
    assert by_unit == {X: "on_time", Y: "missing", Z: "late"}
    assert services.loc[services["unit"] == Y, "commune_code"].tolist() == [C], "under its last report's commune"
    assert services.loc[services["unit"] == Y, "unit_name"].tolist() == ["Công ty 02"]


def test_the_completeness_kpi_for_the_city_and_for_a_commune(skipped):
    import service
    from service import Area

    city = _ask(service.completeness, TODAY, Area.CITY, 12, version=skipped).set_index(["template", "period"])
    sep = pd.Timestamp("2026-09-01")
    jobs = city.loc[("commune_jobs", sep)]
    assert (jobs["expected"], jobs["on_time"], jobs["late"], jobs["missing"]) == (126, 1, 1, 124)
    assert jobs["share_on_time"] == pytest.approx(1 / 126) and jobs["data_status"] == "real"
    services = city.loc[("employment_services", sep)]
    assert (services["expected"], services["on_time"], services["late"], services["missing"]) == (3, 1, 1, 1)
    aug = city.loc[("employment_services", pd.Timestamp("2026-08-01"))]
    assert (aug["expected"], aug["on_time"], aug["share_on_time"]) == (2, 2, 1.0)
    commune = _ask(service.completeness, TODAY, Area.commune(C), 12, version=skipped).set_index(["template", "period"])
    assert commune.loc[("employment_services", sep), "missing"] == 1 and commune.loc[("commune_jobs", sep), "missing"] == 1
    assert commune.loc[("commune_jobs", pd.Timestamp("2026-08-01")), "on_time"] == 1


def test_a_commune_official_sees_their_own_communes_reports_and_the_public_none(skipped):
    import service
    from service.access import AccessDenied

    own = _ask(service.missing_reports, "employment_services", TODAY, pd.Timestamp("2026-09-01"),
               role="commune_official", commune=B, version=skipped)
    assert set(own["commune_code"]) == {B} and set(own["unit"]) == {X, Z}
    with pytest.raises(AccessDenied):
        _ask(service.missing_reports, "commune_jobs", TODAY, role="viewer", version=skipped)


def test_the_list_is_downloadable_with_the_same_rows(skipped):
    from service import Caller, Principal
    from service.exports import export_table

    caller = Caller(Principal("phantich@hanoi.gov.vn", "analyst"), reads="none", version=skipped)
    table = export_table(caller, "bao-cao-chua-gui", {"template": "commune_jobs", "period": "2026-09"}, "vi",
                         take_away=False)
    assert len(table.frame) == 125 and set(table.frame["state"]) == {"missing", "late"}
    assert set(table.frame["state_label"]) == {"Chưa gửi", "Muộn"} and table.file_stem.endswith("commune_jobs-2026-09")
    history = export_table(caller, "do-day-du", {"area": "city"}, "en", take_away=False)
    assert {"expected", "on_time", "late", "missing", "share_on_time"} <= set(history.frame.columns)


def test_a_commune_that_did_not_report_has_no_figure_never_a_zero(skipped):
    import service
    from service import Area, Period

    sep = Period.month(2026, 9)
    reported = _ask(service.value, "jobs_loans", Area.commune(A), sep, version=skipped)
    silent = _ask(service.value, "jobs_loans", Area.commune(C), sep, version=skipped)
    assert reported.value == 10 and silent.value is None and not silent.suppressed
    values = _ask(service.map_values, "jobs_loans", sep, version=skipped).set_index("code")["value"]
    assert values[A] == 10 and pd.isna(values[C]) and values.notna().sum() == 2


def test_the_received_day_is_checked(tmp_path, monkeypatch):
    from pipeline.ingest import ingest_file

    monkeypatch.setenv("HANOI_DATA_DIR", str(tmp_path / "curated"))
    path = _jobs_csv(tmp_path / "xa.csv", [(A, "09/2026")])
    for bad in ("2099-01-01", "ngày mai", "2019-12-31"):
        report = ingest_file(path, as_of=pd.Timestamp("2026-10-01"), received_at=bad)
        assert report.status == "rejected" and report.reasons == {"bad_received_at": 1}
        assert "không ở tương lai" in report.message_vi and "not in the future" in report.message_en
    report = ingest_file(path, as_of=pd.Timestamp("2026-10-01"), received_at="2026-10-18")
    assert report.received_at == "2026-10-17T17:00:00+00:00", "a date is a day in Hanoi"
