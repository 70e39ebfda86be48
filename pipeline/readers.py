"""Open raw files as they really arrive and stream them in chunks of strings.

CSV (UTF-8, UTF-8 with BOM, UTF-16, Windows-1258 or Windows-1252; comma, semicolon, tab or pipe
separated) and XLSX (title rows above the header, two-row headers with merged cells, blank rows). Every
cell comes out as text exactly as written, so a rejected row can be quarantined as it came; XLSX cells
that were real numbers are also kept as numbers, so that 1.234 typed as a number is never re-read as
"1.234" in a decimal-comma file. Nothing is loaded whole: CSV goes through pyarrow's streaming reader,
XLSX through openpyxl's read-only mode.
"""
from __future__ import annotations

import codecs
import csv
import datetime as dt
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pyarrow import csv as pacsv

SAMPLE_BYTES = 1 << 20
CHUNK_ROWS = 500_000
HEADER_SCAN_ROWS = 30
# Bytes that only Windows-1258 gives Vietnamese letters to (Ă ă Đ đ Ơ ơ Ư ư and the tone marks).
_CP1258_MARKERS = frozenset(b"\xc3\xe3\xd0\xf0\xd5\xf5\xdd\xfd\xcc\xec\xde\xd2\xf2")


class ReadError(ValueError):
    """The file cannot be read as a table at all; carries a reason code and the message in vi and en."""

    def __init__(self, code: str, message_vi: str, message_en: str) -> None:
        super().__init__(f"{message_vi} / {message_en}")
        self.code = code
        self.message_vi = message_vi
        self.message_en = message_en


@dataclass
class RawChunk:
    """Up to CHUNK_ROWS data rows: text as written, native numbers (XLSX) and source row numbers."""

    text: pd.DataFrame
    numbers: pd.DataFrame | None
    rows: np.ndarray
    bad_lines: list[tuple[int | None, str]] = field(default_factory=list)


@dataclass
class RawFile:
    """An opened raw file: its format, encoding, separator, headers and a way to stream its rows."""

    path: Path
    kind: str                      # 'csv' | 'xlsx'
    headers: list[str]
    encoding: str = "utf-8"
    delimiter: str = ","
    header_line: int = 0           # 0-based line (CSV) or sheet row (XLSX, 1-based) of the header
    sheet: str | None = None
    header_rows: int = 1
    size: int = 0
    blank_rows: int = 0            # updated while streaming
    _skip_rows: int = 0

    def chunks(self, chunk_rows: int = CHUNK_ROWS, progress: Callable[[int], None] | None = None) -> Iterator[RawChunk]:
        """Stream the data rows; `progress` is called with bytes (CSV) or rows (XLSX) done."""
        if self.kind == "csv":
            yield from _csv_chunks(self, chunk_rows, progress)
        else:
            yield from _xlsx_chunks(self, chunk_rows, progress)


def normalise_text(value: str) -> str:
    """NFC (Windows-1258 writes tone marks as separate characters) and trimmed."""
    return unicodedata.normalize("NFC", value).strip()


# ---- sniffing ---------------------------------------------------------------------------------------
def _read_sample(path: Path) -> tuple[bytes, bytes]:
    """The first megabyte and, for big files, the last 256 kB (an encoding error can hide at the end)."""
    size = path.stat().st_size
    with path.open("rb") as fh:
        head = fh.read(SAMPLE_BYTES)
        tail = b""
        if size > 2 * SAMPLE_BYTES:
            fh.seek(size - 256 * 1024)
            tail = fh.read().lstrip(bytes(range(0x80, 0xC0)))  # start at a character boundary
    return head, tail


def detect_encoding(sample: bytes, truncated: bool = False) -> str:
    """UTF-8 (with or without BOM), UTF-16 (BOM), else Windows-1258 if its Vietnamese bytes occur, else 1252.

    `truncated` says the sample is a prefix of the file, so a multi-byte character cut at its end is fine.
    """
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=not truncated)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    return "cp1258" if any(b in _CP1258_MARKERS for b in sample) else "cp1252"


def _looks_binary(sample: bytes, encoding: str) -> bool:
    if encoding == "utf-16":
        return False
    head = sample[:65536]
    if b"\x00" in head:
        return True
    controls = sum(1 for b in head if b < 9 or 13 < b < 32)
    return controls > max(8, len(head) // 100)


def _split_lines(text: str, limit: int) -> list[str]:
    """Physical lines as the CSV reader counts them (\\r\\n, \\n or \\r)."""
    return re.split(r"\r\n|\n|\r", text, maxsplit=limit)[:limit]


def _sniff_delimiter(lines: list[str]) -> str:
    """The separator that gives the widest rows (the header is the widest line), then the most regular."""
    best, best_score = ",", (-1, -1)
    for delim in (",", ";", "\t", "|"):
        counts = [len(row) for row in csv.reader(lines, delimiter=delim) if any(c.strip() for c in row)]
        if not counts:
            continue
        widest = max(counts)
        score = (widest, counts.count(widest))
        if score > best_score:
            best, best_score = delim, score
    return best


def _dedupe(headers: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for i, h in enumerate(headers):
        name = h or f"(cột {i + 1})"
        if name in seen:
            seen[name] += 1
            name = f"{name} ({seen[name]})"
        else:
            seen[name] = 1
        out.append(name)
    return out


def _best_header(rows: list[list[str]], match: Callable[[str], bool]) -> tuple[int, int, list[str]]:
    """(row index, rows used, headers): the row, or pair of rows (merged group cells), matching best.

    Scored by the number of *distinct* known headers, so a data row under the header never looks like the
    second line of a two-row header.
    """
    def score(headers: list[str]) -> int:
        return len({h for h in headers if h and match(h)})

    best, best_score = (0, 1, rows[0] if rows else []), -1
    for i, row in enumerate(rows):
        single = list(row)
        if score(single) > best_score:
            best, best_score = (i, 1, single), score(single)
        if i + 1 >= len(rows):
            continue
        upper, lower = list(row), list(rows[i + 1])
        last = max((j for j, u in enumerate(upper) if u), default=-1)
        width = max(len(upper), len(lower))
        upper += [""] * (width - len(upper))
        lower += [""] * (width - len(lower))
        combined, group = [], ""
        for j, (u, lo) in enumerate(zip(upper, lower)):
            group = u or (group if j <= last else "")  # a merged group header has its text in its first cell only
            candidates = [f"{group} {lo}".strip(), lo, u] if lo else [u]
            combined.append(next((c for c in candidates if c and match(c)), u or (f"{group} {lo}".strip() if lo else "")))
        if any(lower) and score(combined) > best_score:
            best, best_score = (i, 2, combined), score(combined)
    return best


def open_raw(path: Path | str, match: Callable[[str], bool]) -> RawFile:
    """Open a raw CSV or XLSX file: reject what is not a table, find the encoding, separator and header.

    `match(header)` says whether a header text is a known template column; it picks the header row.
    """
    path = Path(path)
    if not path.exists():
        raise ReadError("not_found", f"Không tìm thấy tệp {path.name}", f"File not found: {path.name}")
    size = path.stat().st_size
    if size == 0:
        raise ReadError("empty_file", "Tệp rỗng (0 byte)", "The file is empty (0 bytes)")
    sample, tail = _read_sample(path)
    if sample.startswith(b"PK\x03\x04"):
        return _open_xlsx(path, match, size)
    if sample.startswith(b"\xd0\xcf\x11\xe0"):
        raise ReadError("xls_not_supported", "Tệp Excel 97-2003 (.xls) chưa được hỗ trợ: hãy lưu lại dưới dạng .xlsx hoặc CSV",
                        "Excel 97-2003 (.xls) files are not supported: save as .xlsx or CSV")
    encoding = detect_encoding(sample, truncated=size > len(sample))
    if encoding == "utf-8" and tail and detect_encoding(tail) != "utf-8":
        encoding = detect_encoding(sample + tail)  # not UTF-8 after all: a legacy code page
    if _looks_binary(sample, encoding):
        raise ReadError("binary_file", f"Tệp {path.name} không phải tệp văn bản CSV (có dữ liệu nhị phân)",
                        f"{path.name} is not a CSV text file (it contains binary data)")
    text = sample[:SAMPLE_BYTES].decode(encoding, errors="replace")
    lines = _split_lines(text, HEADER_SCAN_ROWS + 1)
    if lines and size > len(sample) and not text.endswith("\n"):
        lines = lines[:-1]
    if not any(line.strip() for line in lines):
        raise ReadError("empty_file", "Tệp không có dòng tiêu đề nào", "The file has no header line")
    delimiter = _sniff_delimiter(lines[:HEADER_SCAN_ROWS])
    parsed = [[normalise_text(c) for c in row] for row in csv.reader(lines[:HEADER_SCAN_ROWS], delimiter=delimiter)]
    nonblank = [(i, row) for i, row in enumerate(parsed) if any(row)]
    idx, used, headers = _best_header([row for _, row in nonblank], match)
    line_no = nonblank[idx][0]
    last_line = nonblank[idx + used - 1][0]
    return RawFile(path=path, kind="csv", headers=_dedupe(headers), encoding=encoding, delimiter=delimiter,
                   header_line=line_no, header_rows=used, size=size, _skip_rows=last_line + 1)


# ---- CSV ----------------------------------------------------------------------------------------------
def _csv_chunks(raw: RawFile, chunk_rows: int, progress: Callable[[int], None] | None) -> Iterator[RawChunk]:
    bad: list[tuple[int | None, str]] = []

    def on_invalid(row: pacsv.InvalidRow) -> str:
        bad.append((row.number, row.text))
        return "skip"

    names = raw.headers
    read_opts = pacsv.ReadOptions(column_names=names, skip_rows=raw._skip_rows, block_size=8 << 20,
                                  encoding="utf8" if raw.encoding in ("utf-8", "utf-8-sig") else raw.encoding,
                                  use_threads=True)
    parse_opts = pacsv.ParseOptions(delimiter=raw.delimiter, invalid_row_handler=on_invalid, ignore_empty_lines=True)
    conv_opts = pacsv.ConvertOptions(column_types={n: pa.string() for n in names}, strings_can_be_null=False,
                                     quoted_strings_can_be_null=False)
    try:
        reader = pacsv.open_csv(raw.path, read_options=read_opts, parse_options=parse_opts, convert_options=conv_opts)
    except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
        raise ReadError("unreadable_csv", f"Không đọc được tệp CSV: {exc}", f"Cannot read the CSV file: {exc}") from exc
    needs_nfc = raw.encoding in ("cp1258", "utf-16")
    pending: list[pa.RecordBatch] = []
    pending_rows = 0
    ordinal = 0
    done_bytes = 0

    def flush() -> RawChunk | None:
        nonlocal pending, pending_rows, ordinal, bad
        if not pending and not bad:
            return None
        table = pa.Table.from_batches(pending, schema=reader.schema) if pending else None
        pending, pending_rows = [], 0
        lines, bad = bad, []
        if table is None or table.num_rows == 0:
            frame = pd.DataFrame({n: pd.Series([], dtype="str") for n in names})
        else:
            cols = {}
            for n in names:
                col = pc.utf8_trim_whitespace(table.column(n))
                if needs_nfc:
                    col = pc.utf8_normalize(col, "NFC")
                cols[n] = col
            frame = pa.table(cols).to_pandas(types_mapper={pa.string(): pd.StringDtype("pyarrow", na_value=np.nan)}.get)
            blank = np.ones(len(frame), dtype=bool)
            for n in names:
                blank &= (frame[n].str.len() == 0).to_numpy()
            if blank.any():
                raw.blank_rows += int(blank.sum())
                frame = frame.loc[~blank]
        rows = np.arange(ordinal + 1, ordinal + 1 + len(frame))
        ordinal += len(frame)
        frame.index = pd.RangeIndex(rows[0] if len(rows) else ordinal, (rows[0] if len(rows) else ordinal) + len(frame))
        return RawChunk(text=frame, numbers=None, rows=rows, bad_lines=lines)

    try:
        for batch in reader:
            pending.append(batch)
            pending_rows += batch.num_rows
            if progress is not None:
                approx = int(raw.size * min(1.0, (done_bytes + batch.nbytes) / max(raw.size * 1.6, 1)))
                done_bytes += batch.nbytes
                progress(approx)
            if pending_rows >= chunk_rows:
                chunk = flush()
                if chunk is not None:
                    yield chunk
    except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
        raise ReadError("unreadable_csv", f"Tệp CSV hỏng ở giữa tệp: {exc}", f"The CSV file is broken part-way: {exc}") from exc
    chunk = flush()
    if chunk is not None and (len(chunk.text) or chunk.bad_lines):
        yield chunk
    if progress is not None:
        progress(raw.size)


# ---- XLSX ---------------------------------------------------------------------------------------------
def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, (dt.datetime, dt.date)):
        return value.strftime("%Y-%m-%d")
    return normalise_text(str(value))


def _cell_number(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return np.nan
    return float(value)


def _load_workbook(path: Path):
    from openpyxl import load_workbook

    try:
        return load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise ReadError("unreadable_xlsx", f"Không mở được tệp Excel: {exc}", f"Cannot open the Excel file: {exc}") from exc


def _open_xlsx(path: Path, match: Callable[[str], bool], size: int) -> RawFile:
    wb = _load_workbook(path)
    try:
        best: tuple[int, str, int, int, list[str]] | None = None
        for ws in wb.worksheets:
            rows = []
            for row in ws.iter_rows(min_row=1, max_row=HEADER_SCAN_ROWS, values_only=True):
                rows.append([_cell_text(v) for v in row])
            numbered = [(i + 1, r) for i, r in enumerate(rows) if any(r)]
            if not numbered:
                continue
            idx, used, headers = _best_header([r for _, r in numbered], match)
            score = sum(1 for h in headers if h and match(h))
            last_header_row = numbered[idx + used - 1][0]
            if best is None or score > best[0]:
                best = (score, ws.title, last_header_row, used, headers)
        if best is None:
            raise ReadError("empty_file", "Tệp Excel không có dữ liệu", "The Excel file has no data")
        _, sheet, header_row, used, headers = best
        while headers and not headers[-1]:
            headers = headers[:-1]
        return RawFile(path=path, kind="xlsx", headers=_dedupe(headers), sheet=sheet, header_line=header_row,
                       header_rows=used, size=size)
    finally:
        wb.close()


def _xlsx_chunks(raw: RawFile, chunk_rows: int, progress: Callable[[int], None] | None) -> Iterator[RawChunk]:
    wb = _load_workbook(raw.path)
    width = len(raw.headers)
    keep = [i for i, h in enumerate(raw.headers) if not h.startswith("(cột ")]
    names = [raw.headers[i] for i in keep]
    try:
        ws = wb[raw.sheet]
        texts: list[list[str]] = []
        numbers: list[list[float]] = []
        rownums: list[int] = []
        done = 0

        def flush() -> RawChunk:
            frame = pd.DataFrame(texts, columns=names, dtype="str") if texts else \
                pd.DataFrame({n: pd.Series([], dtype="str") for n in names})
            nums = pd.DataFrame(numbers, columns=names, dtype=float) if numbers else \
                pd.DataFrame({n: pd.Series([], dtype=float) for n in names})
            index = pd.Index(np.array(rownums, dtype=np.int64))
            frame.index = index
            nums.index = index
            return RawChunk(text=frame, numbers=nums, rows=np.array(rownums, dtype=np.int64))

        for r, row in enumerate(ws.iter_rows(min_row=raw.header_line + 1, values_only=True), start=raw.header_line + 1):
            cells = list(row[:width]) + [None] * max(0, width - len(row))
            text = [_cell_text(cells[i]) for i in keep]
            if not any(text):
                raw.blank_rows += 1
                continue
            texts.append(text)
            numbers.append([_cell_number(cells[i]) for i in keep])
            rownums.append(r)
            if len(texts) >= chunk_rows:
                done += len(texts)
                yield flush()
                texts, numbers, rownums = [], [], []
                if progress is not None:
                    progress(done)
        if texts:
            done += len(texts)
            yield flush()
        if progress is not None:
            progress(done)
    finally:
        wb.close()


def sniff_summary(raw: RawFile) -> str:
    """A one-line description of how the file was read (for logs and the summary)."""
    if raw.kind == "xlsx":
        return f"XLSX, sheet '{raw.sheet}', header row {raw.header_line}" + (" (2 rows)" if raw.header_rows == 2 else "")
    delim = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}[raw.delimiter]
    return f"CSV, {raw.encoding}, {delim}-separated, header line {raw.header_line + 1}"


def encode_cp1258(text: str) -> bytes:
    """Vietnamese text in Windows-1258, the way legacy Windows software writes it (base letter + tone mark).

    Used to build test files and samples; Python's codec alone refuses precomposed letters such as "ậ".
    """
    out = []
    for ch in unicodedata.normalize("NFC", text):
        try:
            ch.encode("cp1258")
            out.append(ch)
            continue
        except UnicodeEncodeError:
            pass
        base, *marks = unicodedata.normalize("NFD", ch)
        for mark in list(marks):
            composed = unicodedata.normalize("NFC", base + mark)
            if len(composed) == 1:
                try:
                    composed.encode("cp1258")
                    base = composed
                    marks.remove(mark)
                except UnicodeEncodeError:
                    continue
        out.append(base + "".join(marks))
    return "".join(out).encode("cp1258")
