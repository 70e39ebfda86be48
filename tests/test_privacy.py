"""CCCDs never reach disk: keyed hash (HMAC-SHA256) before anything is written, a key from outside the code,
masked IDs in quarantine files, and the province codes a CCCD may start with."""
from __future__ import annotations

import hashlib
import hmac
import sqlite3
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.ingest import ingest_file, quarantine_dir, staging_dir
from pipeline.privacy import (CCCD_PROVINCES, MIN_KEY_LENGTH, MissingKeyError, PseudonymKey, load_key, mask_cccd,
                              pseudonymise, pseudonymise_one)
from store.paths import SAMPLES_DIR

KEY = "a-test-key-that-is-long-enough-0123456789"
AS_OF = pd.Timestamp("2026-10-01")


@pytest.fixture
def no_key(monkeypatch, tmp_path):
    monkeypatch.delenv("HANOI_PSEUDONYM_KEY", raising=False)
    monkeypatch.delenv("HANOI_PSEUDONYM_KEY_FILE", raising=False)
    monkeypatch.setattr("pipeline.privacy.SECRETS_FILE", tmp_path / "secrets.toml")
    return tmp_path


@given(st.lists(st.text(alphabet="0123456789", min_size=12, max_size=12), min_size=1, max_size=50))
@settings(max_examples=30, deadline=None)
def test_vectorised_hmac_equals_the_reference(ids):
    key = PseudonymKey(KEY.encode())
    got = pseudonymise(key, pd.Series(ids, dtype="str")).tolist()
    assert got == [pseudonymise_one(key, i) for i in ids]
    assert got == [hmac.new(KEY.encode(), i.encode(), hashlib.sha256).hexdigest()[:32] for i in ids]


def test_long_keys_are_hashed_first_as_rfc_2104_says():
    key = PseudonymKey(b"x" * 100)
    assert pseudonymise(key, pd.Series(["001090012345"], dtype="str")).iloc[0] == \
        hmac.new(b"x" * 100, b"001090012345", hashlib.sha256).hexdigest()[:32]


def test_the_key_changes_every_pid():
    ids = pd.Series(["001090012345", "079185000001"], dtype="str")
    a = pseudonymise(PseudonymKey(KEY.encode()), ids)
    b = pseudonymise(PseudonymKey((KEY + "!").encode()), ids)
    assert (a != b).all() and (a.str.len() == 32).all()


def test_key_from_environment_file_or_secrets(no_key, monkeypatch):
    with pytest.raises(MissingKeyError) as err:
        load_key()
    assert "HANOI_PSEUDONYM_KEY" in err.value.message_vi and "never ingested" in err.value.message_en
    monkeypatch.setenv("HANOI_PSEUDONYM_KEY", "short")
    with pytest.raises(MissingKeyError, match=str(MIN_KEY_LENGTH)):
        load_key()
    monkeypatch.delenv("HANOI_PSEUDONYM_KEY")
    key_file = no_key / "key.txt"
    key_file.write_text(KEY + "\n", encoding="utf-8")
    monkeypatch.setenv("HANOI_PSEUDONYM_KEY_FILE", str(key_file))
    assert load_key().secret == KEY.encode()
    monkeypatch.delenv("HANOI_PSEUDONYM_KEY_FILE")
    (no_key / "secrets.toml").write_text(f'pseudonym_key = "{KEY}"\n', encoding="utf-8")
    assert load_key().secret == KEY.encode()
    assert KEY not in repr(load_key())  # never printed


def test_cccds_never_reach_the_staging_area_or_the_warehouse(tmp_path, monkeypatch):
    monkeypatch.setenv("HANOI_DATA_DIR", str(tmp_path / "curated"))
    monkeypatch.setenv("HANOI_PSEUDONYM_KEY", KEY)
    from pipeline.publish import publish_staged

    raw = {}
    for name in ("dang_ky_lao_dong_2026-09.csv", "bhxh_nguoi_tham_gia_2026-09.csv"):
        report = ingest_file(SAMPLES_DIR / name, as_of=AS_OF)
        assert report.accepted > 1000 and report.key_id == PseudonymKey(KEY.encode()).key_id
        raw[name] = pd.read_csv(SAMPLES_DIR / name, dtype=str).iloc[:, 0]
    ingest_file(SAMPLES_DIR / "broken" / "cccd_sai.csv", as_of=AS_OF)
    version = publish_staged()
    cccds = set(pd.concat(raw.values())) | set(pd.read_csv(SAMPLES_DIR / "broken" / "cccd_sai.csv", dtype=str).iloc[:, 0])
    written = [p for p in (tmp_path / "curated").rglob("*") if p.is_file()]
    assert any(p.suffix == ".parquet" for p in written) and any(p.suffix == ".csv" for p in written)
    blob = b"".join(p.read_bytes() for p in written)
    leaked = [c for c in cccds if c.encode() in blob]
    assert leaked == []  # not in staged parquet, quarantine CSVs, the log or the published version
    staged = pd.read_parquet(next((staging_dir() / "labour_register").glob("*.parquet")))
    assert "cccd" not in staged.columns and staged["pid"].str.fullmatch(r"[0-9a-f]{32}").all()
    assert staged["pid"].iloc[0] == pseudonymise_one(PseudonymKey(KEY.encode()), raw["dang_ky_lao_dong_2026-09.csv"].iloc[0])
    assert version and quarantine_dir().exists()


def test_masking_keeps_length_and_province_only():
    masked = mask_cccd(pd.Series(["001090012345", "12345", "", "0790", None], dtype="str"))
    assert masked.tolist() == ["001*******45", "*****", "", "*****", ""]


def test_cccd_provinces_are_the_pre_2025_province_codes():
    import vietnamadminunits

    db = Path(vietnamadminunits.__file__).parent / "data" / "dataset.db"
    with sqlite3.connect(db) as con:
        legacy = {f"0{r[0]}" for r in con.execute("SELECT DISTINCT provinceCode FROM admin_units_legacy")}
        current = {f"0{r[0]}" for r in con.execute("SELECT DISTINCT provinceCode FROM admin_units")}
    assert CCCD_PROVINCES == legacy and current <= CCCD_PROVINCES and len(CCCD_PROVINCES) == 63
