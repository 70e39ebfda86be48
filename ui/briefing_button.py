"""The "leadership briefing" button: a six-month or annual report of the current area, as HTML or PDF.

One click on a download button builds the briefing (briefing/document.py) for the period chosen in the
popover (the newest complete one by default), with the same number formats as the screens, and records
the export in the audit trail. The file is built in Streamlit's download thread, read as the user who
clicked: a commune official gets their own commune's detail only, whatever the page showed.
"""
from __future__ import annotations

import pandas as pd
import streamlit as st

from briefing.document import (
    HALF, BriefingPeriod, Formatters, available_periods, build_briefing, chromium_path, render_pdf,
)
from indicators.status import RULE_TEXT
from ui import data
from ui.audit import export_button
from ui.auth import current_principal
from ui.context import View
from i18n.formats import fmt_date, fmt_delta, fmt_month, fmt_number, fmt_percent_of, fmt_period, fmt_value, format_datetime
from i18n.strings import t
from ui.scorecard_view import target_text


def ui_formatters() -> Formatters:
    """The screens' formatters (i18n.formats, i18n.strings, the scorecard's target text) for the briefing builder."""
    return Formatters(
        t=t, number=fmt_number,
        value=lambda value, ind, lang: fmt_value(value, ind.unit, ind.unit_label(lang), lang,
                                                 compact=ind.unit == "đồng/tháng"),
        delta=fmt_delta, target=lambda row, lang: target_text(row, row.target, lang).removeprefix(t("target", lang) + ": "),
        period=fmt_period,
        month=fmt_month, date=fmt_date, moment=lambda ts, lang: format_datetime(ts, lang, "HH:mm dd/MM/yyyy"),
        percent_of=fmt_percent_of,
    )


def _geometry() -> tuple[dict | None, str]:
    try:
        from ui.map_view import boundaries
    except ImportError:  # pragma: no cover - the map feature is optional
        return None, ""
    geo = boundaries()
    return geo.geojson, f"{geo.caption_vi} / {geo.caption_en} ({geo.attribution})"


def _forecasts(version: str) -> dict | None:
    try:
        from indicators.forecast_store import forecast_index, has_forecasts
    except ImportError:  # pragma: no cover - the forecast feature is optional
        return None
    return forecast_index(version) if has_forecasts(version) else None


def period_label(period: BriefingPeriod, lang: str) -> str:
    return t("briefing_period_half" if period.kind == HALF else "briefing_period_year", lang, year=period.year)


def render_briefing_button(view: View) -> None:
    """The popover on the Overview page with the period and the HTML and PDF downloads."""
    lang, geo = view.lang, view.geo
    version = data.version()
    wh = data.warehouse(version)
    periods = available_periods(wh.data_until)
    with st.popover(t("briefing_button", lang), icon=":material/description:"):
        if not periods:
            st.info(t("briefing_no_periods", lang))
            return
        st.caption(t("briefing_caption", lang, area=view.geo_name()))
        period = st.selectbox(t("briefing_period", lang), periods, key="_briefing_period",
                              format_func=lambda p: period_label(p, lang))
        principal, fmt = current_principal(), ui_formatters()
        geojson, caption = _geometry()
        forecasts = _forecasts(version)

        def make_html() -> tuple[bytes, int]:
            made = build_briefing(wh, principal, geo, period, lang, fmt, geojson=geojson, boundary_caption=caption,
                                  forecasts=forecasts, rule_text=RULE_TEXT[lang], now=pd.Timestamp.now(tz="UTC"))
            return made.html.encode("utf-8"), made.rows_read

        def make_pdf() -> tuple[bytes, int]:
            document, rows = make_html()
            return render_pdf(document.decode("utf-8")), rows

        stem = f"bao-cao-{period.slug}-{geo}-{lang}"
        params = {"geo": geo, "period": period.slug, "lang": lang}
        export_button(t("briefing_html", lang), make_html, f"{stem}.html", "text/html",
                      params={**params, "format": "html"}, key="_briefing_html")
        if chromium_path() is not None:
            export_button(t("briefing_pdf", lang), make_pdf, f"{stem}.pdf", "application/pdf",
                          params={**params, "format": "pdf"}, key="_briefing_pdf")
        else:
            st.caption(t("briefing_pdf_unavailable", lang))
