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
import hashlib
import queue
import threading
import datetime as dt
import io
import re
import unicodedata
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterator, TypeVar

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pyarrow import csv as pacsv

from store.versions import file_sha256

T = TypeVar("T")
SAMPLE_BYTES = 1 << 20
CHUNK_ROWS = 500_000
HEADER_SCAN_ROWS = 30
MAX_LINE_BYTES = 1 << 16
"""No template row needs more than a few hundred bytes; a longer line is refused, not parsed."""
QUARANTINE_LINE_CHARS = 4096
"""A refused line is kept in the quarantine file up to this many characters (the raw file keeps it all)."""
READ_BYTES = 8 << 20
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
class BadLine:
    """A physical line refused before parsing: its 1-based number, reason code, message and text."""

    line: int
    code: str
    message_vi: str
    message_en: str
    text: str


@dataclass
class RawChunk:
    """Up to CHUNK_ROWS data rows: text as written, native numbers (XLSX), formula cells without a value
    (XLSX), and the rows' physical line (CSV) or sheet row (XLSX) numbers; refused lines travel along."""

    text: pd.DataFrame
    numbers: pd.DataFrame | None
    rows: np.ndarray
    bad_lines: list[BadLine] = field(default_factory=list)
    formulas: pd.DataFrame | None = None


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
    _digest: "hashlib._Hash | None" = None  # SHA-256 of the bytes streamed so far (CSV)
    _hashed_all: bool = False

    def sha256(self) -> str:
        """The file's SHA-256: from the streaming pass when it read every byte (a big register is then
        read once, not twice), else read again."""
        if self._hashed_all and self._digest is not None:
            return self._digest.hexdigest()
        return file_sha256(self.path)

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
    if _mostly_utf8(sample):
        return "utf-8"  # a few lines in another code page: those lines are refused, the rest is read
    return "cp1258" if any(b in _CP1258_MARKERS for b in sample) else "cp1252"


def _mostly_utf8(sample: bytes) -> bool:
    """UTF-8 text (with real multi-byte characters) where at most 5% of the lines are not UTF-8."""
    lines = sample.split(b"\n")[:-1] or [sample]
    bad = multibyte = 0
    for raw_line in lines:
        try:
            raw_line.decode("utf-8")
            multibyte += any(b >= 0x80 for b in raw_line)
        except UnicodeDecodeError:
            bad += 1
    return multibyte > 0 and bad <= max(1, len(lines) // 20) and multibyte >= bad


_BINARY_MAGIC = (b"\x89PNG", b"%PDF", b"GIF8", b"\xff\xd8\xff", b"\x7fELF", b"\x1f\x8b", b"MZ", b"Rar!", b"7z\xbc\xaf")


def _looks_binary(sample: bytes, encoding: str) -> bool:
    """A known binary signature, or many control bytes. A few NUL bytes in a text file are not enough:
    those lines are refused one by one, with their numbers."""
    if encoding.startswith("utf-16"):
        return False
    if sample.startswith(_BINARY_MAGIC):
        return True
    head = np.frombuffer(sample[:65536], dtype=np.uint8)
    controls = int(((head < 9) | ((head > 13) & (head < 32))).sum())
    return controls > max(8, len(head) // 100)


def _utf16_without_bom(sample: bytes) -> str | None:
    """UTF-16 written without a byte-order mark: NUL in every other byte of ASCII text."""
    head = np.frombuffer(sample[:65536 - (len(sample[:65536]) % 2)], dtype=np.uint8)
    if len(head) < 8:
        return None
    even, odd = head[0::2], head[1::2]
    if (odd == 0).mean() > 0.5 and (even == 0).mean() < 0.05:  # Vietnamese letters fill some high bytes
        return "utf-16-le"
    if (even == 0).mean() > 0.5 and (odd == 0).mean() < 0.05:
        return "utf-16-be"
    return None


def _split_lines(text: str, limit: int) -> list[str]:
    """Physical lines as the CSV reader counts them (\\r\\n, \\n or \\r)."""
    return re.split(r"\r\n|\n|\r", text, maxsplit=limit)[:limit]


def _fields(line: str, delimiter: str) -> list[str]:
    """One physical line's fields (never more than one line, never an exception)."""
    try:
        return next(csv.reader([line], delimiter=delimiter), [])
    except csv.Error:
        return line.split(delimiter)


def _sniff_delimiter(lines: list[str]) -> str:
    """The separator that gives the widest rows (the header is the widest line), then the most regular."""
    best, best_score = ",", (-1, -1)
    for delim in (",", ";", "\t", "|"):
        counts = [len(row) for row in (_fields(line, delim) for line in lines) if any(c.strip() for c in row)]
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
    encoding = _utf16_without_bom(sample) or detect_encoding(sample, truncated=size > len(sample))
    if encoding == "utf-8" and tail and detect_encoding(tail) != "utf-8":
        encoding = detect_encoding(sample + tail)  # not UTF-8 after all: a legacy code page
    if _looks_binary(sample, encoding):
        raise ReadError("binary_file", f"Tệp {path.name} không phải tệp văn bản CSV (có dữ liệu nhị phân)",
                        f"{path.name} is not a CSV text file (it contains binary data)")
    text = sample[:SAMPLE_BYTES].decode(encoding, errors="replace").lstrip("\ufeff")
    lines = _split_lines(text, HEADER_SCAN_ROWS + 1)
    if lines and size > len(sample) and not text.endswith("\n"):
        lines = lines[:-1]
    # Lines that would be refused anyway (huge, with NUL bytes or an open quote) take no part in finding the
    # header, and are read as one line each, as the data reader reads them.
    lines = ["" if len(line) > MAX_LINE_BYTES else line.replace("\x00", "") for line in lines]
    if not any(line.strip() for line in lines):
        raise ReadError("empty_file", "Tệp không có dòng tiêu đề nào", "The file has no header line")
    delimiter = _sniff_delimiter(lines[:HEADER_SCAN_ROWS])
    parsed = [[normalise_text(c) for c in _fields(line, delimiter)] for line in lines[:HEADER_SCAN_ROWS]]
    nonblank = [(i, row) for i, row in enumerate(parsed) if any(row)]
    idx, used, headers = _best_header([row for _, row in nonblank], match)
    line_no = nonblank[idx][0]
    last_line = nonblank[idx + used - 1][0]
    return RawFile(path=path, kind="csv", headers=_dedupe(headers), encoding=encoding, delimiter=delimiter,
                   header_line=line_no, header_rows=used, size=size, _skip_rows=last_line + 1)


# ---- CSV ----------------------------------------------------------------------------------------------
# Problems of single physical lines: the line is quarantined with its number, the rest of the file is read.
LINE_PROBLEMS: dict[str, tuple[str, str]] = {
    "wrong_field_count": ("Dòng có {n} cột nhưng dòng tiêu đề có {w} cột (thiếu hoặc thừa dấu phân cách “{d}”, hoặc "
                          "một ô bị xuống dòng): sửa dòng này rồi gửi lại",
                          "The line has {n} fields but the header has {w} (a missing or extra “{d}” separator, or a "
                          "line break inside a cell): fix this line and send it again"),
    "unclosed_quote": ("Dòng có dấu ngoặc kép (\") không được đóng, hoặc một ô bị xuống dòng bên trong: đóng dấu ngoặc "
                       "hoặc bỏ xuống dòng trong ô (Alt+Enter trong Excel) rồi gửi lại",
                       "The line has a double quote (\") that is never closed, or a cell with a line break inside: "
                       "close the quote or remove the line break in the cell (Alt+Enter in Excel) and send it again"),
    "nul_byte": ("Dòng chứa ký tự NUL (mã 0), thường do tệp hỏng khi sao chép hoặc xuất sai: xuất lại tệp từ phần "
                 "mềm gốc rồi gửi lại",
                 "The line contains NUL characters (code 0), usually a file damaged when copied or badly exported: "
                 "export the file again from the original software"),
    "line_too_long": ("Dòng dài {n} byte, vượt giới hạn {w} byte (có thể một ô chứa văn bản dán nhầm): xóa nội dung "
                      "thừa rồi gửi lại",
                      "The line is {n} bytes long, over the limit of {w} bytes (a cell probably holds pasted text): "
                      "remove the extra content and send it again"),
    "bad_encoding": ("Dòng có ký tự không đọc được theo bảng mã {d} của tệp (tệp trộn nhiều bảng mã): lưu lại tệp "
                     "dạng “CSV UTF-8” rồi gửi lại",
                     "The line has characters that are not valid in the file's encoding {d} (the file mixes "
                     "encodings): save the file as “CSV UTF-8” and send it again"),
}


def _line_problem(code: str, line: int, text: str, **values: object) -> BadLine:
    vi, en = LINE_PROBLEMS[code]
    fmt = {k: (f"{v:,}".replace(",", ".") if isinstance(v, int) else v) for k, v in values.items()}
    fmt_en = {k: (f"{v:,}" if isinstance(v, int) else v) for k, v in values.items()}
    shown = text if len(text) <= QUARANTINE_LINE_CHARS else text[:QUARANTINE_LINE_CHARS] + " …"
    return BadLine(line, code, vi.format(**{"n": "", "w": "", "d": "", **fmt}),
                   en.format(**{"n": "", "w": "", "d": "", **fmt_en}), shown)


def _utf8_blocks(raw: RawFile, progress: Callable[[int], None] | None) -> Iterator[tuple[bytes, bool | None]]:
    """The file as UTF-8 bytes with "\n" line ends, in blocks of whole lines: (data, has_bad_bytes).

    Legacy code pages and UTF-16 are decoded (Windows-1258 tone marks composed to NFC); "\r\n" and a lone
    "\r" both end a line, as in Excel and in a text editor. `has_bad_bytes` is False for decoded
    code pages and None (not looked at yet) for UTF-8: pyarrow's parser checks the bytes of a clean block
    anyway, and a block it refuses is looked at line by line.
    """
    utf8 = raw.encoding in ("utf-8", "utf-8-sig")
    decoder = None if utf8 else codecs.getincrementaldecoder(raw.encoding)(errors="replace")
    carry = b""
    done = 0
    first = True
    raw._digest, raw._hashed_all = hashlib.sha256(), False
    with raw.path.open("rb") as fh:
        while True:
            piece = fh.read(READ_BYTES)
            raw._digest.update(piece)  # releases the GIL: overlaps validation when read ahead in a thread
            done += len(piece)
            final = not piece
            raw._hashed_all = final
            if decoder is not None:
                text = decoder.decode(piece, final=final)
                if raw.encoding == "cp1258":
                    text = unicodedata.normalize("NFC", text)
                piece = text.encode("utf-8")
            if first and piece.startswith(codecs.BOM_UTF8):
                piece = piece[len(codecs.BOM_UTF8):]
            if first and decoder is not None and piece.startswith("\ufeff".encode("utf-8")):
                piece = piece[3:]
            first = False
            data = carry + piece
            if final:
                carry = b""
                if data and not data.endswith((b"\n", b"\r")):
                    data += b"\n"
            else:
                cut = max(data.rfind(b"\n"), data.rfind(b"\r"))
                if cut == len(data) - 1 and data.endswith(b"\r"):
                    cut = max(data.rfind(b"\n", 0, cut), data.rfind(b"\r", 0, cut))  # "\r" may begin "\r\n"
                carry, data = data[cut + 1:], data[:cut + 1]
            if b"\r" in data:
                data = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
            if data:
                yield data, (None if utf8 else False)
            if progress is not None:
                progress(min(done, raw.size))
            if final:
                return


def _classify_lines(data: bytes, has_bad_bytes: bool | None, raw: RawFile, first_line: int
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[BadLine], int]:
    """Per physical line of a block: (starts, ends, keep mask, refused lines, blank lines).

    Vectorised over the bytes: the positions of line ends, NUL bytes, quotes and separators, counted per
    line with two binary searches each; only the few suspicious lines are looked at one by one (a line
    with quotes whose separator count is off is split by Python's csv module, which knows quoting).
    """
    a = np.frombuffer(data, dtype=np.uint8)
    ends = np.flatnonzero(a == 10)
    n = len(ends)
    if n == 0:
        return np.empty(0, dtype=np.int64), ends, np.zeros(0, dtype=bool), [], 0
    starts = np.empty(n, dtype=np.int64)
    starts[0] = 0
    starts[1:] = ends[:-1] + 1
    lengths = ends - starts
    width = len(raw.headers)
    problem = np.zeros(n, dtype=np.int8)  # 0 fine, 1 nul, 2 too long, 3 unclosed quote, 4 field count, 5 encoding
    blank = lengths == 0

    def per_line(byte: int) -> np.ndarray | None:
        pos = np.flatnonzero(a == byte)
        if not len(pos):
            return None
        return np.searchsorted(pos, ends) - np.searchsorted(pos, starts)

    if has_bad_bytes is None:
        try:
            data.decode("utf-8")
            has_bad_bytes = False
        except UnicodeDecodeError:
            has_bad_bytes = True
    if has_bad_bytes:
        for i in np.flatnonzero(~blank):
            try:
                data[starts[i]:ends[i]].decode("utf-8")
            except UnicodeDecodeError:
                problem[i] = 5
    nul = per_line(0)
    if nul is not None:
        problem[(nul > 0) & (problem == 0)] = 1
    problem[(lengths > MAX_LINE_BYTES) & (problem == 0)] = 2
    quotes = per_line(34)
    if quotes is not None:
        problem[(quotes % 2 == 1) & (problem == 0)] = 3
    separators = per_line(ord(raw.delimiter))
    fields = (separators if separators is not None else np.zeros(n, dtype=np.int64)) + 1
    suspect = np.flatnonzero((fields != width) & ~blank & (problem == 0))
    for i in suspect:
        line = data[starts[i]:ends[i]]
        if not line.strip(b" \t" + raw.delimiter.encode()):
            blank[i] = True  # only separators and spaces: a blank row
            continue
        if quotes is not None and quotes[i]:
            fields[i] = len(_fields(line.decode("utf-8", errors="replace"), raw.delimiter))
        if fields[i] != width:
            problem[i] = 4
    bad: list[BadLine] = []
    codes = {1: "nul_byte", 2: "line_too_long", 3: "unclosed_quote", 4: "wrong_field_count", 5: "bad_encoding"}
    for i in np.flatnonzero(problem):
        chunk = data[starts[i]:min(ends[i], starts[i] + QUARANTINE_LINE_CHARS * 4)]
        text = chunk.decode("utf-8", errors="replace").replace("\x00", "\ufffd")
        code = codes[int(problem[i])]
        bad.append(_line_problem(code, first_line + int(i), text, n=int(lengths[i]) if code == "line_too_long"
                                 else int(fields[i]), w=MAX_LINE_BYTES if code == "line_too_long" else width,
                                 d=raw.encoding if code == "bad_encoding" else raw.delimiter))
    keep = (problem == 0) & ~blank
    return starts, ends, keep, bad, int(blank.sum())


def _parse_lines(data: bytes, raw: RawFile) -> pa.Table | None:
    """Good lines (equal field counts, balanced quotes) through pyarrow's parser; None if it disagrees.

    The bytes are valid UTF-8 by the time they get here (`_valid_utf8` for a clean block; the lines kept by
    `_classify_lines` otherwise; decoded code pages are re-encoded), so pyarrow does not check them again.
    """
    names = raw.headers
    disagreed = []

    def on_invalid(row: pacsv.InvalidRow) -> str:
        disagreed.append(row)
        return "skip"

    table = pacsv.read_csv(
        io.BytesIO(data),
        read_options=pacsv.ReadOptions(column_names=names, use_threads=True, block_size=1 << 20),
        parse_options=pacsv.ParseOptions(delimiter=raw.delimiter, invalid_row_handler=on_invalid,
                                         ignore_empty_lines=False, newlines_in_values=False),
        convert_options=pacsv.ConvertOptions(column_types={n: pa.string() for n in names}, strings_can_be_null=False,
                                             quoted_strings_can_be_null=False, check_utf8=False))
    return None if disagreed else table


LINE_WINDOW = MAX_LINE_BYTES // 2


def _valid_utf8(data: bytes) -> bool:
    """Arrow's UTF-8 check of a whole block (SIMD, twice the speed of bytes.decode, and no copy). Checked
    before parsing because pyarrow cannot hand a row with invalid bytes to the invalid-row handler."""
    offsets = pa.py_buffer(np.array([0, len(data)], dtype=np.int64))
    block = pa.Array.from_buffers(pa.large_binary(), 1, [None, offsets, pa.py_buffer(data)])
    try:
        block.cast(pa.large_string())
    except pa.ArrowInvalid:
        return False
    return True


def _parse_clean_block(data: bytes, raw: RawFile) -> pa.Table | None:
    """A block parsed in one go when nothing in it can be a refused line; None when something might be.

    The common case (a clean export of millions of rows) must not pay for looking at every line. It is
    proved clean, without a per-line pass, when all of these hold: no NUL byte; every aligned window of
    MAX_LINE_BYTES / 2 bytes holds a line end (so no line is too long); valid UTF-8; pyarrow parses it with no
    row of the wrong width and exactly one row per line (an unclosed quote would merge lines); every quote
    byte was consumed as quoting (the bytes not in any cell, separators and line ends are exactly the quote
    bytes, so no cell holds a stray quote and every line's quotes pair up), and the last row, the only one
    an unclosed quote could stretch without merging, holds no line end. Anything else goes line by line
    (`_classify_lines`), which gives each refused line its number and reason.
    """
    if b"\x00" in data or not data.endswith(b"\n"):
        return None
    for start in range(0, len(data) - LINE_WINDOW, LINE_WINDOW):
        if data.find(b"\n", start, start + LINE_WINDOW) < 0:
            return None
    if not _valid_utf8(data):
        return None
    try:
        table = _parse_lines(data, raw)
    except pa.ArrowInvalid:  # anything else pyarrow refuses: look line by line
        return None
    a = np.frombuffer(data, dtype=np.uint8)
    lines = int(np.count_nonzero(a == 10))  # numpy compares 16 bytes at a time: 3x bytes.count on quotes
    if table is None or table.num_rows != lines:
        return None
    cell_bytes = 0
    for column in table.columns:
        for piece in column.chunks:
            if len(piece):  # the value offsets of a string array: its bytes without a pass over the rows
                offsets = np.frombuffer(piece.buffers()[1], dtype=np.int32)
                cell_bytes += int(offsets[piece.offset + len(piece)]) - int(offsets[piece.offset])
    consumed = len(data) - cell_bytes - lines * len(raw.headers)
    if consumed != int(np.count_nonzero(a == 34)):
        return None
    if lines and any("\n" in (table.column(i)[lines - 1].as_py() or "") for i in range(table.num_columns)):
        return None
    return table


def _parse_lines_slowly(lines: list[bytes], raw: RawFile) -> tuple[list[list[str]], list[int]]:
    """The rare fallback: Python's csv module line by line; returns rows and the positions it refused."""
    rows, refused = [], []
    for i, line in enumerate(lines):
        try:
            fields = next(csv.reader([line.decode("utf-8", errors="replace")], delimiter=raw.delimiter, strict=True))
        except (csv.Error, StopIteration):
            fields = []
        if len(fields) != len(raw.headers):
            refused.append(i)
        else:
            rows.append(fields)
    return rows, refused


@lru_cache(maxsize=1)
def _threads() -> ThreadPoolExecutor:
    """Two workers for column-wise pyarrow kernels (they release the GIL): the machine has two cores."""
    return ThreadPoolExecutor(max_workers=2, thread_name_prefix="csv-columns")


def _csv_chunks(raw: RawFile, chunk_rows: int, progress: Callable[[int], None] | None) -> Iterator[RawChunk]:
    """Stream a CSV file as chunks of text cells numbered by physical line; refused lines travel with them.

    Every physical line after the header is exactly one of: blank (not a row), a data row, or a refused
    line with its reason, so rows in = accepted + quarantined holds by construction.
    """
    names = raw.headers
    pending: list[pa.Table] = []
    pending_rows: list[np.ndarray] = []
    pending_bad: list[BadLine] = []
    count = 0
    line_no = 0  # physical lines consumed so far

    def flush() -> RawChunk:
        nonlocal pending, pending_rows, pending_bad, count
        tables, rows, bad = pending, pending_rows, pending_bad
        pending, pending_rows, pending_bad, count = [], [], [], 0
        numbers = np.concatenate(rows) if rows else np.empty(0, dtype=np.int64)
        if not tables or sum(t.num_rows for t in tables) == 0:
            frame = pd.DataFrame({n: pd.Series([], dtype="str") for n in names})
        else:
            table = pa.concat_tables(tables)
            # one contiguous array per column: every later kernel would otherwise copy the pieces together again
            trimmed = list(_threads().map(lambda n: pc.utf8_trim_whitespace(table.column(n)).combine_chunks(), names))
            blank = np.ones(table.num_rows, dtype=bool)
            for column in trimmed:
                blank &= pc.equal(pc.binary_length(column), 0).to_numpy(zero_copy_only=False)
            if blank.any():
                raw.blank_rows += int(blank.sum())
                keep = pa.array(~blank)
                trimmed = [pc.filter(column, keep) for column in trimmed]
                numbers = numbers[~blank]
            frame = pa.table(dict(zip(names, trimmed))).to_pandas(
                types_mapper={pa.string(): pd.StringDtype("pyarrow", na_value=np.nan)}.get)
        frame.index = pd.Index(numbers, dtype=np.int64)
        return RawChunk(text=frame, numbers=None, rows=frame.index.to_numpy(), bad_lines=bad)

    for data, has_bad_bytes in _utf8_blocks(raw, progress):
        if line_no < raw._skip_rows:  # the title and header lines
            a = np.frombuffer(data, dtype=np.uint8)
            ends = np.flatnonzero(a == 10)
            skip = min(raw._skip_rows - line_no, len(ends))
            line_no += skip
            data = data[ends[skip - 1] + 1:] if skip else data
            if not data:
                continue
        clean = None if has_bad_bytes else _parse_clean_block(data, raw)
        if clean is not None:
            numbers = line_no + 1 + np.arange(clean.num_rows, dtype=np.int64)
            line_no += clean.num_rows
            pending.append(clean)
            pending_rows.append(numbers)
            count += clean.num_rows
            if count >= chunk_rows:
                yield flush()
            continue
        starts, ends, keep, bad, blanks = _classify_lines(data, has_bad_bytes, raw, line_no + 1)
        raw.blank_rows += blanks
        numbers = line_no + 1 + np.flatnonzero(keep)
        line_no += len(ends)
        if keep.all():
            good = data
        elif keep.any():
            lengths = ends - starts + 1
            good = np.frombuffer(data, dtype=np.uint8)[np.repeat(keep, lengths)].tobytes()
        else:
            good = b""
        if good:
            table = _parse_lines(good, raw)
            if table is None or table.num_rows != len(numbers):
                lines = good.split(b"\n")[:-1]
                rows, refused = _parse_lines_slowly(lines, raw)
                for i in refused:
                    bad.append(_line_problem("wrong_field_count", int(numbers[i]), lines[i].decode("utf-8", "replace"),
                                             n=len(lines[i].split(raw.delimiter.encode())), w=len(names),
                                             d=raw.delimiter))
                numbers = np.delete(numbers, refused)
                table = pa.table({n: pa.array([r[k] for r in rows], type=pa.string()) for k, n in enumerate(names)})
            pending.append(table)
            pending_rows.append(numbers)
            count += table.num_rows
        if bad:
            bad.sort(key=lambda b: b.line)
            pending_bad += bad
        if count >= chunk_rows:
            yield flush()
    if pending or pending_bad:
        chunk = flush()
        if len(chunk.text) or chunk.bad_lines:
            yield chunk


def read_ahead(chunks: Iterator[T]) -> Iterator[T]:
    """The chunks (or anything made of them), the next one read in a thread while the caller works on the
    one it has: reading (pyarrow, hashing, numpy, mostly without the GIL) overlaps the validation of the
    chunk before. At most two chunks exist at a time (the caller's and the one being read), so memory stays
    bounded by the chunk size. An error in the reader is raised here, in order; closing this generator
    stops the reader.
    """
    box: queue.Queue = queue.Queue()
    slots = threading.Semaphore(2)  # the chunk the caller holds and the one being read
    stop = threading.Event()

    def produce() -> None:
        try:
            while True:
                while not slots.acquire(timeout=0.1):
                    if stop.is_set():
                        return
                if stop.is_set():
                    return
                item = next(chunks, _END)
                box.put(("end", None) if item is _END else ("chunk", item))
                if item is _END:
                    return
        except BaseException as exc:  # handed to the consumer, raised there
            box.put(("error", exc))
        finally:
            close = getattr(chunks, "close", None)
            if close is not None:
                close()  # the file is closed by the thread that read it

    worker = threading.Thread(target=produce, name="csv-read-ahead", daemon=True)
    worker.start()
    try:
        while True:
            kind, item = box.get()
            if kind == "end":
                return
            if kind == "error":
                raise item
            yield item
            del item  # the caller is done with it: its slot is free for the next chunk
            slots.release()
    finally:
        stop.set()
        worker.join()


_END = object()


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


def _has_formulas(path: Path) -> bool:
    """Does any worksheet hold a formula (an <f> element)? Read from the zip, without parsing the sheets."""
    try:
        with zipfile.ZipFile(path) as zf:
            for name in zf.namelist():
                if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                    with zf.open(name) as fh:
                        tail = b""
                        for block in iter(lambda: fh.read(1 << 20), b""):
                            if b"<f>" in tail + block or b"<f " in tail + block:
                                return True
                            tail = block[-3:]
    except (zipfile.BadZipFile, OSError, KeyError):
        return False
    return False


def _formula_rows(raw: RawFile) -> Iterator[tuple]:
    """The sheet's rows as written (formulas as text), in step with the values; empty rows when no formulas."""
    from openpyxl import load_workbook

    wb = load_workbook(raw.path, read_only=True, data_only=False)
    try:
        yield from wb[raw.sheet].iter_rows(min_row=raw.header_line + 1, values_only=True)
    finally:
        wb.close()


def _xlsx_chunks(raw: RawFile, chunk_rows: int, progress: Callable[[int], None] | None) -> Iterator[RawChunk]:
    wb = _load_workbook(raw.path)
    width = len(raw.headers)
    keep = [i for i, h in enumerate(raw.headers) if not h.startswith("(cột ")]
    names = [raw.headers[i] for i in keep]
    written = _formula_rows(raw) if _has_formulas(raw.path) else None
    try:
        ws = wb[raw.sheet]
        texts: list[list[str]] = []
        numbers: list[list[float]] = []
        formulas: list[list[bool]] = []
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
            found = None
            if written is not None:
                found = pd.DataFrame(formulas, columns=names, dtype=bool) if formulas else \
                    pd.DataFrame({n: pd.Series([], dtype=bool) for n in names})
                found.index = index
            return RawChunk(text=frame, numbers=nums, rows=np.array(rownums, dtype=np.int64), formulas=found)

        for r, row in enumerate(ws.iter_rows(min_row=raw.header_line + 1, values_only=True), start=raw.header_line + 1):
            cells = list(row[:width]) + [None] * max(0, width - len(row))
            text = [_cell_text(cells[i]) for i in keep]
            formula = [False] * len(keep)
            if written is not None:
                as_written = next(written, ()) or ()
                formula = [cells[i] is None and i < len(as_written) and isinstance(as_written[i], str)
                           and as_written[i].startswith("=") for i in keep]
            if not any(text) and not any(formula):
                raw.blank_rows += 1
                continue
            texts.append(text)
            numbers.append([_cell_number(cells[i]) for i in keep])
            formulas.append(formula)
            rownums.append(r)
            if len(texts) >= chunk_rows:
                done += len(texts)
                yield flush()
                texts, numbers, formulas, rownums = [], [], [], []
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
