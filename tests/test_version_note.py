"""Version names are for administrators; everyone else reads the date the figures were published."""
import pandas as pd
import pytest
from apphelpers import run_app

from store.versions import read_manifest

ANALYST = "phantich@hanoi.gov.vn"  # config/access.toml: an analyst without the admin flag


def captions(at) -> str:
    return " ".join(c.value for c in at.caption)


@pytest.mark.parametrize("page", [None, "forecast"])
def test_an_administrator_sees_the_version_name(page, demo_version):
    at = run_app(page=page)  # the default development account (dev.analyst) is an administrator
    assert not at.exception
    assert f"phiên bản {demo_version}" in captions(at)


@pytest.mark.parametrize("page", [None, "forecast"])
def test_everyone_else_sees_the_publication_date_and_no_version_name(page, monkeypatch, demo_version):
    monkeypatch.setenv("HANOI_DEV_USER", ANALYST)
    at = run_app(page=page, lang="en")
    assert not at.exception
    published = pd.Timestamp(read_manifest(demo_version)["created_at"]).strftime("%d %b %Y")
    assert f"figures updated {published}" in captions(at)
    assert demo_version not in captions(at) and "version" not in captions(at).replace("updated", "")
