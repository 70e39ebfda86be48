"""Full-scale synthetic person-level data: ~4.5 M labour-register people and ~2.3 M BHXH participants.

For reconciliation tests and the benchmark harness. Deterministic (one seed), vectorised numpy/pyarrow
(no Python loop per person), written as parquet in the same schema as the staged, pseudonymised data
that `pipeline/ingest.py` produces, so `pipeline/reconcile.py` runs on either unchanged.

It follows the demo warehouse's month (`pipeline.demo_data.generate`): people are spread over communes
like the demo labour force, employees over sectors like demo employment, compulsory BHXH participants
like the demo `bhxh_compulsory` counts. Built-in discrepancies, so reconciliation has something to find:
- ~11% of register employees who must be insured (contract of 1 month or more) are not in BHXH,
- ~5% of compulsory BHXH participants are missing from the register,
- ~1% of matched employees left BHXH this month while the register still shows them at the same employer,
  and ~1% are in arrears (their employer pays late).
`write_raw` also writes the register and the BHXH extract as raw CSVs with Vietnamese headers and synthetic
(well-formed, not real) CCCDs, to measure ingest throughput and to make the samples.
"""
from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from pipeline.privacy import CCCD_PROVINCES
from store.templates import get_template
from store.paths import PROJECT_ROOT

DEFAULT_DIR = PROJECT_ROOT / "data" / "microdata"
DEFAULT_MONTH = "2026-10"
SEED = 20260701
REGISTER_ROWS = 4_500_000
BHXH_ROWS = 2_300_000


@dataclass(frozen=True)
class Microdata:
    """Where the generated files are and what is in them."""

    register: Path
    bhxh: Path
    register_rows: int
    bhxh_rows: int
    month: str
    seconds: float


def _month_facts(month: pd.Timestamp, communes: list[str] | None = None) -> dict[str, np.ndarray]:
    from pipeline.demo_data import generate

    facts = generate(month).facts
    facts = facts[facts["period"] == month]
    if communes is not None:
        facts = facts[facts["commune_code"].isin(communes)]
    codes = sorted(facts.loc[facts["commune_code"] != "", "commune_code"].unique())
    sectors = sorted(facts.loc[facts["sector"] != "", "sector"].unique())

    def grid(measure: str, by_sector: bool) -> np.ndarray:
        part = facts[facts["measure"] == measure]
        if by_sector:
            table = part.pivot_table(index="commune_code", columns="sector", values="value", aggfunc="sum")
            return table.reindex(index=codes, columns=sectors).fillna(0).to_numpy()
        return part.set_index("commune_code")["value"].reindex(codes).fillna(0).to_numpy()

    return {"codes": np.array(codes), "sectors": np.array(sectors),
            "labour_force": grid("labour_force", False), "unemployed": grid("unemployed", False),
            "employed": grid("employed", True), "bhxh": grid("bhxh_compulsory", True),
            "enterprises": grid("active_enterprises", True)}


def _hex_ids(rng: np.random.Generator, n: int) -> pa.Array:
    """n random 128-bit ids as 32-character hex strings (the shape of a real `pid`)."""
    raw = rng.integers(0, 256, size=(n, 16), dtype=np.uint8).tobytes()
    hexed = np.frombuffer(raw.hex().encode("ascii"), dtype="S32")
    return pc.cast(pa.array(hexed, type=pa.binary(32)), pa.string())


def _split(rng: np.random.Generator, total: int, weights: np.ndarray) -> np.ndarray:
    w = np.clip(weights.astype(float).ravel(), 0, None)
    counts = rng.multinomial(int(total), w / w.sum())
    return counts.reshape(weights.shape)


def _strings(values: list | np.ndarray, idx: np.ndarray) -> pa.Array:
    """values[idx] as an Arrow string array, null where idx < 0 — a gather from a tiny dictionary (fast)."""
    idx = np.asarray(idx, dtype=np.int64)
    return pa.array(list(values), type=pa.string()).take(pa.array(idx, mask=idx < 0))


def _const(value: str, n: int) -> pa.Array:
    return pa.repeat(pa.scalar(value, pa.string()), n)


def _employer_codes(rng: np.random.Generator, sector_idx: np.ndarray, pool: np.ndarray) -> pa.Array:
    """Tax-code-like employer ids, skewed so a few big employers hold many people (u**3)."""
    size = pool[sector_idx]
    idx = np.floor(size * rng.random(len(sector_idx)) ** 3).astype(np.int64)
    value = 100_000_000 + sector_idx.astype(np.int64) * 1_000_000 + idx
    return pc.utf8_lpad(pc.cast(pa.array(value), pa.string()), 10, "0")


def generate(out_dir: Path | str = DEFAULT_DIR, month: str = DEFAULT_MONTH, register_rows: int = REGISTER_ROWS,
             bhxh_rows: int = BHXH_ROWS, seed: int = SEED, communes: list[str] | None = None) -> Microdata:
    """Write register.parquet and bhxh.parquet for one month into `out_dir`; returns what was written.

    `communes` restricts the people to some communes (small samples); the sizes are then yours to choose.
    """
    started = time.perf_counter()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    period = pd.Timestamp(month)
    rng = np.random.default_rng(seed)
    f = _month_facts(period, communes)
    C, S = f["bhxh"].shape
    compulsory_total = int(round(bhxh_rows * 0.955))
    matched_total = int(round(compulsory_total * 0.95))
    only_total = compulsory_total - matched_total
    gap_total = int(round(matched_total * 0.12))
    matched = _split(rng, matched_total, f["bhxh"])
    only = _split(rng, only_total, f["bhxh"])
    gap = _split(rng, gap_total, f["bhxh"])
    rest = register_rows - matched_total - gap_total
    other_w = np.clip(f["employed"] - f["bhxh"], 0, None)
    shares = np.array([other_w.sum(), f["unemployed"].sum(), 0.0])
    shares[2] = max(rest - shares[0] - shares[1], 0.05 * rest)
    other_n, unemp_n, inactive_n = np.floor(shares / shares.sum() * rest).astype(int)
    inactive_n = rest - other_n - unemp_n
    other = _split(rng, other_n, other_w)
    unemp = _split(rng, unemp_n, f["unemployed"])
    inactive = _split(rng, inactive_n, f["labour_force"])
    pool = np.maximum(5, np.round(f["enterprises"].sum(axis=0) * 0.35)).astype(np.int64)

    def cells(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        flat = counts.ravel()
        cell = np.repeat(np.arange(flat.size), flat)
        return (cell // S, cell % S) if counts.ndim == 2 else (cell, np.full(cell.size, -1))

    # ---- the register: numpy codes first, shuffled once, strings built last ---------------------------------
    blocks = [cells(counts) for counts in (matched, gap, other, unemp, inactive)]
    order = rng.permutation(sum(len(b[0]) for b in blocks))
    commune = np.concatenate([b[0] for b in blocks])[order]
    sector = np.concatenate([b[1] for b in blocks])[order]
    kind = np.concatenate([np.full(len(b[0]), i) for i, b in enumerate(blocks)])[order]
    n = len(commune)
    # kind: 0 matched employee, 1 uninsured employee, 2 other employed, 3 unemployed, 4 outside the labour force
    # employment: 0 wage, 1 employer, 2 own_account, 3 family, 4 unemployed, 5 inactive
    other_status = rng.choice([0, 1, 2, 3], size=n, p=[0.34, 0.04, 0.47, 0.15])
    employment = np.select([kind <= 1, kind == 2, kind == 3], [0, other_status, 4], 5)
    # contract: 0 none, 1 under_1m, 2 1m_plus, 3 indefinite (-1: not an employee)
    compulsory_contract = rng.choice([2, 3], size=n, p=[0.55, 0.45])
    informal_contract = rng.choice([0, 1], size=n, p=[0.8, 0.2])
    contract = np.where(kind <= 1, compulsory_contract, np.where(employment == 0, informal_contract, -1))
    sector = np.where(employment <= 3, sector, -1)
    wage = employment == 0
    has_employer = wage & ((contract >= 2) | (rng.random(n) < 0.3))
    employer = _employer_codes(rng, np.where(sector >= 0, sector, 0), pool)
    employer = pc.if_else(pa.array(has_employer), employer, pa.scalar(None, pa.string()))
    pid = _hex_ids(rng, n)
    stamp = np.full(n, period.to_datetime64()).astype("datetime64[us]")
    register = pa.table({
        "pid": pid,
        "birth_year": pa.array((period.year - rng.integers(18, 62, n)).astype(float)),
        "sex": _strings(["male", "female"], rng.integers(0, 2, n)),
        "commune": _strings(f["codes"], commune),
        "period": pa.array(stamp),
        "employment": _strings(["wage", "employer", "own_account", "family", "unemployed", "inactive"], employment),
        "contract": _strings(["none", "under_1m", "1m_plus", "indefinite"], contract),
        "employer": employer,
        "sector": _strings(f["sectors"], sector),
        "_row": pa.array(np.arange(1, n + 1, dtype=np.int64)),
        "status": _const("official", n),
        "batch": _const(f"microdata-{seed}", n),
        "key_id": _const("synthetic", n),
    })
    # ---- BHXH -----------------------------------------------------------------------------------------------
    reg_idx = np.arange(n)
    m_idx = reg_idx[kind == 0]                                     # matched employees
    g_idx = reg_idx[kind == 1]                                     # must be insured, are not
    g_dropped = g_idx[rng.random(len(g_idx)) < 0.09]               # ... some of whom just left BHXH at that employer
    m_change = rng.choice([0, 1, 2, 3], size=len(m_idx), p=[0.96, 0.02, 0.01, 0.01])  # active, new, left, arrears
    from_reg = np.concatenate([m_idx, g_dropped])
    change = np.concatenate([m_change, np.full(len(g_dropped), 2)])
    oc, osec = cells(only)
    k = len(oc)
    vol_n = max(bhxh_rows - len(from_reg) - k, 0)
    own = reg_idx[employment == 2]
    vol_from_reg = rng.choice(own, size=min(len(own), vol_n // 2), replace=False)
    vol_new = vol_n - len(vol_from_reg)
    vc, _ = cells(_split(rng, vol_new, f["labour_force"]))
    changes = ["active", "new", "left", "arrears"]
    take = lambda col, idx: register[col].take(pa.array(idx))  # noqa: E731
    nulls = lambda size: pa.nulls(size, pa.string())  # noqa: E731

    def block(pids, communes, employers, sectors, scheme: str, change_idx: np.ndarray) -> pa.Table:
        size = len(change_idx)
        bhtn = (rng.random(size) < 0.86) if scheme == "compulsory" else np.zeros(size, dtype=bool)
        return pa.table({
            "pid": pids, "commune": communes,
            "period": pa.array(np.full(size, period.to_datetime64()).astype("datetime64[us]")),
            "scheme": _const(scheme, size), "employer": employers, "sector": sectors,
            "bhtn": _strings(["no", "yes"], bhtn.astype(int)), "change": _strings(changes, change_idx),
        })

    bhxh = pa.concat_tables([
        block(take("pid", from_reg), take("commune", from_reg), take("employer", from_reg), take("sector", from_reg),
              "compulsory", change),
        block(_hex_ids(rng, k), _strings(f["codes"], oc), _employer_codes(rng, osec, pool), _strings(f["sectors"], osec),
              "compulsory", rng.choice([0, 1], size=k, p=[0.97, 0.03])),
        block(take("pid", vol_from_reg), take("commune", vol_from_reg), nulls(len(vol_from_reg)), nulls(len(vol_from_reg)),
              "voluntary", np.zeros(len(vol_from_reg), dtype=int)),
        block(_hex_ids(rng, vol_new), _strings(f["codes"], vc), nulls(vol_new), nulls(vol_new), "voluntary",
              np.zeros(vol_new, dtype=int)),
    ]).combine_chunks()
    total = bhxh.num_rows
    bhxh = bhxh.append_column("_row", pa.array(np.arange(1, total + 1, dtype=np.int64)))
    for name, value in (("status", "official"), ("batch", f"microdata-{seed}"), ("key_id", "synthetic")):
        bhxh = bhxh.append_column(name, _const(value, total))
    register_path = out_dir / "register.parquet"
    bhxh_path = out_dir / "bhxh.parquet"
    pq.write_table(register, register_path, row_group_size=1 << 20)
    pq.write_table(bhxh, bhxh_path, row_group_size=1 << 20)
    seconds = round(time.perf_counter() - started, 2)
    meta = {"month": month, "seed": seed, "register_rows": register.num_rows, "bhxh_rows": total, "seconds": seconds,
            "templates": ["labour_register", "bhxh_participants"]}
    (out_dir / "microdata.json").write_text(json.dumps(meta, indent=2), encoding="utf-8")
    return Microdata(register_path, bhxh_path, register.num_rows, total, month, seconds)


def _cccds(rng: np.random.Generator, birth_year: np.ndarray, female: np.ndarray) -> pa.Array:
    """Well-formed synthetic CCCDs, unique: province (70% Hanoi) + sex/century + year + a serial."""
    n = len(birth_year)
    provinces = np.array(sorted(CCCD_PROVINCES))
    others = provinces[provinces != "001"]
    prov_idx = np.where(rng.random(n) < 0.7, 0, 1 + rng.integers(0, len(others), n))
    prov = np.concatenate([["001"], others])[prov_idx]
    century_digit = np.where(birth_year >= 2000, 2, 0) + female.astype(int)
    group = prov_idx.astype(np.int64) * 1000 + century_digit * 100 + (birth_year % 100)
    order = np.argsort(group, kind="stable")
    sorted_group = group[order]
    starts = np.r_[0, np.flatnonzero(np.diff(sorted_group)) + 1]
    rank_sorted = np.arange(n) - np.repeat(starts, np.diff(np.r_[starts, n]))
    rank = np.empty(n, dtype=np.int64)
    rank[order] = rank_sorted
    serial = (rank * 7919 + 104729) % 1_000_000  # a bijection on 0..999999 (7919 is coprime with 10^6)
    tail = century_digit * 100_000_000 + (birth_year % 100) * 1_000_000 + serial
    head = pa.array(prov.astype(object), type=pa.string())
    return pc.binary_join_element_wise(head, pc.utf8_lpad(pc.cast(pa.array(tail), pa.string()), 9, "0"), "")


def _labels(column: pa.ChunkedArray, choices: dict[str, str]) -> pa.Array:
    codes, uniques = pd.factorize(column.to_numpy(zero_copy_only=False), use_na_sentinel=False)
    names = [choices.get(u, "") if isinstance(u, str) else "" for u in uniques]
    return pa.array(names, type=pa.string()).take(pa.array(codes))


def write_raw(micro: Microdata, out_dir: Path | str, rows: int | None = None, seed: int = SEED,
              bhxh: bool = True) -> dict[str, Path]:
    """The register (and BHXH extract) as raw CSVs with the templates' Vietnamese headers and labels.

    Every person gets one synthetic, well-formed, unique CCCD (not a real one), the same in both files, so
    ingesting the two files and reconciling them finds what the generator built in.
    """
    from pyarrow import csv as pacsv

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    register = pq.read_table(micro.register)
    if rows is not None:
        register = register.slice(0, rows)
    extract = pq.read_table(micro.bhxh) if bhxh else None
    rng = np.random.default_rng(seed + 1)
    pids = register["pid"]
    birth = register["birth_year"].to_numpy().astype(np.int64)
    female = pc.equal(register["sex"], "female").to_numpy(zero_copy_only=False)
    if extract is not None:
        extra = pc.filter(extract["pid"], pc.invert(pc.is_in(extract["pid"], value_set=pids.combine_chunks())))
        extra = pc.unique(extra)
        pids = pa.concat_arrays([pids.combine_chunks(), extra])
        birth = np.concatenate([birth, micro_year(micro) - rng.integers(18, 62, len(extra))])
        female = np.concatenate([female, rng.random(len(extra)) < 0.5])
    ids = pa.table({"pid": pids, "cccd": _cccds(rng, birth, female)})
    month_text = lambda col: pc.strftime(col, format="%m/%Y")  # noqa: E731
    t = get_template("labour_register")
    choice = lambda tpl, key: {c.code: c.label_vi for c in tpl.field(key).choices}  # noqa: E731
    cccd = ids.slice(0, register.num_rows)["cccd"]
    out = pa.table({
        t.field("cccd").header_vi: cccd,
        t.field("birth_year").header_vi: pc.cast(pa.array(birth[: register.num_rows]), pa.string()),
        t.field("sex").header_vi: _labels(register["sex"], choice(t, "sex")),
        t.field("commune").header_vi: register["commune"],
        t.field("period").header_vi: month_text(register["period"]),
        t.field("employment").header_vi: _labels(register["employment"], choice(t, "employment")),
        t.field("contract").header_vi: _labels(register["contract"], choice(t, "contract")),
        t.field("employer").header_vi: pc.fill_null(register["employer"], ""),
        t.field("sector").header_vi: pc.fill_null(register["sector"], ""),
    })
    paths = {"labour_register": out_dir / "register_raw.csv"}
    pacsv.write_csv(out, paths["labour_register"])
    if extract is not None:
        b = get_template("bhxh_participants")
        joined = extract.join(ids, keys="pid", join_type="inner")
        out = pa.table({
            b.field("cccd").header_vi: joined["cccd"],
            b.field("commune").header_vi: joined["commune"],
            b.field("period").header_vi: month_text(joined["period"]),
            b.field("scheme").header_vi: _labels(joined["scheme"], choice(b, "scheme")),
            b.field("employer").header_vi: pc.fill_null(joined["employer"], ""),
            b.field("sector").header_vi: pc.fill_null(joined["sector"], ""),
            b.field("bhtn").header_vi: _labels(joined["bhtn"], choice(b, "bhtn")),
            b.field("change").header_vi: _labels(joined["change"], choice(b, "change")),
        })
        paths["bhxh_participants"] = out_dir / "bhxh_raw.csv"
        pacsv.write_csv(out, paths["bhxh_participants"])
    return paths


def micro_year(micro: Microdata) -> int:
    return pd.Timestamp(micro.month).year


if __name__ == "__main__":
    import sys

    target = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_DIR
    print(generate(target))
