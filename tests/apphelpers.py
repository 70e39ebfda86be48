"""Running the app under Streamlit's AppTest, as every page test does."""
from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parent.parent / "dashboard.py")


def run_app(page: str | None = None, timeout: float = 120, **params: str) -> AppTest:
    """Run app.py with query parameters (a deep link), optionally switched to `pages/<page>.py`."""
    at = AppTest.from_file(APP, default_timeout=timeout)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    if page is not None:
        at.switch_page(f"pages/{page}.py")
        at.run()
    return at
