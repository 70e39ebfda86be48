"""The pandera checks behind ingest (one reason per rule, in Vietnamese and English) and the facts contract."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pipeline.readers import RawChunk
from pipeline.forms import xlsx_template
from store.templates import get_template, load_templates
from pipeline.validate import (REASON_LABELS, REASONS, Context, FactsError, build_schemas, match_headers,
                               rank_templates, validate_chunk, validate_facts)

BHXH_PARTICIPANTS = get_template("bhxh_participants")
COMMUNE_JOBS = get_template("commune_jobs")
LABOUR_REGISTER = get_template("labour_register")
LFS_ESTIMATES = get_template("lfs_estimates")
TRAINING = get_template("training")

AS_OF = pd.Timestamp("2026-10-01")


def chunk_of(template, rows: list[dict]) -> tuple[RawChunk, Context]:
    headers = [f.header_vi for f in template.fields]
    frame = pd.DataFrame([{f.header_vi: str(r.get(f.key, "")) for f in template.fields} for r in rows],
                         columns=headers, dtype="str")
    frame.index = pd.RangeIndex(1, len(frame) + 1)
    return RawChunk(text=frame, numbers=None, rows=frame.index.to_numpy()), Context(template, dict(zip(headers, (
        f.key for f in template.fields))), AS_OF)


GOOD_JOBS = {"commune": "00004", "period": "09/2026", "jobs_loans": "10", "jobs_fairs": "5", "jobs_abroad": "1",
             "jobs_other": "20", "jobs_total": "36", "priority_group_members": "30", "priority_reached": "27",
             "priority_reached_rate": "90,0", "priority_new_jobs": "3"}


def reasons_for(template, **changes) -> set[str]:
    chunk, ctx = chunk_of(template, [{**GOOD_JOBS, **changes}] if template is COMMUNE_JOBS else [changes])
    return set(validate_chunk(chunk, ctx).reasons)


def test_a_good_row_passes():
    assert reasons_for(COMMUNE_JOBS) == set()


@pytest.mark.parametrize("changes, reason", [
    ({"commune": ""}, "missing"), ({"jobs_loans": "abc"}, "unreadable_number"), ({"jobs_loans": "-1", "jobs_total": "35"}, "negative"),
    ({"jobs_loans": "1,5", "jobs_total": "26,5"}, "not_integer"), ({"priority_reached_rate": "120"}, "rate_range"),
    ({"period": "13/2026"}, "bad_period"), ({"period": "11/2026"}, "period_range"), ({"period": "12/2019"}, "period_range"),
    ({"commune": "12345"}, "bad_commune"), ({"jobs_total": "37"}, "sum"), ({"priority_reached": "31", "priority_reached_rate": ""}, "at_most"),
    ({"priority_reached_rate": "50"}, "rate_match"), ({"status": "Tạm"}, "bad_status"),
    ({"commune_name": "Phường Hoàn Kiếm"}, "name_mismatch"),
])
def test_each_rule_has_its_reason(changes, reason):
    assert reason in reasons_for(COMMUNE_JOBS, **changes)


def test_every_reason_is_written_in_both_languages():
    for code, (vi, en) in REASONS.items():
        assert vi and en and vi != en, code
    assert set(REASONS) <= set(REASON_LABELS)
    for code, (vi, en) in REASON_LABELS.items():
        assert vi and en, code


def test_reasons_name_the_columns_as_written():
    chunk, ctx = chunk_of(COMMUNE_JOBS, [{**GOOD_JOBS, "jobs_loans": "-1", "jobs_total": "35"}])
    result = validate_chunk(chunk, ctx)
    row = result.quarantined.iloc[0]
    assert "“Việc làm mới qua vay vốn chính sách” là số âm" in row["ly_do"]
    assert "“Việc làm mới qua vay vốn chính sách” is negative" in row["reason"]


def test_conditionally_required_columns():
    person = {"cccd": "001090012345", "birth_year": "1990", "sex": "Nữ", "commune": "00004", "period": "09/2026",
              "employment": "Làm công ăn lương", "contract": "", "employer": "", "sector": "C"}
    chunk, ctx = chunk_of(LABOUR_REGISTER, [person, {**person, "cccd": "001090012346", "contract": "Từ 1 tháng trở lên"},
                                            {**person, "cccd": "001090012347", "contract": "Không có hợp đồng"}])
    result = validate_chunk(chunk, ctx)
    assert result.reasons == {"required_when": 2}  # no contract at all; a 1-month contract without employer
    assert len(result.accepted) == 1


def test_ages_and_cccds():
    person = {"cccd": "001090012345", "birth_year": "2015", "sex": "Nam", "commune": "00004", "period": "09/2026",
              "employment": "Thất nghiệp"}
    chunk, ctx = chunk_of(LABOUR_REGISTER, [person, {**person, "cccd": "003090012345", "birth_year": "1990"},
                                            {**person, "cccd": "1090012399", "birth_year": "1990"}])
    result = validate_chunk(chunk, ctx)
    assert result.reasons == {"age_range": 1, "bad_cccd_province": 1}
    # 10 digits: the two leading zeros Excel drops from a number are put back (a CCCD is always 12 digits)
    assert result.accepted["cccd"].tolist() == ["001090012399"]


def test_duplicates_across_chunks():
    rows = [{**GOOD_JOBS, "commune": code} for code in ("00004", "00008")]
    chunk1, ctx = chunk_of(COMMUNE_JOBS, rows)
    assert validate_chunk(chunk1, ctx).reasons == {}
    chunk2, _ = chunk_of(COMMUNE_JOBS, [{**GOOD_JOBS, "commune": "4"}, {**GOOD_JOBS, "commune": "00025"}])
    second = validate_chunk(chunk2, ctx)
    assert second.reasons == {"duplicate": 1} and second.accepted["commune"].tolist() == ["00025"]


def test_pandera_builds_the_schemas():
    import pandera.pandas as pa

    chunk, ctx = chunk_of(TRAINING, [{}])
    cells, rows = build_schemas(ctx)
    assert isinstance(cells, pa.DataFrameSchema) and isinstance(rows, pa.DataFrameSchema)
    assert {"at_most|graduates_employed|graduates", "rate_match|employment_rate|graduates_employed,graduates"} <= {
        c.name for c in rows.checks}
    assert "_parse_enrolled" in cells.columns and "_first_key" in cells.columns


def test_headers_match_in_any_language_or_spelling():
    headers = ["MA XA", "thang", "Economic sector (VSIC)", "Số chỗ làm việc trống (vị trí)"]
    mapping, missing, extra = match_headers(headers, load_templates()["vacancies"])
    assert set(mapping.values()) == {"commune", "period", "sector", "vacancies"} and not missing and not extra


def test_each_template_is_recognised_from_its_own_form():
    from openpyxl import load_workbook
    import io

    for template in load_templates().values():
        ws = load_workbook(io.BytesIO(xlsx_template(template)))["Du lieu"]
        headers = [c.value for c in ws[1]]
        assert rank_templates(headers, list(load_templates().values()))[0].template is template
        assert headers == [f.header_vi for f in template.fields]


def test_person_templates_carry_a_cccd_and_aggregates_do_not():
    for template in load_templates().values():
        has_cccd = any(f.kind == "cccd" for f in template.fields)
        assert has_cccd == (template.level == "person")
    assert BHXH_PARTICIPANTS.derived_measures and not LFS_ESTIMATES.derived_measures


# ---- the facts contract ---------------------------------------------------------------------------------
def test_facts_schema_accepts_the_demo_and_rejects_breaches(warehouse):
    facts = warehouse.query("SELECT measure, commune_code, sector, period::TIMESTAMP AS period, value, se, status, "
                            "source, vintage::TIMESTAMP AS vintage, provisional FROM facts WHERE period >= '2026-01-01'")
    facts["period"] = facts["period"].astype("datetime64[us]")
    facts["vintage"] = facts["vintage"].astype("datetime64[us]")
    for column in ("measure", "commune_code", "sector", "status", "source"):
        facts[column] = facts[column].astype("str")
    validate_facts(facts)
    broken = facts.copy()
    broken.loc[broken.index[0], "value"] = -1
    broken.loc[broken.index[1], "commune_code"] = "4"
    broken = pd.concat([broken, broken.iloc[[5]]])
    with pytest.raises(FactsError) as err:
        validate_facts(broken)
    text = str(err.value)
    assert "non_negative" in text and "known_commune" in text and "unique_measure_commune_sector_period" in text
