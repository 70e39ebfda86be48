"""The KPI computation written in plain pandas, as a baseline for the DuckDB queries.

Same rule as indicators/queries.py (sum of numerator measures over sum of denominator measures per
period), on the same facts, so the benchmark compares engines, not formulas. Benchmark-only code.
"""
from __future__ import annotations

import pandas as pd

from indicators.catalogue import Catalogue


def links_frame(catalogue: Catalogue) -> pd.DataFrame:
    rows = []
    for ind in catalogue.indicators:
        rows += [(ind.code, m, "num") for m in ind.numerator]
        rows += [(ind.code, m, "den") for m in ind.denominator]
    return pd.DataFrame(rows, columns=["indicator", "measure", "role"])


def kpi_monthly_pandas(facts: pd.DataFrame, communes: pd.DataFrame, catalogue: Catalogue,
                       codes: list[str], commune: str | None = None) -> pd.DataFrame:
    """Monthly values of `codes` for the city (or one commune) from the raw facts table."""
    links = links_frame(catalogue)
    links = links[links["indicator"].isin(codes)]
    part = facts[facts["measure"].isin(set(links["measure"]))]
    if commune is not None:
        part = part[part["commune_code"] == commune]
    urban = communes.set_index("code")["urban"]
    part = part.assign(urban=part["commune_code"].map(urban).fillna(False).astype(bool))
    base = part.groupby(["measure", "period", "urban"], as_index=False)["value"].sum()
    merged = base.merge(links, on="measure")
    urban_only = {i.code for i in catalogue.indicators if i.urban_only}
    merged = merged[~merged["indicator"].isin(urban_only) | merged["urban"]]
    pivot = merged.pivot_table(index=["indicator", "period"], columns="role", values="value", aggfunc="sum")
    pivot = pivot.reindex(columns=["num", "den"])
    scale = pd.Series({i.code: i.scale for i in catalogue.indicators})
    ratio = pivot["den"].notna()
    idx = pivot.index.get_level_values("indicator")
    value = pivot["num"].where(~ratio, pivot["num"] / pivot["den"] * scale.reindex(idx).to_numpy())
    return pivot.assign(value=value).reset_index()
