"""Command line of the pipeline: `python -m cli --help`.

Each subcommand is one `add_parser(...)` line in `build_parser` plus one `cmd_<name>(args) -> int` function
(set with `set_defaults(func=...)`); adding a command touches nothing else. Exit codes: 0 done, 1 some
file or step failed (the summary says which), 2 refused (e.g. no pseudonymisation key for personal data).
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

DESCRIPTION = ("Đường ống dữ liệu của bảng điều hành KPI thị trường lao động Hà Nội / "
               "Data pipeline of the Hanoi labour-market KPI dashboard.")
EPILOG = """ví dụ / examples:
  python -m cli ingest data/samples            nạp mọi mẫu / ingest every sample file
  python -m cli ingest bao_cao.xlsx --template commune_jobs --publish
  python -m cli validate data/samples/broken   chỉ kiểm tra, không ghi / check only, write nothing
  python -m cli ingest bao_cao.csv --confirm-outliers "Ngày hội việc làm lớn, đã xác minh với xã"
  python -m cli ingest bao_cao_xa.csv --received-at 2026-10-18   báo cáo nhận qua thư ngày 18/10 / received by e-mail
  python -m cli publish                        công bố phiên bản mới / publish a new version
  python -m cli status                         phiên bản đang dùng / versions and staging
  python -m cli rollback                       quay lại phiên bản trước / serve the previous version
  python -m cli audit verify                   kiểm tra chuỗi hash của nhật ký / check the audit trail's chains
"""


# ---- subcommands ------------------------------------------------------------------------------------------
def cmd_reference(args: argparse.Namespace) -> int:
    from pipeline.reference_build import write_reference

    print(json.dumps(write_reference(), ensure_ascii=False))
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from service.publishing import ensure_demo, publish_demo

    version = ensure_demo(args.end) if args.if_missing else publish_demo(args.end)
    print(f"phiên bản đang dùng / current version: {version}")
    return 0


def _as_of(text: str | None):
    import pandas as pd

    return None if text is None else pd.Timestamp(text)


def _n(value: int) -> str:
    """Counts the Vietnamese way (1.234.567), as everywhere in the product."""
    return f"{value:,}".replace(",", ".")


def _print_summary(reports: list, dry_run: bool) -> int:
    from pipeline.validate import reason_label

    width = max([len(r.file) for r in reports] + [8])
    print()
    print(f"{'Tệp / file':<{width}}  {'biểu mẫu / template':<18}  {'kết quả / status':<15} "
          f"{'dòng / rows':>11} {'nhận / ok':>11} {'cách ly / quarantined':>21}")
    for r in reports:
        print(f"{r.file:<{width}}  {(r.template or '-'):<18}  {r.status:<15} {_n(r.rows_in):>11} {_n(r.accepted):>11} "
              f"{_n(r.quarantined):>21}")
        print(f"{'':<{width}}  → {r.message_vi}")
        print(f"{'':<{width}}    {r.message_en}")
        for vi, en in r.warnings:
            print(f"{'':<{width}}  ! {vi} / {en}")
        if r.quarantined:
            top = "; ".join(f"{reason_label(c, 'vi')} / {reason_label(c, 'en')}: {_n(n)}"
                            for c, n in list(r.reasons.items())[:5])
            if top:
                print(f"{'':<{width}}    lý do / reasons: {top}")
        if r.quarantine_file:
            print(f"{'':<{width}}    dòng bị cách ly / quarantined rows: {r.quarantine_file}")
    rows = sum(r.rows_in for r in reports)
    ok = sum(r.accepted for r in reports)
    bad = sum(r.quarantined for r in reports)
    failed = [r for r in reports if not r.ok]
    print()
    print(f"Tổng / total: {len(reports)} tệp / files, {_n(rows)} dòng / rows = {_n(ok)} "
          f"{'hợp lệ / valid' if dry_run else 'được nhận / accepted'} + {_n(bad)} bị cách ly / quarantined; "
          f"{len(failed)} tệp bị từ chối / files rejected")
    if any(r.reasons.get("missing_key") for r in reports):
        return 2
    return 1 if failed else 0


def cmd_ingest(args: argparse.Namespace) -> int:
    from pipeline.ingest import ingest_files

    reports = ingest_files(args.paths, args.template, _as_of(args.as_of), dry_run=False, progress=not args.quiet,
                           confirm_outliers=args.confirm_outliers, period_format=args.period_format,
                           received_at=args.received_at)
    if args.json:
        print(json.dumps([r.to_json() for r in reports], ensure_ascii=False, indent=2, default=str))
        code = 2 if any(r.reasons.get("missing_key") for r in reports) else (1 if any(not r.ok for r in reports) else 0)
    else:
        code = _print_summary(reports, dry_run=False)
    if args.publish and any(r.accepted for r in reports):
        code = max(code, cmd_publish(args))
    elif not args.quiet and any(r.accepted for r in reports):
        print("Chạy `python -m cli publish` để đưa dữ liệu đã nhận vào ứng dụng / "
              "run `python -m cli publish` to serve the accepted data.")
    return code


def cmd_validate(args: argparse.Namespace) -> int:
    from pipeline.ingest import ingest_files

    reports = ingest_files(args.paths, args.template, _as_of(args.as_of), dry_run=True, progress=not args.quiet,
                           confirm_outliers=args.confirm_outliers, period_format=args.period_format,
                           received_at=args.received_at)
    if args.json:
        print(json.dumps([r.to_json() for r in reports], ensure_ascii=False, indent=2, default=str))
        return 1 if any(not r.ok for r in reports) else 0
    return _print_summary(reports, dry_run=True)


def cmd_publish(args: argparse.Namespace) -> int:
    import time

    from service.publishing import publish_staged
    from store.versions import read_manifest

    started = time.perf_counter()
    print("Đang công bố phiên bản mới / publishing a new version ...", flush=True)
    version = publish_staged(keep=getattr(args, "keep", None) or 5)
    manifest = read_manifest(version)
    rows = {k: v["rows"] for k, v in manifest["tables"].items()}
    print(f"phiên bản đang dùng / current version: {version}  ({time.perf_counter() - started:.1f} s)")
    print(f"  dữ liệu thật / real rows: {_n(manifest.get('real_rows', 0))}; bảng / tables: {rows}")
    print("  Ứng dụng tự nhận phiên bản mới ở lần tải trang sau / the app picks it up on its next rerun.")
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    """Every kept version verified; exit 1 when any is damaged or the served one is not the one CURRENT names."""
    from pipeline.publish import status_report

    report = status_report()
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
        return 0 if report["ok"] else 1
    for v in report["versions"]:
        mark = "*" if v["served"] else ("!" if v["problem"] else " ")
        state = ("HỎNG / DAMAGED" if v["problem"] else
                 "chưa từng dùng / never served" if v["never_served"] else "ok")
        print(f"{mark} {v['version']}  [{state}]  created {v['created_at']}  kind {v.get('kind')}  "
              f"data until {v.get('data_until')}  rows {v['rows']}")
        if v["problem"]:
            print(f"    lỗi / problem: {v['problem']}")
    if report["served_problem_en"]:
        print(f"! {report['served_problem_vi']}")
        print(f"! {report['served_problem_en']}")
    if report["never_served"]:
        print("Phiên bản chưa từng được dùng (lần công bố bị dừng trước khi chuyển) sẽ bị xóa ở lần công bố sau / "
              f"never-served versions (a publish died before the switch), removed by the next publish: "
              f"{', '.join(report['never_served'])}")
    if report["current"] is None and not report["versions"]:
        print("chưa có phiên bản nào được công bố / no version published yet")
    print(f"tệp đã nạp vào vùng chờ / files ingested into staging: {report['ingested_files']}"
          + (f" (lần cuối / last {report['last_ingest']})" if report["last_ingest"] else ""))
    if report["damaged"]:
        print(f"{len(report['damaged'])} phiên bản bị hỏng / damaged version(s): {', '.join(report['damaged'])}. "
              "Hãy `python -m cli rollback` về một phiên bản tốt hoặc công bố lại / roll back to a good version or "
              "publish again.")
    return 0 if report["ok"] else 1


def cmd_rollback(args: argparse.Namespace) -> int:
    from service.publishing import rollback

    print(f"phiên bản đang dùng / current version: {rollback(args.version)}")
    return 0


def cmd_forecast(args: argparse.Namespace) -> int:
    from service.publishing import publish_derived

    version, stats = publish_derived()
    if not stats["published"]:
        print(f"phiên bản {version} đã có dự báo và trạng thái / already has its forecasts and verdicts")
        return 0
    print(f"phiên bản đang dùng / current version: {version} (dự báo và trạng thái / forecasts and verdicts: "
          f"{stats.get('rows')}, {stats.get('seconds')} s; {stats.get('total_seconds')} s in all)")
    return 0


def cmd_template(args: argparse.Namespace) -> int:
    from pipeline.forms import xlsx_template
    from store.templates import get_template, load_templates

    if args.code is None:
        for t in load_templates().values():
            print(f"{t.code:<18} {t.name_vi} / {t.name_en}")
        return 0
    template = get_template(args.code)
    out = Path(args.out or f"{template.file_stem()}.xlsx")
    out.write_bytes(xlsx_template(template))
    print(f"đã ghi / written: {out}")
    return 0


def cmd_microdata(args: argparse.Namespace) -> int:
    from pipeline.microdata import generate, write_raw

    if args.national:
        return _national(args)
    micro = generate(args.out, month=args.month, register_rows=args.register_rows, bhxh_rows=args.bhxh_rows)
    print(f"register: {micro.register} ({micro.register_rows:,} rows); bhxh: {micro.bhxh} ({micro.bhxh_rows:,} rows); "
          f"{micro.seconds} s")
    if args.raw:
        for name, path in write_raw(micro, args.out).items():
            print(f"raw {name}: {path}")
    return 0


def _national(args: argparse.Namespace) -> int:
    """`microdata --national`: the synthetic national register in chunks, then (with --build) the
    reconciliation and roll-up on it under a DuckDB memory limit."""
    from pipeline import national

    if not args.build_only:
        made = national.generate(args.out, people=args.people, provinces=args.provinces, communes=args.communes,
                                 chunk_rows=args.chunk_rows, month=args.month)
        print(f"national: {_n(made.people)} người / people, {_n(made.bhxh_rows)} BHXH, {made.chunks} tệp / chunks, "
              f"{made.seconds} s, peak RSS {made.peak_rss_mb} MB -> {made.folder}")
    if args.build or args.build_only:
        report = national.build(args.out, memory_limit=args.memory_limit, temp_directory=args.temp_dir)
        print(json.dumps(report, ensure_ascii=False))
    return 0


def _audit_log(args: argparse.Namespace):
    from store.audit import AuditLog, default_log

    log = default_log()
    return AuditLog(args.dir, log.max_bytes, log.keep, log.retention_days, log.limiter) if args.dir else log


def _anchors(values: list[str]) -> dict[str, list[str]]:
    from store.audit import STREAMS

    anchors: dict[str, list[str]] = {}
    for value in values:
        stream, sep, digest = value.partition("=")
        if not sep or not digest.strip() or stream not in STREAMS:
            raise SystemExit(f"--anchor {value!r}: cần dạng LUỒNG=HASH, LUỒNG là {' hoặc '.join(STREAMS)} / "
                             f"expected STREAM=HASH with STREAM one of {', '.join(STREAMS)}")
        anchors.setdefault(stream, []).append(digest.strip())
    return anchors


def cmd_audit_verify(args: argparse.Namespace) -> int:
    """Check the audit trail's hash chains; exit 1 on the first broken link or a kept hash gone missing."""
    import dataclasses

    log = _audit_log(args)
    report = log.verify(_anchors(args.anchor))
    if args.json:
        print(json.dumps(dataclasses.asdict(report) | {"ok": report.ok}, ensure_ascii=False, indent=2))
        return 0 if report.ok else 1
    starts = {"empty": "trống / empty", "genesis": "từ sự kiện đầu tiên / from the first event ever",
              "retention": "sau các tệp cũ do nhật ký xoá theo hạn lưu giữ hoặc dung lượng / after older files "
                           "removed by the log (retention or rotation)",
              "broken": "KHÔNG RÕ / UNEXPLAINED"}
    print(f"Nhật ký / audit trail: {log.directory}")
    for s in report.streams:
        print(f"{s.stream}: {_n(s.events)} sự kiện hợp lệ / events verified, {_n(s.files)} tệp / files, "
              f"{_n(s.damaged)} dòng hỏng bỏ qua / damaged lines skipped")
        print(f"  bắt đầu / start: {starts[s.start]}" + (f" ({', '.join(s.removed)})" if s.removed else ""))
        if s.head:
            label = "hash cuối còn khớp / last hash that holds" if s.broken else "hash mới nhất / newest hash"
            print(f"  {label}: {s.head}")
        if s.broken:
            print(f"  CHUỖI BỊ ĐỨT / CHAIN BROKEN: {s.broken.file} dòng / line {s.broken.line}: {s.broken.reason}")
        for digest in s.anchors_missing:
            print(f"  HASH ĐÃ LƯU KHÔNG CÒN TRONG CHUỖI / KEPT HASH NOT IN THE CHAIN: {digest} "
                  "(dòng mới nhất bị cắt hoặc chuỗi bị ghi lại / newest lines cut or chain rewritten)")
    if report.legacy_events:
        print(f"nhật ký cũ trước chuỗi / log from before the chain: {_n(report.legacy_events)} dòng / lines in "
              f"{', '.join(report.legacy_files)} (không kiểm được / cannot be checked)")
    print("Kết quả / result: " + ("nguyên vẹn / intact" if report.ok else "BỊ SỬA ĐỔI / TAMPERED"))
    return 0 if report.ok else 1


def cmd_audit_head(args: argparse.Namespace) -> int:
    """Print each stream's newest hash, to be kept outside this server.

    Why: a hash chain proves that nothing was changed inside it, but cutting off its newest lines (or
    rewriting the folder from some point on) leaves a shorter chain that is still valid. A hash kept
    elsewhere (a ticket, a mail, another server) is checked later with `audit verify --anchor STREAM=HASH`.
    """
    heads = _audit_log(args).head()
    if args.json:
        print(json.dumps({k: (None if h is None else {"hash": h.hash, "time": h.time, "file": h.file})
                          for k, h in heads.items()}, ensure_ascii=False, indent=2))
        return 0
    for stream, h in heads.items():
        print(f"{stream}\t{h.hash}\t{h.time}\t{h.file}" if h else f"{stream}\t-\t(trống / empty)")
def cmd_token(args: argparse.Namespace) -> int:
    """A new machine token: printed once; the access file keeps only its SHA-256."""
    import secrets

    from service.access import ROLES, TOKEN_PREFIX, token_hash

    if args.role not in ROLES:
        print(f"vai trò / role must be one of {ROLES}", file=sys.stderr)
        return 2
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    print(f"token (chỉ hiện một lần / shown once): {token}")
    print("thêm vào tệp phân quyền / add to the access file (HANOI_ACCESS_FILE):")
    print(f"[tokens.{args.name}]\nsha256 = \"{token_hash(token)}\"\nrole = \"{args.role}\"")
    if args.commune:
        print(f"commune = \"{args.commune}\"")
    return 0


def cmd_access(args: argparse.Namespace) -> int:
    """Check the access file the server would read; print every problem."""
    from service.access import AccessConfigError, access_file, load_access

    try:
        config = load_access(dev_mode=False)
    except AccessConfigError as exc:
        print(f"tệp phân quyền không hợp lệ / the access file is not valid: {exc}", file=sys.stderr)
        return 1
    print(f"{access_file()}: {len(config.users)} người dùng / users, {len(config.tokens)} token; "
          f"vai trò mặc định / default role: {config.default_role}")
    return 0


# ---- the parser ---------------------------------------------------------------------------------------------
def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m cli", description=DESCRIPTION, epilog=EPILOG,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def files(p: argparse.ArgumentParser) -> None:
        p.add_argument("paths", nargs="+", help="tệp CSV/XLSX hoặc thư mục / CSV or XLSX files or folders")
        p.add_argument("--template", help="mã biểu mẫu (mặc định: tự nhận) / template code (default: detected); "
                                          "see `python -m cli template`")
        p.add_argument("--as-of", help="tháng mới nhất được phép, YYYY-MM (mặc định: tháng này) / latest allowed month")
        p.add_argument("--quiet", action="store_true", help="không hiện thanh tiến trình / no progress bar")
        p.add_argument("--json", action="store_true", help="in kết quả dạng JSON / print the reports as JSON")
        p.add_argument("--period-format", choices=["MM/YYYY", "DD/MM/YYYY", "MM/DD/YYYY"],
                       help="cách tệp ghi ngày, khi ngày/tháng có thể đảo / how the file writes dates when day and "
                            "month could be swapped (default: the template's, MM/YYYY: ambiguous dates are refused)")
        p.add_argument("--confirm-outliers", metavar="LÝ DO / REASON",
                       help="nhận các giá trị thay đổi bất thường, với lý do (ghi vào nhật ký nạp) / accept values "
                            "flagged as month-on-month outliers, with the reason (kept in the ingest log); hard "
                            "limits can never be confirmed")
        p.add_argument("--received-at", metavar="YYYY-MM-DD",
                       help="ngày (giờ Hà Nội) báo cáo đến, khi trước ngày nạp, ví dụ ngày của thư điện tử / when the "
                            "report reached the city (Hanoi time) if before the ingest, e.g. the e-mail's date: "
                            "completeness judges on-time reports by it")

    p = sub.add_parser("reference", help="rebuild data/reference/communes.csv and commune_lineage.csv from vietnamadminunits")
    p.set_defaults(func=cmd_reference)
    p = sub.add_parser("demo", help="generate and publish the demonstration warehouse (staged real data still wins)")
    p.add_argument("--end", help="last month, YYYY-MM (default: the last complete month)")
    p.add_argument("--if-missing", action="store_true", help="only when nothing is published yet")
    p.set_defaults(func=cmd_demo)
    p = sub.add_parser("ingest", help="read, validate and stage raw files; quarantine bad rows")
    files(p)
    p.add_argument("--publish", action="store_true", help="publish a new version right after / công bố ngay")
    p.set_defaults(func=cmd_ingest)
    p = sub.add_parser("validate", help="check raw files without writing anything (dry run)")
    files(p)
    p.set_defaults(func=cmd_validate)
    p = sub.add_parser("publish", help="publish staged data as a new warehouse version (atomic)")
    p.add_argument("--keep", type=int, default=5, help="versions to keep (default 5, at least 2)")
    p.set_defaults(func=cmd_publish)
    p = sub.add_parser("status", help="show the current version, the kept versions and staging")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_status)
    p = sub.add_parser("rollback", help="serve an earlier kept version again (default: the previous one)")
    p.add_argument("version", nargs="?", help="version name (see `status`)")
    p.set_defaults(func=cmd_rollback)
    p = sub.add_parser("forecast", help="add the 2030 forecasts and verdicts (every KPI, area and month) to the "
                                        "current version if it has none, as a new version (a few seconds)")
    p.add_argument("--if-missing", action="store_true", help="accepted for old scripts: it only ever acts when missing")
    p.set_defaults(func=cmd_forecast)
    p = sub.add_parser("template", help="list the templates, or write one as an XLSX form")
    p.add_argument("code", nargs="?", help="template code")
    p.add_argument("--out", help="output .xlsx path")
    p.set_defaults(func=cmd_template)
    p = sub.add_parser("microdata", help="generate full-scale synthetic register and BHXH parquet (benchmarks)")
    p.add_argument("--out", default="data/microdata", help="output folder (git-ignored)")
    p.add_argument("--month", default="2026-10")
    p.add_argument("--register-rows", type=int, default=4_500_000)
    p.add_argument("--bhxh-rows", type=int, default=2_300_000)
    p.add_argument("--raw", action="store_true", help="also write raw CSVs with synthetic CCCDs")
    p.add_argument("--national", action="store_true",
                   help="a synthetic national register instead (chunked parquet; put it under /tmp, not the repo)")
    p.add_argument("--people", type=int, default=50_000_000, help="--national: people")
    p.add_argument("--provinces", type=int, default=34, help="--national: provinces")
    p.add_argument("--communes", type=int, default=3_300, help="--national: communes")
    p.add_argument("--chunk-rows", type=int, default=2_000_000, help="--national: people per parquet chunk")
    p.add_argument("--build", action="store_true", help="--national: then reconcile and roll up with DuckDB")
    p.add_argument("--build-only", action="store_true", help="--national: only reconcile and roll up existing chunks")
    p.add_argument("--memory-limit", default="3GB", help="--build: DuckDB memory_limit")
    p.add_argument("--temp-dir", help="--build: DuckDB temp_directory (spill); default <out>/duckdb-tmp")
    p.set_defaults(func=cmd_microdata)
    p = sub.add_parser("audit", help="check the audit trail's hash chains (verify) or print their newest hashes (head)")
    audit = p.add_subparsers(dest="audit_command", required=True, metavar="ACTION")
    for name, func, text in (("verify", cmd_audit_verify, "check every link; exit 1 on a broken chain"),
                             ("head", cmd_audit_head, "print each stream's newest hash, to keep elsewhere")):
        q = audit.add_parser(name, help=text, description=func.__doc__)
        q.add_argument("--dir", help="thư mục nhật ký (mặc định HANOI_AUDIT_DIR) / audit folder")
        q.add_argument("--json", action="store_true")
        if name == "verify":
            q.add_argument("--anchor", action="append", default=[], metavar="STREAM=HASH",
                           help="a hash printed earlier by `audit head`; it must still be in the chain")
        q.set_defaults(func=func)
    p = sub.add_parser("token", help="create a machine token for the API (the IOC's server-to-server pulls)")
    tokens = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    create = tokens.add_parser("create", help="print a new token once and its access-file entry")
    create.add_argument("--name", required=True, help="a name for the token, e.g. ioc")
    create.add_argument("--role", default="leader", help="leader (default), analyst, commune_official or viewer")
    create.add_argument("--commune", help="a 5-digit commune code, for a commune_official token")
    create.set_defaults(func=cmd_token)
    p = sub.add_parser("access", help="check the access file (users, roles, tokens)")
    access = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    access.add_parser("check", help="parse and check the access file the server reads").set_defaults(func=cmd_access)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
