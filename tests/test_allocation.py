"""Rules of the generator's building blocks that hold for all inputs (hypothesis)."""
import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from pipeline.allocation import allocate_integers, distribute_flow, last_complete_month, months_between, yearly_path


@given(
    totals=arrays(np.int64, st.integers(1, 6), elements=st.integers(0, 10**6)),
    parts=st.integers(1, 30),
    data=st.data(),
)
@settings(max_examples=200, deadline=None)
def test_allocation_is_exact_and_never_negative(totals, parts, data):
    weights = data.draw(arrays(np.float64, (parts, len(totals)), elements=st.floats(0, 1e6)))
    out = allocate_integers(totals, weights)
    assert out.shape == weights.shape
    assert (out >= 0).all()
    np.testing.assert_array_equal(out.sum(axis=0), totals)


@given(
    total=st.integers(0, 500_000),
    knots=st.lists(st.tuples(st.integers(1, 11), st.floats(0, 1)), max_size=4, unique_by=lambda k: k[0]),
)
@settings(max_examples=100, deadline=None)
def test_flow_hits_yearly_totals_and_knots(total, knots):
    months = months_between(pd.Timestamp("2022-01-01"), pd.Timestamp("2022-12-01"))
    fractions = sorted(f for _, f in knots)
    knot_map = {pd.Timestamp(2022, m, 1): round(total * f) for (m, _), f in zip(sorted(knots), fractions)}
    out = distribute_flow(months, {2022: total}, knot_map, np.ones(12))
    assert out.sum() == total
    cumulative = np.cumsum(out)
    for month, value in knot_map.items():
        assert cumulative[month.month - 1] == value
    assert (out >= 0).all()


def test_yearly_path_passes_through_mid_year_values():
    months = months_between(pd.Timestamp("2020-01-01"), pd.Timestamp("2022-12-01"))
    path = yearly_path([2020, 2021, 2022], [1.0, 2.0, 4.0], months)
    mid_year = [list(months).index(pd.Timestamp(y, 6, 1)) for y in (2020, 2021, 2022)]
    np.testing.assert_allclose(path[mid_year], [1.0 - 0.5 / 12, 2.0 - 0.5 / 12, 4.0 - 1.0 / 12])  # June 1st, half a month early
    assert np.all(np.diff(path) > 0)


def test_yearly_path_carries_the_last_slope_on_instead_of_going_flat():
    months = months_between(pd.Timestamp("2020-01-01"), pd.Timestamp("2021-12-01"))
    path = yearly_path([2020, 2021], [10.0, 22.0], months)
    np.testing.assert_allclose(np.diff(path), 1.0)  # 12 a year, a month at a time, to the very end


def test_last_complete_month():
    assert last_complete_month(pd.Timestamp("2026-11-22")) == pd.Timestamp("2026-10-01")
    assert last_complete_month(pd.Timestamp("2026-01-01")) == pd.Timestamp("2025-12-01")
