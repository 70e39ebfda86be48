"""The OpenAPI 3.1 document of the API, built from the endpoint declarations (so it cannot miss one)
and checked against real responses by the tests."""
from __future__ import annotations

from typing import Any

from api.endpoints import ENDPOINTS, Endpoint
from service.metadata import VERDICTS

_NULLABLE_NUMBER = {"type": ["number", "null"]}
_NULLABLE_STRING = {"type": ["string", "null"]}
_STATUS = {"type": ["string", "null"], "enum": ["official", "preliminary", "estimate", "demo", None],
           "description": "Data status of the figure: official, preliminary, estimate or demo (demonstration data)."}
_MONTH = {"type": ["string", "null"], "pattern": "^\\d{4}-\\d{2}$"}
_AREA = {"type": "object", "required": ["key", "kind", "name_vi", "name_en"], "properties": {
    "key": {"type": "string"}, "kind": {"enum": ["city", "commune", "group"]},
    "name_vi": {"type": "string"}, "name_en": {"type": "string"}}}
_INDICATOR = {"type": "object", "required": ["code", "name_vi", "name_en", "unit_vi", "unit_en"], "properties": {
    "code": {"type": "string"}, "name_vi": {"type": "string"}, "name_en": {"type": "string"},
    "unit_vi": {"type": "string"}, "unit_en": {"type": "string"}, "direction": {"type": "string"},
    "frequency": {"type": "string"}}}
_PROVENANCE = {"status": _STATUS, "source": _NULLABLE_STRING, "vintage": _NULLABLE_STRING,
               "suppressed": {"type": "boolean", "description": "Hidden under the small-count rule (fewer than 10 people)."}}

SCHEMAS: dict[str, Any] = {
    "Error": {"type": "object", "required": ["error"], "properties": {"error": {
        "type": "object", "required": ["code", "message_vi", "message_en"], "properties": {
            "code": {"type": "string"}, "message_vi": {"type": "string"}, "message_en": {"type": "string"},
            "allowed": {"type": "string"}, "incident": {"type": "string"}}}}},
    "Health": {"type": "object", "required": ["status", "version"], "properties": {
        "status": {"const": "ok"}, "version": {"type": "string"}}},
    "Version": {"type": "object", "required": ["version", "published_at", "data_until", "demo"], "properties": {
        "version": {"type": "string"}, "published_at": {"type": "string"}, "data_until": _MONTH,
        "kind": _NULLABLE_STRING, "real_rows": {"type": "integer"}, "demo": {"type": "boolean"},
        "status_note_vi": {"type": "string"}, "status_note_en": {"type": "string"}}},
    "Indicators": {"type": "object", "required": ["version", "indicators"], "properties": {
        "version": {"type": "string"}, "indicators": {"type": "array", "items": {"type": "object", "required": [
            "code", "name_vi", "name_en", "unit_vi", "unit_en", "sources", "target_2030"]}}}},
    "Scorecard": {"type": "object", "required": ["version", "area", "period", "indicators"], "properties": {
        "version": {"type": "string"}, "area": _AREA,
        "period": {"type": "object", "required": ["grain", "start", "end"]},
        "sectors": {"type": "array", "items": {"type": "string"}},
        "indicators": {"type": "array", "items": {"type": "object", "required": [
            "indicator", "value", "period", "target_2030", "verdict", "status", "source", "vintage", "suppressed"],
            "properties": {"indicator": _INDICATOR, "value": _NULLABLE_NUMBER, **_PROVENANCE,
                           "verdict": {"type": "object", "required": ["status", "basis"], "properties": {
                               "status": {"enum": list(VERDICTS)},
                               "basis": {"type": "string"}, "probability": _NULLABLE_NUMBER}}}}}}},
    "Series": {"type": "object", "required": ["version", "indicator", "area", "grain", "points"], "properties": {
        "version": {"type": "string"}, "indicator": _INDICATOR, "area": _AREA, "grain": {"type": "string"},
        "points": {"type": "array", "items": {"type": "object", "required": ["period", "value", "status", "source",
                                                                            "vintage", "suppressed"],
                                              "properties": {"period": _MONTH, "value": _NULLABLE_NUMBER,
                                                             **_PROVENANCE}}}}},
    "Map": {"type": "object", "required": ["version", "indicator", "period", "communes"], "properties": {
        "version": {"type": "string"}, "indicator": _INDICATOR,
        "communes": {"type": "array", "items": {"type": "object", "required": [
            "code", "name_vi", "name_en", "type", "value", "rank", "status", "source", "vintage", "suppressed"],
            "properties": {"code": {"type": "string", "pattern": "^\\d{5}$"}, "value": _NULLABLE_NUMBER,
                           "rank": _NULLABLE_NUMBER, **_PROVENANCE}}}}},
    "Forecast": {"type": "object", "required": ["version", "indicator", "area", "forecast", "paths"], "properties": {
        "version": {"type": "string"}, "indicator": _INDICATOR, "area": _AREA,
        "forecast": {"type": ["object", "null"]}, "paths": {"type": "array"}}},
    "File": {"type": "string", "format": "binary"},
}


def _operation(endpoint: Endpoint) -> dict[str, Any]:
    params = [{"name": p.name, "in": "query", "required": p.required, "description": p.description,
               "schema": {"type": "string"}, **({"example": p.example} if p.example else {})}
              for p in endpoint.params]
    if "{file}" in endpoint.path:
        params.insert(0, {"name": "file", "in": "path", "required": True, "schema": {"type": "string"},
                          "description": "<name>.<csv|xlsx|parquet>", "example": "tong-quan.csv"})
    error = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    media = "application/octet-stream" if endpoint.response_schema == "File" else "application/json"
    responses: dict[str, Any] = {
        "200": {"description": "OK", "content": {media: {"schema": {"$ref": f"#/components/schemas/{endpoint.response_schema}"}}}},
        "304": {"description": "Not modified since the ETag sent in If-None-Match (same data version)."},
        "400": {"description": "A parameter is unknown or has a value that is not allowed.", **error},
        "414": {"description": "The query string is longer than 2 KB.", **error},
        "500": {"description": "Server error, with an incident id.", **error},
    }
    if endpoint.needs_identity:
        responses["401"] = {"description": "No identity: a machine token, an OIDC session or the proxy's header.", **error}
        responses["403"] = {"description": "The caller's role may not read this (e.g. another commune's detail).", **error}
    return {"summary": endpoint.summary, "parameters": params, "responses": responses,
            "security": [{"token": []}, {"proxy": []}, {"oidc": []}] if endpoint.needs_identity else []}


def openapi_document() -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {"title": "KPI thị trường lao động Hà Nội — API chỉ đọc / Hanoi labour-market KPIs, read-only API",
                 "version": "1", "description": "Every value carries its data status (official, preliminary, "
                 "estimate, demo), source and vintage. Commune-level figures are demonstration data."},
        "paths": {e.path: {"get": _operation(e)} for e in ENDPOINTS},
        "components": {"schemas": SCHEMAS, "securitySchemes": {
            "token": {"type": "http", "scheme": "bearer", "description": "A machine token (hkpi_...), kept hashed in the access file."},
            "proxy": {"type": "apiKey", "in": "header", "name": "X-Forwarded-User",
                      "description": "Set by the city's reverse proxy only (with its shared secret)."},
            "oidc": {"type": "apiKey", "in": "cookie", "name": "_streamlit_user",
                     "description": "The dashboard's OIDC session cookie."}}},
    }
