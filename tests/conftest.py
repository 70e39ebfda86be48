"""Shared fixtures: every test session publishes its own small demo warehouse in a temporary folder.

`HANOI_DATA_DIR` points the whole project (pipeline, queries, the app under AppTest, a browser test's
server) at it, so tests never read or write the developer's `data/curated/`. The end month is fixed so
that no test depends on today's date.
"""
from __future__ import annotations

import os

import pytest

TEST_END_MONTH = "2026-10"


@pytest.fixture(scope="session", autouse=True)
def demo_version(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The version name of the session's demo warehouse (published once per test session)."""
    root = tmp_path_factory.mktemp("curated")
    os.environ["HANOI_DATA_DIR"] = str(root)
    os.environ.setdefault("HANOI_AUDIT_DIR", str(tmp_path_factory.mktemp("audit")))
    # Pages under AppTest run as the development account unless a test configures identity itself (the
    # security tests start servers without it, and with the proxy or tokens).
    os.environ.setdefault("HANOI_DEV_MODE", "1")
    from service.publishing import publish_demo  # with its verdicts, as every entry point publishes

    return publish_demo(end=TEST_END_MONTH)


@pytest.fixture(scope="session")
def warehouse(demo_version: str):
    """The DuckDB warehouse over the session's demo version."""
    from indicators.warehouse import open_warehouse

    return open_warehouse(demo_version)
