"""The layering of docs/DEVELOPING.md, made true: import-linter's contracts (.importlinter) hold, and every
package of the project is under them (a new package cannot slip past the rules)."""
from __future__ import annotations

import configparser
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUTSIDE = {"tests", "benchmarks", "scripts", "data", "docs", "config", "geo"}
"""Folders that are not layers of the product (test code, the benchmark harness, data, documents)."""


def test_import_linter_contracts_are_kept():
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "0 broken" in result.stdout


def test_every_package_is_under_the_contracts():
    config = configparser.ConfigParser()
    config.read(ROOT / ".importlinter")
    declared = set(config["importlinter"]["root_packages"].split())
    packages = {p.name for p in ROOT.iterdir() if p.is_dir() and (p / "__init__.py").exists()} - OUTSIDE
    assert packages == declared
    top_level = {p.stem for p in ROOT.glob("*.py")}
    assert top_level == {"app", "dashboard"}, "only the two entry points live outside a package"
