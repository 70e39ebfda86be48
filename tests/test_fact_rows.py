"""Column-wise fact building (pipeline/fact_rows.py): the same frame as the row-wise way, faster."""
from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.fact_rows import FACT_ORDER, labelled, merge_sorted


def test_labelled_is_a_str_column_of_the_labels():
    col = pd.Series(labelled(np.array([2, 0, 1, 2]), ["a", "Hà Nội", None]))
    expected = pd.Series(["", "a", "Hà Nội", ""]).iloc[[0]]  # dtype reference
    assert col.dtype == expected.dtype
    assert col.iloc[1] == "a" and col.iloc[2] == "Hà Nội" and pd.isna(col.iloc[0]) and pd.isna(col.iloc[3])


def _facts(rows: list[tuple[str, int, str, str]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["measure", "month", "commune_code", "sector"])
    frame["period"] = pd.to_datetime("2020-01-01") + pd.to_timedelta(frame.pop("month") * 31, unit="D")
    frame["value"] = np.arange(len(frame), dtype=float)
    frame = frame.astype({"measure": "str", "commune_code": "str", "sector": "str"})  # as facts are typed
    return frame.drop_duplicates(FACT_ORDER)


keys = st.tuples(st.sampled_from(["employed", "bhxh_new", "esv_placed", "osh_victims", "lex_departed"]),
                 st.integers(0, 5), st.sampled_from(["", "00004", "10417"]), st.sampled_from(["", "A", "C"]))


@settings(max_examples=60, deadline=None)
@given(st.lists(keys, max_size=40), st.lists(keys, max_size=15))
def test_merge_sorted_is_concat_then_sort(big, small):
    a = _facts(big).sort_values(FACT_ORDER, ignore_index=True)
    b = _facts(small).sample(frac=1, random_state=0)
    expected = pd.concat([a, b], ignore_index=True).sort_values(FACT_ORDER, ignore_index=True)
    pd.testing.assert_frame_equal(merge_sorted(a, b), expected)


def test_merge_sorted_of_disjoint_measures_keeps_every_row():
    a = _facts([("employed", 0, "00004", "A"), ("wage_bill", 1, "", "")])
    b = _facts([("osh_victims", 0, "10417", ""), ("esv_placed", 2, "00004", "")])
    out = merge_sorted(a, b)
    assert list(out["measure"]) == ["employed", "esv_placed", "osh_victims", "wage_bill"]
