"""The context beside a map whose other communes the account may not see (a commune official): their
commune's value and rank, the city's value and the value of every commune of the same type, so the map
is a comparison and not a wall of blanks."""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from i18n.formats import fmt_number, fmt_value
from i18n.strings import t
from service import Area, Period
from ui import data


@dataclass(frozen=True)
class ContextFigure:
    """One figure of the context row: what it is (a place), its value as shown, a note under it."""

    label: str
    value: str
    note: str = ""


def _shown(value: float | None, unit: str, unit_label: str, lang: str) -> str:
    return t("hover_no_data", lang).capitalize() if value is None or value != value else fmt_value(value, unit, unit_label, lang)


def context_figures(own: pd.Series, city: float | None, group: float | None, unit: str, unit_label: str,
                    lang: str) -> list[ContextFigure]:
    """Own commune (with its rank), the whole city, and the communes of its type (phường or xã)."""
    name = own["name_vi" if lang == "vi" else "name_en"]
    rank = own.get("rank")
    note = t("map_context_rank", lang, rank=fmt_number(rank, lang, 0)) if rank is not None and rank == rank else ""
    return [ContextFigure(name, _shown(own["value"], unit, unit_label, lang), note),
            ContextFigure(t("whole_city", lang), _shown(city, unit, unit_label, lang)),
            ContextFigure(t(f"tr_type_{own['type']}", lang), _shown(group, unit, unit_label, lang))]


def render_map_context(values: pd.DataFrame, visible: tuple[str, ...], indicator: str, unit: str, unit_label: str,
                       period: Period, sectors: tuple[str, ...], lang: str) -> None:
    """One row of figures above the map for an account that sees `visible` communes only."""
    own_rows = values[values["code"].isin(visible)]
    if own_rows.empty:
        return
    own = own_rows.iloc[0]
    city = data.value(indicator, Area.CITY, period, sectors).value
    group = data.value(indicator, Area.group(str(own["type"])), period, sectors).value
    figures = context_figures(own, city, group, unit, unit_label, lang)
    for col, fig in zip(st.columns(len(figures)), figures):
        with col:
            st.metric(fig.label, fig.value, border=True)
            if fig.note:
                st.caption(fig.note)
