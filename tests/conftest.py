"""Fixtures: a throwaway newsroom project in tmp_path (see ``sitekit``)."""

from __future__ import annotations

from pathlib import Path

import pytest
from editkit import EPOCH, corpus_project

from sitekit import Project, make_project


@pytest.fixture
def project(tmp_path: Path) -> Project:
    """An empty newsroom (code, theme, settings, units roster) in tmp_path."""
    return make_project(tmp_path / "site", sample_content=False)


@pytest.fixture
def newsroom(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Project:
    """A newsroom with the generated test corpus (``editkit``); the tracker's today is EPOCH."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    return corpus_project(tmp_path)


@pytest.fixture(scope="session")
def headless_browser():
    """Debian's chromium under Playwright, one per test run (see ``browserkit``)."""
    from browserkit import chromium

    with chromium() as browser:
        yield browser


@pytest.fixture(scope="session")
def built_sample(tmp_path_factory) -> Project:
    """The real sample site built once per test run with ``invoke build``: read it, never change it."""
    project = make_project(tmp_path_factory.mktemp("built-sample") / "site", sample_content=True)
    result = project.invoke("build")
    assert result.returncode == 0, result.stdout + result.stderr
    return project


@pytest.fixture
def sample_project(tmp_path: Path) -> Project:
    """The real sample newsroom (all of content/) in tmp_path."""
    return make_project(tmp_path / "sample", sample_content=True)
