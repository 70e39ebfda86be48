"""Docs checked by tests: the README's commands exist and do what it says."""
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_first_section_has_exactly_two_commands():
    first = README.split("## ")[1]
    block = re.search(r"```bash\n(.*?)```", first, re.S).group(1)
    commands = [line.split("#")[0].strip() for line in block.splitlines() if line.strip()]
    assert commands == ["./run.sh", "./test.sh"]
    for command in commands:
        path = ROOT / command
        assert path.exists() and os.access(path, os.X_OK)


def test_ci_calls_the_readme_test_command():
    assert "./test.sh" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_pipeline_subcommands_in_readme_exist():
    help_text = subprocess.run([sys.executable, "-m", "cli", "--help"], cwd=ROOT, capture_output=True,
                               text=True, check=True).stdout
    for sub in re.findall(r"python -m cli (\w+)", README):
        assert sub in help_text, sub


def test_requirements_are_pinned():
    lines = [l for l in (ROOT / "requirements.txt").read_text().splitlines() if l and not l.startswith("#")]
    assert lines and all("==" in l for l in lines)


def _documented_columns() -> dict[str, set[str]]:
    """docs/exports.md: each export's section (### `name`) and the column keys its table lists."""
    text = (ROOT / "docs" / "exports.md").read_text(encoding="utf-8")
    sections = re.split(r"^### `([a-z-]+)`", text, flags=re.M)
    return {name: set(re.findall(r"^\| `([^`]+)` \|", body, re.M)) for name, body in zip(sections[1::2], sections[2::2])}


def test_every_export_column_is_in_the_data_dictionary(demo_version, tmp_path, monkeypatch):
    """The CSV has machine headers: each one must be explained in docs/exports.md (the XLSX carries the same
    dictionary as a sheet). Built for an analyst with the page's default parameters."""
    import service
    from service.access import Principal
    from service.exports import EXPORTS, STORED_LABELS, export_table

    monkeypatch.setenv("HANOI_AUDIT_DIR", str(tmp_path / "audit"))
    documented = _documented_columns()
    caller = service.Caller(Principal("phantich@hanoi.gov.vn", "analyst", admin=True), reads="none")
    defaults = {"ke-hoach": {"indicator": "new_jobs", "year": "2026", "month": "10"}, "ho-so": {"area": "10417"}}
    for name in EXPORTS:
        if name == "bang":  # a stored table: its shared columns are listed once
            assert set(STORED_LABELS) <= documented["bang"], set(STORED_LABELS) - documented["bang"]
            continue
        table = export_table(caller, name, dict(defaults.get(name, {})), take_away=False)
        missing = [c.key for c in table.columns if c.key not in documented.get(name, set())]
        assert not missing, (name, missing)
