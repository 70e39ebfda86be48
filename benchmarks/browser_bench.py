"""What a user waits for in a real browser: headless Debian Chromium driven by Playwright.

For every page: navigation -> main content drawn (pages.py says what that is per page), cold (the
server's st.cache_data and st.cache_resource emptied first, through Streamlit's own "clear cache"
message) and warm (a new visit, browser HTTP cache kept, server caches filled). Also the very first
view after the server started (it loads the warehouse). Bytes per view: every websocket frame received
plus every HTTP response body. Control changes: a selectbox is changed as a user does (click, type,
Enter) and the time to the updated content is taken; the time until the server's `script_finished`
message arrived is taken too (the server's share of it).
"""
from __future__ import annotations

import asyncio
import statistics
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from benchmarks.pages import MAP_DRAWN, PAGES, PageSpec, count
from benchmarks.server import CHROMIUM, CHROMIUM_ARGS, Server
from benchmarks.wsclient import clear_server_caches

DONE = "document.querySelector('[data-testid=stApp]')?.getAttribute('data-test-script-state') === 'notRunning'"
NO_STALE = "document.querySelectorAll('[data-stale=true]').length === 0"
EXCEPTIONS = count("[data-testid=stException]")


@dataclass
class Traffic:
    """Bytes the browser received since `reset`, and when the server last said a script run finished."""

    ws_bytes: int = 0
    ws_frames: int = 0
    http_bytes: int = 0
    http_responses: int = 0
    finished_at: float | None = None
    ws_errors: list[str] = field(default_factory=list)

    def reset(self) -> None:
        self.ws_bytes = self.ws_frames = self.http_bytes = self.http_responses = 0
        self.finished_at = None

    def on_frame(self, payload) -> None:
        raw = payload.encode("utf-8") if isinstance(payload, str) else payload
        self.ws_bytes += len(raw)
        self.ws_frames += 1
        try:
            msg = ForwardMsg()
            msg.ParseFromString(raw)
            if msg.WhichOneof("type") == "script_finished" and msg.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                self.finished_at = time.perf_counter()
        except Exception:  # noqa: BLE001 - a frame that is not a ForwardMsg is still counted
            pass

    def on_request(self, request) -> None:
        try:
            sizes = request.sizes()
            self.http_bytes += max(sizes.get("responseBodySize", 0), 0)
            self.http_responses += 1
        except Exception:  # noqa: BLE001 - the page may be gone
            pass

    def snapshot(self) -> dict:
        return {"total_bytes": self.ws_bytes + self.http_bytes, "ws_bytes": self.ws_bytes, "ws_frames": self.ws_frames,
                "http_bytes": self.http_bytes, "http_responses": self.http_responses}


def _attach(page, traffic: Traffic) -> None:
    def on_ws(ws):
        ws.on("framereceived", traffic.on_frame)
        ws.on("socketerror", lambda err: traffic.ws_errors.append(str(err)))
    page.on("websocket", on_ws)
    page.on("requestfinished", traffic.on_request)


def _url(base: str, spec: PageSpec) -> str:
    return f"{base}/{spec.url_path}" + (f"?{spec.query}" if spec.query else "")


def view(page, traffic: Traffic, base: str, spec: PageSpec, timeout_ms: float = 90_000) -> dict:
    """Open the page; ms to main content drawn and to the script run's end, bytes received."""
    traffic.reset()
    start = time.perf_counter()
    page.goto(_url(base, spec), wait_until="commit")
    page.wait_for_function(f"() => ({spec.main})", timeout=timeout_ms, polling="raf")
    main_ms = (time.perf_counter() - start) * 1000
    page.wait_for_function(f"() => {DONE} && {NO_STALE}", timeout=timeout_ms, polling="raf")
    done_ms = (time.perf_counter() - start) * 1000
    page.wait_for_timeout(250)  # late frames of this view (e.g. the map's tiles, forward-message acks)
    return {"main_ms": round(main_ms, 1), "done_ms": round(done_ms, 1), **traffic.snapshot(),
            "exceptions": page.evaluate(f"() => {EXCEPTIONS}")}


def _pick(page, label: str, option: str, sidebar: bool = False) -> None:
    """Open the selectbox labelled `label`, type the option's text, leave the Enter key to the caller."""
    scope = page.locator("[data-testid=stSidebar]") if sidebar else page.locator("[data-testid=stMain]")
    box = scope.locator("[data-testid=stSelectbox]").filter(has_text=label).first
    box.click()
    page.keyboard.type(option)
    page.locator("[role=option]").filter(has_text=option).first.wait_for(timeout=10_000)


def change(page, traffic: Traffic, label: str, option: str, updated: str, sidebar: bool = False,
           timeout_ms: float = 90_000) -> dict:
    """Pick `option` in the selectbox `label`; ms until the server finished and until `updated` is drawn."""
    page.evaluate("() => { window.__before = [...document.querySelectorAll('.js-plotly-plot')].map(g => g.data); }")
    _pick(page, label, option, sidebar)
    traffic.reset()
    start = time.perf_counter()
    page.keyboard.press("Enter")
    page.wait_for_function(f"() => ({updated}) && {DONE} && {NO_STALE}", timeout=timeout_ms, polling="raf")
    shown = (time.perf_counter() - start) * 1000
    server = (traffic.finished_at - start) * 1000 if traffic.finished_at else None
    return {"control": label, "option": option, "updated_ms": round(shown, 1),
            "server_finished_ms": round(server, 1) if server is not None else None, **traffic.snapshot()}


MAP_CHANGED = ("(() => { const gs = [...document.querySelectorAll('.js-plotly-plot')];"
               " return gs.length > 0 && gs.every((g, i) => g.data !== (window.__before || [])[i]); })() && "
               + MAP_DRAWN)


def control_changes(page, traffic: Traffic, base: str, repeats: int = 2) -> list[dict]:
    from store.catalogue import load_catalogue

    catalogue = load_catalogue()
    out = []
    overview = PAGES[0]
    view(page, traffic, base, overview)
    metrics = f"{count('[data-testid=stMetric]')} >= 25"
    caption = "[...document.querySelectorAll('[data-testid=stMain] [data-testid=stCaptionContainer]')].some(c => c.innerText.includes('{}'))"
    for _ in range(repeats):
        out.append({"page": "tong-quan", **change(page, traffic, "Địa bàn", "Xã Hòa Xá (10417)",
                                                  f"{caption.format('Hòa Xá')} && {metrics}", sidebar=True)})
        out.append({"page": "tong-quan", **change(page, traffic, "Địa bàn", "Toàn thành phố",
                                                  f"{caption.format('Toàn thành phố')} && {metrics}", sidebar=True)})
    view(page, traffic, base, next(p for p in PAGES if p.url_path == "ban-do"))
    for _ in range(repeats):
        for code in ("bhxh_compulsory_share", "unemployment_rate"):
            out.append({"page": "ban-do", **change(page, traffic, "Chỉ tiêu", catalogue.get(code).name("vi"), MAP_CHANGED)})
    return out


def _clear_caches(url: str) -> None:
    """Playwright's sync API owns this thread's event loop: the websocket client runs in another thread."""
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, clear_server_caches(url)).result()


def run(server: Server, pages: tuple[PageSpec, ...] = PAGES, warm_runs: int = 2, control_repeats: int = 2) -> dict:
    from playwright.sync_api import sync_playwright

    results: dict = {"pages": [], "controls": []}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1500, "height": 1000}, locale="vi-VN",
                                      timezone_id="Asia/Ho_Chi_Minh")
        page = context.new_page()
        traffic = Traffic()
        _attach(page, traffic)
        results["first_view_after_start"] = {"page": pages[0].name, **view(page, traffic, server.url, pages[0], 180_000)}
        for spec in pages:
            _clear_caches(server.url)
            cold = view(page, traffic, server.url, spec)
            warm = [view(page, traffic, server.url, spec) for _ in range(warm_runs)]
            results["pages"].append({
                "page": spec.name, "cold": cold, "warm": warm,
                "warm_main_ms": round(statistics.median(w["main_ms"] for w in warm), 1),
                "warm_done_ms": round(statistics.median(w["done_ms"] for w in warm), 1),
                "bytes_per_view": int(statistics.median(w["total_bytes"] for w in warm)),
                "ws_bytes_per_view": int(statistics.median(w["ws_bytes"] for w in warm)),
                "exceptions": cold["exceptions"] + sum(w["exceptions"] for w in warm),
            })
        if control_repeats:
            results["controls"] = control_changes(page, traffic, server.url, control_repeats)
        results["websocket_errors"] = traffic.ws_errors
        context.close()
        browser.close()
    results["method"] = ("Playwright + Debian Chromium (headless), viewport 1500x1000; main_ms: navigation start -> "
                         "the page's main content drawn (benchmarks/pages.py); done_ms: -> script finished and no "
                         "stale element; cold: server caches cleared first; warm: median of new visits; bytes: "
                         "websocket frames + HTTP response bodies of one warm view")
    return results
