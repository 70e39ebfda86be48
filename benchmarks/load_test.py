"""Load test: many simultaneous browser-like sessions navigating and changing controls, against 127.0.0.1.

`python -m benchmarks.load_test [--sessions 20] [--duration 120] [--url http://127.0.0.1:PORT]`
(without --url it starts its own server on the current warehouse; `python -m benchmarks --full` runs it
on the benchmark warehouse). Each session speaks Streamlit's websocket protocol (benchmarks/wsclient.py):
it opens a page picked at random, then changes one of the page's selectboxes to a random option (often
one nobody asked for yet, so the server computes it), thinks for a few seconds, and goes on, until the
time is up. All sessions stay open to the end, when the server's memory is read with them still open.

Reported: interactions, p50/p95/max interaction time (request -> `script_finished`), per kind and page;
errors (exceptions drawn on a page, websocket errors or time-outs, page not found); the server
process's peak resident memory (psutil, incl. children); tracebacks in the server log, which is where
a DuckDB connection shared unsafely between the server's script threads would show up.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import sys
import threading
import time
from pathlib import Path

from benchmarks.pages import PAGES
from benchmarks.wsclient import StreamlitSession

NAVIGATION, CHANGE = "navigation", "control_change"


def _pct(values: list[float], q: float) -> float | None:
    if not values:
        return None
    values = sorted(values)
    return round(values[min(len(values) - 1, int(round(q * (len(values) - 1))))], 1)


def _summary(values: list[float]) -> dict:
    return {"n": len(values), "p50_ms": _pct(values, 0.5), "p95_ms": _pct(values, 0.95), "max_ms": _pct(values, 1.0),
            "mean_ms": round(statistics.fmean(values), 1) if values else None}


async def _session(n: int, url: str, until: float, think: tuple[float, float], rng: random.Random,
                   records: list[dict], errors: list[dict], opened: list[StreamlitSession]) -> None:
    session = StreamlitSession(url, timeout=120)
    await asyncio.sleep(rng.uniform(0, min(5.0, max(until - time.monotonic(), 0))))  # arrivals spread over 5 s
    try:
        await session.open()
    except Exception as exc:  # noqa: BLE001 - a refused connection is a finding, not a crash
        errors.append({"session": n, "kind": "connect", "error": repr(exc)[:300]})
        return
    opened.append(session)

    def note(kind: str, page: str, result) -> None:
        records.append({"session": n, "kind": kind, "page": page, "ms": result.ms, "bytes": result.bytes})
        if result.exceptions:
            errors.append({"session": n, "kind": "exception", "page": page, "error": result.exceptions[0]})
        if result.page_not_found:
            errors.append({"session": n, "kind": "page_not_found", "page": page})

    while time.monotonic() < until:
        spec = rng.choice(PAGES)
        try:
            note(NAVIGATION, spec.name, await session.run(spec.url_path, spec.query))
            if time.monotonic() >= until:
                break
            await asyncio.sleep(rng.uniform(*think))
            keys = [c.key for c in spec.controls if c.key in session.widgets]
            if keys and time.monotonic() < until:
                widget = session.widgets[rng.choice(keys)]
                note(CHANGE, spec.name, await session.change(widget.key, rng.choice(widget.options)))
                await asyncio.sleep(rng.uniform(*think))
        except Exception as exc:  # noqa: BLE001 - websocket errors, time-outs: counted, the session goes on
            errors.append({"session": n, "kind": "websocket", "page": spec.name, "error": repr(exc)[:300]})
            await session.close()
            try:
                await session.open()
            except Exception as again:  # noqa: BLE001
                errors.append({"session": n, "kind": "connect", "error": repr(again)[:300]})
                return


class _MemorySampler(threading.Thread):
    def __init__(self, rss, every: float = 1.0) -> None:
        super().__init__(daemon=True)
        self.rss, self.every, self.samples = rss, every, []
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.is_set():
            self.samples.append(self.rss())
            self._stop_event.wait(self.every)

    def stop(self) -> list[float]:
        self._stop_event.set()
        self.join(timeout=5)
        return self.samples


async def _load(url: str, sessions: int, duration: float, think: tuple[float, float], seed: int,
                rss) -> dict:
    rng = random.Random(seed)
    records: list[dict] = []
    errors: list[dict] = []
    opened: list[StreamlitSession] = []
    sampler = _MemorySampler(rss) if rss and rss() is not None else None
    if sampler:
        sampler.start()
    started = time.monotonic()
    until = started + duration
    await asyncio.gather(*(_session(i, url, until, think, random.Random(rng.random()), records, errors, opened)
                           for i in range(sessions)))
    elapsed = time.monotonic() - started
    rss_open = rss() if rss else None  # every session still open
    open_now = len(opened)
    for s in opened:
        await s.close()
    samples = sampler.stop() if sampler else []
    by_kind = {kind: _summary([r["ms"] for r in records if r["kind"] == kind]) for kind in (NAVIGATION, CHANGE)}
    by_page = {p.name: _summary([r["ms"] for r in records if r["page"] == p.name]) for p in PAGES}
    return {
        "sessions": sessions, "sessions_open_at_end": open_now, "duration_s": round(elapsed, 1),
        "think_time_s": list(think), "seed": seed,
        "interactions": len(records), "interactions_per_s": round(len(records) / elapsed, 2) if elapsed else None,
        "all": _summary([r["ms"] for r in records]), "by_kind": by_kind, "by_page": by_page,
        "bytes_per_interaction_median": int(statistics.median([r["bytes"] for r in records])) if records else None,
        "errors": len(errors),
        "errors_by_kind": {k: sum(e["kind"] == k for e in errors) for k in sorted({e["kind"] for e in errors})},
        "first_errors": errors[:5],
        "rss_mb_peak": max(samples) if samples else None,
        "rss_mb_with_all_sessions_open": rss_open,
        "rss_mb_samples": len(samples),
    }


def run(server, sessions: int = 20, duration: float = 120, think: tuple[float, float] = (2.0, 6.0),
        seed: int = 8) -> dict:
    """Run the load against a started `benchmarks.server.Server` (in its own thread's event loop)."""
    before = server.log_problems()
    result = asyncio.run(_load(server.url, sessions, duration, think, seed, server.rss_mb))
    after = server.log_problems()
    result["server_log"] = {k: after[k] - before[k] for k in ("tracebacks", "error_lines", "duckdb_errors")}
    result["server_log"]["first_errors"] = after["first_errors"][:5]
    result["server_url"] = server.url
    result["method"] = ("Streamlit websocket protocol (benchmarks/wsclient.py), one asyncio client per session in "
                        "one process; interaction time = request sent -> script_finished received")
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.load_test", description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--duration", type=float, default=120, help="seconds")
    parser.add_argument("--think", type=float, nargs=2, default=(2.0, 6.0), metavar=("MIN", "MAX"))
    parser.add_argument("--url", help="an already running server (memory is then not measured)")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    if args.url:
        class _External:
            url = args.url
            rss_mb = None

            @staticmethod
            def log_problems() -> dict:
                return {"tracebacks": 0, "error_lines": 0, "duckdb_errors": 0, "first_errors": []}
        result = run(_External, args.sessions, args.duration, tuple(args.think))
    else:
        from benchmarks.server import start_server
        from store.paths import curated_dir

        work = Path(__file__).resolve().parent / "results" / "load"
        server = start_server(curated_dir(), work / "audit", work / "logs")
        try:
            result = run(server, args.sessions, args.duration, tuple(args.think))
        finally:
            server.stop()
    text = json.dumps(result, indent=2, ensure_ascii=False)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    print(text)
    return 0 if result["errors"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
