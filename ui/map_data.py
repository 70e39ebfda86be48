"""The map page's values as classes and texts: quantile classes of the level, or diverging classes of the
distance to the 2030 target (indicators/mapclass.py), the legend labels and the hover texts."""
from __future__ import annotations

from dataclasses import replace

import pandas as pd

from i18n.formats import decimals_for, fmt_number, fmt_value
from i18n.strings import t
from indicators.mapclass import Classes, distance_to_target, diverging_classes, quantile_classes
from service.exports import ExportTable
from service.metadata import FLAG, THRESHOLD


def classes_for(values: pd.Series, target=None) -> Classes:
    """Quantile classes of the values, or (with a target) diverging classes of the distance to it."""
    present = [None if pd.isna(v) else float(v) for v in values]
    if target is not None:
        return diverging_classes([distance_to_target(v, target) for v in present])
    return quantile_classes(present)


def hidden_mask(values: pd.DataFrame) -> pd.Series:
    """Communes whose figure is hidden under the small-count rule."""
    return values[FLAG].fillna(False).astype(bool) if FLAG in values.columns else pd.Series(False, index=values.index)


def compact_ranking(table: ExportTable) -> ExportTable:
    """The map's ranked table for the screen: the value column headed by its unit only (the indicator is
    named just above), so on a narrow column or a phone the value is in view, not scrolled off to the
    right behind a long indicator name. The download keeps the full header."""
    columns = tuple(replace(c, label_vi=t("col_value", "vi"), label_en=t("col_value", "en")) if c.key == "value" else c
                    for c in table.columns)
    return replace(table, columns=columns)


def restricted_mask(values: pd.DataFrame, allowed: tuple[str, ...] | None) -> pd.Series:
    """Communes whose figures this account may not see (`allowed` from service.access.allowed_communes:
    None for every commune). The service blanks them; they are not "no data" and must not be drawn or
    listed as such."""
    if allowed is None:
        return pd.Series(False, index=values.index)
    return ~values["code"].astype(str).isin(allowed)


def hover_texts(values: pd.DataFrame, names: pd.Series, shown: list[str], period: str, lang: str,
                restricted: pd.Series | None = None) -> list[str]:
    """One hover line per commune: name, value (or why there is none), data status, period."""
    hidden = hidden_mask(values)
    restricted = restricted if restricted is not None else pd.Series(False, index=values.index)
    status = values["status"].map(lambda s: t(f"data_{s}", lang) if isinstance(s, str) else "")
    hidden_text = t("suppressed_small", lang, k=THRESHOLD)

    def why(h: bool, r: bool) -> str:
        return t("hover_restricted", lang) if r else hidden_text if h else t("hover_no_data", lang)

    return [f"<b>{n}</b><br>{text}<br>{s} · {period}" if v == v and not r
            else f"<b>{n}</b><br>{why(h, r)} · {period}"
            for n, v, text, s, h, r in zip(names, values["value"], shown, status, hidden, restricted)]


def value_texts(values: pd.DataFrame, unit: str, unit_label: str, lang: str) -> list[str]:
    return [fmt_value(v, unit, unit_label, lang) for v in values["value"]]


__all__ = ["classes_for", "compact_ranking", "decimals_for", "fmt_number", "hidden_mask", "hover_texts", "restricted_mask", "value_texts"]
