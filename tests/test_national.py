"""The synthetic national register (pipeline/national.py), at a small size: chunks, counts, determinism,
and the reconciliation and roll-up run on it under a DuckDB memory limit. No timing is asserted."""
from __future__ import annotations

import pandas as pd
import pyarrow.parquet as pq
import pytest

from pipeline import national


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    out = tmp_path_factory.mktemp("national")
    return out, national.generate(out, people=30_000, provinces=34, communes=340, chunk_rows=7_000)


def test_people_are_written_in_bounded_chunks(small):
    out, made = small
    register, bhxh = national.files(out, "register"), national.files(out, "bhxh")
    assert made.chunks == len(register) == len(bhxh) == 5  # 4 x 7,000 + 2,000
    assert [pq.ParquetFile(f).metadata.num_rows for f in register] == [7000] * 4 + [2000]
    assert sum(pq.ParquetFile(f).metadata.num_rows for f in bhxh) == made.bhxh_rows
    people = pd.concat([pd.read_parquet(f, columns=["pid", "commune", "_row"]) for f in register])
    assert people["pid"].is_unique and len(people) == made.people == 30_000
    assert list(people["_row"]) == list(range(1, 30_001))
    assert people["commune"].str[:2].nunique() == 34  # every province has people


def test_commune_codes_are_unique_and_grouped_by_province():
    codes = national.commune_codes(34, 3_300)
    assert len(set(codes)) == 3_300
    assert sorted({c[:2] for c in codes}) == [f"{p:02d}" for p in range(1, 35)]


def test_about_four_in_ten_people_are_in_compulsory_bhxh(small):
    _, made = small
    assert 0.37 < made.bhxh_rows / made.people < 0.44  # 20 M of 50 M at national size


def test_the_same_seed_gives_the_same_chunks(small, tmp_path):
    out, _ = small
    again = national.generate(tmp_path, people=30_000, provinces=34, communes=340, chunk_rows=7_000)
    assert again.bhxh_rows == small[1].bhxh_rows
    first = pd.read_parquet(national.files(out, "bhxh")[2])
    pd.testing.assert_frame_equal(first, pd.read_parquet(national.files(tmp_path, "bhxh")[2]))


def test_a_smaller_run_leaves_no_chunk_of_a_bigger_one(tmp_path):
    national.generate(tmp_path, people=5_000, provinces=2, communes=10, chunk_rows=1_000)
    national.generate(tmp_path, people=2_000, provinces=2, communes=10, chunk_rows=1_000)
    assert len(national.files(tmp_path, "register")) == len(national.files(tmp_path, "bhxh")) == 2


def test_reconciliation_and_rollup_run_under_a_memory_limit(small):
    out, made = small
    report = national.build(out, memory_limit="300MB")
    totals = report["reconcile"]["totals"]
    assert totals["register_people"] == made.people
    assert 0 < totals["should_insure_not_insured"] < totals["should_insure"]
    assert 0 < totals["insured_not_registered"] < totals["bhxh_active"] <= made.bhxh_rows
    assert totals["dropped_still_employed"] > 0 and totals["in_arrears"] > 0
    facts = pd.read_parquet(out / "facts.parquet")
    assert len(facts) == report["rollup"]["rows"] > 0
    register = pd.concat([pd.read_parquet(f, columns=["employment"]) for f in national.files(out, "register")])
    assert facts["labour_force"].sum() == (register["employment"] != "inactive").sum()
    assert facts["unemployed"].sum() == (register["employment"] == "unemployed").sum()
    assert report["peak_rss_mb"] > 0


def test_bad_sizes_are_refused_in_both_languages(tmp_path):
    with pytest.raises(ValueError, match="cần .* need"):
        national.generate(tmp_path, people=0)
    with pytest.raises(FileNotFoundError, match="không có .* no national"):
        national.build(tmp_path / "empty")
