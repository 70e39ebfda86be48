"""Build the committed commune reference tables from the PyPI package `vietnamadminunits` (MIT).

Run `python -m cli reference` to regenerate `data/reference/communes.csv` and
`data/reference/commune_lineage.csv`. The tables are committed so the app never depends on the package's
internals at run time; this module is how they were made, and a test checks they still match.
"""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pandas as pd

from i18n.names import ascii_fold
from store.paths import REFERENCE_DIR

HANOI_PROVINCE_CODE = "01"
HANOI_KEY = "thanhphohanoi"


def _package_data_dir() -> Path:
    import vietnamadminunits

    return Path(vietnamadminunits.__file__).resolve().parent / "data"


def _connect() -> sqlite3.Connection:
    return sqlite3.connect(_package_data_dir() / "dataset.db")


def _legacy_units() -> pd.DataFrame:
    with _connect() as con:
        legacy = pd.read_sql_query(
            "select provinceKey, districtKey, wardKey, district, districtCode, ward, wardCode "
            "from admin_units_legacy where provinceCode = ?",
            con,
            params=(HANOI_PROVINCE_CODE,),
        )
    legacy["old_key"] = legacy["provinceKey"] + "_" + legacy["districtKey"] + "_" + legacy["wardKey"]
    return legacy


def build_lineage(new_units: pd.DataFrame) -> pd.DataFrame:
    """Old unit -> new unit links (794 rows for Hanoi), with the split flag and the package's default."""
    converter = json.loads((_package_data_dir() / "converter_2025.json").read_text(encoding="utf-8"))
    not_divided = converter["DICT_PROVINCE_WARD_NO_DIVIDED"][HANOI_KEY]
    divided = converter["DICT_PROVINCE_WARD_DIVIDED"][HANOI_KEY]
    code_by_key = dict(zip(new_units["wardKey"], new_units["code"]))
    rows: list[dict] = []
    for new_key, old_keys in not_divided.items():
        for old_key in old_keys:
            rows.append({"old_key": old_key, "new_code": code_by_key[new_key], "divided": 0, "default": 1})
    for old_key, targets in divided.items():
        for target in targets:
            rows.append(
                {
                    "old_key": old_key,
                    "new_code": code_by_key[target["newWardKey"]],
                    "divided": 1,
                    "default": int(bool(target["isDefaultNewWard"])),
                }
            )
    links = pd.DataFrame(rows).merge(_legacy_units(), on="old_key", how="left", validate="many_to_one")
    if links["wardCode"].isna().any():
        missing = links.loc[links["wardCode"].isna(), "old_key"].tolist()[:5]
        raise ValueError(f"converter keys without a legacy unit: {missing}")
    lineage = pd.DataFrame(
        {
            "new_code": links["new_code"],
            "old_code": links["wardCode"],
            "old_name": links["ward"],
            "old_district_code": links["districtCode"],
            "old_district": links["district"],
            "old_unit_divided": links["divided"],
            "is_default_new_unit": links["default"],
        }
    )
    return lineage.sort_values(["new_code", "old_code"]).reset_index(drop=True)


def build_communes() -> tuple[pd.DataFrame, pd.DataFrame]:
    """The 126 units in force since 1 July 2025, with names, type, area, reference point and lineage summary."""
    with _connect() as con:
        units = pd.read_sql_query(
            "select wardCode as code, ward as name_vi, wardShort as short_name, wardType, wardKey, "
            "wardAreaKm2 as area_km2, wardLat as ref_lat, wardLon as ref_lon "
            "from admin_units where provinceCode = ? order by wardCode",
            con,
            params=(HANOI_PROVINCE_CODE,),
        )
    units["type"] = units["wardType"].map({"Phường": "phuong", "Xã": "xa"})
    if units["type"].isna().any():
        raise ValueError("unexpected unit type in vietnamadminunits")
    suffix = units["type"].map({"phuong": " Ward", "xa": " Commune"})
    units["name_en"] = units["short_name"].map(ascii_fold) + suffix
    units["urban"] = units["type"].eq("phuong")
    lineage = build_lineage(units)
    summary = lineage.groupby("new_code").agg(
        old_districts=("old_district", lambda s: "; ".join(sorted(set(s)))),
        n_old_units=("old_code", "nunique"),
        n_old_units_part=("old_unit_divided", "sum"),
    )
    communes = units.merge(summary, left_on="code", right_index=True, how="left")
    columns = [
        "code", "name_vi", "short_name", "name_en", "type", "urban", "area_km2", "ref_lat", "ref_lon",
        "old_districts", "n_old_units", "n_old_units_part",
    ]
    return communes[columns], lineage


def write_reference(out_dir: Path = REFERENCE_DIR) -> dict[str, int]:
    """Write communes.csv and commune_lineage.csv; returns their row counts."""
    communes, lineage = build_communes()
    out_dir.mkdir(parents=True, exist_ok=True)
    communes.to_csv(out_dir / "communes.csv", index=False)
    lineage.to_csv(out_dir / "commune_lineage.csv", index=False)
    return {"communes": len(communes), "commune_lineage": len(lineage)}
