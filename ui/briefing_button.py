"""The "leadership briefing" button: a six-month or annual report of the current area, as HTML or PDF.

The popover offers the complete periods (the newest by default) and links to the API's authenticated
briefing route (api/briefings.py): the file is built there, read as the user who fetches it (a commune
official gets their own commune's detail only), and recorded as one export.
"""
from __future__ import annotations

import streamlit as st

from briefing.document import HALF, BriefingPeriod, available_periods, chromium_path
from i18n.strings import t
from service.access import can_download
from ui import data
from ui.audit import api_url
from ui.auth import current_principal
from ui.context import View


def period_label(period: BriefingPeriod, lang: str) -> str:
    return t("briefing_period_half" if period.kind == HALF else "briefing_period_year", lang, year=period.year)


def briefing_url(period: BriefingPeriod, fmt: str, view: View) -> str:
    return api_url(f"briefings/{period.year}-{period.kind}.{fmt}", {"area": view.area.key, "lang": view.lang})


def render_briefing_button(view: View) -> None:
    """The popover on the Overview page with the period and the HTML and PDF links."""
    lang = view.lang
    periods = available_periods(data.data_until(data.version()))
    with st.popover(t("briefing_button", lang), icon=":material/description:"):
        if not can_download(current_principal()):
            st.caption(t("download_not_allowed", lang))
            return
        if not periods:
            st.info(t("briefing_no_periods", lang))
            return
        st.caption(t("briefing_caption", lang, area=view.geo_name()))
        period = st.selectbox(t("briefing_period", lang), periods, key="_briefing_period",
                              format_func=lambda p: period_label(p, lang))
        st.link_button(t("briefing_html", lang), briefing_url(period, "html", view), icon=":material/download:")
        if chromium_path() is not None:
            st.link_button(t("briefing_pdf", lang), briefing_url(period, "pdf", view), icon=":material/download:")
        else:
            st.caption(t("briefing_pdf_unavailable", lang))
