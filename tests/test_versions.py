"""The version transaction of store/versions.py: the derive hook, never-served versions after a kill between
the rename and the switch, the served-version fallback for every kind of damage (cheap after the first
check), and `python -m cli status` on damaged warehouses."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from store import versions
from store.paths import PROJECT_ROOT
from store.versions import (VersionError, current_version, list_versions, read_manifest, served_version,
                            unserved_versions, verify_version, version_path, versions_dir)


@pytest.fixture
def root(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("HANOI_DATA_DIR", str(tmp_path / "curated"))
    return tmp_path / "curated"


def table(n: int, value: float = 1.0) -> pd.DataFrame:
    return pd.DataFrame({"i": range(n), "v": [value] * n})


def publish(tables: dict[str, pd.DataFrame], label: str, **kw) -> str:
    from store.versions import Draft, publish_version

    return publish_version(lambda base: Draft(tables, {"kind": "test"}), label, **kw)


# ---- derive -------------------------------------------------------------------------------------------
def test_derive_adds_tables_to_the_unserved_version_before_the_switch(root):
    first = publish({"facts": table(3)}, "a")
    seen: list[tuple[str, str | None, list[str]]] = []

    def derive(name: str) -> dict[str, pd.DataFrame]:
        facts = pd.read_parquet(version_path(name) / "facts.parquet")  # the fresh version is readable by name
        seen.append((name, current_version(), list_versions()))
        return {"verdicts": pd.DataFrame({"n": [len(facts)], "total": [facts["v"].sum()]})}

    second = publish({"facts": table(5, 2.0)}, "b", derive=derive)
    assert seen == [(second, first, [first])]  # called with the new name, while the old one still serves
    manifest = verify_version(second, rows=True)
    assert set(manifest["tables"]) == {"facts", "verdicts"} and manifest["tables"]["verdicts"]["rows"] == 1
    assert pd.read_parquet(version_path(second) / "verdicts.parquet")["total"].iloc[0] == 10.0
    assert current_version() == second and served_version().ok


def test_a_failing_derive_switches_nothing_and_removes_the_half_made_version(root):
    first = publish({"facts": table(3)}, "a")

    def derive(name: str) -> dict[str, pd.DataFrame]:
        raise RuntimeError("forecast failed")

    with pytest.raises(RuntimeError, match="forecast failed"):
        publish({"facts": table(5)}, "b", derive=derive)
    assert current_version() == first and list_versions() == [first] and unserved_versions() == []
    assert [p.name for p in versions_dir().iterdir()] == [first]


def test_derive_must_return_dataframes(root):
    first = publish({"facts": table(3)}, "a")
    with pytest.raises(versions.PublishError, match="not a DataFrame"):
        publish({"facts": table(5)}, "b", derive=lambda name: {"x": [1, 2]})
    assert current_version() == first


def test_every_publishing_entry_point_passes_derive(root, warehouse):
    from pipeline.publish import publish as pub, publish_staged, publish_update, rollback

    facts = warehouse.query("SELECT measure, commune_code, sector, period::TIMESTAMP AS period, value, se, status, "
                            "source, vintage::TIMESTAMP AS vintage, provisional FROM facts "
                            "WHERE measure = 'unemployed' AND period >= '2026-06-01'")
    for column in ("period", "vintage"):
        facts[column] = facts[column].astype("datetime64[us]")
    calls: list[str] = []

    def derive(name: str) -> dict[str, pd.DataFrame]:
        calls.append(name)
        return {"derived": pd.DataFrame({"version": [name]})}

    a = pub({"facts": facts}, "a", derive=derive)
    b = publish_update({"plans": pd.DataFrame({"x": [1]})}, "b", derive=derive)
    c = publish_staged(derive=derive)
    assert calls == [a, b, c]
    for name in (a, b, c):
        assert pd.read_parquet(version_path(name) / "derived.parquet")["version"].iloc[0] == name
    assert rollback(derive=lambda name: {}) == b  # rollback switches only: derive may veto, never add
    with pytest.raises(VersionError, match="switches only"):
        rollback(a, derive=lambda name: {"new_table": pd.DataFrame({"x": [1]})})
    assert current_version() == b


# ---- killed between the rename and the switch -----------------------------------------------------------
def test_a_version_never_served_is_never_chosen_and_is_cleaned_up(root):
    first = publish({"facts": table(3)}, "a")
    second = publish({"facts": table(4)}, "b")
    script = """
import sys, time
from store import versions
def stop(version):
    print("RENAMED " + version, flush=True)
    time.sleep(600)
versions._switch = stop
from store.versions import Draft, publish_version
import pandas as pd
publish_version(lambda base: Draft({"facts": pd.DataFrame({"i": [1]})}, {}), "killed")
"""
    child = subprocess.Popen([sys.executable, "-c", script], cwd=PROJECT_ROOT, env=dict(os.environ),
                             stdout=subprocess.PIPE, text=True)
    line = child.stdout.readline().strip()
    assert line.startswith("RENAMED ")
    orphan = line.split()[1]
    os.kill(child.pid, signal.SIGKILL)
    child.wait(timeout=30)
    assert version_path(orphan).is_dir() and verify_version(orphan)  # complete, but never served
    assert orphan > second and current_version() == second
    assert list_versions() == [first, second] and unserved_versions() == [orphan]
    from pipeline.publish import rollback, status_report

    report = status_report()
    assert report["never_served"] == [orphan] and report["ok"]
    assert [v["version"] for v in report["versions"] if v["never_served"]] == [orphan]
    assert rollback() == first  # the plain rollback goes back, never "forward" to the orphan
    with pytest.raises(VersionError):
        rollback(orphan)
    third = publish({"facts": table(5)}, "c", keep=10)
    assert not version_path(orphan).exists() and list_versions() == [first, second, third]


def test_pruning_counts_only_served_versions(root):
    names = [publish({"facts": table(i + 1)}, f"v{i}", keep=3) for i in range(5)]
    assert list_versions() == names[-3:]


# ---- the served-version fallback ------------------------------------------------------------------------
def _damage_missing(root: Path, version: str) -> None:
    import shutil

    shutil.rmtree(version_path(version))  # CURRENT now names a version that is not there


def _damage_manifest(root: Path, version: str) -> None:
    (version_path(version) / "manifest.json").write_text("{not json", encoding="utf-8")


def _damage_truncate(root: Path, version: str) -> None:
    path = version_path(version) / "facts.parquet"
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def _damage_checksum(root: Path, version: str) -> None:
    path = version_path(version) / "facts.parquet"
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF  # same size: only the checksum can tell
    stat = path.stat()
    path.write_bytes(bytes(data))
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))


@pytest.mark.parametrize("damage, words", [
    (_damage_missing, "missing"), (_damage_manifest, "manifest"), (_damage_truncate, "bytes"),
    (_damage_checksum, "checksum"),
])
def test_a_damaged_served_version_falls_back_to_the_newest_valid_one(root, damage, words):
    first = publish({"facts": table(50)}, "a")
    second = publish({"facts": table(60)}, "b")
    third = publish({"facts": table(70)}, "c")
    _damage_truncate(root, second)  # the fallback skips damaged older versions too
    assert served_version().name == third
    damage(root, third)
    versions._forget(third)  # a new process: the first look does the full check
    served = served_version()
    assert served.name == first and not served.ok
    assert words in served.problem_en and "python -m cli" in served.problem_en
    assert first in served.problem_vi and "phiên bản" in served.problem_vi
    from cli.__main__ import main

    assert main(["status"]) == 1  # damage means a non-zero exit, never a crash


def test_the_check_is_cheap_after_the_first_one(root, monkeypatch):
    version = publish({"facts": table(1000)}, "a")
    versions._forget(version)
    calls: list[Path] = []
    real = versions.file_sha256
    monkeypatch.setattr(versions, "file_sha256", lambda path: calls.append(path) or real(path))
    for _ in range(20):
        assert served_version().name == version
    assert len(calls) == 1  # checksums once per process and version; then only stat
    _damage_truncate(root, version)  # a change of size is seen by the cheap check
    assert served_version().name is None and "no valid version" in served_version().problem_en


def test_nothing_published_is_not_a_problem(root):
    served = served_version()
    assert served.name is None and served.ok


def test_a_missing_pointer_with_versions_kept(root):
    version = publish({"facts": table(3)}, "a")
    (root / "CURRENT").unlink()
    served = served_version()
    assert served.name == version and "CURRENT" in served.problem_en


def test_status_reports_every_damage_and_never_crashes(root, capsys):
    from cli.__main__ import main

    good = publish({"facts": table(3)}, "a")
    bad = publish({"facts": table(4)}, "b")
    assert main(["status"]) == 0
    capsys.readouterr()
    _damage_manifest(root, good)
    _damage_checksum(root, bad)
    assert main(["status"]) == 1
    out = capsys.readouterr().out
    assert "HỎNG / DAMAGED" in out and good in out and bad in out and "checksum" in out and "manifest" in out
    assert main(["status", "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert set(report["damaged"]) == {good, bad} and report["served"] is None


def test_read_manifest_refuses_what_is_not_a_manifest(root):
    version = publish({"facts": table(3)}, "a")
    for text in ("[]", '{"tables": 3}', '{"tables": {"facts": {"rows": 1}}}', "\xff"):
        (version_path(version) / "manifest.json").write_text(text, encoding="latin-1")
        with pytest.raises(VersionError):
            read_manifest(version)


def test_the_manifest_records_sizes_and_the_format(root):
    version = publish({"facts": table(3)}, "a")
    manifest = read_manifest(version)
    entry = manifest["tables"]["facts"]
    assert manifest["format"] == versions.FORMAT and entry["bytes"] == (version_path(version) / "facts.parquet").stat().st_size
    assert (version_path(version) / versions.SERVED_MARK).exists()


def test_fsync_covers_files_folders_and_the_pointer(root, monkeypatch):
    synced: list[str] = []
    real = os.fsync

    def spy(fd: int) -> None:
        synced.append(os.readlink(f"/proc/self/fd/{fd}"))
        real(fd)

    monkeypatch.setattr(os, "fsync", spy)
    version = publish({"facts": table(3), "plans": table(2)}, "a")
    names = [Path(p).name for p in synced]
    assert any(n.endswith(".parquet") and "facts" in n for n in names)
    assert any(n.endswith(".parquet") and "plans" in n for n in names)
    assert any("manifest" in n for n in names) and any("CURRENT" in n for n in names)
    assert str(versions_dir()) in synced and str(root) in synced  # the folders, after the renames
    assert current_version() == version
