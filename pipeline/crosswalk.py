"""Commune codes as people write them, and the July 2025 crosswalk from the 526 old units to the 126 new ones.

Resolving a commune cell (vectorised over the distinct values of a file):
- a code written as a number loses its leading zeros in Excel (00004 -> 4): a whole number of at most 5
  digits is padded back to 5 digits, and accepted only if the padded code exists for the row's period;
  anything else ("4.5", six digits, a padded code that is not a unit) is quarantined, never guessed;
- a name ("Phường Ba Đình", "Ba Dinh Ward", "ba đình") is accepted when it names exactly one unit;
  names shared by several units (21 old names are) are quarantined and the message asks for the code.

Which code list applies depends on the period: every new code is also an old code (each new unit took the
code of one of its predecessors), so a code in a row dated before 1 July 2025 is read as an old code,
from July 2025 on as a new one.

Mapping old units to new ones (`store.reference.load_lineage()`, 794 links):
- an old unit that went whole into one new unit maps 1:1;
- an old unit split between several new units (199 of 526): aggregate counts are split in **equal
  shares**, rounded to whole people with the largest-remainder rule (the package's default new unit
  takes the first remainder), so totals are exactly preserved; standard errors are scaled with the
  share. The lineage has no population or area per piece, so an equal split is the only documented,
  assumption-free choice; it is flagged in every such row's `source`.
- a person (labour register, BHXH) cannot be split: they go to the package's **default** new unit.
"""
from __future__ import annotations

import re
from functools import lru_cache

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from pipeline.reference_build import ascii_fold
from store.reference import load_communes, load_lineage

BOUNDARY_CHANGE = pd.Timestamp(2025, 7, 1)
_PREFIXES = ("thi tran ", "phuong ", "xa ", "ward ", "commune ")
_SUFFIXES = (" ward", " commune")
MAPPED_NOTE = "quy đổi từ đơn vị cũ (chia đều phần đơn vị bị chia tách)"


def fold(text: str) -> str:
    """Comparable form of a name or header: no diacritics, lower case, single spaces, no punctuation."""
    text = ascii_fold(str(text)).lower()
    return re.sub(r"[^0-9a-z%]+", " ", text).strip()


def _strip_kind(name: str) -> str:
    for prefix in _PREFIXES:
        if name.startswith(prefix):
            name = name[len(prefix):]
            break
    for suffix in _SUFFIXES:
        if name.endswith(suffix):
            name = name[: -len(suffix)]
    return name.strip()


def _index(pairs: list[tuple[str, str]]) -> dict[str, frozenset[str]]:
    found: dict[str, set[str]] = {}
    for name, code in pairs:
        for key in {fold(name), _strip_kind(fold(name))}:
            if key:
                found.setdefault(key, set()).add(code)
    return {k: frozenset(v) for k, v in found.items()}


@lru_cache(maxsize=1)
def _lookups() -> dict[str, object]:
    communes = load_communes()
    lineage = load_lineage()
    old = lineage.drop_duplicates("old_code")
    new_pairs = [(n, c) for c, a, b, e in communes[["code", "name_vi", "short_name", "name_en"]].itertuples(index=False)
                 for n in (a, b, e)]
    return {
        "new_codes": frozenset(communes["code"]),
        "old_codes": frozenset(old["old_code"]),
        "new_names": _index(new_pairs),
        "old_names": _index(list(zip(old["old_name"], old["old_code"]))),
    }


def new_codes() -> frozenset[str]:
    """The 126 codes in force since 1 July 2025."""
    return _lookups()["new_codes"]  # type: ignore[return-value]


def _resolve_one(text: str, old_era: bool) -> tuple[str | None, str]:
    look = _lookups()
    codes = look["old_codes"] if old_era else look["new_codes"]
    names = look["old_names"] if old_era else look["new_names"]
    if text == "":
        return None, "missing"
    digits = re.fullmatch(r"(\d+)(?:[.,]0+)?", text)
    if digits:
        raw = digits.group(1)
        if len(raw) > 5:
            return None, "bad_commune"
        code = raw.zfill(5)
        if code in codes:
            return code, ""
        return None, "old_unit" if not old_era and code in look["old_codes"] else "bad_commune"  # type: ignore[operator]
    key = fold(text)
    found = names.get(key) or names.get(_strip_kind(key))  # type: ignore[union-attr]
    if not found:
        if not old_era and _old_unit_code(text) is not None:
            return None, "old_unit"
        return None, "bad_commune"
    if len(found) > 1:
        return None, "ambiguous_commune"
    return next(iter(found)), ""


def _old_unit_code(text: str) -> str | None:
    """The old (pre-July 2025) unit a code or unique name written in a cell stands for, or None."""
    code, reason = _resolve_one(text.strip(), True)
    return code if reason == "" else None


def old_unit_text(value: str) -> tuple[str, str]:
    """Why an old unit's code is refused after July 2025, naming the new unit(s) and code(s) to write."""
    code = _old_unit_code(value)
    if code is None:
        return ("Mã/tên đơn vị cũ: hãy ghi mã đơn vị mới", "A former unit: write the new unit's code")
    lineage = load_lineage()
    links = lineage[lineage["old_code"] == code].sort_values("is_default_new_unit", ascending=False)
    names = load_communes().set_index("code")
    old_name = links["old_name"].iloc[0]
    new = [(c, names.loc[c, "name_vi"], names.loc[c, "name_en"]) for c in links["new_code"]]
    if len(new) == 1:
        c, vi, en = new[0]
        return (f"“{value}” là đơn vị cũ ({old_name}, mã {code}); từ 01/7/2025 thuộc {vi} (mã {c}): hãy ghi mã {c}",
                f"“{value}” is a former unit ({old_name}, code {code}); since 1 July 2025 it is part of {en} "
                f"(code {c}): write {c}")
    listed_vi = ", ".join(f"{vi} (mã {c})" for c, vi, _ in new)
    listed_en = ", ".join(f"{en} (code {c})" for c, _, en in new)
    return (f"“{value}” là đơn vị cũ ({old_name}, mã {code}); từ 01/7/2025 được chia vào: {listed_vi}. Hãy ghi mã "
            "của đơn vị mới mà số liệu thuộc về",
            f"“{value}” is a former unit ({old_name}, code {code}); since 1 July 2025 it is split between: "
            f"{listed_en}. Write the code of the new unit the figures belong to")


def resolve_communes(text: pd.Series, period: pd.Series, numbers: pd.Series | None = None) -> pd.DataFrame:
    """Resolve commune cells to codes valid for each row's period; returns columns `code` and `reason`.

    `reason` is '' when resolved, else missing | bad_commune | ambiguous_commune | old_unit (a former unit's
    code or name in a row from July 2025 on: `old_unit_text` names its new unit). Work is done once per
    distinct (value, era), so millions of rows cost what a few hundred distinct values cost.
    """
    old_era = (period < BOUNDARY_CHANGE).fillna(False).to_numpy(dtype=bool)
    values = text.fillna("").astype("str")
    if numbers is not None and numbers.notna().any():  # real numbers from Excel: 4.0 -> "4", 4.5 stays invalid
        nums = numbers.to_numpy(dtype=float)
        whole = ~np.isnan(nums) & (np.mod(nums, 1) == 0)
        values = values.copy()
        values[whole] = [str(int(v)) for v in nums[whole]]
        values[~np.isnan(nums) & ~whole] = "x"
    arr = values.array
    arr = (pa.chunked_array(arr.__arrow_array__()).combine_chunks() if hasattr(arr, "__arrow_array__")
           else pa.array(values.to_numpy(dtype=object), type=pa.string()))
    encoded = pc.dictionary_encode(pc.fill_null(arr, "") if arr.null_count else arr)
    idx = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64)
    uniques = encoded.dictionary.to_pylist()
    combined = idx * 2 + old_era  # one slot per distinct (value, era): a lookup table, no sorting
    present = np.flatnonzero(np.bincount(combined, minlength=2 * len(uniques)))
    codes = [None] * (2 * len(uniques))
    reasons = [""] * (2 * len(uniques))
    for k in present:
        codes[k], reasons[k] = _resolve_one(uniques[k // 2], bool(k % 2))
    code_arr = pa.array(codes, type=pa.string()).take(pa.array(combined))
    reason_arr = pa.array(reasons, type=pa.string()).take(pa.array(combined))
    dtype = pd.StringDtype("pyarrow", na_value=np.nan)
    mapper = {pa.string(): dtype}.get
    return pd.DataFrame({"code": pa.chunked_array([code_arr]).to_pandas(types_mapper=mapper).array,
                         "reason": pa.chunked_array([reason_arr]).to_pandas(types_mapper=mapper).array},
                        index=text.index)


def names_to_codes(text: pd.Series, period: pd.Series) -> pd.Series:
    """The code a commune *name* column points to (NaN when blank or not a unique name), to cross-check codes."""
    resolved = resolve_communes(text, period)
    return resolved["code"].where(resolved["reason"] == "")


@lru_cache(maxsize=1)
def _split_table() -> pd.DataFrame:
    """Old code -> its new units, default unit first; internal column names cannot clash with a template's."""
    lineage = load_lineage()
    links = lineage[["old_code", "new_code", "is_default_new_unit"]].copy()
    links = links.sort_values(["old_code", "is_default_new_unit", "new_code"], ascending=[True, False, True])
    links["_rank"] = links.groupby("old_code").cumcount()
    links["_n"] = links.groupby("old_code")["new_code"].transform("size")
    return links.rename(columns={"old_code": "_old", "new_code": "_new", "is_default_new_unit": "_default"}) \
        .reset_index(drop=True)


def default_new_unit(old_codes: pd.Series) -> pd.Series:
    """Old code -> the new unit a person from it is counted in (the package's default unit)."""
    links = _split_table()
    default = links[links["_rank"] == 0].set_index("_old")["_new"]
    return old_codes.map(default)


def split_to_new(frame: pd.DataFrame, commune: str, period: str, counts: list[str], decimals: list[str]) -> pd.DataFrame:
    """Rows keyed to old units (period before July 2025) re-keyed to new units; counts split in equal shares.

    Rows from July 2025 on pass through unchanged. Returns the frame with `commune` holding new codes and a
    boolean `mapped` column; one old row becomes one row per new unit it was split into, and every count
    column sums back exactly to the old row's value (largest remainder, default unit first).
    """
    old = (frame[period] < BOUNDARY_CHANGE).fillna(False).to_numpy(dtype=bool)
    if not old.any():
        return frame.assign(mapped=False)
    keep = frame.loc[~old].assign(mapped=False)
    past = frame.loc[old].copy()
    past["_src"] = np.arange(len(past))
    merged = past.merge(_split_table(), left_on=commune, right_on="_old", how="left", validate="many_to_many")
    merged = merged.sort_values(["_src", "_rank"], kind="stable")
    n = merged["_n"].to_numpy(dtype=float)
    rank = merged["_rank"].to_numpy(dtype=float)
    for col in counts:
        v = merged[col].to_numpy(dtype=float)
        base = np.floor(v / n)
        remainder = v - base * n
        merged[col] = np.where(np.isnan(v), np.nan, base + (rank < remainder))
    for col in decimals:
        merged[col] = merged[col].to_numpy(dtype=float) / n
    merged[commune] = merged["_new"].astype("str")
    merged["mapped"] = True
    return pd.concat([keep, merged[keep.columns]], ignore_index=True)
