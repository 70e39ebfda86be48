"""Atomic publishing: a failure at any step (an exception, a SIGKILL half-way through writing) leaves the
previous version serving; readers reading during a publish always see one whole version; old versions
are pruned but never the one being served; rollback returns to a kept version."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pandas as pd
import pytest

from store.paths import PROJECT_ROOT
from store.versions import VersionError, current_version, list_versions, read_manifest, verify_version, versions_dir


@pytest.fixture
def small_facts(warehouse) -> pd.DataFrame:
    """Two measures of the session's demo warehouse for 2026: quick to publish and to open."""
    facts = warehouse.query(
        "SELECT measure, commune_code, sector, period::TIMESTAMP AS period, value, se, status, source, "
        "vintage::TIMESTAMP AS vintage, provisional FROM facts "
        "WHERE measure IN ('unemployed', 'labour_force') AND period >= '2026-01-01'")
    for column in ("period", "vintage"):
        facts[column] = facts[column].astype("datetime64[us]")
    for column in ("measure", "commune_code", "sector", "status", "source"):
        facts[column] = facts[column].astype("str")
    return facts


@pytest.fixture
def root(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("HANOI_DATA_DIR", str(tmp_path / "curated"))
    return tmp_path / "curated"


def scaled(facts: pd.DataFrame, factor: float) -> pd.DataFrame:
    """The same facts with unemployment scaled: each version's rate tells which version a reader saw."""
    out = facts.copy()
    out.loc[out["measure"] == "unemployed", "value"] *= factor
    return out


def test_publish_switches_and_keeps_n_versions(root, small_facts):
    from pipeline.publish import publish

    names = [publish({"facts": scaled(small_facts, 1 + i / 10)}, f"v{i}", keep=3) for i in range(5)]
    assert current_version() == names[-1]
    assert list_versions() == names[-3:]
    for name in names[-3:]:
        assert verify_version(name)["tables"]["facts"]["rows"] == len(small_facts)


def test_pruning_never_removes_the_served_or_the_replaced_version(root, small_facts):
    from pipeline.publish import publish, rollback

    names = [publish({"facts": small_facts}, f"v{i}", keep=2) for i in range(3)]
    rollback(names[1])
    newer = publish({"facts": small_facts}, "after-rollback", keep=2)
    assert names[1] in list_versions() and current_version() == newer  # the replaced version is still there


def test_a_failing_switch_leaves_the_previous_version(root, small_facts, monkeypatch):
    from pipeline import publish as pub
    from store import versions

    before = pub.publish({"facts": small_facts}, "good")

    def broken(version: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(versions, "_switch", broken)
    with pytest.raises(OSError):
        pub.publish({"facts": scaled(small_facts, 2)}, "bad")
    assert current_version() == before and list_versions() == [before]  # the half-published version is gone
    assert not [p for p in versions_dir().iterdir() if p.name.startswith(".staging")]


def test_an_invalid_table_is_never_written(root, small_facts):
    from pipeline.publish import publish
    from pipeline.validate import FactsError

    before = publish({"facts": small_facts}, "good")
    broken = small_facts.copy()
    broken.loc[broken.index[0], "value"] = -5
    with pytest.raises(FactsError):
        publish({"facts": broken}, "bad")
    assert current_version() == before and list_versions() == [before]


def test_a_publish_killed_half_way_leaves_the_previous_version(root, small_facts):
    from pipeline.publish import publish

    before = publish({"facts": small_facts}, "good")
    # The child writes the first table, then hangs inside the second: we SIGKILL it there.
    script = f"""
import os, sys, time, pandas as pd
real = pd.DataFrame.to_parquet
def slow(self, path, *a, **k):
    real(self, path, *a, **k)
    if os.path.basename(str(path)).startswith(".second-"):
        print("WRITING", flush=True)
        time.sleep(600)
pd.DataFrame.to_parquet = slow
from pipeline.publish import publish
facts = pd.read_parquet({str(root / "versions" / before / "facts.parquet")!r})
publish({{"facts": facts, "second": facts.head(100)}}, "killed")
print("PUBLISHED", flush=True)
"""
    child = subprocess.Popen([sys.executable, "-c", script], cwd=PROJECT_ROOT, env=dict(os.environ),
                             stdout=subprocess.PIPE, text=True)
    assert child.stdout.readline().strip() == "WRITING"
    staging = [p for p in versions_dir().iterdir() if p.name.startswith(".staging")]
    assert staging and any(staging[0].glob("*.parquet"))  # really half-way: files written, no manifest yet
    os.kill(child.pid, signal.SIGKILL)
    child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL
    assert current_version() == before and list_versions() == [before]
    verify_version(before)
    after = publish({"facts": scaled(small_facts, 3)}, "next")  # the next publish cleans up the leftovers
    assert current_version() == after
    assert not [p for p in versions_dir().iterdir() if p.name.startswith(".staging")]


def test_readers_during_publishes_always_see_one_whole_version(root, small_facts):
    from indicators.queries import kpi_value
    from indicators.warehouse import open_warehouse
    from pipeline.publish import publish

    factors = [1.0, 1.5, 2.0, 2.5]
    first = publish({"facts": scaled(small_facts, factors[0])}, "r0")
    expected = {first: kpi_value(open_warehouse(first), "unemployment_rate", grain="month")}
    seen: list[tuple[str, float]] = []
    errors: list[BaseException] = []
    done = threading.Event()

    def reader() -> None:
        while not done.is_set():
            try:
                version = current_version()
                seen.append((version, kpi_value(open_warehouse(version), "unemployment_rate", grain="month")))
            except BaseException as exc:  # noqa: BLE001 - any failure of a reader is the test's failure
                errors.append(exc)
                return

    threads = [threading.Thread(target=reader) for _ in range(3)]
    for thread in threads:
        thread.start()
    try:
        for i, factor in enumerate(factors[1:], start=1):
            version = publish({"facts": scaled(small_facts, factor)}, f"r{i}", keep=10)
            expected[version] = None
            time.sleep(0.3)
    finally:
        done.set()
        for thread in threads:
            thread.join(timeout=120)
    assert not errors, errors
    for version in expected:
        if expected[version] is None:
            expected[version] = kpi_value(open_warehouse(version), "unemployment_rate", grain="month")
    assert len({v for v, _ in seen}) >= 2  # readers really read across publishes
    for version, value in seen:
        assert value == pytest.approx(expected[version])  # never a mix of two versions
    assert sorted(expected.values()) == sorted(set(expected.values()))


def test_rollback(root, small_facts):
    from pipeline.publish import publish, rollback

    a = publish({"facts": small_facts}, "a")
    b = publish({"facts": scaled(small_facts, 2)}, "b")
    assert rollback() == a and current_version() == a
    assert rollback(b) == b and current_version() == b
    with pytest.raises(VersionError):
        rollback("19990101T000000000000Z-nope")


def test_publish_update_carries_every_other_table_and_the_metadata(root, small_facts):
    from pipeline.publish import publish, publish_update

    publish({"facts": small_facts, "plans": pd.DataFrame({"geo": ["00004"], "low": [1.0]})}, "base", {"kind": "demo"})
    version = publish_update({"forecasts": pd.DataFrame({"x": [1, 2]})}, "forecast")
    manifest = read_manifest(version)
    assert set(manifest["tables"]) == {"facts", "plans", "forecasts"} and manifest["kind"] == "demo"


def test_the_cli_publishes_rolls_back_and_reports(root, small_facts, capsys):
    from cli.__main__ import main
    from pipeline.publish import publish

    publish({"facts": small_facts}, "one")
    assert main(["publish", "--keep", "3"]) == 0
    assert "current version" in capsys.readouterr().out
    second = current_version()
    assert main(["rollback"]) == 0 and current_version() != second
    assert main(["status"]) == 0
    out = capsys.readouterr().out
    assert second in out and "*" in out


def _jobs_file(path: Path, code: str, loans: int) -> Path:
    from store.templates import get_template

    header = ";".join(f.header_vi for f in get_template("commune_jobs").fields)
    row = [code, "", "09/2026", str(loans), "5", "1", "20", str(loans + 26), "30", "25", "", "3", "Sơ bộ"]
    path.write_text(header + "\n" + ";".join(row) + "\n", encoding="utf-8")
    return path


def test_two_concurrent_publishes_are_serialisable_and_lose_nothing(root, small_facts, tmp_path, monkeypatch):
    """One publish pauses after reading the served version and staging (as a slow disk would); a second
    publish started meanwhile waits for it and then builds on it: both files are served at the end, and
    the first publish's reported success is never undone."""
    from pipeline import publish as pub
    from pipeline.ingest import ingest_file

    pub.publish({"facts": small_facts}, "base")
    as_of = pd.Timestamp("2026-10-01")
    assert ingest_file(_jobs_file(tmp_path / "a.csv", "00004", 11), as_of=as_of).accepted == 1
    paused, release = threading.Event(), threading.Event()
    real = pub.staged_facts

    def slow(batches=None):
        result = real(batches)
        if not paused.is_set():
            paused.set()
            assert release.wait(60)
        return result

    monkeypatch.setattr(pub, "staged_facts", slow)
    results: dict[str, str] = {}
    first = threading.Thread(target=lambda: results.__setitem__("first", pub.publish_staged()))
    first.start()
    assert paused.wait(60)
    assert ingest_file(_jobs_file(tmp_path / "b.csv", "00008", 22), as_of=as_of).accepted == 1
    second = threading.Thread(target=lambda: results.__setitem__("second", pub.publish_staged()))
    second.start()
    time.sleep(1.0)
    assert second.is_alive() and "first" not in results  # the second one waits for the lock
    release.set()
    first.join(60)
    second.join(60)
    assert results["first"] < results["second"] and current_version() == results["second"]

    def loans(version: str) -> dict[str, float]:
        facts = pd.read_parquet(versions_dir() / version / "facts.parquet")
        rows = facts[(facts["measure"] == "jobs_loans") & (facts["period"] == pd.Timestamp("2026-09-01"))]
        return dict(zip(rows["commune_code"], rows["value"]))

    assert loans(results["first"]) == {"00004": 11.0}  # its snapshot: the file staged when it read
    assert loans(results["second"]) == {"00004": 11.0, "00008": 22.0}  # built on the first: nothing lost
    log = pd.read_parquet(versions_dir() / results["second"] / "ingest_log.parquet")
    assert sorted(log["file"]) == ["a.csv", "b.csv"]
    first_log = pd.read_parquet(versions_dir() / results["first"] / "ingest_log.parquet")
    assert list(first_log["file"]) == ["a.csv"]  # the log served with a version matches its facts
