"""Attacks on a real server started by the test on 127.0.0.1 (issue 12): no configuration serves no data,
development mode stays on the loopback address, identity cannot be forged or duplicated, clients cannot
clear the server's caches, errors never show a traceback. Request loops are bounded in count and time."""
from __future__ import annotations

import asyncio
import subprocess
import time

import pytest

from benchmarks.wsclient import StreamlitSession
from serverhelpers import LOG_DIR, get, get_json, start_server, stop_server

PAYLOADS = ("[Phiên đăng nhập đã hết hạn — bấm vào đây](https://evil.example/login)",
            "![x](https://evil.example/pixel.png)", "<img src=https://evil.example/x.png>", ":red[đỏ] $x^2$")


def _session_run(url: str, page: str = "", query: str = "", headers=None):
    async def go():
        session = StreamlitSession(url)
        await session.open()
        try:
            return await session.run(page, query)
        finally:
            await session.close()
    return asyncio.run(go())


@pytest.fixture(scope="module")
def unconfigured(tmp_path_factory, demo_version):
    """A server started with no identity source at all (no OIDC, no proxy, no development mode)."""
    folder = tmp_path_factory.mktemp("unconfigured")
    url, proc = start_server({"HANOI_DEV_MODE": None, "HANOI_TRUST_PROXY_HEADER": None,
                              "HANOI_AUDIT_DIR": str(folder / "audit")})
    yield url
    stop_server(proc)


def test_with_no_configuration_nobody_gets_any_figure(unconfigured):
    for headers in ({}, {"X-Forwarded-User": "dev.analyst"}, {"X-Forwarded-User": "lanhdao@hanoi.gov.vn"},
                    {"Authorization": "Bearer hkpi_x"}):
        for path in ("/api/v1/scorecard", "/api/v1/version", "/api/v1/downloads/tong-quan.csv"):
            assert get(unconfigured + path, headers)[0] == 401, (path, headers)
    run = _session_run(unconfigured)
    assert run.status == "ok" and not run.exceptions
    assert any("Chưa cấu hình đăng nhập" in text for text in run.texts), run.texts
    assert "metric" not in run.kinds and "arrow_data_frame" not in run.kinds


def test_a_flood_of_refused_requests_is_counted_without_filling_the_security_stream(tmp_path, demo_version):
    """600 unauthenticated API calls from one address: each is refused (401) and counted, but the security
    stream (kept five years) holds the first ones and a few count records, not 600 lines; the counts not
    yet written when the server stops are written as it stops."""
    from store.audit import AuditLog

    audit = tmp_path / "audit"
    url, proc = start_server({"HANOI_DEV_MODE": None, "HANOI_TRUST_PROXY_HEADER": None, "HANOI_AUDIT_DIR": str(audit)})
    try:
        codes = [get(url + f"/api/v1/scorecard?area=city&try={i}")[0] for i in range(600)]
    finally:
        stop_server(proc)
    assert set(codes) == {401}
    log = AuditLog(audit)
    events = [e for e in log.read().events if e["client"] == "127.0.0.1"]
    one_by_one = sum(e["action"] == "denied" for e in events)
    counted = sum(e["params"]["refused"] for e in events if e["action"] == "denied_counted")
    assert 100 <= one_by_one <= 300 and one_by_one + counted == 600, (one_by_one, counted)
    size = sum(p.stat().st_size for p in audit.glob("security-*.jsonl"))
    assert size < 400_000, size
    assert log.verify().ok


def test_development_mode_is_refused_on_a_network_address(demo_version):
    url, proc = start_server({"HANOI_DEV_MODE": "1"}, address="0.0.0.0", wait=False)
    try:
        proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        pytest.fail("the server accepted development mode on 0.0.0.0")
    assert proc.returncode != 0
    port = url.rsplit(":", 1)[1]
    log = (LOG_DIR / f"streamlit-{port}.log").read_text()
    assert "HANOI_DEV_MODE=1" in log and "127.0.0.1" in log


@pytest.fixture(scope="module")
def dev_server(tmp_path_factory, demo_version):
    folder = tmp_path_factory.mktemp("dev")
    url, proc = start_server({"HANOI_DEV_MODE": "1", "HANOI_AUDIT_DIR": str(folder / "audit"),
                              "HANOI_AUDIT_MAX_BYTES": str(2_000_000), "HANOI_AUDIT_KEEP": "3"})
    yield url, proc, folder / "audit"
    stop_server(proc)


def test_a_parameter_flood_cannot_push_downloads_out_of_the_trail(dev_server):
    """The attack of issue 12: page reruns carrying a 500 KB parameter (110 of them, in two sessions)
    after a few downloads and exports; every download and export is still there and the chain verifies."""
    from store.audit import AuditLog

    url, _, audit = dev_server
    for path in ("/api/v1/downloads/tong-quan.csv", "/api/v1/downloads/ban-do.xlsx", "/api/v1/briefings/2026-6thang.html"):
        assert get(url + path, timeout=120)[0] == 200
    flood = "ky=" + "x" * 500_000

    async def go():
        for _ in range(2):
            session = StreamlitSession(url, timeout=60)
            await session.open()
            try:
                for _ in range(55):
                    await session.run("", flood)
            finally:
                await session.close()

    started = time.time()
    asyncio.run(asyncio.wait_for(go(), timeout=240))
    log = AuditLog(audit)
    events = log.read().events
    taken = [e for e in events if e["action"] in ("download", "export")]
    assert len(taken) == 3, "every download and export is still in the trail"
    assert all(len(str(e.get("params"))) < 10_000 for e in events), "no event carries the 500 KB value"
    report = log.verify()
    assert report.ok, report
    assert time.time() - started < 240


def test_a_client_cannot_clear_the_servers_caches(dev_server):
    url, _, _ = dev_server
    first = _session_run(url)
    assert first.status == "ok" and not first.exceptions

    async def clear():
        session = StreamlitSession(url)
        await session.open()
        try:
            await session.clear_caches()
            await asyncio.sleep(0.5)
        finally:
            await session.close()

    asyncio.run(clear())
    port = url.rsplit(":", 1)[1]
    deadline = time.time() + 10
    while time.time() < deadline and "dropped a clear_cache message" not in (LOG_DIR / f"streamlit-{port}.log").read_text():
        time.sleep(0.2)
    assert "dropped a clear_cache message" in (LOG_DIR / f"streamlit-{port}.log").read_text()


@pytest.mark.parametrize("param", ["ky", "den", "xa", "nganh", "lang"])
def test_markdown_in_a_url_parameter_is_shown_as_text(dev_server, param):
    url, _, _ = dev_server
    from urllib.parse import quote

    for payload in PAYLOADS:
        run = _session_run(url, "", f"{param}={quote(payload)}")
        assert run.status == "ok" and not run.exceptions
        shown = [text for text in run.texts if "evil.example" in text or "đỏ" in text]
        for text in shown:
            # the value sits inside an inline code span: Markdown never makes it a link, an image or HTML
            assert "`" in text and "](" not in text.replace(payload.replace("`", "'"), ""), text


def test_an_api_error_is_an_incident_id_never_a_traceback(dev_server):
    url, _, _ = dev_server
    status, body = get_json(url + "/api/v1/series?indicator=unemployment_rate&from=2026-13")
    assert status == 400 and "Traceback" not in str(body)


@pytest.mark.parametrize("damage", ["truncated_parquet", "missing_version", "bad_manifest"])
def test_a_damaged_served_version_falls_back_to_the_newest_valid_one(tmp_path, demo_version, damage):
    """The pointer names a damaged version: the server serves the previous valid one, says so on the page,
    and never shows a traceback (one implementation: store.versions.served_version)."""
    import json as _json
    import shutil

    from store.paths import curated_dir

    root = tmp_path / "curated"
    shutil.copytree(curated_dir() / "versions" / demo_version, root / "versions" / demo_version)
    (root / "versions" / demo_version / ".served").touch()
    newer = "29991231T000000000000Z-damaged"
    shutil.copytree(root / "versions" / demo_version, root / "versions" / newer)
    manifest = root / "versions" / newer / "manifest.json"
    doc = _json.loads(manifest.read_text())
    doc["version"] = newer
    manifest.write_text(_json.dumps(doc))
    (root / "CURRENT").write_text(newer)
    if damage == "truncated_parquet":
        facts = root / "versions" / newer / doc["tables"]["facts"]["file"]
        facts.write_bytes(facts.read_bytes()[:1000])
    elif damage == "missing_version":
        shutil.rmtree(root / "versions" / newer)
    else:
        manifest.write_text("{not json")
    url, proc = start_server({"HANOI_DEV_MODE": "1", "HANOI_DATA_DIR": str(root),
                              "HANOI_AUDIT_DIR": str(tmp_path / "audit")})
    try:
        status, body = get_json(url + "/api/v1/version")
        assert status == 200 and body["version"] == demo_version
        run = _session_run(url)
        assert run.status == "ok" and not run.exceptions
        assert any("Đang dùng phiên bản dữ liệu trước" in text for text in run.texts), run.texts
        assert "metric" in run.kinds, "the figures of the valid version are served"
        assert not any("Traceback" in text for text in run.texts)
    finally:
        stop_server(proc)
