"""ASGI middleware for the whole server (pages and API), in front of Streamlit's own.

- `ClientMessageFilter`: a page session's browser may not clear the server's caches or change how the
  server runs: Streamlit's `clear_cache`, `set_run_on_save` and debug messages arriving on the websocket
  are dropped (and logged) before Streamlit sees them. What a client can still send is documented in
  docs/security.md.
- `SecurityHeaders`: no MIME sniffing, no referrer leaks, framing only by the configured origins
  (`HANOI_FRAME_ANCESTORS`, default the dashboard itself: the IOC portal that embeds the wall is listed
  there), and no API query string over 2 KB.
"""
from __future__ import annotations

import logging
import os

from starlette.types import ASGIApp, Message, Receive, Scope, Send
from streamlit.proto.BackMsg_pb2 import BackMsg

LOG = logging.getLogger("hanoi_kpi.guard")
DROPPED = frozenset({"clear_cache", "set_run_on_save", "debug_disconnect_websocket", "debug_shutdown_runtime"})
MAX_API_QUERY = 2048


def dropped_type(payload: bytes) -> str | None:
    """The BackMsg type of a websocket frame when it is one a client may not send, else None."""
    message = BackMsg()
    try:
        message.ParseFromString(payload)
    except Exception:  # noqa: BLE001 - not a BackMsg: Streamlit itself rejects it
        return None
    kind = message.WhichOneof("type")
    return kind if kind in DROPPED else None


class ClientMessageFilter:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "websocket":
            await self.app(scope, receive, send)
            return

        async def filtered() -> Message:
            while True:
                message = await receive()
                payload = message.get("bytes") if message["type"] == "websocket.receive" else None
                kind = dropped_type(payload) if payload else None
                if kind is None:
                    return message
                client = scope.get("client") or ("?", 0)
                LOG.warning("dropped a %s message from %s", kind, client[0])

        await self.app(scope, filtered, send)


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        ancestors = os.environ.get("HANOI_FRAME_ANCESTORS", "'self'").strip() or "'self'"
        self.headers = [(b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"same-origin"),
                        (b"content-security-policy", f"frame-ancestors {ancestors}".encode("latin-1"))]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope.get("path", "").startswith("/api/") and len(scope.get("query_string", b"")) > MAX_API_QUERY:
            await send({"type": "http.response.start", "status": 414, "headers": [
                (b"content-type", b"application/json; charset=utf-8"), *self.headers]})
            await send({"type": "http.response.body", "body": (
                '{"error":{"code":"query_too_long","message_vi":"Chuỗi tham số dài quá 2048 byte.",'
                '"message_en":"The query string is longer than 2048 bytes."}}').encode("utf-8")})
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {k.lower() for k, _ in message.get("headers", [])}
                message["headers"] = list(message.get("headers", [])) + [
                    (k, v) for k, v in self.headers if k not in present]
            await send(message)

        await self.app(scope, receive, with_headers)
