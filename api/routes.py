"""The API's Starlette routes, for `st.App(routes=...)` in app.py."""
from __future__ import annotations

from typing import Callable

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from api import briefings, downloads  # noqa: F401 - declare their endpoints
from api.endpoints import ENDPOINTS, Endpoint, run_endpoint
from api.identity import OidcReader
from api.openapi import openapi_document


def _handler(endpoint: Endpoint, oidc_reader: OidcReader | None, oidc_configured: Callable[[], bool]):
    def handle(request: Request) -> Response:  # sync: Starlette runs it in its thread pool
        return run_endpoint(endpoint, request, oidc_reader, oidc_configured())
    return handle


def openapi(request: Request) -> Response:
    return JSONResponse(openapi_document())


def api_routes(oidc_reader: OidcReader | None = None, oidc_configured: Callable[[], bool] = lambda: False
               ) -> list[Route]:
    """Every endpoint plus `/api/v1/openapi.json`, GET only. `oidc_configured` is asked per request (the
    secrets are loaded when the server starts, after this module is imported)."""
    routes = [Route(e.path, _handler(e, oidc_reader, oidc_configured), methods=["GET"]) for e in ENDPOINTS]
    return routes + [Route("/api/v1/openapi.json", openapi, methods=["GET"])]
