"""Ingest raw files: read, recognise the template, validate, pseudonymise, stage; quarantine the rest.

One file at a time, streamed in chunks (a 200 MB file never sits in memory whole):
    raw file --readers--> text chunks --validate--> accepted | quarantined
    accepted --crosswalk (old units -> new), status, CCCD -> pid--> staging/<template>/<batch>.parquet
    quarantined (rows as they came, CCCDs masked, reasons vi + en) --> quarantine/<batch>__<file>.csv
and one line per file in staging/ingest_log.jsonl (rows in, accepted, quarantined, reasons, messages).

Staged data is not served: `python -m cli publish` merges it into a new warehouse version. A file
already ingested (same bytes, same template) is refused as a duplicate; a later file with rows for the
same key (a corrected report) replaces those rows at publish time. Files that cannot be read as the
template at all (empty, binary, wrong columns, another template) are rejected whole with a message.
"""
from __future__ import annotations

import fcntl
import json
import os
import shutil
import time
import uuid
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.crosswalk import BOUNDARY_CHANGE, default_new_unit, split_to_new
from pipeline.privacy import MissingKeyError, PseudonymKey, load_key, pseudonymise
from pipeline.readers import ReadError, open_raw, read_ahead, sniff_summary
from store.templates import Template, get_template, load_templates
from pipeline.validate import PERIOD_FORMATS, Context, header_matcher, parsed_chunks, rank_templates, reason_label, validate_chunk
from store.paths import curated_dir
from store.spreadsheet import csv_bytes

LOG_NAME = "ingest_log.jsonl"
HANOI = "Asia/Ho_Chi_Minh"
MIN_CONFIRMATION = 10


def staging_dir() -> Path:
    """Validated, pseudonymised rows waiting to be published (next to the warehouse, never served)."""
    return curated_dir() / "staging"


def quarantine_dir() -> Path:
    return curated_dir() / "quarantine"


def log_path() -> Path:
    return staging_dir() / LOG_NAME


@dataclass
class FileReport:
    """What happened to one file: the numbers, the reasons and a message in Vietnamese and English."""

    file: str
    status: str                       # ingested | partial | rejected | duplicate_file | empty | validated
    template: str | None = None
    rows_in: int = 0
    accepted: int = 0
    quarantined: int = 0
    blank_rows: int = 0
    reasons: dict[str, int] = field(default_factory=dict)
    message_vi: str = ""
    message_en: str = ""
    warnings: list[tuple[str, str]] = field(default_factory=list)
    read_as: str = ""
    sha256: str = ""
    batch: str = ""
    staged_file: str | None = None
    quarantine_file: str | None = None
    period_min: str | None = None
    period_max: str | None = None
    key_id: str | None = None
    ingested_at: str = ""
    received_at: str = ""             # when the report reached the city (UTC): the ingest time unless given
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)  # read, parse, checks, quarantine, pseudonymise, write
    outliers_confirmed: dict | None = None  # {"reason", "rows", "values": [line, column, value, bound, ...]}

    @property
    def ok(self) -> bool:
        return self.status in ("ingested", "partial", "validated", "empty")

    def to_json(self) -> dict:
        return asdict(self)


def read_log() -> list[dict]:
    """Every file ever ingested into the staging area (oldest first)."""
    path = log_path()
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _append_log(report: FileReport) -> None:
    path = log_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        fh.write(json.dumps(report.to_json(), ensure_ascii=False) + "\n")
        fh.flush()
        os.fsync(fh.fileno())


def _pick_template(headers: list[str], wanted: str | None) -> tuple[Template | None, dict, list, tuple[str, str] | None]:
    """(template, header mapping, extra headers, rejection message) for a file's headers."""
    ranked = rank_templates(headers, list(load_templates().values()))
    best = ranked[0]
    if wanted is not None:
        template = get_template(wanted)
        mine = next(m for m in ranked if m.template.code == template.code)
        if mine.complete:
            return template, mine.mapping, mine.extra, None
        if best.complete and best.template.code != template.code:
            return None, {}, [], (
                f"Tệp có các cột của biểu mẫu “{best.template.name_vi}”, không phải “{template.name_vi}”",
                f"The file has the columns of the template “{best.template.name_en}”, not “{template.name_en}”")
        missing_vi = ", ".join(f"“{f.header_vi}”" for f in mine.missing)
        missing_en = ", ".join(f"“{f.header_en}”" for f in mine.missing)
        return None, {}, [], (f"Thiếu cột bắt buộc của biểu mẫu “{template.name_vi}”: {missing_vi}",
                              f"Required columns of “{template.name_en}” are missing: {missing_en}")
    if best.complete:
        return best.template, best.mapping, best.extra, None
    if not best.mapping:
        return None, {}, [], ("Không nhận ra biểu mẫu: không có cột nào trùng với các biểu mẫu đã định nghĩa "
                              "(xem trang Dữ liệu & phương pháp để tải biểu mẫu)",
                              "Template not recognised: no column matches a defined template "
                              "(download the templates from the Data & methodology page)")
    missing_vi = ", ".join(f"“{f.header_vi}”" for f in best.missing)
    missing_en = ", ".join(f"“{f.header_en}”" for f in best.missing)
    return None, {}, [], (f"Gần giống biểu mẫu “{best.template.name_vi}” nhưng thiếu cột bắt buộc: {missing_vi}",
                          f"Looks like “{best.template.name_en}” but required columns are missing: {missing_en}")


# ---- turning accepted rows into staged rows -------------------------------------------------------------
def _stage_aggregate(frame: pd.DataFrame, template: Template, batch: str) -> pd.DataFrame:
    counts = [f.key for f in template.fields if f.kind == "count"]
    decimals = [f.key for f in template.fields if f.kind == "decimal"]
    out = frame.assign(orig_commune=frame["commune"])
    out = split_to_new(out, "commune", "period", counts, decimals)
    out["status"] = out["status"].fillna(template.default_status) if "status" in out else template.default_status
    out["batch"] = batch
    keep = set(template.key) | {template.reporting.name}  # the reporting unit's name: the list of who has not reported
    drop = [f.key for f in template.fields if f.kind == "text" and f.key not in keep and f.key in out.columns]
    return out.drop(columns=drop)


def _stage_person(frame: pd.DataFrame, template: Template, batch: str, key: PseudonymKey) -> pd.DataFrame:
    out = frame.drop(columns=["cccd"])
    out.insert(0, "pid", pseudonymise(key, frame["cccd"]))
    old = (out["period"] < BOUNDARY_CHANGE).to_numpy()
    if old.any():
        out.loc[old, "commune"] = default_new_unit(out.loc[old, "commune"]).to_numpy()
    out["status"] = template.default_status
    out["batch"] = batch
    out["key_id"] = key.key_id
    return out


def _arrow(frame: pd.DataFrame, schema: pa.Schema | None) -> pa.Table:
    table = pa.Table.from_pandas(frame, preserve_index=False)
    if schema is not None:
        table = table.select(schema.names).cast(schema)
    return table


class _Quarantine:
    """Appends quarantined rows to one CSV per file (UTF-8 with BOM, so Excel shows Vietnamese)."""

    def __init__(self, path: Path, headers: list[str]) -> None:
        self.path = path
        self.columns = ["_row", *headers, "_raw_line", "ly_do", "reason"]
        self.names = ["dong / line", *headers, "_raw_line", "ly_do (vi)", "reason (en)"]
        self.rows = 0
        self._fh = None

    def write(self, frame: pd.DataFrame) -> None:
        if frame.empty:
            return
        first = self._fh is None
        if first:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._fh = self.path.open("wb")
        out = frame.reindex(columns=self.columns)
        text = pd.DataFrame({i: out[col].astype(object).where(out[col].notna(), "").astype(str)
                             for i, col in enumerate(self.columns)})
        text.columns = self.names
        self._fh.write(csv_bytes(text, header=first, bom=first))  # formula-safe cells (store/spreadsheet.py)
        self.rows += len(frame)

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()

    def discard(self) -> None:
        self.close()
        self.path.unlink(missing_ok=True)


def ingest_file(path: Path | str, template: str | None = None, as_of: pd.Timestamp | None = None,
                dry_run: bool = False, progress: bool = False, chunk_rows: int | None = None,
                key: PseudonymKey | None = None, confirm_outliers: str | None = None,
                period_format: str | None = None, received_at: str | pd.Timestamp | None = None) -> FileReport:
    """Ingest one raw file into the staging area (or only check it when `dry_run`); never raises on bad data.

    `as_of` is the latest month a row may be for (default: this month). Person-level files need the
    pseudonymisation key (from the environment unless given) and are refused without it.
    `confirm_outliers` (a reason, at least 10 characters) accepts values flagged as month-on-month
    outliers; the reason and every accepted outlier are kept in the ingest log. Absolute limits, counts
    above population or labour force and every other check cannot be confirmed away. `period_format`
    declares how the file writes dates (DD/MM/YYYY or MM/DD/YYYY) when the template's format leaves a
    day/month order open. `received_at` is when the report reached the city (a date or a time in Hanoi, e.g.
    the e-mail's) when that was before the ingest: completeness judges "on time" by it; it is kept in the log
    beside the ingest time and may be neither in the future nor before 2020.
    """
    started = time.perf_counter()
    path = Path(path)
    as_of = (pd.Timestamp.today() if as_of is None else pd.Timestamp(as_of)).to_period("M").to_timestamp()
    report = FileReport(file=path.name, status="rejected")
    if received_at is not None:
        when = received_time(received_at)
        if when is None:
            return _finish(_refused(
                report, "bad_received_at",
                f"Thời điểm nhận báo cáo “{str(received_at)[:40]}” không hợp lệ: ghi ngày YYYY-MM-DD (giờ Hà Nội), "
                "không ở tương lai và không trước năm 2020",
                f"The time the report was received “{str(received_at)[:40]}” is not valid: write a date YYYY-MM-DD "
                "(Hanoi time), not in the future and not before 2020"), started, dry_run)
        report.received_at = when
    if confirm_outliers is not None and len(confirm_outliers.strip()) < MIN_CONFIRMATION:
        return _finish(_refused(
            report, "confirmation_too_short",
            f"Lý do xác nhận giá trị bất thường quá ngắn (cần ít nhất {MIN_CONFIRMATION} ký tự, "
            "ví dụ: “Phiên giao dịch việc làm lớn tháng 9, đã kiểm tra với xã”)",
            f"The reason for confirming outliers is too short (at least {MIN_CONFIRMATION} characters, "
            "e.g. “Large job fair in September, checked with the commune”)"), started, dry_run)
    if period_format is not None and period_format not in PERIOD_FORMATS:
        return _finish(_refused(report, "bad_period_format",
                                f"Định dạng ngày “{period_format}” không hợp lệ; dùng {' hoặc '.join(PERIOD_FORMATS)}",
                                f"Unknown date format “{period_format}”; use {' or '.join(PERIOD_FORMATS)}"),
                       started, dry_run)
    known = list(load_templates().values())
    try:
        raw = open_raw(path, header_matcher(known))
    except ReadError as err:
        return _finish(_refused(report, err.code, err.message_vi, err.message_en), started, dry_run)
    report.read_as = sniff_summary(raw)
    chosen, mapping, extra, problem = _pick_template(raw.headers, template)
    if problem is not None:
        return _finish(_refused(report, "wrong_template" if "không phải" in problem[0] else "missing_columns", *problem),
                       started, dry_run)
    assert chosen is not None
    report.template = chosen.code
    ignored = [h for h in extra if not h.startswith("(cột ")]
    if ignored:
        report.warnings.append((f"Bỏ qua các cột không thuộc biểu mẫu: {', '.join(ignored)}",
                                f"Ignored columns that are not in the template: {', '.join(ignored)}"))
    if chosen.level == "person" and not dry_run:
        try:
            key = key or load_key()
        except MissingKeyError as err:
            return _finish(_refused(report, "missing_key", err.message_vi, err.message_en), started, dry_run)
        report.key_id = key.key_id
    report.batch = f"{datetime.now(timezone.utc):%Y%m%dT%H%M%S%f}-{uuid.uuid4().hex[:8]}"
    ctx = Context(chosen, mapping, as_of, period_format=period_format, confirm_outliers=confirm_outliers)
    confirmed: list[dict] = []
    staged_final = staging_dir() / chosen.code / f"{report.batch}.parquet"
    staged_tmp = staged_final.with_name(f".{staged_final.name}.{uuid.uuid4().hex}.tmp")
    quarantine = _Quarantine(quarantine_dir() / f"{report.batch}__{path.stem}.csv", raw.headers)
    writer: pq.ParquetWriter | None = None
    reasons: Counter = Counter()
    periods: list[pd.Timestamp] = []
    bar = _progress_bar(raw, path, progress)
    timings: Counter = Counter()
    chunks = None
    try:
        # Chunk k+1 is read and parsed in a thread while chunk k is checked (the reader spends most of its
        # time in pyarrow and numpy, which release the GIL). A third stage (reading apart from parsing) was
        # measured slower: three busy threads on two cores mostly wait for the GIL.
        chunks = read_ahead(parsed_chunks(raw.chunks(chunk_rows or 500_000, bar.update_to if bar else None), ctx))
        while True:
            clock = time.perf_counter()
            chunk = next(chunks, None)
            timings["read"] += time.perf_counter() - clock
            if chunk is None:
                break
            result = validate_chunk(chunk, ctx)
            timings.update(result.seconds)
            report.rows_in += len(chunk.chunk.text) + len(chunk.chunk.bad_lines)
            report.accepted += len(result.accepted)
            report.quarantined += len(result.quarantined)
            reasons.update(result.reasons)
            confirmed += result.confirmed
            if not dry_run:
                quarantine.write(result.quarantined)
            if len(result.accepted):
                periods += [result.accepted["period"].min(), result.accepted["period"].max()]
            if dry_run or result.accepted.empty:
                continue
            clock = time.perf_counter()
            if chosen.level == "person":
                staged = _stage_person(result.accepted, chosen, report.batch, key)  # type: ignore[arg-type]
                timings["pseudonymise"] += time.perf_counter() - clock
            else:
                staged = _stage_aggregate(result.accepted, chosen, report.batch)
                timings["crosswalk"] += time.perf_counter() - clock
            clock = time.perf_counter()
            table = _arrow(staged, writer.schema if writer is not None else None)
            if writer is None:
                staged_tmp.parent.mkdir(parents=True, exist_ok=True)
                writer = pq.ParquetWriter(staged_tmp, table.schema)
            writer.write_table(table)
            timings["write"] += time.perf_counter() - clock
        # The file's hash comes from the reading pass (a big register is read once, not twice), so a file
        # ingested before is recognised here, before anything it staged is kept.
        report.sha256 = raw.sha256()
        if not dry_run and _already_ingested(report, chosen, confirm_outliers):
            _abort(writer, staged_tmp, quarantine)
            report.rows_in = report.accepted = report.quarantined = 0
            return _finish(report, started, dry_run)
    except ReadError as err:
        _abort(writer, staged_tmp, quarantine)
        report.status = "rejected"
        report.message_vi, report.message_en = err.message_vi, err.message_en
        report.reasons = {err.code: 1}
        report.accepted = 0
        return _finish(report, started, dry_run)
    except BaseException:
        _abort(writer, staged_tmp, quarantine)
        raise
    finally:
        if chunks is not None:
            chunks.close()  # stops the read-ahead thread on every way out
        if bar:
            bar.close()
    if writer is not None:
        writer.close()
        os.replace(staged_tmp, staged_final)
        report.staged_file = str(staged_final.relative_to(curated_dir()))
    quarantine.close()
    if quarantine.rows:
        report.quarantine_file = str(quarantine.path)
    report.blank_rows = raw.blank_rows
    report.reasons = dict(reasons.most_common())
    if confirmed:
        report.outliers_confirmed = {"reason": confirm_outliers.strip(), "rows": len(confirmed),  # type: ignore[union-attr]
                                     "values": confirmed[:1000]}
        report.warnings.append((f"{_vi(len(confirmed))} giá trị bất thường được nhận theo xác nhận: “{confirm_outliers}”",
                                f"{len(confirmed):,} outlier value(s) accepted as confirmed: “{confirm_outliers}”"))
    report.timings = {k: round(v, 3) for k, v in timings.items()}
    if periods:
        report.period_min = min(periods).strftime("%Y-%m")
        report.period_max = max(periods).strftime("%Y-%m")
    _summarise(report, chosen, dry_run)
    return _finish(report, started, dry_run)


def _already_ingested(report: FileReport, chosen: Template, confirm_outliers: str | None) -> bool:
    """Was this very file (same SHA-256, same template) ingested before? Then `report` says so."""
    earlier = [r for r in read_log() if r.get("sha256") == report.sha256 and r.get("template") == chosen.code
               and r.get("status") in ("ingested", "partial")
               and not (confirm_outliers and (r.get("reasons") or {}).get("outlier_jump"))]  # a confirmed resend
    if not earlier:
        return False
    report.status = "duplicate_file"
    report.message_vi = (f"Tệp này đã được nạp ngày {earlier[0]['ingested_at'][:10]} (lô {earlier[0]['batch']}); "
                         "không nạp lại. Nếu là báo cáo sửa đổi, hãy sửa số liệu rồi gửi lại.")
    report.message_en = (f"This file was already ingested on {earlier[0]['ingested_at'][:10]} (batch "
                         f"{earlier[0]['batch']}); not ingested again. For a corrected report, change the data and resend.")
    report.reasons = {"duplicate_file": 1}
    return True


def _abort(writer: pq.ParquetWriter | None, tmp: Path, quarantine: _Quarantine) -> None:
    if writer is not None:
        writer.close()
    tmp.unlink(missing_ok=True)
    quarantine.discard()


def _summarise(report: FileReport, template: Template, dry_run: bool) -> None:
    if report.rows_in == 0:
        report.status = "empty"
        report.message_vi = "Tệp chỉ có dòng tiêu đề, không có dòng số liệu nào"
        report.message_en = "The file has a header but no data rows"
        return
    if dry_run:
        report.status = "validated"
    elif report.accepted == 0:
        report.status = "rejected"
    else:
        report.status = "ingested" if report.quarantined == 0 else "partial"
    top = ", ".join(f"{reason_label(c, 'vi')} ({_vi(n)})" for c, n in list(report.reasons.items())[:3])
    top_en = ", ".join(f"{reason_label(c, 'en')} ({n:,})" for c, n in list(report.reasons.items())[:3])
    verb_vi = "hợp lệ" if dry_run else "được nhận"
    verb_en = "valid" if dry_run else "accepted"
    report.message_vi = (f"{template.name_vi}: {_vi(report.accepted)} dòng {verb_vi}, {_vi(report.quarantined)} dòng bị cách ly"
                         + (f" — lý do chính: {top}" if top else ""))
    report.message_en = (f"{template.name_en}: {_rows(report.accepted)} {verb_en}, {_rows(report.quarantined)} quarantined"
                         + (f" — main reasons: {top_en}" if top_en else ""))
    if report.reasons.get("outlier_jump"):
        n = report.reasons["outlier_jump"]
        report.message_vi += (f". {_vi(n)} giá trị thay đổi bất thường so với tháng trước bị cách ly: nếu đúng, nạp lại "
                              "tệp với --confirm-outliers \"lý do\"")
        report.message_en += (f". {n:,} value(s) with an unusual change from the month before were quarantined: if "
                              "they are right, ingest the file again with --confirm-outliers \"reason\"")


def _rows(n: int) -> str:
    return f"{n:,} row" + ("" if n == 1 else "s")


def _vi(n: int) -> str:
    """A count in vi-VN style (1.234.567) without pulling in the UI's Babel formatter."""
    return f"{n:,}".replace(",", ".")


def received_time(value: str | pd.Timestamp) -> str | None:
    """A reception time as UTC ISO text: a date or a time without zone is Hanoi's; None when it cannot be read,
    is in the future or before 2020."""
    try:
        when = pd.Timestamp(value)
    except (TypeError, ValueError):
        return None
    if pd.isna(when):
        return None
    if when.tzinfo is None:
        when = when.tz_localize(HANOI)
    when = when.tz_convert("UTC")
    if when > pd.Timestamp.now(tz="UTC") + pd.Timedelta(hours=1) or when.year < 2020:
        return None
    return when.isoformat(timespec="seconds")


def _refused(report: FileReport, reason: str, message_vi: str, message_en: str) -> FileReport:
    """`report` refused as a whole file for one reason, said in both languages (nothing of it is staged)."""
    report.message_vi, report.message_en = message_vi, message_en
    report.reasons = {reason: 1}
    return report


def _finish(report: FileReport, started: float, dry_run: bool) -> FileReport:
    report.seconds = round(time.perf_counter() - started, 3)
    report.ingested_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
    report.received_at = report.received_at or report.ingested_at
    if not dry_run:
        _append_log(report)
    return report


def _progress_bar(raw, path: Path, enabled: bool):
    if not enabled:
        return None
    from tqdm import tqdm

    class Bar(tqdm):
        def update_to(self, done: int) -> None:
            self.update(max(0, done - self.n))

    if raw.kind == "csv":
        return Bar(total=raw.size, unit="B", unit_scale=True, unit_divisor=1024, desc=path.name[:30], leave=False)
    return Bar(total=None, unit=" dòng", desc=path.name[:30], leave=False)


def ingest_files(paths: Iterable[Path | str], template: str | None = None, as_of: pd.Timestamp | None = None,
                 dry_run: bool = False, progress: bool = False, **options) -> list[FileReport]:
    """Ingest several files (folders are expanded to their CSV and XLSX files), one report each.

    A file that fails in an unforeseen way gets a rejected report of its own; the next file is still read.
    `options` go to `ingest_file` (e.g. confirm_outliers, period_format).
    """
    reports = []
    for path in expand_paths(paths):
        started = time.perf_counter()
        try:
            reports.append(ingest_file(path, template, as_of, dry_run, progress, **options))
        except Exception as exc:  # noqa: BLE001 - one file's failure must never stop the folder or the summary
            report = FileReport(file=Path(path).name, status="rejected", reasons={"internal_error": 1},
                                message_vi=f"Lỗi khi xử lý tệp ({exc.__class__.__name__}: {str(exc)[:200]}); tệp không "
                                           "được nạp, các tệp khác vẫn được xử lý. Hãy gửi tệp này cho quản trị viên.",
                                message_en=f"Error while processing the file ({exc.__class__.__name__}: "
                                           f"{str(exc)[:200]}); the file was not ingested, the other files still were. "
                                           "Send this file to the administrator.")
            reports.append(_finish(report, started, dry_run))
    return reports


def expand_paths(paths: Iterable[Path | str]) -> list[Path]:
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out += sorted(q for q in p.iterdir() if q.suffix.lower() in (".csv", ".xlsx", ".txt") and q.is_file())
        else:
            out.append(p)
    return out


def staged_files(template: str) -> list[Path]:
    """The staged parquet files of a template (published batches included: staging is cumulative)."""
    folder = staging_dir() / template
    return sorted(folder.glob("*.parquet")) if folder.exists() else []


def clear_staging() -> None:
    """Forget everything staged (tests and re-starts); the published versions are untouched."""
    shutil.rmtree(staging_dir(), ignore_errors=True)
    shutil.rmtree(quarantine_dir(), ignore_errors=True)


