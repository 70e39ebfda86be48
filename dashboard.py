"""The dashboard script that every page session runs: who is asking, the global controls, the navigation.

Served by the ASGI app in app.py (`streamlit run app.py`, `./run.sh`, or any ASGI server), which also
carries the read-only API. Every figure a page shows is asked of the service layer through ui/data.py.
"""
from __future__ import annotations

from pathlib import Path

import streamlit as st

from i18n.strings import t
from service import AccessDenied, BadRequest
from service.access import can_admin
from ui import audit, data
from ui.auth import establish_principal, render_identity
from ui.context import render_controls, sync_controls_to_url
from ui.errors import NoDataError, show_incident
from ui.served import show_fallback_banner
from ui.styles import apply_shared_styles

# The favicon is a local file: a ":material/...:" page or page icon becomes a favicon fetched from
# fonts.gstatic.com (an IOC network may be offline), and an emoji needs an emoji font the screens lack.
FAVICON = str(Path(st.__file__).parent / "static" / "favicon.png")
st.set_page_config(page_title="KPI thị trường lao động Hà Nội", page_icon=FAVICON, layout="wide")
st.set_option("client.disableDataExport", True)  # every download goes through the audited API route
principal = establish_principal()  # who is asking: every question is authorized for them (service/)
if not principal.signed_in:
    render_identity("vi")
    st.stop()

try:
    version = data.pin_version()
except NoDataError:
    st.error(t("no_warehouse", "vi") + "\n\n" + t("no_warehouse", "en"))
    st.stop()

view = render_controls(data.data_until(version))

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
# The wall runs unattended, often inside the IOC portal's frame: no development banner over its tiles.
render_identity(view.lang, embedded=page.url_path == "man-hinh-tuong")
show_fallback_banner(view.lang)
apply_shared_styles()
sync_controls_to_url()
page_key = page.url_path or "tong-quan"  # the default page (Tổng quan) has the root URL
audit.begin_run(page_key)
try:
    page.run()
except AccessDenied as denied:  # the service layer refused (and recorded it): say why, never show the data
    st.error(denied.message(view.lang), icon=":material/lock:")
except BadRequest as bad:  # a value no control offers (a hand-edited link): say what is allowed
    st.warning(bad.message(view.lang), icon=":material/info:")
except NoDataError:
    st.error(t("no_warehouse", view.lang))
except Exception as error:  # noqa: BLE001 - never a traceback to a user: a message with an incident id
    show_incident(error, view.lang)
finally:
    audit.end_run(page_key)
