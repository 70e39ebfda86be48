"""Every download a page offers, fetched from a real server: refused without the user's identity, and with it
exactly one audit event (user, role, parameters, rows) per file, in a formula-safe file."""
from __future__ import annotations

import csv
import io

import openpyxl
import pandas as pd
import pytest

from apphelpers import run_app
from serverhelpers import get, start_server, stop_server
from service.access import token_hash
from store.audit import AuditLog

TOKEN = "hkpi_" + "7" * 40
ACCESS = f'''
[tokens.analyst]
sha256 = "{token_hash(TOKEN)}"
role = "analyst"
admin = true
'''
PAGES = {None: {}, "map": {}, "map#demand": {"che_do": "nhu_cau"}, "commune": {"xa": "10417"}, "sectors": {},
         "trends": {}, "forecast": {}, "data": {}, "audit": {}}


@pytest.fixture(scope="module")
def server(tmp_path_factory, demo_version):
    folder = tmp_path_factory.mktemp("downloads")
    (folder / "access.toml").write_text(ACCESS, encoding="utf-8")
    url, proc = start_server({"HANOI_DEV_MODE": None, "HANOI_ACCESS_FILE": str(folder / "access.toml"),
                              "HANOI_AUDIT_DIR": str(folder / "audit")})
    yield url, AuditLog(folder / "audit")
    stop_server(proc)


@pytest.fixture(scope="module")
def offered(demo_version) -> list[tuple[str, str]]:
    """(page, url) of every download link the pages show an administrator-analyst."""
    links = []
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HANOI_DEV_USER", "dev.analyst")
        for page, params in PAGES.items():
            at = run_app(page.split("#")[0] if page else None, **params)
            assert not at.exception, page
            for button in at.get("link_button"):
                if button.proto.url.startswith("/api/v1/"):
                    links.append((page or "overview", button.proto.url))
    return links


def test_every_page_offers_its_downloads_through_the_api_route(offered):
    pages = {page for page, _ in offered}
    assert {"overview", "map", "map#demand", "commune", "sectors", "trends", "data", "audit"} <= pages
    names = {url.split("/")[4].split(".")[0] for _, url in offered if "/downloads/" in url}
    assert {"tong-quan", "ban-do", "nhu-cau", "ho-so", "nganh", "ke-hoach", "bang", "nhat-ky"} <= names
    assert any("/briefings/" in url for _, url in offered) and any("/templates/" in url for _, url in offered)


def test_each_download_is_refused_without_identity_and_one_event_with_it(server, offered):
    url, trail = server
    for page, link in offered:
        status, _, _ = get(url + link)
        assert status == 401, (page, link)
        before = len(trail.read().events)
        status, headers, body = get(url + link, {"Authorization": f"Bearer {TOKEN}"}, timeout=180)
        assert status == 200, (page, link, body[:300])
        assert headers["content-disposition"].startswith("attachment;"), link
        events = trail.read().events[before:]
        assert [e["action"] for e in events] in (["download"], ["export"]), (link, events)
        event = events[0]
        assert event["user"] == "token:analyst" and event["role"] == "analyst" and event["channel"] == "api"
        assert event["rows"] is not None and event["params"], link
        if link.split("?")[0].endswith(".csv"):
            _no_live_formula_csv(body)
        elif link.split("?")[0].endswith(".xlsx"):
            _no_live_formula_xlsx(body)


TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def _is_number(text: str) -> bool:
    try:
        float(text)
        return True
    except ValueError:
        return False


def _no_live_formula_csv(body: bytes) -> None:
    for row in csv.reader(io.StringIO(body.decode("utf-8-sig"))):
        for cell in row:
            assert not (cell.startswith(TRIGGERS) and not _is_number(cell)), cell


def _no_live_formula_xlsx(body: bytes) -> None:
    book = openpyxl.load_workbook(io.BytesIO(body))
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    assert not (cell.value.startswith(TRIGGERS) and not _is_number(cell.value)), cell.value


def test_every_parameter_an_export_reads_is_accepted_by_the_download_route():
    """A parameter the route does not list is refused with 400: an export reading one would never be served."""
    from api.downloads import DOWNLOAD_PARAMS
    from service.exports import EXPORTS

    accepted = {p.name for p in DOWNLOAD_PARAMS}
    assert {name: set(e.params) - accepted for name, e in EXPORTS.items() if set(e.params) - accepted} == {}


PAYLOAD = '=HYPERLINK("evil.example","bấm")'  # a file name cannot hold a slash


def test_formula_payloads_from_a_file_come_out_neutralised(tmp_path, demo_version):
    """The attack of issue 12: a file whose name and cells are formulas is ingested and published; its
    ingest-log and quarantine-reason downloads, fetched from a real server, hold the text, never a formula."""
    from pipeline.ingest import ingest_file
    from pipeline.publish import publish_staged
    from store.paths import SAMPLES_DIR
    from warehouse_copy import demo_copy

    (tmp_path / "access.toml").write_text(ACCESS, encoding="utf-8")
    with demo_copy(demo_version, tmp_path / "curated") as root:
        hostile = tmp_path / f"{PAYLOAD}.csv"
        lines = (SAMPLES_DIR / "bao_cao_xa_2026-09.csv").read_text(encoding="utf-8-sig").splitlines()[:4]
        first = lines[1].split(";")
        first[2] = "@SUM(1+1)*cmd|' /C calc'!A0"  # the period cell of one row: quarantined with its text
        hostile.write_text("\n".join([lines[0], ";".join(first), *lines[2:]]) + "\n", encoding="utf-8")
        report = ingest_file(hostile, as_of=pd.Timestamp("2026-10-01"))
        assert report.quarantined >= 1
        publish_staged()
        url, proc = start_server({"HANOI_DEV_MODE": None, "HANOI_ACCESS_FILE": str(tmp_path / "access.toml"),
                                  "HANOI_AUDIT_DIR": str(tmp_path / "audit"), "HANOI_DATA_DIR": str(root)})
    try:
        bearer = {"Authorization": f"Bearer {TOKEN}"}
        seen = []
        for table in ("ingest_log", "quarantine_reasons"):
            status, _, body = get(url + f"/api/v1/downloads/bang.csv?table={table}", bearer, timeout=120)
            assert status == 200, body[:300]
            _no_live_formula_csv(body)
            seen.append(body.decode("utf-8-sig"))
            status, _, body = get(url + f"/api/v1/downloads/bang.xlsx?table={table}", bearer, timeout=120)
            assert status == 200
            _no_live_formula_xlsx(body)
            cells = [c.value for s in openpyxl.load_workbook(io.BytesIO(body)).worksheets for r in s.iter_rows()
                     for c in r]
            assert any(isinstance(v, str) and PAYLOAD in v for v in cells) or table != "ingest_log"
    finally:
        stop_server(proc)
    assert f"'{PAYLOAD}.csv" in seen[0].replace('""', '"')  # the file name kept, as text
