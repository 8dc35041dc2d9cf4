"""Fixtures: a throwaway newsroom project in tmp_path (see ``sitekit``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from sitekit import Project, make_project


@pytest.fixture
def project(tmp_path: Path) -> Project:
    """An empty newsroom (code, theme, settings, units roster) in tmp_path."""
    return make_project(tmp_path / "site", sample_content=False)


@pytest.fixture
def sample_project(tmp_path: Path) -> Project:
    """The real sample newsroom (all of content/) in tmp_path."""
    return make_project(tmp_path / "sample", sample_content=True)
