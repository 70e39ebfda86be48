"""Entry point: page set-up, the global controls and the navigation between pages.

Run with `streamlit run app.py` (the README's run command builds the demo data first if needed).
"""
from __future__ import annotations

from pathlib import Path

import streamlit as st

from service.access import AccessDenied, can_admin
from ui import audit, data
from ui.auth import establish_principal, render_identity
from ui.context import render_controls, sync_controls_to_url
from i18n.strings import t

# The favicon is a local file: a ":material/...:" page or page icon becomes a favicon fetched from
# fonts.gstatic.com (an IOC network may be offline), and an emoji needs an emoji font the screens lack.
FAVICON = str(Path(st.__file__).parent / "static" / "favicon.png")
st.set_page_config(page_title="KPI thị trường lao động Hà Nội", page_icon=FAVICON, layout="wide")
st.set_option("client.disableDataExport", True)  # every download goes through an audited button (ui/audit.py)
principal = establish_principal()  # who is asking: every data read is authorized for them (ui/data.py)

version = data.version()
if version is None:
    st.error(t("no_warehouse", "vi") + "\n\n" + t("no_warehouse", "en"))
    st.stop()

view = render_controls(data.warehouse(version).data_until)
render_identity(view.lang)

pages = [
    st.Page("pages/overview.py", title=t("page_overview", view.lang), icon=":material/dashboard:", url_path="tong-quan", default=True),
    st.Page("pages/map.py", title=t("page_map", view.lang), icon=":material/map:", url_path="ban-do"),
    st.Page("pages/commune.py", title=t("page_commune", view.lang), icon=":material/location_on:", url_path="ho-so"),
    st.Page("pages/sectors.py", title=t("page_sectors", view.lang), icon=":material/factory:", url_path="nganh-kinh-te"),
    st.Page("pages/trends.py", title=t("page_trends", view.lang), icon=":material/trending_up:", url_path="xu-huong"),
    st.Page("pages/forecast.py", title=t("page_forecast", view.lang), icon=":material/online_prediction:", url_path="du-bao"),
    st.Page("pages/wall.py", title=t("page_wall", view.lang), icon=":material/tv:", url_path="man-hinh-tuong"),
    st.Page("pages/data.py", title=t("page_data", view.lang), icon=":material/database:", url_path="du-lieu"),
    # one line per page, in menu order; each page's title comes from i18n/strings.py
]
if can_admin(principal):  # the audit trail is listed (and reachable) for administrators only
    pages.append(st.Page("pages/audit.py", title=t("page_audit", view.lang), icon=":material/receipt_long:", url_path="nhat-ky"))
page = st.navigation(pages)
sync_controls_to_url()
page_key = page.url_path or "tong-quan"  # the default page (Tổng quan) has the root URL
audit.begin_run(page_key)
try:
    page.run()
except AccessDenied as denied:  # the data layer refused: say why, record it, never show the data
    st.error(denied.message(view.lang), icon=":material/lock:")
    audit.record("denied", params={"reason": denied.message_en})
finally:
    audit.end_run(page_key)
