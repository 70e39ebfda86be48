"""Entry point: page set-up, the global controls and the navigation between pages.

Run with `streamlit run app.py` (the README's run command builds the demo data first if needed).
"""
from __future__ import annotations

import streamlit as st

from ui import data
from ui.context import render_controls
from ui.i18n import t

st.set_page_config(page_title="KPI thị trường lao động Hà Nội", page_icon="📊", layout="wide")

version = data.version()
if version is None:
    st.error(t("no_warehouse", "vi") + "\n\n" + t("no_warehouse", "en"))
    st.stop()

view = render_controls(data.warehouse(version).data_until)

pages = [
    st.Page("pages/overview.py", title=t("page_overview", view.lang), icon="📊", url_path="tong-quan", default=True),
    st.Page("pages/map.py", title=t("page_map", view.lang), icon="🗺️", url_path="ban-do"),
    st.Page("pages/commune.py", title=t("page_commune", view.lang), icon="📍", url_path="ho-so"),
    # one line per page, in menu order; each page's title comes from ui/i18n.py
]
st.navigation(pages).run()
