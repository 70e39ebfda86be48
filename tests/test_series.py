"""KPI series as arrays (indicators/series.py) give exactly what the KPI SQL gives, for every area and grain."""
import numpy as np
import pandas as pd
import pytest

from indicators.queries import Scope, kpi_frame
from indicators.series import area_months, grain_values, judged_series


@pytest.fixture(scope="module")
def months(warehouse):
    return area_months(warehouse)


@pytest.mark.parametrize("grain", ["month", "quarter", "year"])
@pytest.mark.parametrize("area, scope", [("city", Scope()), ("phuong", Scope(commune_type="phuong")),
                                         ("xa", Scope(commune_type="xa")), ("10417", Scope(communes=("10417",))),
                                         ("00004", Scope(communes=("00004",)))])
def test_arrays_equal_the_kpi_sql(warehouse, months, grain, area, scope):
    values = grain_values(months, grain)
    frame = kpi_frame(warehouse, list(warehouse.catalogue.codes), scope, grain)
    a = months.areas.index(area)
    found = np.zeros(values.value[:, a].shape, bool)
    for rec in frame.itertuples():
        i, p = months.indicators.index(rec.indicator), values.periods.get_loc(rec.period)
        found[i, p] = True
        assert values.n_months[i, a, p] == rec.n_months
        if pd.isna(rec.value):
            assert np.isnan(values.value[i, a, p])
        else:
            assert values.value[i, a, p] == pytest.approx(rec.value, rel=1e-9)
    assert np.isnan(values.value[:, a][~found]).all()  # no value the SQL does not have


def test_judged_series_are_yearly_sums_for_flows(warehouse, months):
    js = judged_series(months)["month"]
    row = np.flatnonzero((js.indicator == "new_jobs") & (js.area == "city"))[0]
    monthly = kpi_frame(warehouse, ["new_jobs"], Scope(), "month").set_index("period")["value"]
    december = js.periods.get_loc(pd.Timestamp("2025-12-01"))
    assert js.yearly_sum[row]
    assert js.values[row, december] == pytest.approx(monthly.loc["2025-01-01":"2025-12-01"].sum())
    assert np.isnan(js.values[row, :11]).all()  # no yearly sum before twelve months exist
    assert js.status[row] == "demo" and "demo" in js.source[row]


def test_no_series_where_a_kpi_does_not_exist(months):
    js = judged_series(months)
    quarter = js["quarter"]
    rural = set(quarter.area[quarter.indicator == "unemployment_urban"])
    assert "xa" not in rural and "10417" not in rural and "phuong" in rural  # a xã has no urban labour force
    assert set(js["year"].area[js["year"].indicator == "productivity_growth"]) == {"city"}
