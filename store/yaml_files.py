"""Reading the project's YAML data files (catalogue, plausibility gates, demo assumptions).

Why one place: libyaml's C loader parses the catalogue in a tenth of the pure-Python loader's time (about
1.5 s saved at every server, CLI and ingest start); both loaders are the *safe* ones (no Python objects)."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_yaml(path: Path) -> Any:
    """The document of a UTF-8 YAML file, with the safe loader (C when libyaml is there)."""
    return yaml.load(Path(path).read_text(encoding="utf-8"), Loader=_LOADER)  # noqa: S506 - a safe loader
