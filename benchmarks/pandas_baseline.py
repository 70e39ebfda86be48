"""The KPI computation written in plain pandas, as a baseline for the DuckDB queries.

Same rule as indicators/queries.py (sum of numerator measures over sum of denominator measures per
period), on the same facts, so the benchmark compares engines, not formulas. Benchmark-only code.
"""
from __future__ import annotations

import pandas as pd

from store.catalogue import Catalogue


def links_frame(catalogue: Catalogue) -> pd.DataFrame:
    rows = []
    for ind in catalogue.indicators:
        rows += [(ind.code, m, "num") for m in ind.numerator]
        rows += [(ind.code, m, "den") for m in ind.denominator]
    return pd.DataFrame(rows, columns=["indicator", "measure", "role"])


def _values(part: pd.DataFrame, communes: pd.DataFrame, catalogue: Catalogue, codes: list[str],
            keys: list[str]) -> pd.DataFrame:
    """sum(num) / sum(den) * scale per `keys` + indicator, from facts already narrowed to rows of interest."""
    links = links_frame(catalogue)
    links = links[links["indicator"].isin(codes)]
    urban = communes.set_index("code")["urban"]
    part = part.assign(urban=part["commune_code"].map(urban).fillna(False).astype(bool))
    base = part.groupby(["measure", *keys, "urban"], as_index=False)["value"].sum()
    merged = base.merge(links, on="measure")
    urban_only = {i.code for i in catalogue.indicators if i.urban_only}
    merged = merged[~merged["indicator"].isin(urban_only) | merged["urban"]]
    pivot = merged.pivot_table(index=["indicator", *keys], columns="role", values="value", aggfunc="sum")
    pivot = pivot.reindex(columns=["num", "den"])
    pivot = pivot[pivot["num"].notna()]  # no numerator, no value (as the SQL's HAVING)
    scale = pd.Series({i.code: i.scale for i in catalogue.indicators})
    ratio = pivot["den"].notna()
    idx = pivot.index.get_level_values("indicator")
    value = pivot["num"].where(~ratio, pivot["num"] / pivot["den"] * scale.reindex(idx).to_numpy())
    return pivot.assign(value=value).reset_index()


def kpi_monthly_pandas(facts: pd.DataFrame, communes: pd.DataFrame, catalogue: Catalogue,
                       codes: list[str], commune: str | None = None) -> pd.DataFrame:
    """Monthly values of `codes` for the city (or one commune) from the raw facts table."""
    measures = {m for c in codes for m in catalogue.get(c).measures}
    part = facts[facts["measure"].isin(measures)]
    if commune is not None:
        part = part[part["commune_code"] == commune]
    return _values(part, communes, catalogue, codes, ["period"])


def kpi_by_commune_pandas(facts: pd.DataFrame, communes: pd.DataFrame, catalogue: Catalogue,
                          codes: list[str], month: pd.Timestamp) -> pd.DataFrame:
    """Values of `codes` in every commune for one month (what the map draws), from the raw facts table."""
    measures = {m for c in codes for m in catalogue.get(c).measures}
    part = facts[(facts["period"] == pd.Timestamp(month)) & facts["measure"].isin(measures)]
    part = part[part["commune_code"] != ""]
    return _values(part, communes, catalogue, codes, ["commune_code", "period"])
