"""A real server for the tests that talk HTTP to it (the API, the attacks, the browser journeys):
`streamlit run app.py` on a free loopback port, with the test environment plus what the test sets."""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LOG_DIR = Path(os.environ.get("SCREENSHOT_DIR", "/tmp/hanoi-kpi-screenshots"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(extra_env: dict[str, str] | None = None, address: str = "127.0.0.1",
                 wait: bool = True) -> tuple[str, subprocess.Popen]:
    """Start the server; returns (base URL, process). Values of `extra_env` that are None are removed."""
    port = free_port()
    env = {**os.environ}
    for key, value in (extra_env or {}).items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    log = open(LOG_DIR / f"streamlit-{port}.log", "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.headless", "true",
         "--server.port", str(port), "--server.address", address, "--browser.gatherUsageStats", "false",
         "--server.fileWatcherType", "none"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    if not wait:
        return url, proc
    deadline = time.time() + 90
    while time.time() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"the server exited with {proc.returncode}: {(LOG_DIR / f'streamlit-{port}.log').read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as resp:
                if resp.status == 200:
                    return url, proc
        except OSError:
            time.sleep(0.3)
    proc.kill()
    pytest.fail("the server did not start within 90 s")


def stop_server(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


def get(url: str, headers: dict[str, str] | list[tuple[str, str]] | None = None, timeout: float = 60
        ) -> tuple[int, dict[str, str], bytes]:
    """(status, headers, body) of a GET. Header pairs may repeat a name (a forged duplicate), which
    urllib cannot send, hence http.client."""
    import http.client
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    conn.putrequest("GET", target)
    for name, value in (list(headers.items()) if isinstance(headers, dict) else list(headers or [])):
        conn.putheader(name, value)
    conn.endheaders()
    resp = conn.getresponse()
    body = resp.read()
    conn.close()
    return resp.status, {k.lower(): v for k, v in resp.getheaders()}, body


def get_json(url: str, headers=None) -> tuple[int, dict]:
    status, _, body = get(url, headers)
    return status, json.loads(body) if body else {}
