"""Every page beside its floor, in one run: `python -m benchmarks.floor_bench [--data-dir D] [--visits N]`.

Two servers on this machine at once: the app (app.py) on the benchmark's warehouse and the floor app
(benchmarks/floor_app.py: the same page shapes drawn from constants). For each page, visits alternate
app, floor, app, floor..., each visit in a fresh browser context (no HTTP cache, new session: what a
new user's visit costs), after one unmeasured visit of each that fills the servers' caches (warm). A
control change (the sidebar's area on the Overview, the map's indicator) is timed on both the same way.
Every figure is reported with its floor and the ratio, so it holds on a noisy machine; the load average
is recorded before and after. Budgets (issue 17): warm visit within 1.3x the floor; a control change
within the floor's time + 100 ms.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

from benchmarks.browser_bench import MAP_CHANGED, Traffic, _attach, change, view
from benchmarks.pages import PAGES, PageSpec, by_name, count
from benchmarks.server import CHROMIUM, CHROMIUM_ARGS, ROOT, Server, start_server

FLOOR_APP = Path(__file__).resolve().with_name("floor_app.py")
WARM_RATIO = 1.3
CONTROL_EXTRA_MS = 100.0
CAPTION = ("[...document.querySelectorAll('[data-testid=stMain] [data-testid=stCaptionContainer]')]"
           ".some(c => c.innerText.includes('{}'))")
CARDS = f"{count('[data-testid=stMetric]')} >= 25"
# (page, selectbox label, option, drawn when updated, in the sidebar)
CONTROLS = (("tong-quan", "Địa bàn", "Xã Hòa Xá (10417)", f"{CAPTION.format('Hòa Xá')} && {CARDS}", True),
            ("tong-quan", "Địa bàn", "Toàn thành phố", f"{CAPTION.format('Toàn thành phố')} && {CARDS}", True),
            ("ban-do", "Chỉ tiêu", "Tỷ lệ LLLĐ trong độ tuổi tham gia BHXH bắt buộc", MAP_CHANGED, False),
            ("ban-do", "Chỉ tiêu", "Tỷ lệ thất nghiệp chung", MAP_CHANGED, False))
# (the map opens on another indicator than the first picked: picking the shown one would not rerun)


def _load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


@contextmanager
def _fresh(browser):
    """A new browser context (no HTTP cache, no cookies: a new user) with one page and its traffic counter."""
    context = browser.new_context(viewport={"width": 1500, "height": 1000}, locale="vi-VN",
                                  timezone_id="Asia/Ho_Chi_Minh")
    try:
        page = context.new_page()
        traffic = Traffic()
        _attach(page, traffic)
        yield page, traffic
    finally:
        context.close()


def _visit(browser, base: str, spec: PageSpec) -> dict:
    """One visit in a new browser context: ms to the main content drawn and to the script's end."""
    with _fresh(browser) as (page, traffic):
        return view(page, traffic, base, spec)


def _changes(browser, base: str, page_name: str, repeats: int) -> list[dict]:
    """The controls of `page_name`, switched back and forth `repeats` times in one fresh context."""
    spec = next(p for p in PAGES if p.name == page_name)
    with _fresh(browser) as (page, traffic):
        view(page, traffic, base, spec)
        out = []
        for _ in range(repeats):
            for name, label, option, updated, sidebar in CONTROLS:
                if name == page_name:
                    out.append(change(page, traffic, label, option, updated, sidebar=sidebar))
        return out


def ratio(value: float | None, floor: float | None) -> float | None:
    return None if not value or not floor else round(value / floor, 2)


def compare(app: list[float], floor: list[float]) -> dict:
    """Medians of the app's and the floor's times, and their ratio."""
    a, f = statistics.median(app), statistics.median(floor)
    return {"app_ms": round(a, 1), "floor_ms": round(f, 1), "ratio": ratio(a, f),
            "app_runs": [round(x, 1) for x in app], "floor_runs": [round(x, 1) for x in floor]}


def run(app: Server, floor: Server, pages: tuple[PageSpec, ...] = PAGES, visits: int = 3, repeats: int = 2) -> dict:
    from playwright.sync_api import sync_playwright

    results: dict = {"load_average_at_start": _load(), "pages": [], "controls": []}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        for spec in pages:
            times: dict[str, list[dict]] = {"app": [], "floor": []}
            side = "app"
            try:
                _visit(browser, app.url, spec)  # fill both servers' caches
                side = "floor"
                _visit(browser, floor.url, spec)
                for _ in range(visits):  # alternated, so a burst of load hits both alike
                    side = "app"
                    times["app"].append(_visit(browser, app.url, spec))
                    side = "floor"
                    times["floor"].append(_visit(browser, floor.url, spec))
            except Exception as exc:  # noqa: BLE001 - one page that never draws must not lose the others
                results["failed"] = results.get("failed", []) + [{"page": spec.name, "side": side,
                                                                  "error": repr(exc)[:300]}]
                continue
            results["pages"].append({
                "page": spec.name, "main": compare([v["main_ms"] for v in times["app"]], [v["main_ms"] for v in times["floor"]]),
                "done": compare([v["done_ms"] for v in times["app"]], [v["done_ms"] for v in times["floor"]]),
                "app_bytes": int(statistics.median(v["total_bytes"] for v in times["app"])),
                "floor_bytes": int(statistics.median(v["total_bytes"] for v in times["floor"])),
                "exceptions": sum(v["exceptions"] for side in times.values() for v in side),
                "load_average": _load()})
        names = {spec.name for spec in pages}
        for page_name in dict.fromkeys(c[0] for c in CONTROLS):
            if page_name not in names:
                continue
            try:
                a = _changes(browser, app.url, page_name, repeats)
                f = _changes(browser, floor.url, page_name, repeats)
            except Exception as exc:  # noqa: BLE001
                results["failed"] = results.get("failed", []) + [{"page": page_name, "control": True,
                                                                  "error": repr(exc)[:300]}]
                continue
            for label, option in dict.fromkeys((c["control"], c["option"]) for c in a):
                am = [c["updated_ms"] for c in a if (c["control"], c["option"]) == (label, option)]
                fm = [c["updated_ms"] for c in f if (c["control"], c["option"]) == (label, option)]
                if am and fm:
                    row = compare(am, fm)
                    row["extra_ms"] = round(row["app_ms"] - row["floor_ms"], 1)
                    results["controls"].append({"page": page_name, "control": label, "option": option, **row})
        browser.close()
    results["rss_mb"] = {"app": app.rss_mb(), "floor": floor.rss_mb()}
    results["load_average_at_end"] = _load()
    results["method"] = ("Playwright + Debian Chromium (headless), viewport 1500x1000, a fresh browser context per "
                         "visit; app and floor servers up at once, visits alternated; warm: after one unmeasured "
                         "visit of each; main: navigation -> the page's main content drawn (benchmarks/pages.py); "
                         "done: -> script finished, nothing stale; medians")
    return results


def verdicts(results: dict) -> list[dict]:
    """Each figure against its budget: warm visit <= 1.3x floor, control change <= floor + 100 ms."""
    rows = [{"figure": f"warm visit {p['page']}", "app_ms": p["main"]["app_ms"], "floor_ms": p["main"]["floor_ms"],
             "ratio": p["main"]["ratio"], "budget": f"<= {WARM_RATIO}x floor",
             "pass": p["main"]["ratio"] is not None and p["main"]["ratio"] <= WARM_RATIO} for p in results["pages"]]
    rows += [{"figure": f"control {c['page']}: {c['control']} -> {c['option']}", "app_ms": c["app_ms"],
              "floor_ms": c["floor_ms"], "ratio": c["ratio"], "budget": f"<= floor + {CONTROL_EXTRA_MS:.0f} ms",
              "pass": c["extra_ms"] <= CONTROL_EXTRA_MS} for c in results["controls"]]
    return rows


def table(rows: list[dict]) -> str:
    """The figures as a markdown table (docs/performance.md)."""
    lines = ["| figure | floor | app | ratio | budget | |", "|---|---:|---:|---:|---|---|"]
    for r in rows:
        lines.append(f"| {r['figure']} | {r['floor_ms'] / 1000:.2f} s | {r['app_ms'] / 1000:.2f} s | {r['ratio']}× | "
                     f"{r['budget']} | {'PASS' if r['pass'] else 'FAIL'} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.floor_bench", description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=ROOT / "benchmarks" / "results" / "full" / "curated",
                        help="the app's warehouse (a demo is published there when it is empty)")
    parser.add_argument("--pages", nargs="*", help="url paths (default: all)")
    parser.add_argument("--visits", type=int, default=3, help="measured visits per page and side")
    parser.add_argument("--repeats", type=int, default=2, help="control changes back and forth")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "floor.json")
    args = parser.parse_args(argv)
    os.environ["HANOI_DATA_DIR"] = str(args.data_dir)
    work = args.out.parent / "floor"
    os.environ.setdefault("HANOI_AUDIT_DIR", str(work / "audit"))
    from service.publishing import ensure_demo

    ensure_demo()
    app = start_server(args.data_dir, work / "audit", work / "logs")
    floor = start_server(args.data_dir, work / "audit-floor", work / "logs", script=FLOOR_APP)
    try:
        results = run(app, floor, by_name(args.pages), visits=args.visits, repeats=args.repeats)
        results["server_start_ms"] = {"app": app.started_ms, "floor": floor.started_ms}
        results["app_log_problems"] = app.log_problems()
    finally:
        app.stop()
        floor.stop()
    results["created_at"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
    results["budget_check"] = verdicts(results)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2, ensure_ascii=False), encoding="utf-8")
    print(table(results["budget_check"]))
    for failed in results.get("failed", []):
        print(f"FAILED {failed}")
    print(f"RSS MB: {results['rss_mb']}; load average {results['load_average_at_start']} -> "
          f"{results['load_average_at_end']}; report: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
