"""`python -m benchmarks.map_payload [FILE ...]`: the map's browser payload, schematic and official.

For the schematic map and each boundary file given (any accepted format), prepares the geometry as the
app does (``indicators.boundaries.load_boundaries``) and builds the Map page's figure with a selected
commune (``ui.map_view.choropleth``); reports the preparation time, the simplification tolerance, the
vertices, and the figure's JSON bytes (what st.plotly_chart sends; also gzip-compressed) against the
300 KB budget. Writes benchmarks/results/map_payload.json.
"""
from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
from pathlib import Path

BUDGET = 300_000
RESULTS = Path(__file__).resolve().parent / "results"


def measure(path: str | None) -> dict:
    """One row: the geometry in use for `path` (None: the schematic map) and its figure's size."""
    import pandas as pd

    from indicators.boundaries import load_boundaries
    from indicators.mapclass import quantile_classes
    from store.reference import load_communes
    from ui.map_view import choropleth, class_labels, payload_bytes

    started = time.perf_counter()
    geo = load_boundaries(official_path=path)
    prepared_s = time.perf_counter() - started
    communes = load_communes()
    values = [None if i % 11 == 0 else float(i % 23) for i in range(len(communes))]
    classes = quantile_classes(values)
    fig = choropleth(geo, pd.DataFrame({"code": communes["code"]}), classes, class_labels(classes, 1, "vi"),
                     list(communes["name_vi"]), "—", "%", lang="vi", selected="00070")
    body = fig.to_json().encode("utf-8")
    return {"geometry": path or "schematic", "source": geo.source, "problems": geo.problems[:3],
            "prepare_s": round(prepared_s, 2), "geometry_json_bytes": len(json.dumps(geo.geojson, separators=(",", ":"))),
            "figure_bytes": payload_bytes(fig), "figure_gzip_bytes": len(gzip.compress(body)),
            "budget_bytes": BUDGET, "within_budget": payload_bytes(fig) <= BUDGET}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.map_payload", description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", help="official boundary files to measure besides the schematic map")
    parser.add_argument("--out", default=str(RESULTS / "map_payload.json"))
    args = parser.parse_args(argv)
    rows = [measure(None)] + [measure(f) for f in args.files]
    for row in rows:
        print(f"{row['geometry']}: figure {row['figure_bytes']:,} B (gzip {row['figure_gzip_bytes']:,} B), geometry "
              f"{row['geometry_json_bytes']:,} B, prepared in {row['prepare_s']} s, source {row['source']}"
              + (f", problems: {row['problems']}" if row["problems"] else ""))
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(rows, indent=2, ensure_ascii=False), encoding="utf-8")
    return 0 if all(r["within_budget"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
