"""Reconciliation (đối soát) of the labour register against compulsory BHXH: exact on a hand-built case,
consistent on generated microdata, refusing to join batches hashed with different keys."""
from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd
import pytest

from pipeline.microdata import generate
from pipeline.reconcile import COLUMNS, ReconcileError, reconcile

SEPT = pd.Timestamp("2026-09-01")


def person(pid, commune="00004", sector="C", employment="wage", contract="1m_plus", employer="0101234567", **extra):
    return {"pid": pid, "commune": commune, "sector": sector, "employment": employment, "contract": contract,
            "employer": employer, "period": SEPT, "batch": "20260930T000000000000-a", "key_id": "k1", **extra}


def insured(pid, commune="00004", sector="C", employer="0101234567", change="active", scheme="compulsory", **extra):
    return {"pid": pid, "commune": commune, "sector": sector, "employer": employer, "change": change, "scheme": scheme,
            "bhtn": "yes", "period": SEPT, "batch": "20260930T000000000000-b", "key_id": "k1", **extra}


def write(tmp_path, name, rows) -> str:
    path = tmp_path / f"{name}.parquet"
    frame = pd.DataFrame(rows)
    frame["period"] = frame["period"].astype("datetime64[us]")
    frame.to_parquet(path, index=False)
    return str(path)


def test_a_hand_built_month(tmp_path):
    register = [
        person("a"),                                     # must be insured, is
        person("b"),                                     # must be insured, is not
        person("c", contract="indefinite"),              # must be insured, left BHXH at the same employer: flagged
        person("d", employment="own_account", contract=None, employer=None),  # not an employee
        person("e", contract="under_1m"),                # short contract: not compulsory
        person("f", employer="0109999999"),              # in arrears with their employer
        person("g", commune="00008", sector="G"),        # insured through a second employer too
    ]
    bhxh = [
        insured("a"), insured("c", change="left"), insured("f", employer="0109999999", change="arrears"),
        insured("g", commune="00008", sector="G"), insured("g", commune="00008", sector="G", employer="0105555555"),
        insured("x"),                                    # insured, not in the register
        insured("y", change="new", commune="00008", sector="G"),
        insured("v", scheme="voluntary", employer=None, sector=None),  # voluntary: not part of this check
    ]
    out = reconcile([write(tmp_path, "r", register)], [write(tmp_path, "b", bhxh)])
    assert list(out.columns) == list(COLUMNS)
    c = out.set_index(["commune_code", "sector"]).loc[("00004", "C")]
    assert (c["register_people"], c["should_insure"], c["insured_ok"], c["should_insure_not_insured"]) == (6, 4, 2, 2)
    assert (c["bhxh_active"], c["insured_not_registered"]) == (3, 1)   # a, f (arrears count as participating), x
    assert (c["dropped_still_employed"], c["in_arrears"], c["employers_flagged"]) == (1, 1, 2)
    g = out.set_index(["commune_code", "sector"]).loc[("00008", "G")]
    assert (g["register_people"], g["should_insure"], g["insured_ok"]) == (1, 1, 1)
    assert (g["bhxh_active"], g["insured_not_registered"]) == (2, 1)   # g counted once despite two employers; y
    assert out["should_insure"].sum() == out["insured_ok"].sum() + out["should_insure_not_insured"].sum()


def test_the_latest_batch_wins_when_a_month_is_resent(tmp_path):
    first = write(tmp_path, "r1", [person("a"), person("b")])
    second = write(tmp_path, "r2", [person("b", batch="20261001T000000000000-c", employment="unemployed", contract=None,
                                           employer=None)])
    bhxh = write(tmp_path, "b", [insured("a")])
    out = reconcile([first, second], [bhxh])
    assert out["should_insure"].sum() == 1 and out["should_insure_not_insured"].sum() == 0


def test_batches_hashed_with_different_keys_are_refused(tmp_path):
    register = write(tmp_path, "r", [person("a")])
    bhxh = write(tmp_path, "b", [insured("a", key_id="k2")])
    with pytest.raises(ReconcileError, match="different keys"):
        reconcile([register], [bhxh])


@pytest.fixture(scope="module")
def micro(tmp_path_factory):
    return generate(tmp_path_factory.mktemp("micro"), month="2026-09", register_rows=60_000, bhxh_rows=30_000, seed=7)


def test_microdata_is_deterministic_and_pseudonymous(micro, tmp_path):
    again = generate(tmp_path, month="2026-09", register_rows=60_000, bhxh_rows=30_000, seed=7)
    for a, b in ((micro.register, again.register), (micro.bhxh, again.bhxh)):
        assert pd.read_parquet(a).equals(pd.read_parquet(b))
    register = pd.read_parquet(micro.register)
    assert len(register) == 60_000 and register["pid"].str.fullmatch(r"[0-9a-f]{32}").all() and register["pid"].is_unique
    assert micro.bhxh_rows == len(pd.read_parquet(micro.bhxh)) and abs(micro.bhxh_rows - 30_000) < 30


def test_microdata_follows_the_demo_distribution(micro, warehouse):
    register = pd.read_parquet(micro.register)
    lf = warehouse.query("SELECT commune_code, value FROM facts_total WHERE measure = 'labour_force' "
                         "AND period = '2026-09-01'").set_index("commune_code")["value"]
    share = register["commune"].value_counts(normalize=True).reindex(lf.index).fillna(0)
    assert np.corrcoef(share, lf / lf.sum())[0, 1] > 0.95


def test_reconciliation_finds_what_the_generator_built_in(micro):
    out = reconcile([micro.register], [micro.bhxh])
    total = out[list(COLUMNS[3:])].sum()
    assert total["register_people"] == 60_000
    assert total["should_insure"] == total["insured_ok"] + total["should_insure_not_insured"]
    assert 0.09 < total["should_insure_not_insured"] / total["should_insure"] < 0.16    # ~11% + the 1% who left
    assert 0.03 < total["insured_not_registered"] / total["bhxh_active"] < 0.07         # ~5% of participants
    assert total["dropped_still_employed"] > 0 and total["employers_flagged"] > 0
    assert out["commune_code"].str.fullmatch(r"\d{5}").all()
    digest = hashlib.sha256(pd.util.hash_pandas_object(out, index=False).values.tobytes()).hexdigest()
    assert digest == hashlib.sha256(pd.util.hash_pandas_object(reconcile([micro.register], [micro.bhxh]),
                                                               index=False).values.tobytes()).hexdigest()
