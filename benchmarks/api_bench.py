"""API latency on a running server, side by side with its floor in the same run.

Measured over HTTP from this process (one request at a time, keep-alive off, as an IOC poller would):
- floor: `/api/v1/health` (the same server, identity, routing and audit path, no data);
- scorecard: the city (the same request again and again: the cached answer), then every commune once
  (each a new question: computed, protected and cached);
- map: every mappable KPI once for the last month, then the same one again (cached);
- 304: the scorecard sent back with its ETag.
Percentiles (p50, p95) in milliseconds. Writes nothing itself; `python -m benchmarks --full` puts it in the
report, `python -m benchmarks.api_bench URL` prints it for a server already running.
"""
from __future__ import annotations

import http.client
import json
import sys
import time
from urllib.parse import urlsplit

import numpy as np


def _get(base: str, path: str, headers: dict[str, str] | None = None) -> tuple[float, int, dict]:
    parts = urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=120)
    started = time.perf_counter()
    conn.request("GET", path, headers=headers or {})
    resp = conn.getresponse()
    resp.read()
    ms = (time.perf_counter() - started) * 1000
    out = {k.lower(): v for k, v in resp.getheaders()}
    conn.close()
    return ms, resp.status, out


def _summary(times: list[float]) -> dict:
    values = np.array(times)
    return {"n": len(times), "p50_ms": round(float(np.percentile(values, 50)), 1),
            "p95_ms": round(float(np.percentile(values, 95)), 1), "max_ms": round(float(values.max()), 1)}


def run(base_url: str, headers: dict[str, str] | None = None, repeat: int = 40) -> dict:
    """Measure the floor, the scorecard and the map; every status must be 200 (or 304 for the ETag)."""
    base = base_url.rstrip("/")
    statuses: list[int] = []

    def timed(path: str, extra: dict[str, str] | None = None) -> float:
        ms, status, _ = _get(base, path, {**(headers or {}), **(extra or {})})
        statuses.append(status)
        return ms

    communes = [c["code"] for c in json.loads(_body(base, "/api/v1/map?indicator=unemployment_rate", headers))["communes"]]
    codes = [i["code"] for i in json.loads(_body(base, "/api/v1/indicators", headers))["indicators"]
             if i["kind"] != "growth"]
    floor = [timed("/api/v1/health") for _ in range(repeat)]
    city = [timed("/api/v1/scorecard?area=city") for _ in range(repeat)]
    first_commune = [timed(f"/api/v1/scorecard?area={c}") for c in communes]
    again_commune = [timed(f"/api/v1/scorecard?area={c}") for c in communes[:repeat]]
    map_first = [timed(f"/api/v1/map?indicator={c}") for c in codes]
    map_again = [timed("/api/v1/map?indicator=unemployment_rate") for _ in range(repeat)]
    _, _, head = _get(base, "/api/v1/scorecard?area=city", headers)
    not_modified = [timed("/api/v1/scorecard?area=city", {"If-None-Match": head["etag"]}) for _ in range(repeat)]
    bad = [s for s in statuses if s not in (200, 304)]
    return {
        "floor_health": _summary(floor),
        "scorecard_city_cached": _summary(city),
        "scorecard_commune_first": _summary(first_commune),
        "scorecard_commune_cached": _summary(again_commune),
        "map_first": _summary(map_first),
        "map_cached": _summary(map_again),
        "scorecard_304": _summary(not_modified),
        "errors": len(bad),
        "requests": len(statuses),
    }


def _body(base: str, path: str, headers: dict[str, str] | None) -> bytes:
    parts = urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=120)
    conn.request("GET", path, headers=headers or {})
    body = conn.getresponse().read()
    conn.close()
    return body


if __name__ == "__main__":
    token = sys.argv[2] if len(sys.argv) > 2 else None
    print(json.dumps(run(sys.argv[1], {"Authorization": f"Bearer {token}"} if token else None), indent=2))
