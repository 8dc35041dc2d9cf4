"""Fixtures of the editorial tests: real keys once per session, a fresh newsroom per test."""

from __future__ import annotations

from pathlib import Path

import pytest
from newsroom import Newsroom, Person, make_newsroom, make_people


@pytest.fixture(scope="session")
def people(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Person]:
    """One real ed25519 key pair per person, generated once per test session."""
    return make_people(tmp_path_factory.mktemp("keys"))


@pytest.fixture
def room(tmp_path: Path, people: dict[str, Person]) -> Newsroom:
    """A fresh repository on ``main``: content, a plugin, settings, the editorial board."""
    return make_newsroom(tmp_path / "newsroom", people)
