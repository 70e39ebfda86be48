"""`/api/v1/downloads/<name>.<csv|xlsx|parquet>`: the tables the pages offer, as files.

The pages link here instead of handing out Streamlit media URLs, so a download needs the identity of the
request that fetches it (a copied link is refused without it) and is exactly one `download` event with
the user, role, parameters and rows (service/exports.py writes it).
"""
from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

from starlette.responses import Response

from api.endpoints import AREA, GRAIN, PERIOD, SECTORS, Param, api, language
from indicators.area import BadRequest
from service.audit import Caller
from service.exports import EXPORTS, export_table
from service.files import MEDIA, file_bytes

FILE = re.compile(r"(?P<name>[a-z][a-z0-9-]{0,40})\.(?P<fmt>csv|xlsx|parquet)")
DOWNLOAD_PARAMS = (
    AREA, GRAIN, PERIOD, SECTORS,
    Param("indicator", "an indicator code (map, plan completion)", example="unemployment_rate"),
    Param("year", "a year (plan completion, a year of the facts table)", example="2026"),
    Param("month", "a month number 1-12 (plan completion)", example="10"),
    Param("table", "a table of the data version (bang): facts, ingest_log, coverage, ...", example="ingest_log"),
    Param("measure", "a measure of the facts table (bang, table=facts)", example="bhxh_compulsory"),
    Param("template", "a report form (bao-cao-chua-gui): commune_jobs, employment_services, ...", example="commune_jobs"),
    Param("periods", "the latest N periods of every form, 1-60 (do-day-du)", example="12"),
    Param("days", "the last N days of the audit trail (nhat-ky, administrators only)", example="7"),
    Param("lang", "vi (default) or en: the language of an XLSX file's headers", example="vi"),
)


def attachment(payload: bytes, filename: str, media_type: str) -> Response:
    """A file response the browser saves (never displays), not stored by any cache on the way."""
    ascii_name = re.sub(r"[^A-Za-z0-9._-]", "_", filename)
    return Response(payload, media_type=media_type, headers={
        "Content-Disposition": f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}",
        "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"})


@api("/api/v1/downloads/{file}", "A table a page offers, as CSV, XLSX or Parquet: " + ", ".join(EXPORTS)
     + ". Needs an account that may download; each download is one audit event.", *DOWNLOAD_PARAMS,
     response_schema="File")
def download(caller: Caller, query: dict[str, str], version: str) -> Any:
    found = FILE.fullmatch(query.pop("_file", ""))
    if found is None:
        raise BadRequest("Tên tệp tải về không hợp lệ: dùng <bảng>.csv, .xlsx hoặc .parquet.",
                         "Invalid download name: use <table>.csv, .xlsx or .parquet.", ", ".join(EXPORTS))
    lang = language(query)
    table = export_table(caller, found["name"], query, lang, take_away=True)
    try:
        payload = file_bytes(table, found["fmt"], lang)
    except ValueError:
        raise BadRequest("Bảng quá lớn cho một trang Excel: hãy tải CSV hoặc Parquet, hoặc chọn một năm.",
                         "The table is too large for one Excel sheet: download CSV or Parquet, or pick a year.",
                         "csv | parquet") from None
    return attachment(payload, f"{table.file_stem}.{found['fmt']}", MEDIA[found["fmt"]])


TEMPLATE_FILE = re.compile(r"(?P<code>[a-z][a-z0-9_]{0,40})\.xlsx")


@api("/api/v1/templates/{file}", "The blank XLSX form of a raw-data template (<code>.xlsx, codes as on the Data "
     "page): no data in it; each download is recorded.", response_schema="File")
def template_form(caller: Caller, query: dict[str, str], version: str) -> Any:
    import service
    from service import audit

    found = TEMPLATE_FILE.fullmatch(query.pop("_file", ""))
    codes = list(service.templates(caller.quiet()))
    if found is None or found["code"] not in codes:
        raise BadRequest("Không có biểu mẫu này.", "No such template.", ", ".join(f"{c}.xlsx" for c in codes))
    form = service.template_form(caller.quiet(), found["code"])
    name = service.templates(caller.quiet())[found["code"]].file_stem() + ".xlsx"
    audit.record(caller, "download", {"template": found["code"]}, 0, version)
    return attachment(form, name, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
