"""A Streamlit server for the benchmarks: app.py on a free port of 127.0.0.1, on the benchmark's warehouse.

Same command as the browser tests (tests/browser/conftest.py), with its own data folder
(`HANOI_DATA_DIR`), its own audit folder (so a load test never writes into the developer's audit trail)
and a log file, which the load test searches for tracebacks afterwards.
"""
from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    url: str
    proc: subprocess.Popen
    log: Path
    started_ms: float  # process start -> health check answers

    def rss_mb(self) -> float | None:
        """Resident memory of the server process and all its children, in MB (psutil; None without it)."""
        try:
            import psutil
        except ImportError:  # psutil==7.2.2 is the harness's one extra package (docs/performance.md)
            return None

        try:
            parent = psutil.Process(self.proc.pid)
            procs = [parent] + parent.children(recursive=True)
        except psutil.NoSuchProcess:
            return 0.0
        total = 0
        for p in procs:
            try:
                total += p.memory_info().rss
            except psutil.NoSuchProcess:
                pass
        return round(total / 1e6, 1)

    def log_problems(self) -> dict:
        """Tracebacks and error lines the server wrote to its log (a thread-safety problem shows up here)."""
        text = self.log.read_text(encoding="utf-8", errors="replace") if self.log.exists() else ""
        tracebacks = text.count("Traceback (most recent call last)")
        errors = [line for line in text.splitlines()
                  if re.search(r"\b(ERROR|Exception|Error:)\b", line) and "DeprecationWarning" not in line]
        duck = [line for line in errors if "duckdb" in line.lower()]
        return {"tracebacks": tracebacks, "error_lines": len(errors), "duckdb_errors": len(duck),
                "first_errors": errors[:5]}

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)


def start_server(data_dir: Path, audit_dir: Path, log_dir: Path, extra_env: dict[str, str] | None = None,
                 timeout: float = 120, script: Path = ROOT / "app.py") -> Server:
    """Start `streamlit run <script>` (the app; the floor app for benchmarks/floor_bench.py) headless on
    127.0.0.1 and a free port; returns when /_stcore/health answers."""
    port = free_port()
    env = {**os.environ, "HANOI_DATA_DIR": str(data_dir), "HANOI_AUDIT_DIR": str(audit_dir), "HANOI_DEV_MODE": "1",
           **(extra_env or {})}
    env["PYTHONPATH"] = str(ROOT) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    log_dir.mkdir(parents=True, exist_ok=True)
    log = log_dir / f"streamlit-{port}.log"
    started = time.perf_counter()
    with log.open("w") as fh:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(script), "--server.headless", "true",
             "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
             "--server.fileWatcherType", "none", "--server.runOnSave", "false"],
            cwd=ROOT, env=env, stdout=fh, stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with {proc.returncode}; see {log}")
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as resp:
                if resp.status == 200:
                    return Server(url, proc, log, round((time.perf_counter() - started) * 1000, 1))
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError(f"the app did not start within {timeout} s; see {log}")
