"""AppTest of the Trends page (Xu hướng): KPI charts over time, comparisons, deep links, plan completion."""
import json

from apphelpers import run_app

DEFAULT_KPIS = ["unemployment_rate", "unemployment_urban", "bhxh_compulsory_share", "bhxh_voluntary_share",
                "bhtn_share", "bhyt_coverage"]


def run(**params):
    return run_app("trends", **params)


def figures(at) -> list[dict]:
    return [json.loads(el.proto.spec) for el in at.get("plotly_chart")]


def trend_figures(at) -> list[dict]:
    """The time charts: the ones marking the July 2025 boundary change."""
    return [f for f in figures(at) if any(s.get("name") == "boundary_change" for s in f["layout"].get("shapes", []))]


def names(fig: dict) -> list[str]:
    return [trace.get("name") or "" for trace in fig["data"]]


def test_default_view_draws_unemployment_and_coverage_for_the_city():
    at = run()
    assert not at.exception
    assert at.multiselect(key="ds_chi_tieu").value == DEFAULT_KPIS
    assert at.radio(key="pham_vi").value == "thanh_pho"
    charts = trend_figures(at)
    assert len(charts) == len(DEFAULT_KPIS)
    for fig in charts:
        assert fig["layout"]["separators"] == ",."  # vi-VN: 2,5 and 1.234
        assert any(n.startswith("Mục tiêu 2030") for n in names(fig))
        assert "Sắp xếp ĐVHC 01/07/2025" in [a["text"] for a in fig["layout"]["annotations"]]
        assert any("Toàn thành phố (minh họa)" == n for n in names(fig))  # demo data say so
    assert any("Dữ liệu minh họa" in w.value for w in at.warning)


def test_survey_bands_provisional_points_and_published_figures():
    at = run()
    charts = trend_figures(at)
    unemployment = charts[0]
    band = [tr for tr in unemployment["data"] if (tr.get("name") or "").startswith("Khoảng tin cậy 95%")]
    assert band and band[0]["fill"] == "tonexty"
    assert "Mục tiêu 2030: < 2,50%" in names(unemployment)
    assert any(n == "Số liệu tạm tính" for fig in charts for n in names(fig))
    compulsory = next(f for f in charts if any(n.startswith("Mục tiêu 2030: ≥ 60") for n in names(f)))
    published = next(tr for tr in compulsory["data"] if tr.get("name") == "Số liệu công bố (thực)")
    assert len(published["customdata"]) == 5 and published["marker"]["symbol"] == "diamond"  # 2020, 2021-10, 2022, 2025-06, 2025-08
    assert any("nhandan.com.vn" in row[0] for row in published["customdata"])
    tables = [df for df in (d.value for d in at.dataframe) if "Nguồn" in df.columns]
    assert any(df["Nguồn"].str.startswith("https://").all() and len(df) >= 3 for df in tables)


def test_compare_communes_by_quarter_deep_link():
    at = run(ds_chi_tieu="new_jobs,unemployment_rate", pham_vi="so_sanh", so_sanh="10417,00004", ky="quarter")
    assert not at.exception
    assert at.multiselect(key="so_sanh").value == ["10417", "00004"]
    charts = trend_figures(at)
    assert len(charts) == 2
    jobs = charts[0]
    lines = [n for n in names(jobs) if n.startswith(("Xã", "Phường"))]
    assert len(lines) == 2 and any("(10417)" in n for n in lines)
    target = next(n for n in names(jobs) if n.startswith("Mục tiêu 2030"))
    assert "400–600 người/năm" in target and "/quý" in target  # the commune's own plan, per quarter
    assert not any(n == "Số liệu công bố (thực)" for n in names(jobs))  # city figures only beside the city


def test_invalid_link_values_give_a_notice_and_the_defaults():
    at = run(ds_chi_tieu="bogus", pham_vi="nowhere", so_sanh="99999")
    assert not at.exception
    assert at.multiselect(key="ds_chi_tieu").value == DEFAULT_KPIS
    assert at.radio(key="pham_vi").value == "thanh_pho"
    notices = " ".join(i.value for i in at.info)
    assert "bogus" in notices and "nowhere" in notices and "99999" in notices


def test_at_most_eight_communes_are_compared():
    codes = ["00004", "00008", "00025", "00082", "00091", "00103", "10417", "10441", "10489"]
    at = run(pham_vi="so_sanh", so_sanh=",".join(codes))
    assert not at.exception
    assert at.multiselect(key="so_sanh").value == codes[:8]
    assert any("tối đa 8" in i.value for i in at.info)
    lines = [n for n in names(trend_figures(at)[0]) if n.startswith(("Xã", "Phường"))]
    assert len(lines) == 8


def test_a_commune_type_has_no_urban_rate_for_communes():
    at = run(pham_vi="loai_dv", loai_dv="xa")
    assert not at.exception
    assert any("Không có số liệu" in i.value for i in at.info)  # urban unemployment: wards only
    charts = trend_figures(at)
    assert len(charts) == len(DEFAULT_KPIS) - 1
    assert all(any(n.startswith("Mục tiêu 2030") for n in names(f)) for f in charts)  # rates: the city target


def test_controls_update_the_url():
    at = run()
    at.multiselect(key="ds_chi_tieu").set_value(["bhyt_coverage"]).run()
    at.radio(key="pham_vi").set_value("so_sanh").run()
    at.multiselect(key="so_sanh").set_value(["10417"]).run()
    assert not at.exception
    assert at.query_params["ds_chi_tieu"] in ("bhyt_coverage", ["bhyt_coverage"])
    assert at.query_params["pham_vi"] in ("so_sanh", ["so_sanh"])
    assert at.query_params["so_sanh"] in ("10417", ["10417"])
    assert len(trend_figures(at)) == 1


def test_english_and_yearly_grain():
    at = run(lang="en", ky="year")
    assert not at.exception
    charts = trend_figures(at)
    assert all(f["layout"]["separators"] == ".," for f in charts)
    assert any(n.startswith("2030 target") for n in names(charts[0]))
    assert "Unemployment rate, overall" in [m.value.lstrip("# ") for m in at.markdown]


def test_plan_completion_for_the_city():
    at = run()
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Kế hoạch năm 2026"] == "171.000 người"
    assert metrics["Đạt % kế hoạch năm"].endswith("%") and "," in metrics["Đạt % kế hoạch năm"]
    communes = [d.value for d in at.dataframe if "Xã, phường" in d.value.columns]
    assert communes and len(communes[0]) == 126
    plan = next(f for f in figures(at) if any((n or "").startswith("Kế hoạch năm 2026") for n in names(f)))
    assert "Lũy kế năm 2025" in names(plan) and "Lũy kế năm 2026" in names(plan)


def test_plan_deep_links_past_year_and_missing_plan():
    at = run(ke_hoach="jobs_loans", nam="2023")
    assert not at.exception
    assert {m.label: m.value for m in at.metric}["Kế hoạch năm 2023"] == "39.100 người"  # seed 003
    at = run(ke_hoach="jobs_loans", nam="2026")
    assert any("Chưa có kế hoạch năm 2026" in i.value for i in at.info)


def test_plan_of_a_commune():
    at = run(xa="10417")
    assert not at.exception
    assert at.multiselect(key="so_sanh").value == ["10417"]  # the sidebar commune seeds the comparison
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Kế hoạch năm 2026"] == "520 người"  # the commune's (demo) plan: 171,000 split by 2025 results
    assert any("minh họa (demo)" in c.value or "Minh họa" in c.value for c in at.caption)
