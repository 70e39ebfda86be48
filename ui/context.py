"""The global controls (language, area, period, sectors) shown on every page, and the view they define.

They live in the sidebar of `app.py`, are mirrored in the URL (`lang`, `xa`, `ky`, `den`, `nganh`) and
are read by pages through `current_view()`.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import pandas as pd
import streamlit as st
from streamlit.errors import StreamlitAPIException

from service import Area, Period
from ui.auth import commune_options, home_commune, refuse_unallowed_commune
from ui.data import commune_table, sector_table
from i18n.formats import fmt_month
from i18n.strings import DEFAULT_LANG, LANGS, t
from ui.state import seed_from_url, seed_list_from_url, show_url_notices, sync_to_url

GRAINS = ("month", "quarter", "year", "ytd")  # the order of the control (indicators.area.GRAINS)
VIEW_KEY = "_view"
DEFAULTS_KEY = "_control_defaults"


@dataclass(frozen=True)
class View:
    """What the user is looking at: language, area (the city or one commune), period, sectors."""

    lang: str
    area: Area
    period: Period
    sectors: tuple[str, ...]

    def geo_name(self) -> str:
        return area_label(self.area, self.lang)


def area_label(area: Area, lang: str) -> str:
    """'Toàn thành phố', 'Phường Ba Đình (00004)', 'Mọi phường'."""
    if area.is_commune:
        return commune_label(area.code, lang)
    if area.is_group:
        return t(f"tr_type_{area.code}", lang)
    return t("whole_city", lang)


@lru_cache(maxsize=2)
def _commune_labels(lang: str) -> dict[str, str]:
    communes = commune_table()
    names = communes["name_vi" if lang == "vi" else "name_en"]
    return {code: f"{name} ({code})" for code, name in zip(communes["code"], names)}


def commune_label(code: str, lang: str) -> str:
    """'Phường Ba Đình (00004)': looked up for 127 options on every run, so the table is built once."""
    return _commune_labels(lang)[code]


def refresh_choice_labels() -> None:
    """Called when the language changes: set every choice again so the browser gets the new labels.

    Why: Streamlit sends a choice widget's value (selectbox, multiselect, radio, segmented control) as its
    *formatted label*. After a language switch the browser still holds the old labels, and the next
    interaction would silently reset every choice on the page (the commune, the period, an indicator)
    to its first option. Setting a value through session state makes Streamlit send it afresh with the
    labels of the new language. Values that are not text (buttons, objects) are left alone.
    """
    for key in list(st.session_state.keys()):
        value = st.session_state[key]
        if key == "lang" or not (isinstance(value, str) or (isinstance(value, list) and value
                                                          and all(isinstance(v, str) for v in value))):
            continue
        try:
            st.session_state[key] = value
        except StreamlitAPIException:  # a widget whose value cannot be set (none known today)
            continue


def render_controls(data_until: pd.Timestamp) -> View:
    """Draw the sidebar controls, seeded from and mirrored to the URL; returns the view."""
    communes = commune_table()
    refuse_unallowed_commune(communes["code"].tolist())  # a link to a commune this user may not see
    codes = commune_options(communes["code"].tolist())  # all, or the official's own commune only
    months = [m.strftime("%Y-%m") for m in pd.date_range("2020-01-01", data_until, freq="MS")][::-1]
    sectors = sector_table()
    seed_from_url("lang", LANGS, DEFAULT_LANG)
    home = home_commune()  # a commune official lands on their own commune, everyone else on the city
    seed_from_url("xa", codes, home)
    seed_from_url("ky", GRAINS, "month")
    seed_from_url("den", months, months[0])
    seed_list_from_url("nganh", sectors["code"].tolist())
    lang = st.session_state["lang"]
    with st.sidebar:
        st.segmented_control(t("language", lang), LANGS, key="lang", on_change=refresh_choice_labels,
                             format_func=lambda x: {"vi": "Tiếng Việt", "en": "English"}[x])
        lang = st.session_state["lang"] or DEFAULT_LANG
        st.selectbox(t("geo", lang), [""] + codes, key="xa",
                     format_func=lambda c: t("whole_city", lang) if c == "" else commune_label(c, lang))
        st.selectbox(t("grain", lang), GRAINS, key="ky", format_func=lambda g: t(f"grain_{g}", lang))
        st.selectbox(t("until", lang), months, key="den",
                     format_func=lambda m: fmt_month(pd.Timestamp(m + "-01"), lang))
        names = sectors.set_index("code")["name_vi" if lang == "vi" else "name_en"]
        st.multiselect(t("sectors", lang), sectors["code"].tolist(), key="nganh",
                       format_func=lambda s: f"{s} – {names[s]}", placeholder=t("sectors_all", lang))
    st.session_state[DEFAULTS_KEY] = {"lang": DEFAULT_LANG, "xa": home, "ky": "month", "den": months[0], "nganh": []}
    commune = st.session_state["xa"] or None
    view = View(lang=lang, area=Area.commune(commune) if commune else Area.CITY,
                period=Period(st.session_state["ky"] or "month", pd.Timestamp(st.session_state["den"] + "-01")),
                sectors=tuple(st.session_state["nganh"]))
    st.session_state[VIEW_KEY] = view
    return view


def sync_controls_to_url() -> None:
    """Mirror the global controls into the URL and show any link notice.

    Called by app.py after `st.navigation`: changing the query string before the page is resolved makes
    Streamlit report "page not found" on a deep link.
    """
    sync_to_url(st.session_state[DEFAULTS_KEY])
    show_url_notices(current_view().lang)


def current_view() -> View:
    """The view set by the controls in this run (pages call this)."""
    return st.session_state[VIEW_KEY]
