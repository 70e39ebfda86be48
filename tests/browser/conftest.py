"""A running app and a headless Debian Chromium driven by Playwright, for the browser journeys.

The server is started on a free local port against the session's demo warehouse (HANOI_DATA_DIR).
Screenshots go to $SCREENSHOT_DIR (default: /tmp/hanoi-kpi-screenshots) so a developer can open them.
"""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

import serverhelpers

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic",
]
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOT_DIR = Path(os.environ.get("SCREENSHOT_DIR", "/tmp/hanoi-kpi-screenshots"))


PORTAL_ANCESTORS = "'self' http://127.0.0.1:*"
"""The test servers may be framed by a page on 127.0.0.1 (the stand-in IOC portal), not by 'localhost'."""


@pytest.fixture
def portal():
    """`portal(host, src) -> url`: a stand-in IOC portal page on its own local port that embeds `src`."""
    import http.server
    import threading

    servers = []

    def make(host: str, src: str) -> str:
        html = (f'<html><body style="margin:0;background:#000"><iframe src="{src}" '
                'style="border:0;width:1920px;height:1080px"></iframe></body></html>').encode()

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - the stdlib's name
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.end_headers()
                self.wfile.write(html)

            def log_message(self, *args):  # quiet
                pass

        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://{host}:{server.server_address[1]}/portal"

    yield make
    for server in servers:
        server.shutdown()


def start_server(extra_env: dict[str, str] | None = None) -> tuple[str, subprocess.Popen]:
    """The test server (tests/serverhelpers.py) for a browser journey, framable by the stand-in portal;
    skipped where Debian's Chromium is missing."""
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed (the README's test command installs it)")
    return serverhelpers.start_server({"HANOI_FRAME_ANCESTORS": PORTAL_ANCESTORS, **(extra_env or {})})


stop_server = serverhelpers.stop_server


@pytest.fixture(scope="session")
def app_url(demo_version: str) -> str:
    """Base URL of a Streamlit server running app.py on the test warehouse."""
    url, proc = start_server()
    yield url
    stop_server(proc)


@pytest.fixture
def own_server(tmp_path, demo_version):
    """(url, data folder): a server of its own over a copy of the session's warehouse, for a test that
    publishes into it (the other tests keep reading the session's version)."""
    import shutil

    from store.paths import curated_dir

    root = tmp_path / "curated"
    shutil.copytree(curated_dir(), root)
    url, proc = start_server({"HANOI_DATA_DIR": str(root)})
    yield url, root
    stop_server(proc)


@pytest.fixture(scope="module")
def browser():
    """One Chromium per test module. Not per session: Playwright's sync API keeps an event loop running in
    the main thread while it is open, and the tests after the browser folder (the benchmark harness's
    asyncio websocket client) need that thread free."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    # Streamlit scrolls inside its own container, so a tall viewport is what makes a "full page" shot.
    context = browser.new_context(viewport={"width": 1500, "height": 4200}, locale="vi-VN")
    pg = context.new_page()
    yield pg
    context.close()


def screenshot(page, name: str) -> Path:
    """Save a full-page PNG for a human to look at; returns its path."""
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOT_DIR / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
