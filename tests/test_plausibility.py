"""Plausibility gates (store/plausibility.yaml, pipeline/plausibility.py): exact whole numbers, absolute
limits, counts within population or labour force, month-on-month outliers accepted only with a confirmation
kept in the ingest log, and the property that every accepted value is inside its bounds."""
from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pandas as pd
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.ingest import ingest_file, read_log
from store.templates import get_template
from store.plausibility import PLAUSIBILITY_FILE, PlausibilityError, load_plausibility, parse_plausibility
from warehouse_copy import demo_copy

COMMUNE_JOBS = get_template("commune_jobs")

AS_OF = pd.Timestamp("2026-10-01")
HEADER = [f.header_vi for f in COMMUNE_JOBS.fields]


@pytest.fixture(scope="module")
def served(demo_version, tmp_path_factory):
    """A demo warehouse of the module's own: its history and populations are what the gates compare with."""
    with demo_copy(demo_version, tmp_path_factory.mktemp("plaus") / "curated") as root:
        yield root


def jobs(code="00004", period="09/2026", loans=13, fairs=25, abroad=2, other=61, total=None, members=40,
         reached=40, new=4) -> list[str]:
    total = loans + fairs + abroad + other if total is None else total
    return [code, "", period, str(loans), str(fairs), str(abroad), str(other), str(total), str(members),
            str(reached), "", str(new), "Sơ bộ"]


def write(path: Path, rows: list[list[str]]) -> Path:
    buffer = io.StringIO()
    w = csv.writer(buffer, delimiter=";", lineterminator="\n")
    w.writerow(HEADER)
    w.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def quarantine(report) -> pd.DataFrame:
    return pd.read_csv(report.quarantine_file, dtype=str, keep_default_na=False, encoding="utf-8-sig")


def test_a_twenty_digit_count_never_passes(served, tmp_path):
    """The measured failure: 99999999999999999999 passed because the total added up in floating point."""
    big = "99999999999999999999"
    row = jobs(code="00008")
    row[3], row[7] = big, big  # loans and a total that "adds up" once both are floats
    report = ingest_file(write(tmp_path / "big.csv", [row, jobs(code="00025")]), as_of=AS_OF)
    assert (report.rows_in, report.accepted, report.quarantined) == (2, 1, 1)
    assert {"inexact_number", "above_max"} <= set(report.reasons)
    q = quarantine(report)
    assert "số nguyên viết đầy đủ" in q["ly_do (vi)"].iloc[0] and "written in full" in q["reason (en)"].iloc[0]
    assert "vượt giới hạn tuyệt đối 100.000" in q["ly_do (vi)"].iloc[0]


@pytest.mark.parametrize("text", ["1,2E+03", "1e3", "12.0000001", "1234567890123456", "13.5e0"])
def test_counts_must_be_exact_whole_numbers(served, tmp_path, text):
    row = jobs(code="00008")
    row[3] = text
    report = ingest_file(write(tmp_path / "x.csv", [row]), as_of=AS_OF)
    assert report.accepted == 0 and set(report.reasons) & {"inexact_number", "not_integer", "unreadable_number"}


@pytest.mark.parametrize("text, value", [("1.234", 1234), ("1 234", 1234), ("13,0", 13), ("+13", 13)])
def test_whole_numbers_with_separators_stay_readable(served, tmp_path, text, value):
    row = jobs(code="00008", loans=value, period="03/2025")  # before July 2025: no month-on-month check
    row[3] = text
    report = ingest_file(write(tmp_path / "x.csv", [row]), as_of=AS_OF)
    assert report.accepted == 1, report.reasons


def test_a_count_above_the_communes_labour_force(served, tmp_path):
    # 00008's labour force is about 21 thousand in the demo: 60,000 new jobs in a month is impossible.
    report = ingest_file(write(tmp_path / "lf.csv", [jobs(code="00008", other=60_000)]), as_of=AS_OF)
    assert report.quarantined == 1 and "above_reference" in report.reasons
    q = quarantine(report)
    assert "lớn hơn lực lượng lao động của xã, phường" in q["ly_do (vi)"].iloc[0]
    assert "larger than the commune's labour force" in q["reason (en)"].iloc[0]
    assert "09/2026" in q["reason (en)"].iloc[0]


def test_an_old_unit_is_bounded_by_the_new_units_it_went_into(served, tmp_path):
    from store.reference import load_lineage

    lineage = load_lineage()
    old = lineage.loc[lineage["old_code"] != lineage["new_code"], "old_code"].iloc[0]
    report = ingest_file(write(tmp_path / "old.csv", [jobs(code=old, period="03/2025", other=400_000 - 101)]),
                         as_of=AS_OF)
    assert report.accepted == 0 and "above_reference" in report.reasons


def test_an_outlier_is_quarantined_with_its_bound_and_usual_range(served, tmp_path):
    report = ingest_file(write(tmp_path / "jump.csv", [jobs(code="00004", fairs=2000), jobs(code="00008")]),
                         as_of=AS_OF)
    assert (report.accepted, report.quarantined) == (1, 1) and report.reasons == {"outlier_jump": 1}
    vi, en = quarantine(report)[["ly_do (vi)", "reason (en)"]].iloc[0]
    before = re.search(r"so với tháng trước \((\d+)\)", vi)  # the demo's August figure for the ward
    assert before and int(before.group(1)) == _demo_value("jobs_fairs", "00004", "2026-08-01")
    assert "vượt ngưỡng ±80" in vi and "khoảng thường thấy" in vi
    assert "--confirm-outliers" in vi and "usual range over the previous" in en and "beyond ±80" in en
    assert "--confirm-outliers" in report.message_vi and "--confirm-outliers" in report.message_en


def test_a_confirmed_outlier_is_accepted_and_the_confirmation_is_logged(served, tmp_path):
    path = write(tmp_path / "jump2.csv", [jobs(code="00070", fairs=3000)])
    first = ingest_file(path, as_of=AS_OF)
    assert first.status == "rejected" and first.reasons == {"outlier_jump": 1}
    short = ingest_file(path, as_of=AS_OF, confirm_outliers="ok")
    assert short.status == "rejected" and short.reasons == {"confirmation_too_short": 1}
    reason = "Ngày hội việc làm lớn tháng 9, đã gọi xác minh với UBND phường"
    confirmed = ingest_file(path, as_of=AS_OF, confirm_outliers=reason)  # the same bytes again: allowed
    assert confirmed.status == "ingested" and confirmed.accepted == 1
    logged = read_log()[-1]
    assert logged["outliers_confirmed"]["reason"] == reason and logged["outliers_confirmed"]["rows"] == 1
    value = logged["outliers_confirmed"]["values"][0]
    assert value["line"] == 2 and value["value"] == 3000 and value["column"] == "jobs_fairs"
    assert any(reason in vi for vi, _ in confirmed.warnings)
    from pipeline.publish import ingest_tables

    served_log = ingest_tables(read_log())["ingest_log"]  # what the Data page reads from the version
    assert served_log["confirmation_reason"].iloc[-1] == reason and served_log["outliers_confirmed"].iloc[-1] == 1


def test_a_confirmation_never_lets_a_hard_limit_through(served, tmp_path):
    report = ingest_file(write(tmp_path / "hard.csv", [jobs(code="00091", other=60_000, fairs=2000)]), as_of=AS_OF,
                         confirm_outliers="Xác nhận của phòng kinh tế phường")
    assert report.accepted == 0 and "above_reference" in report.reasons


def test_the_cli_takes_the_confirmation(served, tmp_path, capsys):
    from cli.__main__ import main

    path = write(tmp_path / "cli_jump.csv", [jobs(code="00103", fairs=2500)])
    assert main(["ingest", str(path), "--as-of", "2026-10", "--quiet"]) == 1
    assert main(["ingest", str(path), "--as-of", "2026-10", "--quiet", "--confirm-outliers",
                 "Đã đối chiếu với sổ theo dõi của phường"]) == 0
    out = capsys.readouterr().out
    assert "outlier value(s) accepted as confirmed" in out


def test_the_facts_contract_refuses_a_value_above_its_limit(warehouse):
    from pipeline.validate import FactsError, validate_facts

    facts = warehouse.query("SELECT measure, commune_code, sector, period::TIMESTAMP AS period, value, se, status, "
                            "source, vintage::TIMESTAMP AS vintage, provisional FROM facts WHERE measure = 'jobs_loans' "
                            "AND period = '2026-09-01'")
    for column in ("period", "vintage"):
        facts[column] = facts[column].astype("datetime64[us]")
    validate_facts(facts)
    facts.loc[facts.index[0], "value"] = 1e20
    with pytest.raises(FactsError, match="plausible_max"):
        validate_facts(facts)


def test_every_catalogue_measure_and_demo_value_respects_its_limit(warehouse):
    gates = load_plausibility()
    maxima = warehouse.query("SELECT measure, max(value) AS v FROM facts GROUP BY measure")
    for measure, value in maxima.itertuples(index=False):
        gate = gates.measures.get(measure)
        assert gate is not None and gate.max is not None and value <= gate.max, measure


def test_the_gates_file_is_checked_on_load():
    doc = yaml.safe_load(PLAUSIBILITY_FILE.read_text(encoding="utf-8"))
    parse_plausibility(doc, set(doc["measures"]))
    for broken in ({**doc, "measures": {"jobs_loans": {"max": -1}}},
                   {**doc, "measures": {"jobs_loans": {"at_most": "households"}}},
                   {**doc, "measures": {"nope": {"max": 1}}},
                   {**doc, "measures": {"jobs_loans": {"maximum": 3}}},
                   {k: v for k, v in doc.items() if k != "jump"},
                   {**doc, "jump": {**doc["jump"], "quantile": 2}}):
        with pytest.raises(PlausibilityError):
            parse_plausibility(broken, set(doc["measures"]))


# ---- the property: any mix of good and bad rows ------------------------------------------------------------
VALUE = st.one_of(st.integers(0, 200).map(str), st.integers(0, 10**22).map(str),
                  st.sampled_from(["1e5", "12.5", "-3", "", "abc", "1.234", "60000", "2000", "99999999999999999999"]))
ROW = st.tuples(st.sampled_from(["00004", "00008", "00025", "10417", "00070"]),
                st.sampled_from(["09/2026", "08/2026", "09/01/2026", "46266", "13/2026"]),
                st.lists(VALUE, min_size=4, max_size=4), st.booleans())


@given(rows=st.lists(ROW, min_size=1, max_size=25))
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_rows_in_equal_accepted_plus_quarantined_and_accepted_values_are_in_bounds(served, tmp_path_factory, rows):
    buffer = io.StringIO()
    w = csv.writer(buffer, delimiter=";", lineterminator="\n")
    w.writerow(HEADER)
    for code, period, parts, adds_up in rows:
        numbers = [int(p) if p.isdigit() else 0 for p in parts]
        total = str(sum(numbers)) if adds_up else parts[0]
        w.writerow([code, "", period, *parts, total, "40", "40", "", "4", "Sơ bộ"])
    path = tmp_path_factory.mktemp("prop") / "mix.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8")
    report = ingest_file(path, template="commune_jobs", as_of=AS_OF, dry_run=False)
    assert report.rows_in == len(rows) == report.accepted + report.quarantined
    if report.accepted:
        staged = pd.read_parquet(served / report.staged_file)
        gates = load_plausibility()
        for f in COMMUNE_JOBS.fields:
            if f.kind == "count":
                values = staged[f.key].dropna().to_numpy()
                gate = gates.gate("commune_jobs", f.key, f.measure)
                assert (values >= 0).all() and (values % 1 == 0).all() and (values <= gates.count_max).all()
                if gate is not None and gate.max is not None:
                    assert (values <= gate.max).all()
        assert (staged["jobs_other"] <= 21_000).all() and (staged["jobs_fairs"] < 1000).all()  # no outlier, nothing above LF
        lf = staged["period"].isin([pd.Timestamp("2026-08-01"), pd.Timestamp("2026-09-01")])
        assert lf.all()


def _demo_value(measure: str, commune: str, month: str) -> int:
    from indicators.warehouse import open_warehouse

    rows = open_warehouse().query("SELECT sum(value) AS v FROM facts WHERE measure = ? AND commune_code = ? AND period = ?",
                                  [measure, commune, pd.Timestamp(month).to_pydatetime()])
    return int(rows["v"].iloc[0])
