"""The server: Streamlit's own ASGI app (`st.App`) serving the dashboard (dashboard.py) and the read-only
API (api/), with the server-wide guards (ui/guards.py). The one entry point for `./run.sh`,
`streamlit run app.py` and any ASGI server (`uvicorn app:app`).

Development mode (`HANOI_DEV_MODE=1`, everyone is the development account) is refused unless the server
listens on the loopback address only; docs/deploy.md shows a production start.
"""
from __future__ import annotations

from contextlib import asynccontextmanager

import streamlit as st
from starlette.middleware import Middleware
from streamlit.runtime.pages_manager import PagesManager

from api.routes import api_routes
from service.audit import flush_counts
from service.identity import dev_mode_on, is_loopback
from ui.auth import oidc_configured
from ui.errors import on_script_error
from ui.guards import ClientMessageFilter, SecurityHeaders
from ui.oidc import oidc_user

# Pages are declared with st.navigation only: without this, the first session after a start treats the
# pages/ folder as a legacy multipage app and shows a false "Page not found" over any deep link.
PagesManager.uses_pages_directory = False


class UnsafeStart(RuntimeError):
    """The server was asked to start in a way that would expose data (development mode on a network)."""


def refuse_unsafe_start(address: str | None, dev_mode: bool) -> None:
    """Development mode gives everyone an account: allowed on the loopback address only."""
    if dev_mode and not is_loopback(address):
        raise UnsafeStart(
            "HANOI_DEV_MODE=1 chỉ được dùng khi máy chủ nghe trên 127.0.0.1 (--server.address 127.0.0.1). / "
            f"HANOI_DEV_MODE=1 is refused on address {address or '0.0.0.0 (all interfaces)'}: development mode "
            "listens on 127.0.0.1 only. See docs/deploy.md for a production start.")


@asynccontextmanager
async def lifespan(app):
    refuse_unsafe_start(st.get_option("server.address"), dev_mode_on())
    yield
    flush_counts()  # drops and refusals counted but not yet written: into the trail before the process ends


app = st.App("dashboard.py", routes=api_routes(oidc_user, oidc_configured), lifespan=lifespan,
             middleware=[Middleware(SecurityHeaders), Middleware(ClientMessageFilter)], on_script_error=on_script_error)
