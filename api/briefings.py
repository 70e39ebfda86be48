"""`/api/v1/briefings/<year>-<6thang|nam>.<html|pdf>`: the leadership briefing of an area, as a file.

The briefing reads through the service layer as the request's caller (a commune official gets their own
commune's detail only); the download is one `export` event with its parameters and rows.
"""
from __future__ import annotations

import re
from typing import Any

from api.downloads import attachment
from api.endpoints import AREA, Param, api, language
from briefing.document import KINDS, BriefingError, BriefingPeriod, build_briefing, chromium_path, render_pdf
from indicators.area import Area, BadRequest
from service import audit
from service.access import require_download
from service.audit import Caller

FILE = re.compile(r"(?P<year>20\d\d)-(?P<kind>6thang|nam)\.(?P<fmt>html|pdf)")
MEDIA = {"html": "text/html; charset=utf-8", "pdf": "application/pdf"}


def _geometry(lang: str) -> tuple[dict | None, str]:
    from indicators.boundaries import load_boundaries
    from service.metadata import commune_table

    geo = load_boundaries(set(commune_table()["code"]))
    return geo.geojson, geo.provenance(lang)


@api("/api/v1/briefings/{file}", "The six-monthly (6thang) or annual (nam) briefing of an area as HTML or PDF: "
     "<year>-<6thang|nam>.<html|pdf>. Needs an account that may download; one audit event.",
     AREA, Param("lang", "vi (default) or en", example="vi"), response_schema="File")
def briefing(caller: Caller, query: dict[str, str], version: str) -> Any:
    found = FILE.fullmatch(query.pop("_file", ""))
    if found is None:
        raise BadRequest("Tên tệp báo cáo: <năm>-6thang.html|pdf hoặc <năm>-nam.html|pdf.",
                         "Briefing file: <year>-6thang.html|pdf or <year>-nam.html|pdf.", ", ".join(KINDS))
    lang = language(query)
    area = Area.parse(query.get("area"))
    params = {"area": area.key, "period": f"{found['year']}-{found['kind']}", "format": found["fmt"], "lang": lang}
    try:
        require_download(caller.principal)
    except Exception as denied:
        audit.record_denied(caller, "briefing", params, getattr(denied, "message_en", ""))
        raise
    geojson, caption = _geometry(lang)
    try:
        made = build_briefing(caller.quiet(), area, BriefingPeriod(found["kind"], int(found["year"])), lang,
                              geojson=geojson, boundary_caption=caption)
    except BriefingError as error:
        raise BadRequest("Chưa có số liệu cho kỳ báo cáo này.", f"No data for this briefing period: {error}",
                         "a period that is over") from None
    payload = made.html.encode("utf-8")
    if found["fmt"] == "pdf":
        if chromium_path() is None:
            raise BadRequest("Máy chủ chưa cài Chromium nên chưa tạo được PDF; hãy tải bản HTML.",
                             "Chromium is not installed on the server, so no PDF: download the HTML.", "html")
        payload = render_pdf(made.html)
    audit.record(caller, "export", {"file": f"{made.file_stem}.{found['fmt']}", **params}, made.rows_read, version)
    return attachment(payload, f"{made.file_stem}.{found['fmt']}", MEDIA[found["fmt"]])
