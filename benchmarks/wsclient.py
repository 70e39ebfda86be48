"""A minimal Streamlit client speaking the browser's websocket protocol (for the load test and server timings).

It does what the browser's JavaScript does on the wire, without drawing anything: open
`/_stcore/stream`, ask for a page (`BackMsg.rerun_script` with the page's URL path and query string),
read `ForwardMsg`s until the script run finishes, and change a widget by sending its new value in
`widget_states`. That makes it cheap enough to hold many sessions open from one process on a 2-core
machine, while the server does exactly the work it does for a browser: a session, a script run per
interaction, every delta serialised and sent. It never reports cached messages, so every byte the
server would send to a browser with an empty cache is counted.
"""
from __future__ import annotations

import asyncio
import re
import time
from dataclasses import dataclass, field

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ClientState_pb2 import ClientState, ContextInfo
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState, WidgetStates

FINISHED = {ForwardMsg.FINISHED_SUCCESSFULLY: "ok", ForwardMsg.FINISHED_WITH_COMPILE_ERROR: "compile_error",
            ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY: "fragment"}


@dataclass
class Widget:
    """A widget as the server described it: proto type, id (ends with the user key), label, options."""

    kind: str
    id: str
    label: str
    options: list[str]

    @property
    def key(self) -> str:
        return self.id.rsplit("-", 1)[-1] if self.id.startswith("$$ID-") else self.id

    @property
    def base_key(self) -> str:
        """The app's key for a per-language widget (`_xa__vi` -> `xa`, ui/context.localized_choice)."""
        match = re.fullmatch(r"_(.+)__(vi|en)", self.key)
        return match.group(1) if match else self.key


@dataclass
class RunResult:
    """One script run as the client saw it."""

    ms: float                      # request sent -> script_finished received
    first_delta_ms: float | None   # request sent -> first element received
    bytes: int                     # websocket payload bytes received during the run
    messages: int
    elements: int
    exceptions: list[str] = field(default_factory=list)
    page_not_found: bool = False
    status: str = "ok"
    texts: list[str] = field(default_factory=list)
    """The text of every markdown, alert and heading element drawn (what a user would read)."""
    kinds: list[str] = field(default_factory=list)
    """The type of every element drawn, in order (metric, dataframe, alert, ...)."""


class StreamlitSession:
    """One browser-like session: `await s.open(); await s.run("ban-do"); await s.change("chi_tieu", value)`."""

    def __init__(self, base_url: str, locale: str = "vi-VN", timeout: float = 120.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.ws_url = self.base_url.replace("http://", "ws://").replace("https://", "wss://") + "/_stcore/stream"
        self.locale = locale
        self.timeout = timeout
        self.ws = None
        self.page = ""
        self.query = ""
        self.page_hashes: dict[str, str] = {}   # url path -> page script hash (from new_session)
        self.widgets: dict[str, Widget] = {}     # user key -> widget of the last run
        self.total_bytes = 0

    async def open(self) -> None:
        self.ws = await websockets.connect(self.ws_url, subprotocols=["streamlit"], max_size=None,
                                           open_timeout=self.timeout, ping_interval=None)

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()
            self.ws = None

    async def _send(self, msg: BackMsg) -> None:
        await self.ws.send(msg.SerializeToString())

    async def clear_caches(self) -> None:
        """The "Clear cache" menu item: st.cache_data and st.cache_resource, for every user of the server."""
        await self._send(BackMsg(clear_cache=True))

    async def run(self, page: str = "", query: str = "", widgets: list[WidgetState] | None = None) -> RunResult:
        """Open `page` (URL path, '' = the default page) with `query`, or rerun it with changed `widgets`."""
        self.page, self.query = page, query
        state = ClientState(query_string=query, page_name=page, page_script_hash=self.page_hashes.get(page, ""),
                            widget_states=WidgetStates(widgets=widgets or []),
                            context_info=ContextInfo(timezone="Asia/Ho_Chi_Minh", timezone_offset=-420,
                                                     locale=self.locale, url=f"{self.base_url}/{page}"))
        started = time.perf_counter()
        await self._send(BackMsg(rerun_script=state))
        return await self._read_until_finished(started)

    async def change(self, key: str, value: str) -> RunResult:
        """Pick `value` (an option's label as shown) in the selectbox with user key `key`, as a user would."""
        widget = self.widgets[key]
        if value not in widget.options:
            raise ValueError(f"{value!r} is not an option of {key}")
        return await self.run(self.page, self.query, [WidgetState(id=widget.id, string_value=value)])

    async def _read_until_finished(self, started: float) -> RunResult:
        nbytes = messages = elements = 0
        first = None
        exceptions: list[str] = []
        not_found = False
        widgets: dict[str, Widget] = {}
        texts: list[str] = []
        kinds: list[str] = []
        deadline = started + self.timeout
        while True:
            raw = await asyncio.wait_for(self.ws.recv(), timeout=max(deadline - time.perf_counter(), 0.1))
            nbytes += len(raw)
            messages += 1
            msg = ForwardMsg()
            msg.ParseFromString(raw)
            kind = msg.WhichOneof("type")
            if kind == "new_session":
                self.page_hashes = {p.url_pathname: p.page_script_hash for p in msg.new_session.app_pages}
            elif kind == "page_not_found":
                not_found = True
            elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
                elements += 1
                if first is None:
                    first = (time.perf_counter() - started) * 1000
                el = msg.delta.new_element
                el_type = el.WhichOneof("type")
                kinds.append(el_type or "")
                if el_type in ("markdown", "alert", "heading"):
                    texts.append(getattr(el, el_type).body)
                if el_type == "exception":
                    exceptions.append(f"{el.exception.type}: {el.exception.message}"[:500])
                else:
                    sub = getattr(el, el_type) if el_type else None
                    wid = getattr(sub, "id", "") if sub is not None else ""
                    if isinstance(wid, str) and wid:
                        options = list(getattr(sub, "options", []) or [])
                        w = Widget(el_type, wid, getattr(sub, "label", ""), [str(o) for o in options])
                        widgets[w.key] = w
                        widgets.setdefault(w.base_key, w)
            elif kind == "script_finished":
                status = msg.script_finished
                if status == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    continue  # a newer run follows (e.g. st.rerun, or a switch_page)
                self.total_bytes += nbytes
                self.widgets = widgets or self.widgets
                return RunResult(ms=(time.perf_counter() - started) * 1000, first_delta_ms=first, bytes=nbytes,
                                 messages=messages, elements=elements, exceptions=exceptions,
                                 page_not_found=not_found, status=FINISHED.get(status, str(status)),
                                 texts=texts, kinds=kinds)


async def clear_server_caches(base_url: str) -> None:
    """Empty the server's st.cache_data and st.cache_resource (as Streamlit's "Clear cache" menu does)."""
    session = StreamlitSession(base_url)
    await session.open()
    try:
        await session.clear_caches()
        await asyncio.sleep(0.2)
    finally:
        await session.close()
