"""The in-process DuckDB database over one published warehouse version.

One `Warehouse` per version and process: the parquet files are loaded into DuckDB tables once (with a
sector-free rollup, since most questions are about all sectors), together with the communes and the
catalogue's indicator -> measure links, so that every KPI is plain SQL over counts. DuckDB connections
are not thread-safe: each query runs on its own cursor.
"""
from __future__ import annotations

import datetime
import threading
from functools import lru_cache
from pathlib import Path

import duckdb
import pandas as pd

from store.catalogue import Catalogue, load_catalogue
from store.reference import load_communes, load_sectors
from store.versions import read_manifest, served_version, version_path

STATUS_ORDER = ("official", "preliminary", "estimate", "demo")


class NoDataError(RuntimeError):
    """Nothing has been published yet: run `python -m cli demo` (the run command does it for you)."""


class Warehouse:
    """DuckDB tables for one version: facts, facts_total (all sectors summed), plans, communes, catalogue."""

    def __init__(self, version: str, catalogue: Catalogue | None = None, one_pass: bool = False) -> None:
        """`one_pass`: `facts_total` is a view over the parquet file, nothing else of the facts is loaded: for
        a single pass over everything (the forecasts and verdicts at publish time), a second or two cheaper
        than building the tables the pages query again and again."""
        self.version = version
        self.one_pass = one_pass
        self.catalogue = catalogue or load_catalogue()
        self.manifest = read_manifest(version)
        self._lock = threading.Lock()
        self._materialized: set[str] = set()
        self._con = duckdb.connect(":memory:", config={"threads": 2})
        self._con.execute("SET enable_progress_bar = false")
        self._load(version_path(version))
        self.data_until: pd.Timestamp = pd.Timestamp(self.query("SELECT max(period) AS p FROM facts_total")["p"].iloc[0])
        """The last month with any data in this version."""

    def _load(self, folder: Path) -> None:
        con = self._con
        tables = self.manifest["tables"]
        facts = str(folder / tables["facts"]["file"])
        communes = load_communes()[["code", "type", "urban", "area_km2"]].copy()
        con.register("communes_df", communes)
        con.execute("CREATE TABLE communes AS SELECT * FROM communes_df")
        con.unregister("communes_df")
        con.execute("CREATE TABLE status_order (status VARCHAR, rank INTEGER)")
        con.executemany("INSERT INTO status_order VALUES (?, ?)", [(s, i) for i, s in enumerate(STATUS_ORDER)])
        temp = "" if self.one_pass else "TEMP "  # a one-pass view is read through cursors: not connection-local
        con.execute(f"CREATE {temp}VIEW raw_facts AS SELECT * FROM read_parquet('{facts}')")
        con.execute("CREATE TABLE sources AS SELECT row_number() OVER (ORDER BY source) AS source_id, source "
                    "FROM (SELECT DISTINCT source FROM raw_facts)")
        if self.one_pass:
            con.execute("""
            CREATE VIEW facts_total AS
            SELECT f.measure, f.commune_code, f.period, coalesce(c.urban, false) AS urban, c.type AS ctype, f.value,
                   s.rank AS srank, src.source_id
            FROM raw_facts f
            LEFT JOIN communes c ON c.code = f.commune_code
            LEFT JOIN status_order s ON s.status = f.status
            LEFT JOIN sources src ON src.source = f.source
            """)
        else:
            self._tables(con)
        if "plans" in tables:
            con.execute(f"CREATE TABLE plans AS SELECT * FROM read_parquet('{folder / tables['plans']['file']}')")
        self._reference(con)

    def _tables(self, con) -> None:
        # Codes, status and source become small integers or flags once, here, so that queries never join
        # or compare strings row by row: the difference between ~100 ms and ~10 ms per scorecard.
        con.execute(
            """
            CREATE TABLE facts AS
            SELECT f.measure, f.commune_code, f.sector, f.period, f.value, f.se, f.se * f.se AS var,
                   s.rank AS srank, src.source_id, f.vintage, f.provisional,
                   coalesce(c.urban, false) AS urban, c.type AS ctype, f.status, f.source
            FROM raw_facts f
            LEFT JOIN communes c ON c.code = f.commune_code
            LEFT JOIN status_order s ON s.status = f.status
            LEFT JOIN sources src ON src.source = f.source
            ORDER BY f.measure, f.period
            """
        )
        keys = "measure, commune_code, period, urban, ctype"
        aggs = ("sum(value) AS value, sum(var) AS var, max(srank) AS srank, max(source_id) AS source_id, "
                "max(vintage) AS vintage, bool_or(provisional) AS provisional")
        con.execute(f"CREATE TABLE facts_total AS SELECT {keys}, {aggs} FROM facts GROUP BY ALL ORDER BY measure, period")
        con.execute(f"CREATE TABLE facts_city AS SELECT measure, period, urban, {aggs} "
                    "FROM facts_total GROUP BY ALL ORDER BY measure, period")

    def _reference(self, con) -> None:
        sectors = load_sectors()[["code", "priority"]]
        con.register("sectors_df", sectors)
        con.execute("CREATE TABLE sectors AS SELECT * FROM sectors_df")
        con.unregister("sectors_df")
        links, defs = [], []
        for ind in self.catalogue.indicators:
            links += [(ind.code, m, "num") for m in ind.numerator]
            links += [(ind.code, m, "den") for m in ind.denominator]
            defs.append((ind.code, ind.kind, ind.scale, self.catalogue.is_stock(ind.code), ind.urban_only))
        con.execute("CREATE TABLE indicator_measures (indicator VARCHAR, measure VARCHAR, role VARCHAR)")
        con.executemany("INSERT INTO indicator_measures VALUES (?, ?, ?)", links)
        con.execute("CREATE TABLE indicators (indicator VARCHAR, kind VARCHAR, scale DOUBLE, stock BOOLEAN, urban_only BOOLEAN)")
        con.executemany("INSERT INTO indicators VALUES (?, ?, ?, ?, ?)", defs)

    def query(self, sql: str, params: list | None = None) -> pd.DataFrame:
        """Run parameterised SQL on a fresh cursor and return a DataFrame."""
        cursor = self._con.cursor()
        try:
            return cursor.execute(sql, params or []).df()
        finally:
            cursor.close()

    def materialize(self, name: str, sql: str, params: list) -> str:
        """Store a query's result as table `name` once per warehouse (thread-safe); later calls are free.

        For aggregates many requests share (the whole city's KPI series): a lookup in a small table is
        ~10x cheaper than planning and running the full KPI statement again."""
        if name not in self._materialized:
            with self._lock:
                if name not in self._materialized:
                    cursor = self._con.cursor()
                    try:
                        cursor.execute(f"CREATE OR REPLACE TABLE {name} AS {sql}", params)
                    finally:
                        cursor.close()
                    self._materialized.add(name)
        return name

    def records(self, sql: str, params: list | None = None) -> list[dict]:
        """Run parameterised SQL and return rows as dicts, dates as Timestamps (no DataFrame overhead)."""
        cursor = self._con.cursor()
        try:
            cursor.execute(sql, params or [])
            names = [d[0] for d in cursor.description]
            rows = cursor.fetchall()
        finally:
            cursor.close()
        out = [dict(zip(names, row)) for row in rows]
        # Dates become Timestamps column by column (a DuckDB column has one type), each distinct date once:
        # a scorecard has ~2,400 rows x 3 date columns but only ~100 distinct months (benchmarks: ~25% of
        # a scorecard's CPU was this conversion). Timestamps are immutable, so sharing them is safe.
        stamps: dict = {}
        for i, name in enumerate(names):
            first = next((row[i] for row in rows if row[i] is not None), None)
            if not isinstance(first, (datetime.date, datetime.datetime)):
                continue
            for rec in out:
                value = rec[name]
                if value is not None:
                    stamp = stamps.get(value)
                    if stamp is None:
                        stamp = stamps[value] = pd.Timestamp(value)
                    rec[name] = stamp
        return out


@lru_cache(maxsize=2)
def _open(version: str) -> Warehouse:
    return Warehouse(version)


def open_warehouse(version: str | None = None) -> Warehouse:
    """The warehouse of `version` (default: the one served: CURRENT, or the newest valid kept version when
    CURRENT is damaged), opened once per process and version."""
    version = version or served_version().name
    if version is None:
        raise NoDataError("Chưa có dữ liệu được công bố / No data published yet: python -m cli demo")
    return _open(version)
