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
