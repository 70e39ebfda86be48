"""Small-count suppression with complementary suppression, for every table the app shows or exports.

Why: commune x sector x month counts of people can be tiny, and a count of 3 "people in sector B of
commune X who should be insured but are not" points at individuals. No Streamlit here: pages, downloads
and the pipeline all call the same functions.

Rules (threshold k, default 10):
1. Primary: a person count 0 < n < k is suppressed (zeros are shown: they describe nobody; pass
   `suppress_zero=True` to hide them too).
2. Complementary: a *line* is a set of cells whose sum is published or derivable (the city total of a
   sector-month = its communes; a commune-month = its sectors; a year = its months; a total column = its
   parts). In every line, suppressed cells must be either none, or at least two whose sum is at least k —
   otherwise "total minus the visible cells" gives a suppressed cell back (or bounds it below k). The
   smallest non-zero visible cell of a failing line is suppressed next, until every line passes.
3. Audit: a cell can still be pinned down by a chain of lines (a "bridge" between two groups of
   suppressed cells). Each connected group of suppressed cells is checked with linear algebra (is the cell
   in the row space of the line equations?) and, where a cell is determined, one more cell is suppressed.
   A group that hides a zero is also checked with linear programming, since counts cannot be negative
   (`pinned_cells`): a total of 0 over hidden cells pins them all, and through them their neighbours.
4. Totals: a line total that is itself a small count, or whose line has no visible cell left to hide (a
   commune with a single sector reported), must not be shown: `small_totals` / `unsafe_lines` list them.
`recoverable_cells` exposes the audit so tests (and anyone) can check a published table.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence

import numpy as np
import pandas as pd

THRESHOLD = 10
FLAG = "suppressed"
_BIG = 1e18


@dataclass(frozen=True)
class Lines:
    """One family of lines: cells with equal values in `keys` form a line; `where` limits the cells."""

    keys: tuple[str, ...]
    where: str | None = None  # a boolean column of the frame: only those cells belong to these lines


def lines_for(dims: Sequence[str], by: Sequence[str] = (), period: str | None = None) -> list[Lines]:
    """Lines of a table with these dimensions: summing over any one dimension gives a public total.

    The period dimension (when given) is summed within a calendar year, since years are what the app
    aggregates months into; `by` splits the table into independent tables (e.g. one per measure).
    """
    out = []
    for dim in dims:
        others = [d for d in dims if d != dim]
        if period is not None and dim == period:
            out.append(Lines(tuple(by) + tuple(others) + ("_year",)))
        else:
            out.append(Lines(tuple(by) + tuple(others)))
    return out


def _line_ids(frame: pd.DataFrame, lines: Iterable[Lines]) -> list[np.ndarray]:
    ids = []
    for line in lines:
        keys = list(line.keys)
        group = frame.groupby(keys, sort=False, dropna=False).ngroup().to_numpy() if keys else np.zeros(len(frame), int)
        if line.where is not None:
            group = np.where(frame[line.where].to_numpy(dtype=bool), group, -1)
        ids.append(group.astype(np.int64))
    return ids


def _complete(values: np.ndarray, sup: np.ndarray, ids: list[np.ndarray], threshold: float) -> bool:
    """One pass of rule 2 over every line family; True when something was added."""
    changed = False
    for line in ids:
        inside = line >= 0
        if not inside.any():
            continue
        lid = line[inside]
        size = int(lid.max()) + 1
        v, s = values[inside], sup[inside]
        n_sup = np.bincount(lid, weights=s, minlength=size)
        sum_sup = np.bincount(lid, weights=v * s, minlength=size)
        n_open = np.bincount(lid, weights=~s, minlength=size)
        need = ((n_sup == 1) | ((n_sup >= 1) & (sum_sup < threshold))) & (n_open > 0)
        if not need.any():
            continue
        cells = np.flatnonzero(inside)
        cand = cells[~s & need[lid]]
        if len(cand) == 0:
            continue
        cv = values[cand]
        rank = np.where(cv > 0, cv, _BIG + cv)  # the smallest non-zero cell; zeros only when nothing else
        order = np.lexsort((rank, line[cand]))
        first = np.r_[True, line[cand][order][1:] != line[cand][order][:-1]]
        sup[cand[order][first]] = True
        changed = True
    return changed


def _groups(sup: np.ndarray, ids: list[np.ndarray]):
    """Connected groups of suppressed cells (linked by sharing a line), each as (cells, ri, ci, n_lines):
    the frame indices of its cells and the coordinates of the ones in its line-by-cell 0/1 matrix."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    hidden = np.flatnonzero(sup)
    if len(hidden) == 0:
        return
    rows, cols, offset = [], [], 0
    for line in ids:
        lid = line[hidden]
        ok = lid >= 0
        rows.append(lid[ok] + offset)
        cols.append(np.flatnonzero(ok))
        offset += int(line.max()) + 1 if (line >= 0).any() else 0
    r, c = np.concatenate(rows), np.concatenate(cols)
    n = len(hidden)
    graph = coo_matrix((np.ones(len(r)), (c, r + n)), shape=(n + offset, n + offset))  # cells + lines
    _, label = connected_components(graph, directed=False)
    for comp in np.unique(label[:n]):
        members = np.flatnonzero(label[:n] == comp)
        in_comp = np.isin(c, members)
        line_rows = np.unique(r[in_comp])
        if len(line_rows) == 0:
            continue
        ri, ci = np.searchsorted(line_rows, r[in_comp]), np.searchsorted(members, c[in_comp])
        yield hidden[members], ri, ci, len(line_rows)


def recoverable_cells(sup: np.ndarray, ids: list[np.ndarray], exact_limit: int = 800) -> np.ndarray:
    """Indices of suppressed cells whose value follows exactly from the public line sums (linear algebra).

    Works per connected group of suppressed cells (cells linked by sharing a line). Groups up to
    `exact_limit` cells get an exact null-space test (SVD); larger ones a numerical one: a few random
    vectors are projected onto the null space with LSQR, and a cell that never moves is reported.
    """
    from scipy.sparse import csr_matrix
    from scipy.sparse.linalg import lsqr

    found: list[int] = []
    rng = np.random.default_rng(0)
    for cells, ri, ci, n_lines in _groups(sup, ids):
        if len(cells) <= exact_limit:
            a = np.zeros((n_lines, len(cells)))
            a[ri, ci] = 1.0
            _, sing, vt = np.linalg.svd(a)
            rank = int((sing > 1e-9).sum())
            null = vt[rank:]
            moves = np.abs(null).max(axis=0) if len(null) else np.zeros(len(cells))
        else:
            a = csr_matrix((np.ones(len(ri)), (ri, ci)), shape=(n_lines, len(cells)))
            moves = np.zeros(len(cells))
            for _ in range(3):
                z = rng.standard_normal(len(cells))
                y = lsqr(a.T, z, atol=1e-12, btol=1e-12, iter_lim=20 * n_lines)[0]
                moves = np.maximum(moves, np.abs(z - a.T @ y))
        found += [int(cells[i]) for i in np.flatnonzero(moves < 1e-7)]
    return np.array(sorted(found), dtype=np.int64)


def pinned_cells(values: np.ndarray, sup: np.ndarray, ids: list[np.ndarray], lp_limit: int = 400) -> np.ndarray:
    """Indices of suppressed non-zero cells that the line sums pin to one value once counts are known to be
    non-negative (linear programming), which `recoverable_cells` alone does not see.

    Only a group holding a hidden zero can have such a cell: when every hidden cell is positive, any
    direction that keeps the sums moves a cell both ways, so linear algebra already tells the whole story.
    Groups larger than `lp_limit` cells are not checked (two small LPs per cell; see docs/pipeline.md).
    """
    from scipy.optimize import linprog

    values = np.nan_to_num(np.asarray(values, dtype=float), nan=0.0)
    found: list[int] = []
    for cells, ri, ci, n_lines in _groups(sup, ids):
        x = values[cells]
        if not (x == 0).any() or len(cells) > lp_limit:
            continue
        a = np.zeros((n_lines, len(cells)))
        a[ri, ci] = 1.0
        b = a @ x  # each line's total minus its visible cells
        for i in np.flatnonzero(x > 0):
            c = np.zeros(len(cells))
            c[i] = 1.0
            low = linprog(c, A_eq=a, b_eq=b, bounds=(0, None), method="highs")
            high = linprog(-c, A_eq=a, b_eq=b, bounds=(0, None), method="highs")
            if low.status == 0 and high.status == 0 and -high.fun - low.fun < 1e-6:
                found.append(int(cells[i]))
    return np.array(sorted(found), dtype=np.int64)


def protect(values: np.ndarray, primary: np.ndarray, ids: list[np.ndarray], threshold: float = THRESHOLD,
            max_rounds: int = 100) -> np.ndarray:
    """The full suppression pattern (rules 2 and 3) for cells with `primary` suppression already decided."""
    values = np.nan_to_num(np.asarray(values, dtype=float), nan=0.0)
    sup = np.asarray(primary, dtype=bool).copy()
    for _ in range(max_rounds):
        while _complete(values, sup, ids, threshold):
            pass
        determined = recoverable_cells(sup, ids)
        if len(determined) == 0:
            determined = pinned_cells(values, sup, ids)
        if len(determined) == 0:
            return sup
        grew = False
        for cell in determined:  # open up each pinned cell's lines by hiding one more neighbour
            for line in ids:
                lid = line[cell]
                if lid < 0:
                    continue
                peers = np.flatnonzero((line == lid) & ~sup)
                if len(peers):
                    pv = values[peers]
                    pick = peers[np.argmin(np.where(pv > 0, pv, _BIG + pv))]
                    sup[pick] = True
                    grew = True
                    break
        if not grew:
            return sup  # every cell of those lines is already hidden: the line total itself must not be shown
    return sup


def suppress(frame: pd.DataFrame, value: str, lines: Sequence[Lines], threshold: float = THRESHOLD,
             eligible: pd.Series | None = None, suppress_zero: bool = False, period: str | None = None) -> pd.DataFrame:
    """A copy of a long table with `value` blanked (NaN) where suppressed and a boolean `suppressed` column.

    `eligible` marks the cells that are counts of people (others are never primary-suppressed, but can be
    hidden as complements). `period` (a datetime column) feeds the `_year` key used by `lines_for`.
    """
    out = frame.copy()
    if period is not None:
        out["_year"] = pd.to_datetime(out[period]).dt.year
    values = out[value].to_numpy(dtype=float)
    small = (values < threshold) & ((values != 0) | suppress_zero) & ~np.isnan(values)
    if eligible is not None:
        small &= eligible.to_numpy(dtype=bool)
    ids = _line_ids(out, lines)
    sup = protect(values, small, ids, threshold)
    out[FLAG] = sup
    out[value] = out[value].where(~sup)
    return out.drop(columns=[c for c in ("_year",) if c in out.columns])


def unsafe_lines(values: np.ndarray, sup: np.ndarray, ids: list[np.ndarray], threshold: float = THRESHOLD) -> list[np.ndarray]:
    """Per line family, the line ids whose *total* must not be shown.

    A total is unsafe when it is itself a small count (0 < total < k), or when its line still breaks rule 2
    after suppression (one hidden cell, or hidden cells summing to less than k): that happens when a line
    has no visible cell left to hide, e.g. a commune with a single sector reported.
    """
    values = np.nan_to_num(np.asarray(values, dtype=float), nan=0.0)
    out = []
    for line in ids:
        inside = line >= 0
        if not inside.any():
            out.append(np.empty(0, dtype=np.int64))
            continue
        lid, v, h = line[inside], values[inside], sup[inside]
        size = int(lid.max()) + 1
        total = np.bincount(lid, weights=v, minlength=size)
        n_sup = np.bincount(lid, weights=h, minlength=size)
        sum_sup = np.bincount(lid, weights=v * h, minlength=size)
        bad = ((total > 0) & (total < threshold)) | (n_sup == 1) | ((n_sup >= 1) & (sum_sup < threshold))
        out.append(np.flatnonzero(bad))
    return out


def small_totals(frame: pd.DataFrame, value: str, lines: Sequence[Lines], threshold: float = THRESHOLD,
                 period: str | None = None, suppressed: pd.Series | None = None) -> pd.DataFrame:
    """The line totals (margins) a page must not show, with their keys.

    Complementary suppression protects cells against published totals; a total that is itself a small
    count of people, or (given the `suppressed` flags) whose line could not be protected, is never shown.
    One row per such total: `dimension` (the index of the line family in `lines`), the line's keys, `total`.
    """
    out = frame.copy()
    if period is not None:
        out["_year"] = pd.to_datetime(out[period]).dt.year
    values = out[value].to_numpy(dtype=float)
    sup = np.zeros(len(out), dtype=bool) if suppressed is None else suppressed.to_numpy(dtype=bool)
    ids = _line_ids(out, lines)
    found = []
    for i, (line, family, bad) in enumerate(zip(lines, ids, unsafe_lines(values, sup, ids, threshold))):
        if not len(bad):
            continue
        rows = out[np.isin(family, bad)].assign(_line=family[np.isin(family, bad)])
        keys = list(line.keys)
        totals = rows.groupby("_line").agg(total=(value, "sum"), **{k: (k, "first") for k in keys})
        found.append(totals.reset_index(drop=True).assign(dimension=i))
    if not found:
        return pd.DataFrame(columns=["dimension", "total"])
    return pd.concat(found, ignore_index=True).drop(columns=[c for c in ("_year",) if c in out.columns], errors="ignore")


# ---- the warehouse's tables ---------------------------------------------------------------------------
def person_measures() -> set[str]:
    """Measures that count people, or events about people (the ones that are suppressed)."""
    from store.catalogue import load_catalogue

    return {code for code, m in load_catalogue().measures.items() if m.counts_people}


def suppress_facts(facts: pd.DataFrame, threshold: float = THRESHOLD) -> pd.DataFrame:
    """Facts rows as downloads show them: person counts protected per measure over commune, sector and
    year; standard errors and wage sums hidden with the counts they describe."""
    people = person_measures()
    out = facts.copy()
    out[FLAG] = False
    mask = out["measure"].isin(people)
    if mask.any():
        part = out.loc[mask]
        lines = lines_for(["commune_code", "sector", "period"], by=["measure"], period="period")
        protected = suppress(part, "value", lines, threshold, period="period")
        out.loc[mask, "value"] = protected["value"].to_numpy()
        out.loc[mask, FLAG] = protected[FLAG].to_numpy()
    if {"wage_bill", "wage_employees"} <= set(out["measure"]):
        keys = ["commune_code", "sector", "period"]
        hidden = out.loc[(out["measure"] == "wage_employees") & out[FLAG], keys]
        bill = out["measure"].eq("wage_bill") & pd.MultiIndex.from_frame(out[keys]).isin(pd.MultiIndex.from_frame(hidden))
        out.loc[bill, FLAG] = True
        out.loc[bill, "value"] = np.nan
    if "se" in out.columns:
        out.loc[out[FLAG], "se"] = np.nan
    return out


# Relations between the reconciliation's columns: total = sum of parts, so a part can be subtracted out.
RECONCILIATION_RELATIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("should_insure", ("insured_ok", "should_insure_not_insured")),
)


def suppress_wide(frame: pd.DataFrame, keys: Sequence[str], columns: Sequence[str], dims: Sequence[str],
                  relations: Sequence[tuple[str, Sequence[str]]] = (), threshold: float = THRESHOLD,
                  period: str | None = None) -> pd.DataFrame:
    """Suppression of a wide table of person counts (one count per column), e.g. the reconciliation.

    Each column is protected along `dims` (like `lines_for`), and each relation (total, parts) is a line
    across columns within a row, so a hidden part cannot be recovered as total minus the other parts.
    Returns the table with hidden counts as NaN and one `<column>_suppressed` flag per column.
    """
    long = frame[list(keys) + list(columns)].melt(id_vars=list(keys), value_vars=list(columns),
                                                  var_name="_column", value_name="_value")
    lines = lines_for(list(dims), by=["_column"] + [k for k in keys if k not in dims], period=period)
    for i, (total, parts) in enumerate(relations):
        flag = f"_rel{i}"
        long[flag] = long["_column"].isin([total, *parts])
        lines.append(Lines(tuple(keys), where=flag))
    protected = suppress(long, "_value", lines, threshold, period=period).set_index(list(keys) + ["_column"])
    wide = protected["_value"].unstack("_column")[list(columns)]
    flags = protected[FLAG].unstack("_column")[list(columns)].astype(bool)
    flags.columns = [f"{c}_{FLAG}" for c in columns]
    out = frame.drop(columns=list(columns)).merge(wide.join(flags).reset_index(), on=list(keys), how="left")
    return out[list(frame.columns) + [f"{c}_{FLAG}" for c in columns]]


def suppress_reconciliation(frame: pd.DataFrame, threshold: float = THRESHOLD) -> pd.DataFrame:
    """The reconciliation aggregates as the app shows and exports them."""
    from_columns = [c for c in frame.columns if c not in ("period", "commune_code", "sector")]
    return suppress_wide(frame, ["period", "commune_code", "sector"], from_columns, ["commune_code", "sector", "period"],
                         RECONCILIATION_RELATIONS, threshold, period="period")


def person_count_indicators(catalogue) -> set[str]:
    """KPIs whose value is a count of people (new jobs, trainees...): the ones a map or a scorecard must hide
    when small. Rates are not counts; sessions and enterprises do not describe people."""
    return {ind.code for ind in catalogue.indicators
            if ind.kind == "count" and all(catalogue.measures[m].counts_people for m in ind.numerator)}


def suppress_commune_values(frame: pd.DataFrame, people: pd.Series | bool, threshold: float = THRESHOLD) -> pd.DataFrame:
    """One period's values of all communes (the map, its table, the profile's ranks) as the app shows them.

    `people` marks the rows that count people (a boolean, or one per row). Lines: the city total and the
    phường / xã totals, which the Overview shows for the same period (per indicator when the frame has an
    `indicator` column). Ranks are the caller's to redo over the communes left visible.
    """
    by = ("indicator",) if "indicator" in frame.columns else ()
    eligible = pd.Series(people, index=frame.index) if isinstance(people, bool) else people.reindex(frame.index)
    lines = [Lines(by), Lines(by + ("type",))]
    out = suppress(frame, "value", lines, threshold, eligible=eligible.fillna(False).astype(bool))
    if "se" in out.columns:
        out.loc[out[FLAG].to_numpy(), "se"] = np.nan
    return out


def small_base_ratio_indicators(catalogue) -> set[str]:
    """Rates whose denominator counts people (the elderly seeking work who found it): 1 of 3 is a person."""
    return {ind.code for ind in catalogue.indicators
            if ind.kind == "ratio" and ind.denominator and all(catalogue.measures[m].counts_people for m in ind.denominator)}


def _few(x, threshold: float):
    """Fewer than `threshold` but not zero (zeros describe nobody); NaN is never few. Scalars or arrays."""
    return (x > 0) & (x < threshold)


def small_people_rule(catalogue, threshold: float = THRESHOLD):
    """`hidden(indicator, value, den) -> bool`: a count of fewer than `threshold` people, or a rate over
    fewer than `threshold` people. The one rule for every KPI figure the app shows (`hide_small_counts` is
    the same rule over a whole frame)."""
    counts, ratios = person_count_indicators(catalogue), small_base_ratio_indicators(catalogue)

    def hidden(indicator: str, value, den) -> bool:  # plain comparisons: called per scorecard record
        if indicator in counts:
            return value is not None and 0 < value < threshold
        if indicator in ratios:
            return den is not None and 0 < den < threshold
        return False

    return hidden


def hide_small_counts(frame: pd.DataFrame, catalogue, threshold: float = THRESHOLD) -> pd.DataFrame:
    """KPI rows (`indicators.queries.kpi_frame`, or the map's values) with `small_people_rule` applied:
    value, numerator, denominator and standard error become NaN and `suppressed` is True (added to any
    flags already there). Primary suppression only: a series is read along time, and its public totals
    are the city's, which are never small."""
    out = frame.copy()
    indicator = out["indicator"]
    values = out["value"].to_numpy(dtype=float)
    dens = out["den"].to_numpy(dtype=float)
    small = ((indicator.isin(person_count_indicators(catalogue)).to_numpy() & _few(values, threshold))
             | (indicator.isin(small_base_ratio_indicators(catalogue)).to_numpy() & _few(dens, threshold)))
    out[FLAG] = small | out[FLAG].to_numpy(dtype=bool) if FLAG in out.columns else small
    for column in ("value", "num", "den", "se"):
        if column in out.columns:
            out.loc[small, column] = np.nan
    return out
