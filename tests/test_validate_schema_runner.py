"""The vectorised runner of the declared schemas finds exactly what pandera's own validation finds.

`pipeline.validate._failures` runs the check functions of the pandera schemas (`build_schemas`) without
pandera's bookkeeping, for speed at a million rows. Here pandera validates the same typed frames, built from
hostile cells of every template with hypothesis, and the two lists of failures must agree.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pandera.errors import SchemaErrors

from pipeline.readers import RawChunk
from pipeline.validate import Context, _failures, _first_occurrence, _key_hashes, build_schemas, parse_chunk
from store.templates import load_templates

AS_OF = pd.Timestamp("2026-10-01")
TEMPLATES = sorted(load_templates())
CELLS = ["", "0", "12", "-3", "1,5", "99999999999999999999", "abc", "1.234", "101", "50,0", "09/2026", "13/2026",
         "2026-09", "00004", "10417", "99999", "Nam", "Nữ", "x", "001098104729", "0123456789", "C", "Z", "1990",
         "2030", "Làm công ăn lương", "Tự làm", "Có hợp đồng", "đã đào tạo"]


def _pandera(schema, frame: pd.DataFrame) -> set[tuple]:
    try:
        schema.validate(frame, lazy=True)
    except SchemaErrors as err:
        cases = err.failure_cases
        assert cases["index"].notna().all(), cases[cases["index"].isna()]
        return {(c, int(i)) for c, i in zip(cases["check"], cases["index"])}
    return set()


def _ours(schema, frame: pd.DataFrame) -> set[tuple]:
    cases = _failures(schema, frame)
    return {(c, int(i)) for c, i in zip(cases["check"], cases["index"])}


def _cells_by_column(schema, frame: pd.DataFrame, runner) -> set[tuple]:
    if runner is _pandera:
        try:
            schema.validate(frame, lazy=True)
        except SchemaErrors as err:
            cases = err.failure_cases
            return {(c, col, int(i)) for c, col, i in zip(cases["check"], cases["column"], cases["index"])}
        return set()
    cases = _failures(schema, frame)
    return {(c, col, int(i)) for c, col, i in zip(cases["check"], cases["column"], cases["index"])}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(code=st.sampled_from(TEMPLATES), data=st.data())
def test_the_runner_agrees_with_pandera(code, data):
    template = load_templates()[code]
    headers = [f.header_vi for f in template.fields]
    n = data.draw(st.integers(min_value=1, max_value=12))
    rows = [[data.draw(st.sampled_from(CELLS)) for _ in headers] for _ in range(n)]
    text = pd.DataFrame(rows, columns=headers, dtype="str")
    text.index = pd.RangeIndex(3, 3 + n)
    ctx = Context(template, dict(zip(headers, (f.key for f in template.fields))), AS_OF)
    parsed = parse_chunk(RawChunk(text=text, numbers=None, rows=text.index.to_numpy()), ctx)
    hashes, usable = _key_hashes(parsed, template)
    first = np.ones(len(hashes), dtype=bool)
    if usable.any():
        first[usable] = _first_occurrence(hashes[usable], [])
    parsed["_first_key"] = first
    cells, rules = build_schemas(ctx)
    assert _cells_by_column(cells, parsed, _ours) == _cells_by_column(cells, parsed, _pandera)
    narrow = parsed[list(rules.columns)]
    assert _ours(rules, narrow) == _pandera(rules, narrow)


def test_a_wrong_dtype_or_a_missing_column_is_a_bug_not_a_pass():
    template = load_templates()["training"]
    headers = [f.header_vi for f in template.fields]
    text = pd.DataFrame([["1"] * len(headers)], columns=headers, dtype="str")
    ctx = Context(template, dict(zip(headers, (f.key for f in template.fields))), AS_OF)
    parsed = parse_chunk(RawChunk(text=text, numbers=None, rows=text.index.to_numpy()), ctx)
    parsed["_first_key"] = True
    cells, _ = build_schemas(ctx)
    numeric = next(f.key for f in template.fields if f.kind == "count")
    with pytest.raises(RuntimeError, match="internally"):
        _failures(cells, parsed.assign(**{numeric: parsed[numeric].astype(str)}))
    with pytest.raises(RuntimeError, match="internally"):
        _failures(cells, parsed.drop(columns=[numeric]))
