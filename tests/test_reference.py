"""Reference tables: the 126 units of 1 July 2025, their lineage, and the sectors."""
import pandas as pd

from pipeline.reference_build import ascii_fold, build_communes
from store.reference import load_communes, load_lineage, load_sectors, load_targets


def test_126_units_51_phuong_75_xa_unique_string_codes():
    communes = load_communes()
    assert len(communes) == 126
    assert communes["type"].value_counts().to_dict() == {"xa": 75, "phuong": 51}
    assert communes["code"].is_unique
    assert communes["code"].str.fullmatch(r"\d{5}").all()
    assert (communes["urban"] == (communes["type"] == "phuong")).all()
    assert communes[["name_vi", "name_en", "area_km2", "ref_lat", "ref_lon"]].notna().all().all()


def test_committed_tables_match_the_package():
    """The committed CSVs are exactly what `python -m cli reference` builds from vietnamadminunits."""
    communes, lineage = build_communes()
    committed = load_communes()
    pd.testing.assert_frame_equal(
        communes.reset_index(drop=True)[["code", "name_vi", "type", "area_km2"]],
        committed[["code", "name_vi", "type", "area_km2"]],
        check_dtype=False,
    )
    assert len(lineage) == len(load_lineage()) == 794


def test_lineage_covers_526_old_units_and_30_districts():
    lineage = load_lineage()
    assert lineage["old_code"].nunique() == 526
    assert lineage["old_district"].nunique() == 30
    assert set(lineage["new_code"]) == set(load_communes()["code"])
    split = lineage[lineage["old_unit_divided"] == 1]
    assert split["old_code"].nunique() == 199
    # every split old unit has exactly one default successor
    assert (split.groupby("old_code")["is_default_new_unit"].sum() == 1).all()


def test_ascii_names():
    assert ascii_fold("Phường Đống Đa") == "Phuong Dong Da"
    communes = load_communes()
    assert communes["name_en"].map(lambda s: s.isascii()).all()
    assert communes.set_index("code").loc["00004", "name_en"] == "Ba Dinh Ward"


def test_sectors_vsic_a_to_u_with_priority_flags():
    sectors = load_sectors()
    assert sectors["code"].tolist() == [chr(c) for c in range(ord("A"), ord("U") + 1)]
    assert sectors[["name_vi", "name_en"]].ne("").all().all()
    priority = set(sectors.loc[sectors["priority"], "code"])
    assert {"C", "J", "M", "K", "I", "R"} <= priority
    assert "A" not in priority


def test_commune_targets_are_data_keyed_by_string_codes():
    targets = load_targets()
    hoa_xa = targets[targets["geo"] == "10417"]
    assert set(hoa_xa["indicator"]) >= {"new_jobs", "unemployment_rate", "bhyt_coverage"}
    assert set(targets["geo"]) - {"city"} <= set(load_communes()["code"])
