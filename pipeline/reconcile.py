"""Reconciliation (đối soát) of the labour register against compulsory BHXH participation, in DuckDB.

Per month, commune (of residence) and VSIC sector, joining the two sources on the pseudonymous `pid`
(the keyed hash of the CCCD, identical in both because both were hashed with the same key):
- `register_people`: people in the register that month;
- `should_insure`: register employees with a labour contract of one month or more, who must be in
  compulsory BHXH (Law on Social Insurance 41/2024/QH15);
- `insured_ok`: of those, people participating in compulsory BHXH that month (any employer);
- `should_insure_not_insured`: of those, people *not* participating — the seed 004 plan's "thuộc diện
  bắt buộc nhưng chưa tham gia";
- `bhxh_active`: people participating in compulsory BHXH (active, new or in arrears);
- `insured_not_registered`: of those, people missing from the register that month;
- `dropped_still_employed`: people whose BHXH participation ended this month at an employer the register
  still shows them working for; `in_arrears`: people whose employer is late paying for them;
- `employers_flagged`: distinct employers with at least one such person (a signal of late payment or
  evasion — "doanh nghiệp chậm đóng, trốn đóng").
Only these aggregates leave this module; the person-level join happens inside DuckDB. Register-side
counts use the register's commune and sector, BHXH-side counts the BHXH record's.
"""
from __future__ import annotations

import time
from pathlib import Path
from typing import Sequence

import duckdb
import pandas as pd

from store.templates import RequiredWhen, get_template

COLUMNS = ("period", "commune_code", "sector", "register_people", "should_insure", "insured_ok",
           "should_insure_not_insured", "bhxh_active", "insured_not_registered", "dropped_still_employed",
           "in_arrears", "employers_flagged")
COUNT_COLUMNS = COLUMNS[3:]


def compulsory_contracts() -> tuple[str, ...]:
    """Contracts that make an employee subject to compulsory BHXH (Law 41/2024/QH15, art. 2: one month or
    more): the labour register's form states it as "an employer is required for these contracts"."""
    rules = get_template("labour_register").rules
    return next(r.values for r in rules if isinstance(r, RequiredWhen) and (r.target, r.column) == ("employer", "contract"))


class ReconcileError(ValueError):
    """The inputs cannot be reconciled (e.g. hashed with different keys)."""


def _source(paths: Sequence[Path | str]) -> str:
    files = ", ".join(f"'{Path(p).as_posix()}'" for p in paths)
    return f"read_parquet([{files}], union_by_name = true)"


def _latest(paths: Sequence[Path | str], key: str) -> str:
    """Rows of several staged batches; when a key repeats across batches the latest batch wins."""
    src = _source(paths)
    if len(paths) == 1:
        return src
    return f"(SELECT * FROM {src} QUALIFY batch = max(batch) OVER (PARTITION BY {key}))"


def reconcile(register: Sequence[Path | str], bhxh: Sequence[Path | str], threads: int = 2,
              memory_limit: str | None = None, temp_directory: Path | str | None = None) -> pd.DataFrame:
    """The reconciliation aggregates (see the module docstring), one row per month x commune x sector.

    `memory_limit` (e.g. "3GB") and `temp_directory` bound DuckDB's memory, spilling joins to disk: the
    national-size run (pipeline/national.py) needs them; Hanoi's fits in memory."""
    if not register or not bhxh:
        return pd.DataFrame({c: pd.Series(dtype="str" if c in ("commune_code", "sector") else
                                          ("datetime64[us]" if c == "period" else "int64")) for c in COLUMNS})
    config: dict = {"threads": threads}
    if memory_limit:
        config["memory_limit"] = memory_limit
    if temp_directory:
        config["temp_directory"] = str(temp_directory)
    con = duckdb.connect(":memory:", config=config)
    con.execute("SET enable_progress_bar = false")
    try:
        keys = con.sql(f"SELECT DISTINCT key_id FROM {_source(register)} UNION SELECT DISTINCT key_id FROM {_source(bhxh)}").fetchall()
        if len({k for (k,) in keys if k is not None}) > 1:
            raise ReconcileError("register and BHXH batches were pseudonymised with different keys "
                                 f"({sorted(k for (k,) in keys if k)}); re-ingest them with the same key")
        contracts = ", ".join(f"'{c}'" for c in compulsory_contracts())
        sql = f"""
        WITH reg AS (
            SELECT pid, period::DATE AS period, commune, coalesce(sector, '') AS sector, employer, employment,
                   employment = 'wage' AND contract IN ({contracts}) AS should_insure
            FROM {_latest(register, 'pid, period')}
        ),
        bx AS (
            SELECT pid, period::DATE AS period, commune, coalesce(sector, '') AS sector, employer, change,
                   change IN ('active', 'new', 'arrears') AS active
            FROM {_latest(bhxh, 'pid, employer, period')}
            WHERE scheme = 'compulsory'
        ),
        bx_person AS (  -- one row per person and month: insured with any employer?
            SELECT pid, period, bool_or(active) AS active,
                   arg_min(commune, (NOT active, employer)) AS commune,
                   arg_min(sector, (NOT active, employer)) AS sector
            FROM bx GROUP BY pid, period
        ),
        reg_side AS (
            SELECT r.period, r.commune, r.sector, count(*) AS register_people,
                   count(*) FILTER (WHERE r.should_insure) AS should_insure,
                   count(*) FILTER (WHERE r.should_insure AND coalesce(b.active, false)) AS insured_ok,
                   count(*) FILTER (WHERE r.should_insure AND NOT coalesce(b.active, false)) AS should_insure_not_insured
            FROM reg r LEFT JOIN bx_person b ON b.pid = r.pid AND b.period = r.period
            GROUP BY ALL
        ),
        bx_side AS (
            SELECT b.period, b.commune, b.sector, count(*) AS bhxh_active,
                   count(*) FILTER (WHERE r.pid IS NULL) AS insured_not_registered
            FROM bx_person b
            LEFT JOIN (SELECT DISTINCT pid, period FROM reg) r ON r.pid = b.pid AND r.period = b.period
            WHERE b.active
            GROUP BY ALL
        ),
        flagged AS (
            SELECT r.period, r.commune, r.sector, b.pid, b.employer, b.change
            FROM bx b JOIN reg r ON r.pid = b.pid AND r.period = b.period AND r.employer = b.employer
            WHERE r.employment = 'wage' AND b.change IN ('left', 'arrears')
        ),
        flag_side AS (
            SELECT period, commune, sector,
                   count(DISTINCT pid) FILTER (WHERE change = 'left') AS dropped_still_employed,
                   count(DISTINCT pid) FILTER (WHERE change = 'arrears') AS in_arrears,
                   count(DISTINCT employer) AS employers_flagged
            FROM flagged GROUP BY ALL
        ),
        cells AS (
            SELECT period, commune, sector FROM reg_side UNION SELECT period, commune, sector FROM bx_side
        )
        SELECT c.period, c.commune AS commune_code, c.sector,
               coalesce(register_people, 0) AS register_people, coalesce(should_insure, 0) AS should_insure,
               coalesce(insured_ok, 0) AS insured_ok, coalesce(should_insure_not_insured, 0) AS should_insure_not_insured,
               coalesce(bhxh_active, 0) AS bhxh_active, coalesce(insured_not_registered, 0) AS insured_not_registered,
               coalesce(dropped_still_employed, 0) AS dropped_still_employed, coalesce(in_arrears, 0) AS in_arrears,
               coalesce(employers_flagged, 0) AS employers_flagged
        FROM cells c
        LEFT JOIN reg_side USING (period, commune, sector)
        LEFT JOIN bx_side USING (period, commune, sector)
        LEFT JOIN flag_side USING (period, commune, sector)
        ORDER BY period, commune_code, sector
        """
        out = con.sql(sql).df()
    finally:
        con.close()
    out["period"] = pd.to_datetime(out["period"]).astype("datetime64[us]")
    for col in COUNT_COLUMNS:
        out[col] = out[col].astype("int64")
    for col in ("commune_code", "sector"):
        out[col] = out[col].astype("str")
    return out[list(COLUMNS)]


def timed_reconcile(register: Sequence[Path | str], bhxh: Sequence[Path | str]) -> tuple[pd.DataFrame, float]:
    """`reconcile` and its wall-clock seconds (for the benchmark and the CLI summary)."""
    started = time.perf_counter()
    out = reconcile(register, bhxh)
    return out, time.perf_counter() - started
