"""JSON bodies, errors in both languages, and caching headers keyed on the data version."""
from __future__ import annotations

import hashlib
import json
import math
from datetime import date, datetime
from typing import Any

import numpy as np
import pandas as pd
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

CACHE_CONTROL = "private, no-cache"
"""Clients may keep a response but must ask again each time; an unchanged answer costs them a 304."""
VARY = "Authorization, Cookie, X-Forwarded-User"


def jsonable(value: Any) -> Any:
    """Plain JSON values: NaN and NaT become null, timestamps ISO dates, numpy scalars Python numbers."""
    if value is None:
        return None
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return None if math.isnan(float(value)) or math.isinf(float(value)) else float(value)
    if isinstance(value, pd.Timestamp):
        return None if pd.isna(value) else (value.strftime("%Y-%m-%d") if value == value.normalize()
                                            else value.isoformat())
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return str(value) if not isinstance(value, str) else value


def month(value: Any) -> str | None:
    """'2026-10' for a month, None when missing."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    return pd.Timestamp(value).strftime("%Y-%m")


def error(status: int, code: str, message_vi: str, message_en: str, allowed: str = "",
          incident: str | None = None) -> JSONResponse:
    """An error body every client can show: a stable code, the message in Vietnamese and English, and the
    allowed values when a parameter was wrong."""
    body: dict[str, Any] = {"error": {"code": code, "message_vi": message_vi, "message_en": message_en}}
    if allowed:
        body["error"]["allowed"] = allowed
    if incident:
        body["error"]["incident"] = incident
    response = JSONResponse(body, status_code=status)
    response.headers["Cache-Control"] = "no-store"
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="hanoi-kpi"'
    return response


def etag_for(request: Request, version: str, who: str) -> str:
    """The tag of an answer: the data version, the question (path and parameters) and whose view it is."""
    query = sorted(request.query_params.multi_items())
    raw = json.dumps([version, request.url.path, query, who], ensure_ascii=False)
    return '"' + hashlib.sha256(raw.encode()).hexdigest()[:32] + '"'


def not_modified(request: Request, tag: str) -> bool:
    wanted = request.headers.get("if-none-match", "")
    return any(part.strip() in (tag, f"W/{tag}", "*") for part in wanted.split(",") if part.strip())


def cached_json(body: Any, tag: str) -> Response:
    response = Response(json.dumps(jsonable(body), ensure_ascii=False, separators=(",", ":")),
                        media_type="application/json; charset=utf-8")
    response.headers.update({"ETag": tag, "Cache-Control": CACHE_CONTROL, "Vary": VARY})
    return response


def unchanged(tag: str) -> Response:
    return Response(status_code=304, headers={"ETag": tag, "Cache-Control": CACHE_CONTROL, "Vary": VARY})
