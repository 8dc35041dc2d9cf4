"""Fixtures of the desk tests: real keys once per session, a bare remote and clones per test."""

from __future__ import annotations

import pytest
from deskkit import Person, make_people


@pytest.fixture(scope="session")
def people(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Person]:
    return make_people(tmp_path_factory.mktemp("keys"))
