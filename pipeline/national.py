"""A synthetic national register, to measure the pipeline at national size (issue 17, item 5).

About 50 M people in 34 provinces and about 3,300 communes, about 20 M of them in compulsory BHXH,
written as parquet in chunks (memory is bounded by one chunk, not by the country) in the same schema as
the staged, pseudonymised register and BHXH extract (`pipeline/microdata.py`), so the reconciliation
(`pipeline/reconcile.py`) and the roll-up to facts run on them unchanged. Deterministic: chunk i uses
its own seed (seed, i). Built-in discrepancies as in `pipeline.microdata`: employees who must be insured
and are not, participants missing from the register, people dropped by an employer that still employs
them, employers in arrears.

`build` then runs the reconciliation and the roll-up of people to commune x sector facts with DuckDB
under a memory limit, spilling to a temporary folder, and reports time and peak memory. Nothing here is
demo data of Hanoi: no figure of it is published; it exists to be counted.
"""
from __future__ import annotations

import json
import resource
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from pipeline.microdata import _const, _employer_codes, _hex_ids, _strings

PEOPLE = 50_000_000
PROVINCES = 34
COMMUNES = 3_300
CHUNK_ROWS = 2_000_000
SEED = 20261202
SECTORS = [chr(ord("A") + i) for i in range(21)]
SECTOR_SHARE = np.array([.27, .003, .20, .005, .006, .08, .14, .04, .05, .01, .01, .005, .01, .02, .03, .04,
                         .02, .005, .03, .012, .0])
# kind: 0 insured employee (in both sources), 1 employee who must be insured and is not, 2 other employed,
# 3 unemployed, 4 outside the labour force. 0.38 x 50 M + the participants missing from the register = ~20 M.
KIND_SHARE = np.array([0.38, 0.03, 0.30, 0.02, 0.27])
ONLY_IN_BHXH = 0.05  # of compulsory participants


@dataclass(frozen=True)
class National:
    """Where the chunks are and what they hold."""

    folder: str
    people: int
    bhxh_rows: int  # all compulsory: the register is compared with compulsory participation
    chunks: int
    provinces: int
    communes: int
    month: str
    seconds: float
    peak_rss_mb: float


def commune_codes(provinces: int = PROVINCES, communes: int = COMMUNES) -> np.ndarray:
    """Five-digit codes PPccc: province PP (01..), commune ccc within it; communes split evenly."""
    province = np.arange(communes) * provinces // communes
    first = np.searchsorted(province, np.arange(provinces))
    local = np.arange(communes) - first[province]
    return np.array([f"{p + 1:02d}{c:03d}" for p, c in zip(province, local)])


def _peak_mb() -> float:
    """Peak resident memory of this process (Linux reports kB)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _chunk(i: int, n: int, seed: int, codes: np.ndarray, weights: np.ndarray, period: pd.Timestamp,
           start_row: int) -> tuple[pa.Table, pa.Table]:
    """The register rows and BHXH rows of chunk i (n people)."""
    rng = np.random.default_rng([seed, i])
    commune = rng.choice(len(codes), size=n, p=weights)
    kind = rng.choice(len(KIND_SHARE), size=n, p=KIND_SHARE)
    other_status = rng.choice([0, 1, 2, 3], size=n, p=[0.34, 0.04, 0.47, 0.15])
    employment = np.select([kind <= 1, kind == 2, kind == 3], [0, other_status, 4], 5)
    sector = np.where(employment <= 3, rng.choice(len(SECTORS), size=n, p=SECTOR_SHARE / SECTOR_SHARE.sum()), -1)
    contract = np.where(kind <= 1, rng.choice([2, 3], size=n, p=[0.55, 0.45]),
                        np.where(employment == 0, rng.choice([0, 1], size=n, p=[0.8, 0.2]), -1))
    has_employer = (employment == 0) & ((contract >= 2) | (rng.random(n) < 0.3))
    pool = np.full(len(SECTORS), 200_000, dtype=np.int64)  # employers per sector, nationally
    employer = _employer_codes(rng, np.where(sector >= 0, sector, 0), pool)
    employer = pc.if_else(pa.array(has_employer), employer, pa.scalar(None, pa.string()))
    stamp = pa.array(np.full(n, period.to_datetime64()).astype("datetime64[us]"))
    pid = _hex_ids(rng, n)
    sectors, communes = _strings(SECTORS, sector), _strings(codes, commune)
    register = pa.table({
        "pid": pid, "birth_year": pa.array((period.year - rng.integers(18, 62, n)).astype(float)),
        "sex": _strings(["male", "female"], rng.integers(0, 2, n)), "commune": communes, "period": stamp,
        "employment": _strings(["wage", "employer", "own_account", "family", "unemployed", "inactive"], employment),
        "contract": _strings(["none", "under_1m", "1m_plus", "indefinite"], contract), "employer": employer,
        "sector": sectors, "_row": pa.array(np.arange(start_row + 1, start_row + n + 1, dtype=np.int64)),
        "status": _const("official", n), "batch": _const(f"national-{seed}", n), "key_id": _const("synthetic", n)})
    insured = np.flatnonzero(kind == 0)
    dropped = np.flatnonzero((kind == 1) & (rng.random(n) < 0.09))  # left BHXH at the employer that still has them
    rows = np.concatenate([insured, dropped])
    change = np.concatenate([rng.choice([0, 1, 2, 3], size=len(insured), p=[0.96, 0.02, 0.01, 0.01]),
                             np.full(len(dropped), 2)])
    k = int(round(len(insured) * ONLY_IN_BHXH / (1 - ONLY_IN_BHXH)))  # participants missing from the register
    only_commune = rng.choice(len(codes), size=k, p=weights)
    only_sector = rng.choice(len(SECTORS), size=k, p=SECTOR_SHARE / SECTOR_SHARE.sum())
    take = pa.array(rows)
    size = len(rows) + k
    bhxh = pa.table({
        "pid": pa.concat_arrays([pid.take(take), _hex_ids(rng, k)]),
        "commune": pa.concat_arrays([communes.take(take), _strings(codes, only_commune)]),
        "period": pa.array(np.full(size, period.to_datetime64()).astype("datetime64[us]")),
        "scheme": _const("compulsory", size),
        "employer": pa.concat_arrays([employer.take(take), _employer_codes(rng, only_sector, pool)]),
        "sector": pa.concat_arrays([sectors.take(take), _strings(SECTORS, only_sector)]),
        "bhtn": _strings(["no", "yes"], (rng.random(size) < 0.86).astype(int)),
        "change": _strings(["active", "new", "left", "arrears"],
                           np.concatenate([change, rng.choice([0, 1], size=k, p=[0.97, 0.03])])),
        "_row": pa.array(np.arange(start_row + 1, start_row + size + 1, dtype=np.int64)),
        "status": _const("official", size), "batch": _const(f"national-{seed}", size),
        "key_id": _const("synthetic", size)})
    return register, bhxh


def generate(out: Path | str, people: int = PEOPLE, provinces: int = PROVINCES, communes: int = COMMUNES,
             chunk_rows: int = CHUNK_ROWS, month: str = "2026-10", seed: int = SEED) -> National:
    """Write register/part-NNNNN.parquet and bhxh/part-NNNNN.parquet under `out`, one chunk at a time."""
    if people <= 0 or chunk_rows <= 0 or not 0 < provinces <= communes:
        raise ValueError(f"cần people > 0, chunk_rows > 0, 0 < provinces <= communes / need positive sizes "
                         f"(people={people}, chunk_rows={chunk_rows}, provinces={provinces}, communes={communes})")
    started = time.perf_counter()
    out = Path(out)
    for sub in ("register", "bhxh"):
        (out / sub).mkdir(parents=True, exist_ok=True)
        for old in (out / sub).glob("part-*.parquet"):
            old.unlink()  # a smaller run after a bigger one must not leave the bigger run's chunks behind
    codes = commune_codes(provinces, communes)
    weights = np.random.default_rng([seed, 1_000_000]).lognormal(0, 0.6, communes)  # 1e6: not a chunk index
    weights = weights / weights.sum()
    period = pd.Timestamp(month)
    bhxh_rows = done = 0
    chunks = (people + chunk_rows - 1) // chunk_rows
    for i in range(chunks):
        n = min(chunk_rows, people - done)
        register, bhxh = _chunk(i, n, seed, codes, weights, period, done)
        pq.write_table(register, out / "register" / f"part-{i:05d}.parquet", row_group_size=1 << 20)
        pq.write_table(bhxh, out / "bhxh" / f"part-{i:05d}.parquet", row_group_size=1 << 20)
        done += n
        bhxh_rows += bhxh.num_rows
        del register, bhxh
    result = National(str(out), done, bhxh_rows, chunks, provinces, communes, month,
                      round(time.perf_counter() - started, 1), _peak_mb())
    (out / "national.json").write_text(json.dumps(asdict(result), indent=2), encoding="utf-8")
    return result


def files(out: Path | str, kind: str) -> list[Path]:
    return sorted((Path(out) / kind).glob("part-*.parquet"))


ROLLUP_SQL = """
COPY (
    SELECT period::DATE AS period, commune AS commune_code, coalesce(sector, '') AS sector,
           count(*) FILTER (WHERE employment <> 'inactive') AS labour_force,
           count(*) FILTER (WHERE employment NOT IN ('inactive', 'unemployed')) AS employed,
           count(*) FILTER (WHERE employment = 'unemployed') AS unemployed,
           count(*) FILTER (WHERE employment = 'wage') AS wage_employees
    FROM read_parquet({files}) GROUP BY ALL ORDER BY ALL
) TO '{target}' (FORMAT parquet)
"""


def build(out: Path | str, memory_limit: str = "3GB", temp_directory: Path | str | None = None,
          threads: int = 2) -> dict:
    """Reconciliation and the roll-up of people to commune x sector facts over the national chunks, in
    DuckDB under `memory_limit`, spilling to `temp_directory`; returns rows, seconds and peak memory."""
    from pipeline.reconcile import reconcile

    out = Path(out)
    temp = Path(temp_directory) if temp_directory else out / "duckdb-tmp"
    temp.mkdir(parents=True, exist_ok=True)
    register, bhxh = files(out, "register"), files(out, "bhxh")
    if not register or not bhxh:
        raise FileNotFoundError(f"không có dữ liệu quốc gia trong {out}: hãy sinh trước / no national chunks "
                                f"in {out}: run `python -m cli microdata --national --out {out}` first")
    report: dict = {"memory_limit": memory_limit, "temp_directory": str(temp), "threads": threads,
                    "register_files": len(register), "bhxh_files": len(bhxh)}
    t0 = time.perf_counter()
    rec = reconcile(register, bhxh, threads=threads, memory_limit=memory_limit, temp_directory=temp)
    report["reconcile"] = {"seconds": round(time.perf_counter() - t0, 1), "rows": len(rec),
                           "peak_rss_mb_so_far": _peak_mb(),
                           "totals": {c: int(rec[c].sum()) for c in rec.columns if rec[c].dtype.kind == "i"}}
    rec.to_parquet(out / "reconciliation.parquet", index=False)
    t0 = time.perf_counter()
    con = duckdb.connect(":memory:", config={"threads": threads, "memory_limit": memory_limit,
                                             "temp_directory": str(temp)})
    try:
        con.execute("SET enable_progress_bar = false")
        listed = "[" + ", ".join(f"'{p.as_posix()}'" for p in register) + "]"
        con.execute(ROLLUP_SQL.format(files=listed, target=(out / "facts.parquet").as_posix()))
        rows = con.execute(f"SELECT count(*), sum(labour_force) FROM '{(out / 'facts.parquet').as_posix()}'").fetchone()
    finally:
        con.close()
    report["rollup"] = {"seconds": round(time.perf_counter() - t0, 1), "rows": int(rows[0]),
                        "labour_force": int(rows[1] or 0)}
    report["peak_rss_mb"] = _peak_mb()
    (out / "build.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
    return report
