"""The read-only API (api/) on a real server started by the test: identity, roles, bad input, caching,
downloads, the OpenAPI document against real answers, and one audit event per call."""
from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest

from serverhelpers import get, get_json, start_server, stop_server
from service.access import token_hash
from store.audit import AuditLog
from store.catalogue import load_catalogue

KPIS = len(load_catalogue().indicators)
OWN, OTHER = "10417", "00004"
SECRET = "proxy-shared-secret-for-tests"
TOKEN_LEADER = "hkpi_" + "1" * 40
TOKEN_OFFICIAL = "hkpi_" + "2" * 40
TOKEN_VIEWER = "hkpi_" + "3" * 40
ACCESS = f'''
[users."lanhdao@hanoi.gov.vn"]
role = "leader"
[users."phantich@hanoi.gov.vn"]
role = "analyst"
admin = true
[users."canbo.hoaxa@hanoi.gov.vn"]
role = "commune_official"
commune = "{OWN}"
[tokens.ioc]
sha256 = "{token_hash(TOKEN_LEADER)}"
role = "leader"
name = "IOC"
[tokens.hoaxa]
sha256 = "{token_hash(TOKEN_OFFICIAL)}"
role = "commune_official"
commune = "{OWN}"
[tokens.public]
sha256 = "{token_hash(TOKEN_VIEWER)}"
role = "viewer"
'''


@pytest.fixture(scope="module")
def server(tmp_path_factory, demo_version):
    folder = tmp_path_factory.mktemp("api")
    (folder / "access.toml").write_text(ACCESS, encoding="utf-8")
    audit = folder / "audit"
    url, proc = start_server({"HANOI_DEV_MODE": None, "HANOI_TRUST_PROXY_HEADER": "1", "HANOI_PROXY_SECRET": SECRET,
                              "HANOI_ACCESS_FILE": str(folder / "access.toml"), "HANOI_AUDIT_DIR": str(audit)})
    yield url, AuditLog(audit)
    stop_server(proc)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def proxied(user: str) -> dict[str, str]:
    return {"X-Forwarded-User": user, "X-Proxy-Secret": SECRET}


@pytest.fixture(scope="module")
def openapi(server):
    status, doc = get_json(server[0] + "/api/v1/openapi.json")
    assert status == 200
    return doc


def _schema(openapi: dict, name: str) -> dict:
    return {**openapi["components"]["schemas"][name], "$defs": openapi["components"]["schemas"]}


def test_health_answers_without_identity_and_says_nothing_else(server):
    status, body = get_json(server[0] + "/api/v1/health")
    assert status == 200 and set(body) == {"status", "version"}


def test_no_identity_is_401_and_recorded(server):
    url, trail = server
    before = len(trail.read().events)
    status, body = get_json(url + f"/api/v1/scorecard?area={OWN}")
    assert status == 401 and body["error"]["message_vi"] and body["error"]["message_en"]
    events = trail.read().events[before:]
    assert [e["action"] for e in events] == ["denied"] and events[0]["channel"] == "api"


def test_the_scorecard_answers_in_the_documented_schema_with_provenance(server, openapi):
    url, trail = server
    before = len(trail.read().events)
    status, body = get_json(url + f"/api/v1/scorecard?area={OWN}&grain=month&period=2026-10", bearer(TOKEN_LEADER))
    assert status == 200
    jsonschema.validate(body, _schema(openapi, "Scorecard"))
    assert len(body["indicators"]) == KPIS and body["area"]["name_vi"] == "Xã Hòa Xá (10417)"
    for kpi in body["indicators"]:
        assert {"status", "source", "vintage", "suppressed"} <= set(kpi)
        if kpi["value"] is not None:
            assert kpi["status"] == "demo" and kpi["source"] and kpi["vintage"]
    events = trail.read().events[before:]
    assert [e["action"] for e in events] == ["api_read"], "one call, one event"
    assert events[0]["user"] == "token:ioc" and events[0]["params"]["area"] == OWN


@pytest.mark.parametrize("path, schema", [
    ("/api/v1/version", "Version"), ("/api/v1/indicators", "Indicators"),
    ("/api/v1/series?indicator=unemployment_rate&area=city&grain=quarter&from=2024-01&to=2026-10", "Series"),
    ("/api/v1/map?indicator=trained_share&grain=year&period=2026", "Map"),
    ("/api/v1/forecast?indicator=unemployment_rate&area=city", "Forecast"),
])
def test_every_json_endpoint_matches_its_schema(server, openapi, path, schema):
    status, body = get_json(server[0] + path, bearer(TOKEN_LEADER))
    assert status == 200, body
    jsonschema.validate(body, _schema(openapi, schema))


def test_the_openapi_document_lists_every_endpoint_and_the_docs_describe_each(openapi):
    from api.routes import ENDPOINTS  # every endpoint module declared

    assert set(openapi["paths"]) == {e.path for e in ENDPOINTS}
    docs = (Path(__file__).resolve().parent.parent / "docs" / "api.md").read_text(encoding="utf-8")
    for endpoint in ENDPOINTS:
        section = docs.split(f"`GET {endpoint.path}`", 1)
        assert len(section) == 2, f"{endpoint.path} is not documented in docs/api.md"
        body = section[1].split("\n### ", 1)[0]
        for param in endpoint.params:
            assert f"`{param.name}`" in body, f"{endpoint.path}: parameter {param.name} is not documented"


def test_an_unchanged_answer_is_a_304_against_its_etag(server):
    url = server[0] + "/api/v1/scorecard?area=city"
    status, headers, _ = get(url, bearer(TOKEN_LEADER))
    assert status == 200 and headers["etag"] and "no-cache" in headers["cache-control"]
    again, _, body = get(url, {**bearer(TOKEN_LEADER), "If-None-Match": headers["etag"]})
    assert again == 304 and body == b""
    other, _, _ = get(url, {**bearer(TOKEN_OFFICIAL), "If-None-Match": headers["etag"]})
    assert other == 200, "another caller's view has another tag"


def test_a_commune_official_reaches_no_other_commune(server):
    url, trail = server
    for who in (bearer(TOKEN_OFFICIAL), proxied("canbo.hoaxa@hanoi.gov.vn")):
        status, body = get_json(url + f"/api/v1/scorecard?area={OTHER}", who)
        assert status == 403 and "Phường Ba Đình (00004)" in body["error"]["message_vi"]
        assert "Ba Dinh" in body["error"]["message_en"]
        status, body = get_json(url + f"/api/v1/series?indicator=trained_share&area={OTHER}", who)
        assert status == 403
        status, body = get_json(url + "/api/v1/map?indicator=trained_share", who)
        assert status == 200 and [c["code"] for c in body["communes"]] == [OWN]
        status, body = get_json(url + f"/api/v1/scorecard?area={OWN}", who)
        assert status == 200
    assert any(e["action"] == "denied" and e["params"].get("area") == OTHER for e in trail.read().events)


def test_the_public_gets_city_aggregates_only(server):
    url = server[0]
    assert get_json(url + "/api/v1/scorecard?area=city", bearer(TOKEN_VIEWER))[0] == 200
    assert get_json(url + f"/api/v1/scorecard?area={OWN}", bearer(TOKEN_VIEWER))[0] == 403
    assert get_json(url + "/api/v1/map?indicator=trained_share", bearer(TOKEN_VIEWER))[0] == 403
    assert get(url + "/api/v1/downloads/tong-quan.csv", bearer(TOKEN_VIEWER))[0] == 403


@pytest.mark.parametrize("query, fragment", [
    ("/api/v1/scorecard?area=99999", "city | <5-digit commune code>"),
    ("/api/v1/scorecard?grain=week", "month | quarter | year | ytd"),
    ("/api/v1/scorecard?period=10/2026", "YYYY-MM"),
    ("/api/v1/scorecard?period=2031-01", "2020-01 .. 2026-10"),
    ("/api/v1/scorecard?period=2019-12", "2020-01 .. 2026-10"),
    ("/api/v1/series?indicator=nope", "unemployment_rate"),
    ("/api/v1/series?area=city", "indicator"),
    ("/api/v1/scorecard?colour=red", "area, grain, period, sectors"),
    ("/api/v1/scorecard?area=city&area=10417", "each parameter once"),
    ("/api/v1/scorecard?sectors=Z", "A, B, C"),
    ("/api/v1/downloads/nope.csv", "tong-quan"),
    ("/api/v1/downloads/tong-quan.exe", "tong-quan"),
])
def test_bad_input_is_400_with_the_allowed_values_in_both_languages(server, query, fragment):
    url, trail = server
    before = len(trail.read().events)
    status, body = get_json(url + query, bearer(TOKEN_LEADER))
    assert status in (400, 404) and fragment in json.dumps(body, ensure_ascii=False), body
    if status == 400:
        assert body["error"]["message_vi"] and body["error"]["message_en"] and "Traceback" not in json.dumps(body)
        assert [e["action"] for e in trail.read().events[before:]] == ["denied"]


def test_a_long_query_string_is_refused_before_anything_runs(server):
    status, headers, body = get(server[0] + "/api/v1/scorecard?area=" + "1" * 3000, bearer(TOKEN_LEADER))
    assert status == 414 and b"2048" in body


def test_downloads_need_identity_and_are_one_event_each(server):
    url, trail = server
    path = f"/api/v1/downloads/tong-quan.csv?area={OWN}&grain=month&period=2026-10"
    assert get(url + path)[0] == 401, "a download link fetched without the user's identity is refused"
    before = len(trail.read().events)
    status, headers, body = get(url + path, bearer(TOKEN_OFFICIAL))
    assert status == 200 and "attachment" in headers["content-disposition"]
    text = body.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("indicator,name,value") and "demo" in text
    events = trail.read().events[before:]
    assert [e["action"] for e in events] == ["download"]
    assert events[0]["rows"] == KPIS and events[0]["params"]["area"] == OWN and events[0]["role"] == "commune_official"
    assert get(url + f"/api/v1/downloads/tong-quan.csv?area={OTHER}", bearer(TOKEN_OFFICIAL))[0] == 403


def test_the_api_scorecard_is_the_overview_page(server, monkeypatch):
    """area=10417&grain=month&period=2026-10: the same values and verdicts as the Overview for that view."""
    from apphelpers import run_app

    status, body = get_json(server[0] + f"/api/v1/scorecard?area={OWN}&grain=month&period=2026-10",
                            bearer(TOKEN_LEADER))
    assert status == 200
    monkeypatch.setenv("HANOI_DEV_USER", "lanhdao@hanoi.gov.vn")
    at = run_app(xa=OWN, ky="month", den="2026-10")
    assert not at.exception
    table = at.dataframe[0].value
    name, value, verdict = (c for c in table.columns if c.startswith(("Chỉ tiêu", "Giá trị", "Trạng thái")))
    page = {row[name]: (row[value], row[verdict]) for row in table.to_dict("records")}
    from i18n.strings import t

    for kpi in body["indicators"]:
        shown_value, shown_verdict = page[kpi["indicator"]["name_vi"]]
        assert shown_verdict == t("status_" + kpi["verdict"]["status"], "vi")
        if kpi["value"] is None:
            assert shown_value != shown_value or shown_value is None
        else:
            assert shown_value == pytest.approx(kpi["value"])


def test_the_proxy_header_is_believed_only_with_its_secret_and_once(server):
    url = server[0] + "/api/v1/scorecard?area=city"
    assert get(url, proxied("lanhdao@hanoi.gov.vn"))[0] == 200
    assert get(url, {"X-Forwarded-User": "lanhdao@hanoi.gov.vn"})[0] == 401, "no secret: a client at the port"
    assert get(url, {"X-Forwarded-User": "lanhdao@hanoi.gov.vn", "X-Proxy-Secret": "guess"})[0] == 401
    twice = [("X-Forwarded-User", "lanhdao@hanoi.gov.vn"), ("X-Forwarded-User", "congchung@example.vn"),
             ("X-Proxy-Secret", SECRET)]
    assert get(url, twice)[0] == 401, "a duplicated identity header is refused"
    for bad in ("", "a b", "x@y.vn, lanhdao@hanoi.gov.vn", "<script>"):
        assert get(url, [("X-Forwarded-User", bad), ("X-Proxy-Secret", SECRET)])[0] == 401, bad
    assert get(url, bearer("hkpi_forged"))[0] == 401
    assert get(url, {"Authorization": "Basic eDp5"})[0] == 401
    assert re.fullmatch(r"hkpi_\d+", TOKEN_LEADER)
