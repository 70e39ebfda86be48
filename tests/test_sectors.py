"""Sectors and labour supply–demand (indicators/sectors.py) and the per-sector data behind them."""
import numpy as np
import pandas as pd
import pytest

from indicators import forecast as kpi_forecast
from indicators import sectors as S
from indicators.queries import Scope
from store.templates import get_template
from store.reference import load_communes

END = pd.Timestamp("2026-10-01")
Q3 = (pd.Timestamp("2026-07-01"), pd.Timestamp("2026-09-01"))
COUNTS = list(S.SECTOR_MEASURES)


def _stock_at(wh, measure: str, month: pd.Timestamp, commune: str | None = None) -> float:
    sql = "SELECT sum(value) AS v FROM facts_total WHERE measure = ? AND period = ?"
    params = [measure, month.to_pydatetime()]
    if commune:
        sql += " AND commune_code = ?"
        params.append(commune)
    return float(wh.query(sql, params)["v"].iloc[0])


def _flow_over(wh, measure: str, start: pd.Timestamp, end: pd.Timestamp) -> float:
    sql = "SELECT sum(value) AS v FROM facts_city WHERE measure = ? AND period BETWEEN ? AND ?"
    return float(wh.query(sql, [measure, start.to_pydatetime(), end.to_pydatetime()])["v"].iloc[0])


# ---------------------------------------------------------------------------------------- periods
@pytest.mark.parametrize("grain, expected", [
    ("month", ("2026-10-01", "2026-10-01")), ("quarter", ("2026-10-01", "2026-10-01")),
    ("year", ("2026-01-01", "2026-10-01")), ("ytd", ("2026-01-01", "2026-10-01")),
])
def test_period_window(grain, expected):
    assert S.period_window(grain, END) == tuple(pd.Timestamp(x) for x in expected)


def test_period_window_mid_quarter_and_bad_grain():
    assert S.period_window("quarter", pd.Timestamp("2026-08-01")) == (pd.Timestamp("2026-07-01"), pd.Timestamp("2026-08-01"))
    with pytest.raises(ValueError):
        S.period_window("week", END)


def test_priority_sectors_are_the_plans_four_groups():
    assert S.priority_sectors() == ("C", "J", "K", "M", "P", "Q", "R")  # tourism-only I is not among them
    assert S.priority_sectors(("kinh_te_so",)) == ("J",)
    assert set(S.priority_sectors(("cong_nghe_cao",))) == {"C", "M"}
    with pytest.raises(ValueError):
        S.priority_sectors(("no_such_group",))


# ---------------------------------------------------------------------------------- sector table
def test_sector_table_totals_match_the_warehouse_totals(warehouse):
    table = S.sector_table(warehouse, Scope(), *Q3)
    assert list(table["sector"]) == list(S.sector_codes())
    totals = S.sector_totals(table)
    for stock in ("employed", "bhxh_compulsory"):  # end of period
        assert totals[stock] == pytest.approx(_stock_at(warehouse, stock, Q3[1]))
    for flow in ("bhxh_new", "bhxh_lost", "vacancies", "job_seekers"):  # summed over the period
        assert totals[flow] == pytest.approx(_flow_over(warehouse, flow, *Q3))


def test_net_change_is_the_change_of_the_stock_over_the_period(warehouse):
    for scope in (Scope(), Scope(communes=("00004",)), Scope(commune_type="xa")):
        table = S.sector_table(warehouse, scope, *Q3).set_index("sector")
        before = S.stock_before(warehouse, scope, "bhxh_compulsory", Q3[0])
        np.testing.assert_allclose(table["net_change"], table["bhxh_compulsory"] - before.reindex(table.index))
    with pytest.raises(ValueError):
        S.stock_before(warehouse, Scope(), "vacancies", Q3[0])


def test_ratios_are_ratios_of_sums(warehouse):
    table = S.sector_table(warehouse, Scope(), END, END)
    totals = S.sector_totals(table)
    assert totals["coverage"] == pytest.approx(totals["bhxh_compulsory"] / totals["employed"] * 100)
    assert totals["coverage"] != pytest.approx(table["coverage"].mean(), rel=1e-3)
    assert totals["ratio"] == pytest.approx(totals["vacancies"] / totals["job_seekers"])
    assert totals["gap"] == totals["vacancies"] - totals["job_seekers"]
    row = table.set_index("sector").loc["J"]
    assert row["coverage"] == pytest.approx(row["bhxh_compulsory"] / row["employed"] * 100)
    assert row["ratio"] == pytest.approx(row["vacancies"] / row["job_seekers"])


def test_wards_and_communes_add_up_to_the_city(warehouse):
    city = S.sector_table(warehouse, Scope(), *Q3).set_index("sector")[COUNTS]
    wards = S.sector_table(warehouse, Scope(commune_type="phuong"), *Q3).set_index("sector")[COUNTS]
    rural = S.sector_table(warehouse, Scope(commune_type="xa"), *Q3).set_index("sector")[COUNTS]
    total = wards.add(rural, fill_value=0)
    np.testing.assert_allclose(total.loc[city.index].to_numpy(), city.to_numpy())
    assert (wards["employed"] <= city["employed"]).all() and wards["employed"].sum() < city["employed"].sum()


def test_sector_filter_keeps_only_the_chosen_sections_unchanged(warehouse):
    everything = S.sector_table(warehouse, Scope(), END, END).set_index("sector")
    chosen = S.sector_table(warehouse, Scope(sectors=("J", "M")), END, END).set_index("sector")
    assert list(chosen.index) == ["J", "M"]
    pd.testing.assert_frame_equal(chosen[COUNTS], everything.loc[["J", "M"], COUNTS])
    assert chosen["plan_priority"].all() and not everything.loc["A", "plan_priority"]


def test_a_missing_count_is_not_a_zero(warehouse):
    assert S.sector_table(warehouse, Scope(communes=("99999",)), END, END).empty
    assert S.sector_totals(S.sector_table(warehouse, Scope(communes=("99999",)), END, END))["employed"] is None
    future = S.sector_table(warehouse, Scope(), pd.Timestamp("2030-01-01"), pd.Timestamp("2030-01-01"))
    assert future.empty


def test_unknown_sectors_and_measures_are_refused_and_values_are_parameters(warehouse):
    with pytest.raises(ValueError):
        S.sector_table(warehouse, Scope(sectors=("J' OR '1'='1",)), END, END)
    with pytest.raises(ValueError):
        S.sector_commune_matrix(warehouse, "value; DROP TABLE facts", Scope(), END, END)
    hostile = Scope(communes=("00004' OR '1'='1",))
    assert S.sector_table(warehouse, hostile, END, END).empty


def test_data_status_says_demo(warehouse):
    assert S.data_status(warehouse, Scope(), END, END) == "demo"
    assert S.data_status(warehouse, Scope(communes=("99999",)), END, END) is None


# ------------------------------------------------------------------------------- per commune
def test_heat_map_cells_add_up_to_the_sector_table(warehouse):
    table = S.sector_table(warehouse, Scope(commune_type="phuong"), *Q3).set_index("sector")
    for measure in ("vacancies", "bhxh_compulsory"):
        matrix = S.sector_commune_matrix(warehouse, measure, Scope(commune_type="phuong"), *Q3)
        wards = set(load_communes().query("type == 'phuong'")["code"])
        assert set(matrix["commune_code"]) == wards
        np.testing.assert_allclose(matrix.groupby("sector")["value"].sum().loc[table.index], table[measure])


def test_demand_by_commune_for_the_map(warehouse):
    frame = S.sector_demand_by_commune(warehouse, ["J", "M"], *Q3)
    assert list(frame.columns) == ["commune_code", "vacancies", "job_seekers", "ratio", "share_of_city"]
    assert len(frame) == 126 and frame["commune_code"].str.len().eq(5).all()
    assert frame["share_of_city"].sum() == pytest.approx(1.0)
    table = S.sector_table(warehouse, Scope(sectors=("J", "M")), *Q3)
    assert frame["vacancies"].sum() == pytest.approx(table["vacancies"].sum())
    assert frame["job_seekers"].sum() == pytest.approx(table["job_seekers"].sum())
    seekers = frame["job_seekers"] > 0
    np.testing.assert_allclose(frame.loc[seekers, "ratio"], frame.loc[seekers, "vacancies"] / frame.loc[seekers, "job_seekers"])
    assert frame.loc[~seekers, "ratio"].isna().all()
    whole = S.sector_demand_by_commune(warehouse, None, *Q3)
    assert whole["vacancies"].sum() == pytest.approx(_flow_over(warehouse, "vacancies", *Q3))
    with pytest.raises(ValueError):
        S.sector_demand_by_commune(warehouse, ["ZZ"], *Q3)


def test_demand_by_commune_can_return_only_some_communes_with_city_shares(warehouse):
    whole = S.sector_demand_by_commune(warehouse, ["C"], *Q3).set_index("commune_code")
    own = S.sector_demand_by_commune(warehouse, ["C"], *Q3, communes=("10417",)).set_index("commune_code")
    assert list(own.index) == ["10417"]
    pd.testing.assert_series_equal(own.loc["10417"], whole.loc["10417"])
    assert S.sector_demand_by_commune(warehouse, ["C"], *Q3, communes=()).empty


def test_demand_concentrates_where_the_sector_is(warehouse):
    manufacturing = S.sector_demand_by_commune(warehouse, ["C"], *Q3).set_index("commune_code")["share_of_city"]
    digital = S.sector_demand_by_commune(warehouse, ["J"], *Q3).set_index("commune_code")["share_of_city"]
    industrial = load_communes().query("short_name in ['Nội Bài', 'Quang Minh', 'Phú Nghĩa']")["code"]
    assert manufacturing.loc[industrial].sum() > digital.loc[industrial].sum()


def test_monthly_demand_and_supply_match_the_table(warehouse):
    monthly = S.demand_supply_monthly(warehouse, Scope(sectors=("C", "J")), end=END).set_index("period")
    assert monthly.index[0] == pd.Timestamp("2020-01-01") and monthly.index[-1] == END
    for month in (pd.Timestamp("2023-02-01"), END):
        row = S.sector_totals(S.sector_table(warehouse, Scope(sectors=("C", "J")), month, month))
        assert monthly.loc[month, "vacancies"] == row["vacancies"]
        assert monthly.loc[month, "job_seekers"] == row["job_seekers"]


# ---------------------------------------------------------------------------------------- forecast
def test_forecast_goes_through_the_kpi_forecasting_module(warehouse, monkeypatch):
    calls = []
    shared = kpi_forecast.forecast_one

    def spy(values, grain, horizon, season=1, kind="log"):
        calls.append((grain, season, kind))
        return shared(values, grain, horizon, season, kind)

    monkeypatch.setattr(kpi_forecast, "forecast_one", spy)
    until = pd.Timestamp("2025-06-01")
    result = S.demand_supply_forecast(warehouse, Scope(sectors=S.priority_sectors()), until)
    assert calls == [("month", 12, "log"), ("month", 12, "log")]
    for measure, fc in result.items():
        assert fc is not None and fc.model in kpi_forecast.SEASONAL_MODELS
        future = fc.future
        assert len(future) == S.FORECAST_MONTHS
        assert future["period"].iloc[0] == pd.Timestamp("2025-07-01")
        assert fc.frame.loc[fc.frame["kind"] == "history", "period"].max() == until
        q = future[["q025", "q10", "q50", "q90", "q975"]].to_numpy()
        assert (np.diff(q, axis=1) >= -1e-9).all() and (q >= 0).all()
        assert (future["q975"] - future["q025"] > future["q90"] - future["q10"]).all()


def test_forecast_is_close_to_what_happened_next(warehouse):
    """Forecast from June 2025; the next 12 observed months mostly fall inside the 95% interval."""
    scope = Scope(sectors=S.priority_sectors())
    result = S.demand_supply_forecast(warehouse, scope, pd.Timestamp("2025-06-01"))
    actual = S.demand_supply_monthly(warehouse, scope, end=pd.Timestamp("2026-06-01")).set_index("period")
    for measure, fc in result.items():
        future = fc.future.set_index("period")
        observed = actual.loc[future.index, measure]
        inside = (observed >= future["q025"]) & (observed <= future["q975"])
        assert inside.mean() >= 0.75, measure


def test_too_short_a_series_gets_no_forecast():
    series = pd.Series(np.arange(10.0), index=pd.date_range("2025-01-01", periods=10, freq="MS"))
    assert S.forecast_monthly_counts(series, "vacancies:test", "city") is None


def test_forecast_uses_the_trailing_unbroken_run():
    index = pd.date_range("2018-01-01", periods=100, freq="MS")
    values = pd.Series(100 + 10 * np.sin(np.arange(100) / 12 * 2 * np.pi), index=index)
    broken = values.drop(index[30])
    fc = S.forecast_monthly_counts(broken, "vacancies:test", "city")
    history = fc.frame[fc.frame["kind"] == "history"]
    assert history["period"].min() == index[31]


# ------------------------------------------------------------------------------- the data itself
def _sector_measures(wh) -> list[str]:
    return [m for m, spec in wh.catalogue.measures.items() if spec.sector]


def test_sector_measures_are_stored_only_as_complete_sector_rows(warehouse):
    """Sum over sectors = total holds only if no total row is stored beside the sector rows."""
    months = int(warehouse.query("SELECT count(DISTINCT period) AS n FROM facts")["n"].iloc[0])
    shape = warehouse.query(
        """
        SELECT measure, count(*) AS n, count(DISTINCT sector) AS sectors, count(*) FILTER (WHERE sector = '') AS blank,
               count(DISTINCT commune_code) AS communes, count(*) FILTER (WHERE commune_code = '') AS city_rows
        FROM facts GROUP BY measure
        """
    ).set_index("measure")
    sector_measures = _sector_measures(warehouse)
    assert set(sector_measures) >= {"employed", "bhxh_compulsory", "bhxh_new", "bhxh_lost", "vacancies", "job_seekers",
                                     "wage_bill", "wage_employees", "active_enterprises"}
    for measure in sector_measures:
        row = shape.loc[measure]
        assert row["blank"] == 0 and row["sectors"] == 21 and row["city_rows"] == 0, measure
        assert row["n"] == 126 * 21 * months, measure
    others = shape.drop(index=sector_measures)
    assert (others["sectors"] == 1).all() and (others["blank"] == others["n"]).all()


def test_sum_over_sectors_equals_every_total(warehouse):
    """For every sector measure: commune totals and the city total are the sums of the sector rows."""
    measures = _sector_measures(warehouse)
    holders = ", ".join("?" for _ in measures)
    diff = warehouse.query(
        f"""
        WITH s AS (SELECT measure, commune_code, period, sum(value) AS v FROM facts
                   WHERE measure IN ({holders}) GROUP BY ALL),
             c AS (SELECT measure, period, sum(v) AS v FROM s GROUP BY ALL),
             k AS (SELECT measure, period, sum(value) AS value FROM facts_city GROUP BY ALL)  -- urban + rural
        SELECT (SELECT max(abs(s.v - t.value)) FROM s JOIN facts_total t USING (measure, commune_code, period)) AS commune_gap,
               (SELECT max(abs(c.v - k.value)) FROM c JOIN k USING (measure, period)) AS city_gap,
               (SELECT count(*) FROM c) AS n
        """,
        measures,
    ).iloc[0]
    assert diff["commune_gap"] == 0 and diff["city_gap"] == 0 and diff["n"] > 0


def test_sector_counts_are_consistent_with_the_non_sector_totals(warehouse):
    """Employed summed over sectors + unemployed = labour force, for every commune and month; insured
    and wage earners never exceed the employed of their commune and sector."""
    gap = warehouse.query(
        """
        WITH e AS (SELECT commune_code, period, sum(value) AS employed FROM facts WHERE measure = 'employed' GROUP BY ALL)
        SELECT max(abs(e.employed + u.value - lf.value)) AS gap, count(*) AS n
        FROM e JOIN facts u ON u.measure = 'unemployed' AND u.commune_code = e.commune_code AND u.period = e.period
               JOIN facts lf ON lf.measure = 'labour_force' AND lf.commune_code = e.commune_code AND lf.period = e.period
        """
    ).iloc[0]
    assert gap["gap"] == 0 and gap["n"] == 126 * int(warehouse.query("SELECT count(DISTINCT period) n FROM facts")["n"].iloc[0])
    over = warehouse.query(
        """
        SELECT count(*) FILTER (WHERE p.value > e.value) AS over, count(*) AS n
        FROM facts e JOIN facts p ON p.commune_code = e.commune_code AND p.sector = e.sector AND p.period = e.period
        WHERE e.measure = 'employed' AND p.measure IN ('bhxh_compulsory', 'wage_employees')
        """
    ).iloc[0]
    assert over["over"] == 0 and over["n"] > 0


def test_bhxh_stock_identity_for_every_commune_sector_and_month(warehouse):
    """stock(t) = stock(t-1) + tăng mới(t) - giảm(t) in every cell, not only in a city total."""
    check = warehouse.query(
        """
        WITH w AS (
            SELECT commune_code, sector, period,
                   sum(value) FILTER (WHERE measure = 'bhxh_compulsory') AS stock,
                   sum(value) FILTER (WHERE measure = 'bhxh_new') AS new,
                   sum(value) FILTER (WHERE measure = 'bhxh_lost') AS lost
            FROM facts WHERE measure IN ('bhxh_compulsory', 'bhxh_new', 'bhxh_lost') GROUP BY ALL
        ), d AS (
            SELECT *, lag(stock) OVER (PARTITION BY commune_code, sector ORDER BY period) AS previous FROM w
        )
        SELECT count(*) AS n, count(*) FILTER (WHERE stock <> previous + new - lost) AS broken,
               count(*) FILTER (WHERE new < 0 OR lost < 0) AS negative
        FROM d WHERE previous IS NOT NULL
        """
    ).iloc[0]
    assert check["n"] > 126 * 21 * 12 and check["broken"] == 0 and check["negative"] == 0


@pytest.mark.parametrize("code, measure", [("vacancies", "vacancies"), ("job_seekers", "job_seekers")])
def test_vacancy_and_job_seeker_templates_feed_the_sector_tables(warehouse, code, measure):
    template = get_template(code)
    assert measure in template.feeds and template.sector_breakdown
    assert template.field("sector").required and template.field("sector").kind == "sector"
    assert {"commune", "sector", "period"} <= set(template.key)
    spec = warehouse.catalogue.measures[measure]
    assert spec.sector and not spec.stock and spec.source == template.source
    assert measure in S.SECTOR_MEASURES


def test_ingested_vacancy_and_job_seeker_samples_feed_the_sector_page(tmp_path, monkeypatch):
    """data/samples -> ingest -> staged facts -> a published version -> the same sector queries."""
    from indicators.warehouse import Warehouse
    from pipeline.ingest import ingest_file
    from pipeline.publish import publish_staged, staged_facts
    from store.paths import SAMPLES_DIR

    monkeypatch.setenv("HANOI_DATA_DIR", str(tmp_path))  # never touch the session's warehouse
    samples = {"vacancies": SAMPLES_DIR / "viec_lam_trong_2026-09.xlsx",
               "job_seekers": SAMPLES_DIR / "nguoi_tim_viec_2026-09.csv"}
    expected = {}
    for measure, path in samples.items():
        report = ingest_file(path, as_of=pd.Timestamp("2026-10-01"))
        assert report.template == measure and report.accepted > 0 and report.quarantined == 0, report.message_en
        raw = pd.read_excel(path, dtype=str) if path.suffix == ".xlsx" else pd.read_csv(path, dtype=str)
        expected[measure] = float(pd.to_numeric(raw.iloc[:, 3]).sum())
    facts = staged_facts()
    assert set(facts["measure"]) == {"vacancies", "job_seekers"}
    assert facts["sector"].isin(S.sector_codes()).all()  # the sector column is filled, with VSIC sections
    assert facts["commune_code"].str.fullmatch(r"\d{5}").all()
    assert set(facts["period"]) == {pd.Timestamp("2026-09-01")}
    for measure, total in expected.items():
        assert facts.loc[facts["measure"] == measure, "value"].sum() == total

    version = publish_staged()  # nothing published before in this folder: the staged rows alone
    wh = Warehouse(version)
    month = pd.Timestamp("2026-09-01")
    totals = S.sector_totals(S.sector_table(wh, Scope(), month, month))
    assert totals["vacancies"] == expected["vacancies"] and totals["job_seekers"] == expected["job_seekers"]
    assert totals["employed"] is None  # not reported: missing, never zero
    assert S.data_status(wh, Scope(), month, month) == "official"
    demand = S.sector_demand_by_commune(wh, ["C"], month, month)
    assert demand["share_of_city"].sum() == pytest.approx(1.0)


# ------------------------------------------------------------------------- small-count protection
PEOPLE = ["employed", "bhxh_compulsory", "bhxh_new", "bhxh_lost", "job_seekers"]


def _line_ok(values: pd.Series, hidden: pd.Series, k: float = 10) -> bool:
    """Rule 2 of indicators/suppression.py for one line whose total is shown."""
    n = int(hidden.sum())
    return n == 0 or (n >= 2 and values[hidden].sum() >= k) or n == len(values)


def test_sector_table_hides_small_counts_of_people_with_complements(warehouse):
    scope = Scope(communes=("10417",))
    raw = S.sector_table(warehouse, scope, END, END)
    figures = S.sector_figures(warehouse, scope, END, END)
    shown = figures.table
    assert figures.any_hidden
    for m in PEOPLE:
        visible = shown[m].dropna()
        assert not ((visible > 0) & (visible < 10)).any(), m
        hidden = shown[f"{m}_{S.FLAG}"]
        assert shown.loc[hidden, m].isna().all() and _line_ok(raw[m], hidden), m
        assert ((raw[m] > 0) & (raw[m] < 10) <= hidden).all(), m  # every small count is hidden
    assert not shown[f"vacancies_{S.FLAG}"].any()  # vacancies count positions, not people
    pd.testing.assert_series_equal(shown["vacancies"], raw["vacancies"])
    gone = shown["bhxh_new_suppressed"] | shown["bhxh_lost_suppressed"]
    assert shown.loc[gone, "net_change"].isna().all() and shown.loc[~gone, "net_change"].notna().all()
    seekers_gone = shown["job_seekers_suppressed"]
    assert shown.loc[seekers_gone, ["gap", "ratio"]].isna().all().all()
    assert figures.totals == S.sector_totals(raw)  # totals come from the true counts and are large here


def test_a_small_total_is_hidden_too(warehouse):
    figures = S.sector_figures(warehouse, Scope(communes=("10417",), sectors=("B",)), END, END)
    raw = S.sector_totals(S.sector_table(warehouse, Scope(communes=("10417",), sectors=("B",)), END, END))
    small = {m for m in PEOPLE if raw[m] and 0 < raw[m] < 10}
    assert small and figures.hidden_totals == small
    assert all(figures.totals[m] is None for m in small)


def test_heat_map_and_demand_by_commune_are_protected(warehouse):
    for measure in ("bhxh_new", "job_seekers"):
        raw = S.sector_commune_matrix(warehouse, measure, Scope(commune_type="xa"), END, END)
        shown = S.protect_matrix(raw, measure)
        visible = shown["value"].dropna()
        assert shown[S.FLAG].any() and not ((visible > 0) & (visible < 10)).any()
        for key in ("sector", "commune_code"):  # every row and column total is public
            for _, line in shown.assign(raw=raw["value"]).groupby(key):
                assert _line_ok(line["raw"], line[S.FLAG]), (measure, key)
    vacancies = S.sector_commune_matrix(warehouse, "vacancies", Scope(), END, END)
    assert not S.protect_matrix(vacancies, "vacancies")[S.FLAG].any()
    demand = S.protect_demand(S.sector_demand_by_commune(warehouse, ["J"], END, END))
    assert demand["job_seekers_suppressed"].any()
    seekers = demand["job_seekers"].dropna()
    assert not ((seekers > 0) & (seekers < 10)).any()
    assert demand.loc[demand["job_seekers_suppressed"], "ratio"].isna().all()


def test_forecast_history_of_a_tiny_series_is_protected():
    index = pd.date_range("2022-01-01", periods=36, freq="MS")
    frame = pd.DataFrame({"period": index, "kind": "history", "value": np.r_[np.full(30, 40.0), [3, 40, 40, 40, 40, 40]]})
    shown = S.protect_history(frame, "job_seekers")
    assert np.isnan(shown.loc[30, "value"]) and shown["value"].isna().sum() >= 2  # and a complement in 2024
    assert shown["value"].isna().groupby(shown["period"].dt.year).sum().loc[2024] >= 2
    pd.testing.assert_frame_equal(S.protect_history(frame, "vacancies"), frame)


def test_sector_names_wrap_whole_never_cut():
    from ui.sector_charts import sector_label

    name = "Hoạt động chuyên môn, khoa học và công nghệ"
    label = sector_label("M", name, priority=True, limit=22)
    assert "…" not in label and label.replace("<br>", " ") == f"M · {name} ★"
    assert all(len(line) <= 22 for line in label.split("<br>"))


def test_one_outlier_does_not_wash_out_the_heatmap_colours():
    """Phường Chương Mỹ with ten times the others: the colour scale stops at the 98th percentile, the outlier
    is marked ▲, and the other cells spread over the scale instead of all sitting in its palest shade."""
    import numpy as np

    from ui.sector_charts import colour_range, sector_heatmap

    grid = pd.DataFrame(np.arange(1, 61, dtype=float).reshape(20, 3), columns=["A", "C", "F"],
                        index=[f"Xã {i}" for i in range(20)])
    grid.iloc[3, 1] = 5000.0
    low, high = colour_range(grid.to_numpy())
    assert high < 100 and low >= 1
    fig = sector_heatmap(grid, {"A": "Nông nghiệp", "C": "Công nghiệp chế biến, chế tạo", "F": "Xây dựng"},
                         "employed", "vi")
    trace = fig.data[0]
    assert (trace.zmin, trace.zmax) == (low, high) and trace.text[3][1] == "▲"
    assert 1 <= sum(v == "▲" for row in trace.text for v in row) <= 2  # the outlier (and at most the top 2%)
    assert all("·" in label for label in fig.layout.xaxis.ticktext)  # names on the axis, not letters only
