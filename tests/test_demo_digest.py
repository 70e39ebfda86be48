"""The demo warehouse's content is pinned: a faster generator, publish or derive must give the same data.

The digests below were taken from the demo published (`python -m cli demo --end 2026-10`) by the code
before it was made fast (issue 17); every table the demo version carries is compared by content (column
names, dtypes, every value in order), not by file bytes, so a change of parquet writer settings is not a
change of data. Tables stamped with the version they were derived for drop that column (`derived_for`).

`completeness` is left out: demo report arrivals are capped at the clock time of the run, so its content
depends on when the tests run. When a deliberate change of the demo's data changes a digest, update it
here and say why in the commit.
"""
from __future__ import annotations

import hashlib
import json

import pandas as pd
import pytest

PINNED = {  # table: (rows, content digest) of the demo up to 2026-10 (tests/conftest.py TEST_END_MONTH)
    "facts": (2270538, "253e9e248aa09a54ef5449f3ea65dd53da04eeb9d8be74f4c8b027e9a8cb71a4"),
    "plans": (882, "2e230e1df8c072ab58527a08fb51f8f74674badffdb31b8c740a56e7feb71cc9"),
    "coverage": (49, "a154115508006dd17734f76babf3b3351b9a36932129a113533be0c2cf35cc79"),
    "forecasts": (3274, "7913485e1537e2174b87dac8e2397a81c799fea2dc93f16d9dd8a7e55e60bf4b"),
    "forecast_paths": (344814, "068c90ac4d1a52058b24d7c24f8ecf2d4cd98c013db56aab48c2b681f00a9a9a"),
    "official_forecasts": (11, "905bab20f674c3878079a8c25dd7027d576411a43baf29b4081b449ea4cdbafb"),
    "verdicts": (349074, "f63367af897a03d59057d5ef18a6b91b6bc9ea5a942da5dd09e1d038ebfb0293"),
}


def content_digest(frame: pd.DataFrame) -> str:
    """sha256 over column names, dtypes and every value in row order (index ignored)."""
    frame = frame.drop(columns=[c for c in ("derived_for",) if c in frame])
    h = hashlib.sha256()
    h.update(json.dumps([[str(c), str(t)] for c, t in frame.dtypes.items()]).encode())
    h.update(pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes())
    return h.hexdigest()


def test_the_digest_sees_one_changed_value():
    frame = pd.DataFrame({"a": ["x", "y"], "v": [1.0, 2.0]})
    changed = frame.assign(v=[1.0, 2.0000001])
    assert content_digest(frame) != content_digest(changed)
    assert content_digest(frame) != content_digest(frame.iloc[::-1])  # the order is content too
    assert content_digest(frame) == content_digest(frame.copy())


@pytest.fixture(scope="module")
def demo_tables(demo_version: str) -> dict[str, pd.DataFrame]:
    from pipeline.publish import tables_of

    return tables_of(demo_version)


@pytest.mark.parametrize("table", sorted(PINNED))
def test_the_demo_content_is_unchanged(demo_tables, table):
    rows, digest = PINNED[table]
    assert len(demo_tables[table]) == rows
    assert content_digest(demo_tables[table]) == digest
