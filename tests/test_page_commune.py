"""AppTest of the commune profile (Hồ sơ xã/phường): stable URL per commune, peers, ranks, lineage."""
import pandas as pd
from apphelpers import run_app
from store.catalogue import load_catalogue


def test_profile_opens_straight_on_the_commune_in_the_url():
    at = run_app(page="commune", xa="00004")
    assert not at.exception
    assert at.title[0].value == "Hồ sơ Phường Ba Đình"
    comparison = at.dataframe[0].value
    assert len(comparison) == len(load_catalogue().indicators)
    ranks = comparison["Hạng /126"].tolist()
    assert all(pd.isna(r) or 1 <= int(r) <= 126 for r in ranks) and any(pd.notna(r) for r in ranks)


def test_profile_shows_own_plan_and_lineage():
    at = run_app(page="commune", xa="10417")
    assert not at.exception
    frames = [d.value for d in at.dataframe]
    own_plan = next(f for f in frames if "Loại chỉ tiêu" in f.columns)
    assert "Tỷ lệ lao động qua đào tạo" in set(own_plan["Chỉ tiêu"]), "the indicator by its name, not its code"
    assert not own_plan.isna().any().any() and "trained_share" not in own_plan.to_string()
    lineage = frames[-1]
    assert len(lineage) == 4
    assert any("quy đổi từ các đơn vị cũ" in c.value for c in at.caption)


def test_split_units_are_flagged():
    at = run_app(page="commune", xa="00004")  # Phường Ba Đình took parts of split units
    lineage = at.dataframe[-1].value
    assert (lineage["Bị chia tách"] == "Có").any()


def test_without_a_commune_the_page_says_how_to_pick_one():
    at = run_app(page="commune")
    assert not at.exception
    assert any("Chọn một xã" in i.value for i in at.info)


def test_trend_indicator_deep_link_and_english():
    at = run_app(page="commune", xa="00004", xu_huong="bhyt_coverage", lang="en")
    assert not at.exception
    assert at.selectbox(key="xu_huong").value == "bhyt_coverage"
    assert at.title[0].value == "Profile: Ba Dinh Ward"
