"""Command line of the pipeline: `python -m pipeline --help`."""
from __future__ import annotations

import argparse
import json
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipeline", description=(
        "Đường ống dữ liệu của bảng điều hành KPI thị trường lao động Hà Nội / "
        "Data pipeline of the Hanoi labour-market KPI dashboard."))
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("reference", help="rebuild data/reference/communes.csv and commune_lineage.csv from vietnamadminunits")
    demo = sub.add_parser("demo", help="generate and publish the demonstration warehouse")
    demo.add_argument("--end", help="last month, YYYY-MM (default: the last complete month)")
    demo.add_argument("--if-missing", action="store_true", help="only when nothing is published yet")
    sub.add_parser("status", help="show the current version and the kept versions")
    rb = sub.add_parser("rollback", help="serve an earlier kept version again")
    rb.add_argument("version")
    fc = sub.add_parser("forecast", help="2030 forecasts of every KPI (city and communes), published as a new version")
    fc.add_argument("--communes", default="all", help="all (default), none, or comma-separated commune codes")
    fc.add_argument("--workers", type=int, default=2, help="worker processes (default 2)")
    args = parser.parse_args(argv)

    if args.command == "reference":
        from pipeline.reference_build import write_reference

        print(json.dumps(write_reference(), ensure_ascii=False))
    elif args.command == "demo":
        from pipeline.publish import ensure_demo, publish_demo

        version = ensure_demo(args.end) if args.if_missing else publish_demo(args.end)
        print(f"current version: {version}")
    elif args.command == "status":
        from store.versions import current_version, list_versions, read_manifest

        current = current_version()
        for version in list_versions():
            manifest = read_manifest(version)
            rows = {k: v["rows"] for k, v in manifest["tables"].items()}
            mark = "*" if version == current else " "
            print(f"{mark} {version}  created {manifest['created_at']}  rows {rows}")
        if current is None:
            print("no version published yet / chưa có phiên bản nào được công bố")
    elif args.command == "forecast":
        from pipeline.forecast_batch import publish_forecasts

        communes = None if args.communes == "all" else [] if args.communes == "none" else args.communes.split(",")
        version, stats = publish_forecasts(communes=communes, workers=args.workers)
        print(f"current version: {version} ({stats['forecasts']} forecasts of {stats['series']} series in {stats['seconds']} s)")
    elif args.command == "rollback":
        from pipeline.publish import rollback

        print(f"current version: {rollback(args.version)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
