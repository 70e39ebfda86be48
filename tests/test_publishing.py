"""service/publishing.py: every way a version is published leaves it with its own forecasts and verdicts."""
from __future__ import annotations

import shutil

import pytest

from forecast_helpers import data_dir
from indicators.verdicts import stored
from store.versions import current_version, version_path


@pytest.fixture
def folder(tmp_path, demo_version):
    """A data folder of its own serving a copy of the session's version (publishes here touch nothing else)."""
    root = tmp_path / "curated"
    (root / "versions").mkdir(parents=True)
    shutil.copytree(version_path(demo_version), root / "versions" / demo_version)
    (root / "CURRENT").write_text(demo_version, encoding="utf-8")
    with data_dir(root):
        yield root


def test_the_session_demo_was_published_with_its_verdicts(demo_version):
    assert stored(demo_version)


def test_a_publish_of_staged_data_derives_for_the_new_version(folder, demo_version):
    from service.publishing import publish_staged

    version = publish_staged()
    assert version != demo_version and current_version() == version
    assert stored(version)  # stamped with its own name: not the tables carried over from demo_version


def test_a_version_published_without_the_hook_is_republished_with_its_own_tables(folder, demo_version):
    from pipeline.publish import publish_update
    from service.publishing import publish_derived

    plain = publish_update({}, "no-hook")
    assert not stored(plain)
    version, stats = publish_derived()
    assert stats["published"] and stored(version) and current_version() == version
    assert publish_derived() == (version, {"published": False, "reason": "already derived"})


def test_a_rollback_only_switches_and_the_version_keeps_its_own_tables(folder, demo_version):
    from service.publishing import publish_staged, rollback

    newer = publish_staged()
    assert rollback() == demo_version and current_version() == demo_version
    assert stored(demo_version) and stored(newer)


def test_the_command_line_publishes_through_the_hook(folder, capsys):
    from cli.__main__ import main

    assert main(["publish"]) == 0
    assert stored(current_version())
    assert main(["forecast"]) == 0
    assert "đã có dự báo" in capsys.readouterr().out  # nothing to add: the publish derived them
