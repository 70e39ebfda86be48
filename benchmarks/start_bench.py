"""From `./run.sh` to the landing page's cards visible: `python -m benchmarks.start_bench [--runs N]`.

Two starts, as issue 17 budgets them: with the venv built and NO data yet (run.sh publishes the demo
first: 10 s budget), and again with the data published (3 s budget). Each runs the real `./run.sh` with
an empty (then the filled) temporary data folder, its own audit folder and a free port; a headless
Chromium (launched before the clock starts: a user's browser is already open) polls the URL until the
server answers, then waits for the Overview's 25 cards (benchmarks/pages.py). The load average is
recorded beside every figure. Nothing is asserted: figures go to docs/performance.md.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.pages import PAGES
from benchmarks.server import CHROMIUM, CHROMIUM_ARGS, ROOT, free_port

START_BUDGET_NO_DATA_S = 10.0
START_BUDGET_WITH_DATA_S = 3.0


def _load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def start_once(browser, data_dir: Path, audit_dir: Path, log: Path, timeout_s: float = 300) -> dict:
    """One `./run.sh` start: seconds to the 25 cards visible (and to the server answering)."""
    port = free_port()
    env = {**os.environ, "HANOI_DATA_DIR": str(data_dir), "HANOI_AUDIT_DIR": str(audit_dir)}
    url = f"http://127.0.0.1:{port}/"
    load = _load()
    page = browser.new_page(viewport={"width": 1500, "height": 1000}, locale="vi-VN")
    started = time.perf_counter()
    with log.open("w") as fh:
        proc = subprocess.Popen([str(ROOT / "run.sh"), "--server.port", str(port), "--server.fileWatcherType", "none"],
                                cwd=ROOT, env=env, stdout=fh, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        answered = None
        while time.perf_counter() - started < timeout_s:
            if proc.poll() is not None:
                raise RuntimeError(f"run.sh exited with {proc.returncode}; see {log}")
            try:
                page.goto(url, wait_until="commit", timeout=2_000)
                answered = time.perf_counter() - started
                break
            except Exception:  # noqa: BLE001 - not listening yet
                time.sleep(0.1)
        if answered is None:
            raise RuntimeError(f"no answer within {timeout_s} s; see {log}")
        page.wait_for_function(f"() => ({PAGES[0].main})", timeout=timeout_s * 1000, polling="raf")
        visible = time.perf_counter() - started
        return {"cards_visible_s": round(visible, 2), "server_answered_s": round(answered, 2),
                "load_average_before": load, "load_average_after": _load()}
    finally:
        page.close()
        os.killpg(proc.pid, signal.SIGTERM)  # run.sh's own process group (start_new_session): the server only
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


def run(runs: int = 1) -> dict:
    from playwright.sync_api import sync_playwright

    out: dict = {"no_data": [], "with_data": []}
    with sync_playwright() as p, tempfile.TemporaryDirectory(prefix="start-bench-") as tmp:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        root = Path(tmp)
        for i in range(runs):
            data = root / f"curated-{i}"
            shutil.rmtree(data, ignore_errors=True)
            data.mkdir()
            out["no_data"].append(start_once(browser, data, root / "audit", root / f"run-{i}-empty.log"))
            out["with_data"].append(start_once(browser, data, root / "audit", root / f"run-{i}-data.log"))
        browser.close()
    out["budgets_s"] = {"no_data": START_BUDGET_NO_DATA_S, "with_data": START_BUDGET_WITH_DATA_S}
    out["method"] = ("./run.sh on a free port with an empty temporary HANOI_DATA_DIR (then the same folder, published); "
                     "headless Chromium polls the URL and waits for the Overview's 25 cards; seconds from launch")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.start_bench", description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "start.json")
    args = parser.parse_args(argv)
    report = run(args.runs)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2), encoding="utf-8")
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
