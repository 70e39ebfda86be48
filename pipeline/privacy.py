"""Pseudonymisation of citizen IDs (CCCD) and their format rules.

The CCCD never reaches disk: person-level rows are pseudonymised in memory, right after validation, by
a keyed hash, HMAC-SHA256(key, CCCD), of which the first 128 bits (32 hex characters) are kept as `pid`.
The same person gets the same `pid` in the labour register and the BHXH extract (so they can be
reconciled) as long as the key is the same; without the key nobody can go back from a `pid` to a CCCD,
nor test a guessed CCCD (there are only ~10^11 of them, so an unkeyed hash would be reversible).

The key is a secret of the data owner and never lives in code: the environment variable
`HANOI_PSEUDONYM_KEY`, or the file named by `HANOI_PSEUDONYM_KEY_FILE`, or `pseudonym_key` in
`.streamlit/secrets.toml` (git-ignored). Person-level ingest refuses to run without one.

The HMAC is computed by DuckDB's vectorised SHA-256 on both cores (about 1 M IDs a second here); a
pure-Python reference implementation (`pseudonymise_one`) is what the tests compare against.
"""
from __future__ import annotations

import hashlib
import hmac
import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from store.paths import PROJECT_ROOT

KEY_ENV = "HANOI_PSEUDONYM_KEY"
KEY_FILE_ENV = "HANOI_PSEUDONYM_KEY_FILE"
SECRETS_FILE = PROJECT_ROOT / ".streamlit" / "secrets.toml"
MIN_KEY_LENGTH = 32
PID_HEX = 32
# Province codes of birth registration that open a CCCD: "0" + the 63 pre-2025 province codes (Circular
# 07/2016/TT-BCA; the 34 provinces of 2025 kept codes from this list). A test checks the list against
# vietnamadminunits' legacy province table.
CCCD_PROVINCES: frozenset[str] = frozenset(f"0{c:02d}" for c in (
    1, 2, 4, 6, 8, 10, 11, 12, 14, 15, 17, 19, 20, 22, 24, 25, 26, 27, 30, 31, 33, 34, 35, 36, 37, 38, 40, 42, 44,
    45, 46, 48, 49, 51, 52, 54, 56, 58, 60, 62, 64, 66, 67, 68, 70, 72, 74, 75, 77, 79, 80, 82, 83, 84, 86, 87, 89,
    91, 92, 93, 94, 95, 96))


class MissingKeyError(RuntimeError):
    """No pseudonymisation key is configured: person-level data must not be ingested."""

    message_vi = ("Chưa cấu hình khóa mã hóa số định danh: đặt biến môi trường HANOI_PSEUDONYM_KEY (ít nhất "
                  f"{MIN_KEY_LENGTH} ký tự) hoặc HANOI_PSEUDONYM_KEY_FILE, hoặc pseudonym_key trong .streamlit/secrets.toml. "
                  "Không nạp dữ liệu cá nhân khi chưa có khóa.")
    message_en = ("No pseudonymisation key: set HANOI_PSEUDONYM_KEY (at least "
                  f"{MIN_KEY_LENGTH} characters) or HANOI_PSEUDONYM_KEY_FILE, or pseudonym_key in .streamlit/secrets.toml. "
                  "Person-level data is never ingested without it.")

    def __init__(self, detail: str = "") -> None:
        super().__init__(f"{self.message_vi} / {self.message_en}" + (f" ({detail})" if detail else ""))
        if detail:
            self.message_vi = f"{type(self).message_vi} ({detail})"
            self.message_en = f"{type(self).message_en} ({detail})"


@dataclass(frozen=True)
class PseudonymKey:
    """The secret key; `key_id` identifies it (a hash of the key, safe to log) so batches hashed with
    different keys are never reconciled against each other."""

    secret: bytes

    @property
    def key_id(self) -> str:
        return hmac.new(self.secret, b"hanoi-kpi/key-id", hashlib.sha256).hexdigest()[:12]

    def __repr__(self) -> str:  # never print the secret
        return f"PseudonymKey(key_id={self.key_id})"


def load_key() -> PseudonymKey:
    """The key from the environment or the secrets file; raises MissingKeyError with a clear message."""
    value = os.environ.get(KEY_ENV, "")
    source = KEY_ENV
    if not value and os.environ.get(KEY_FILE_ENV):
        path = Path(os.environ[KEY_FILE_ENV])
        if not path.exists():
            raise MissingKeyError(f"{KEY_FILE_ENV}={path} does not exist")
        value, source = path.read_text(encoding="utf-8").strip(), str(path)
    if not value and SECRETS_FILE.exists():
        secrets = tomllib.loads(SECRETS_FILE.read_text(encoding="utf-8"))
        value = str(secrets.get("pseudonym_key") or secrets.get("pipeline", {}).get("pseudonym_key", ""))
        source = str(SECRETS_FILE)
    if not value:
        raise MissingKeyError()
    if len(value) < MIN_KEY_LENGTH:
        raise MissingKeyError(f"the key from {source} is shorter than {MIN_KEY_LENGTH} characters")
    return PseudonymKey(value.encode("utf-8"))


def pseudonymise_one(key: PseudonymKey, cccd: str) -> str:
    """Reference implementation: the first 128 bits of HMAC-SHA256(key, cccd), in hex."""
    return hmac.new(key.secret, cccd.encode("utf-8"), hashlib.sha256).hexdigest()[:PID_HEX]


def _pads(secret: bytes) -> tuple[bytes, bytes]:
    block = 64
    if len(secret) > block:
        secret = hashlib.sha256(secret).digest()
    secret = secret.ljust(block, b"\0")
    return bytes(b ^ 0x5C for b in secret), bytes(b ^ 0x36 for b in secret)


def pseudonymise(key: PseudonymKey, ids: pd.Series) -> pd.Series:
    """HMAC-SHA256 of every ID, vectorised in DuckDB (RFC 2104 written out: H(K^opad || H(K^ipad || m)))."""
    if len(ids) == 0:
        return pd.Series([], dtype="str", index=ids.index)
    opad, ipad = _pads(key.secret)
    arr = ids.array
    arr = (pa.chunked_array(arr.__arrow_array__()) if hasattr(arr, "__arrow_array__")
           else pa.array(ids.astype(object).to_numpy(dtype=object), type=pa.string()))
    table = pa.table({"m": arr})
    con = duckdb.connect(":memory:", config={"threads": 2})
    con.execute("SET enable_progress_bar = false")
    try:
        con.register("ids", table)
        out = con.sql(
            f"SELECT substr(sha256($o::BLOB || unhex(sha256($i::BLOB || encode(m)))), 1, {PID_HEX}) AS pid FROM ids",
            params={"o": opad, "i": ipad},
        ).to_arrow_table()
    finally:
        con.close()
    dtype = pd.StringDtype("pyarrow", na_value=np.nan)
    values = out.column("pid").to_pandas(types_mapper={pa.string(): dtype, pa.large_string(): dtype}.get)
    return pd.Series(values.array, index=ids.index)


def cccd_province_ok(values: pd.Series) -> pd.Series:
    """The first three digits are a province code of birth registration."""
    return values.astype("str").str.slice(0, 3).isin(CCCD_PROVINCES)


def mask_cccd(values: pd.Series) -> pd.Series:
    """What a quarantine file shows instead of a CCCD: first 3 and last 2 characters, length kept.

    Enough for a data steward to see why a row failed (length, province code) and find it in their own
    file (the row number is given too); not enough to identify anyone. Values of 5 characters or fewer
    become "*****". Vectorised with Arrow (a quarantine can hold millions of rows).
    """
    import pyarrow.compute as pc

    arr = pa.array(values.astype(object).where(values.notna(), "").to_numpy(dtype=object), type=pa.string())
    n = pc.utf8_length(arr)
    long_ = pc.greater(n, 5)
    stars = pc.binary_repeat(pa.scalar("*"), pc.max_element_wise(pc.subtract(n, 5), 0))
    masked = pc.binary_join_element_wise(pc.utf8_slice_codeunits(arr, 0, 3), stars,
                                         pc.utf8_slice_codeunits(arr, -2), "")
    short = pc.if_else(pc.greater(n, 0), pa.scalar("*****"), pa.scalar(""))
    out = pc.if_else(long_, masked, short)
    return pd.Series(out.to_numpy(zero_copy_only=False), index=values.index, dtype="str")
