"""Where the parts of the code meet: the review without Pelican, no import cycles in the build."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

from pelican.settings import DEFAULT_CONFIG

from toasoan.settings import PELICAN_DEFAULTS, site_rules

PACKAGE = Path(__file__).resolve().parent.parent / "toasoan"


def test_the_editorial_review_imports_no_pelican() -> None:
    """Every module of toasoan.editorial, imported in a fresh process, leaves Pelican out."""
    script = ("import importlib, json, pkgutil, sys, toasoan.editorial as e\n"
              "names = [m.name for m in pkgutil.iter_modules(e.__path__)]\n"
              "for name in names: importlib.import_module('toasoan.editorial.' + name)\n"
              "print(json.dumps([names, sorted(m for m in sys.modules if m.split('.')[0] == 'pelican')]))")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True)
    names, pelican = json.loads(done.stdout)
    assert {"review", "tree", "cli", "merge", "queue"} <= set(names)
    assert pelican == []


def test_no_editorial_source_imports_pelican_even_lazily() -> None:
    """Not even inside a function: the review's code runs without Pelican installed."""
    found = []
    for source in sorted((PACKAGE / "editorial").glob("*.py")):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) and not node.level else []
            found += [f"{source.name}: {n}" for n in names if n.split(".")[0] == "pelican"]
    assert found == []


class _Recording(dict):
    """Settings that remember which keys were read."""

    def __init__(self, *args: object) -> None:
        super().__init__(*args)
        self.read: set[str] = set()

    def __getitem__(self, key: str) -> object:
        self.read.add(key)
        return super().__getitem__(key)

    def get(self, key: str, default: object = None) -> object:
        self.read.add(key)
        return super().get(key, default)


def test_the_pelican_defaults_the_review_assumes_are_pelicans(tmp_path: Path) -> None:
    """The review reads a branch's settings without Pelican: the defaults it fills in are
    Pelican's own, for every Pelican setting the site rules read."""
    assert {name: DEFAULT_CONFIG[name] for name in PELICAN_DEFAULTS} == PELICAN_DEFAULTS
    settings = _Recording({**PELICAN_DEFAULTS, "PATH": str(tmp_path)})
    site_rules(settings)
    assert settings.read - {"PATH"} <= {*PELICAN_DEFAULTS, "NEWSROOM"}
    assert settings.read & set(DEFAULT_CONFIG) - {"PATH"} == set(PELICAN_DEFAULTS)


def _imports(path: Path, module: str) -> Iterator[str]:
    """Every toasoan module ``path`` imports, at the top or inside a function."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parts, *([node.module] if node.module else [])])
            for alias in node.names:
                yield f"{base}.{alias.name}"
                yield base
        elif isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)


def _import_graph() -> dict[str, set[str]]:
    modules = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        modules[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return {name: {m for m in _imports(path, name) if m in modules} - {name} for name, path in modules.items()}


def _reachable(graph: dict[str, set[str]], start: str) -> set[str]:
    seen, todo = set(), [start]
    while todo:
        for found in graph[todo.pop()] - seen:
            seen.add(found)
            todo.append(found)
    return seen


def test_the_build_modules_import_no_cycle() -> None:
    """``toasoan.build.session`` builds on ``toasoan.build.plan``, never the other way round;
    no module outside the review is in an import cycle."""
    graph = _import_graph()
    assert "toasoan.build.plan" in _reachable(graph, "toasoan.build.session")
    assert "toasoan.build.session" not in _reachable(graph, "toasoan.build.plan")
    in_cycles = {name for name in graph if name in _reachable(graph, name)}
    assert {name for name in in_cycles if not name.startswith("toasoan.editorial.")} == set()
