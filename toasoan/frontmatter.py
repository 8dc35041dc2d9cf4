"""Split a Markdown file into its YAML front matter and body, keeping line numbers.

YAML is parsed once with libyaml (``CSafeLoader``) when present. The node tree gives each
field's line so a finding can point at ``action_items[2].owner`` on line 23.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

import yaml

from .findings import Finding, finding

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_BaseLoader):  # type: ignore[misc,valid-type]
    """Safe YAML (libyaml when present) that leaves dates as text for the model to check.

    YAML would turn ``2019-02-30`` into a parse error for the whole file; as text, the
    model reports it on its own field (E103).
    """


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
}

FieldPath = tuple[str | int, ...]

# libyaml's problems, said in Vietnamese (the rest are shown as libyaml says them).
YAML_PROBLEMS = {
    "mapping values are not allowed":
        "dấu ':' đặt sai chỗ (giá trị có dấu ':' phải đặt trong ngoặc kép)",
    "found character '\\t' that cannot start any token": "có ký tự Tab; hãy thụt lề bằng dấu cách",
    "found a tab character": "có ký tự Tab; hãy thụt lề bằng dấu cách",
    "could not find expected ':'": "thiếu dấu ':' sau tên trường",
    "found unexpected end of stream": "thiếu ngoặc hoặc dấu nháy đóng",
    "did not find expected ',' or ']'": "danh sách [...] chưa đóng hoặc thiếu dấu ','",
    "did not find expected ',' or '}'": "khối {...} chưa đóng hoặc thiếu dấu ','",
    "did not find expected key": "thụt lề không đều hoặc thiếu dấu '-' đầu mục",
    "did not find expected '-' indicator": "mục danh sách phải bắt đầu bằng '- '",
    "found undefined alias": "dùng ký tự '*' ở đầu giá trị (hãy đặt giá trị trong ngoặc kép)",
    "found unknown escape character": "dấu '\\' không hợp lệ trong ngoặc kép",
    "expected a single document in the stream": "có nhiều hơn một khối '---'",
    "did not find expected <document start>": "thụt lề không đều giữa các dòng",
}


def yaml_problem(problem: str) -> str:
    """libyaml's problem in Vietnamese when we know it, else as it is."""
    for english, vietnamese in YAML_PROBLEMS.items():
        if problem.startswith(english):
            return vietnamese
    return f"{problem} (thông báo của bộ đọc YAML)"
FENCE = "---"


class FieldLines(Mapping):
    """The 1-based line of every field path of one file.

    Pickled as one JSON text, and read back from it only when a line is asked: a build
    keeps (and saves, and loads) the content model of thousands of files, and as a dict
    of path tuples each file's map would be some twenty objects more.
    """

    __slots__ = ("_lines", "_text")

    def __init__(self, lines: Mapping[FieldPath, int] | None = None) -> None:
        self._lines: dict[FieldPath, int] | None = dict(lines or {})
        self._text: str | None = None

    @classmethod
    def from_text(cls, text: str) -> FieldLines:
        found = cls.__new__(cls)
        found._lines, found._text = None, text
        return found

    def text(self) -> str:
        if self._text is None:
            self._text = json.dumps([[list(path), line] for path, line in self._lines.items()],
                                    ensure_ascii=False)
        return self._text

    def _map(self) -> dict[FieldPath, int]:
        if self._lines is None:
            self._lines = {tuple(path): line for path, line in json.loads(self._text)}
        return self._lines

    def __getitem__(self, path: FieldPath) -> int:
        return self._map()[path]

    def __iter__(self) -> Iterator[FieldPath]:
        return iter(self._map())

    def __len__(self) -> int:
        return len(self._map())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, FieldLines) and self.text() == other.text():
            return True
        return Mapping.__eq__(self, other)

    def __repr__(self) -> str:
        return f"FieldLines({self._map()!r})"

    def __reduce__(self) -> tuple:
        return FieldLines.from_text, (self.text(),)


@dataclass
class FrontMatter:
    """Parsed front matter: ``data`` plus the 1-based line of every field path."""

    data: dict
    body: str
    body_line: int
    lines: FieldLines = field(default_factory=FieldLines)

    def line(self, *path: str | int) -> int:
        return line_of(self.lines, path)


def line_of(lines: Mapping[FieldPath, int], path: FieldPath) -> int:
    """Line of the deepest known prefix of ``path`` (the field, else its parent, else 1)."""
    while path:
        if path in lines:
            return lines[path]
        path = path[:-1]
    return 1


def field_name(path: FieldPath) -> str:
    """``("action_items", 2, "owner")`` → ``action_items[2].owner``."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def split(text: str) -> tuple[str, str, int] | None:
    """Return (yaml_text, body, body_line) or None when the file has no front matter."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != FENCE:
        return None
    for index in range(1, len(lines)):
        if lines[index].rstrip() in (FENCE, "..."):
            return "\n".join(lines[1:index]), "\n".join(lines[index + 1 :]), index + 2
    return None


def _walk(node: yaml.Node, path: FieldPath, offset: int, lines: dict[FieldPath, int],
          duplicates: list[tuple[FieldPath, int, int]]) -> None:
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value)
            line = key_node.start_mark.line + offset
            if key in seen:
                duplicates.append(((*path, key), line, seen[key]))
            seen[key] = line
            lines[(*path, key)] = line
            _walk(value_node, (*path, key), offset, lines, duplicates)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            lines[(*path, index)] = item.start_mark.line + offset
            _walk(item, (*path, index), offset, lines, duplicates)


_KEY = re.compile(r"^\s*(?:-\s+)?([A-Za-z_][\w-]*)\s*:")


def _key_on_line(yaml_text: str, index: int) -> str | None:
    """The field named on line ``index`` (0-based) of the YAML, or on the closest line above."""
    lines = yaml_text.split("\n")
    for candidate in range(min(index, len(lines) - 1), -1, -1):
        match = _KEY.match(lines[candidate])
        if match:
            return match.group(1)
    return None


def parse(source: str, text: str) -> tuple[FrontMatter | None, list[Finding]]:
    """Parse ``text`` (already decoded, NFC) into front matter; findings say what failed."""
    if not text.strip():
        return None, [finding("E006", source, 1)]
    parts = split(text)
    if parts is None:
        return None, [finding("E002", source, 1)]
    yaml_text, body, body_line = parts
    offset = 2  # the opening fence is line 1, YAML starts on line 2
    loader = _Loader(yaml_text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
        context = getattr(error, "context", None) or ""
        if error.context_mark and ("flow" in context or "quoted" in context):
            mark = error.context_mark  # an unclosed [ … ], { … } or "…": point where it opened
        line = mark.line + offset if mark else 1
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        field = _key_on_line(yaml_text, line - offset)
        return None, [finding("E003", source, line, field, detail=yaml_problem(problem))]
    except (ValueError, TypeError, OverflowError) as error:  # e.g. a timestamp out of range
        return None, [finding("E003", source, 1, detail=str(error))]
    finally:
        loader.dispose()
    if not isinstance(data, dict):
        return None, [finding("E004", source, offset)]
    lines: dict[FieldPath, int] = {}
    duplicates: list[tuple[FieldPath, int, int]] = []
    _walk(node, (), offset, lines, duplicates)
    findings = [
        finding("E005", source, line, field_name(path), other=first)
        for path, line, first in duplicates
    ]
    return FrontMatter(data=data, body=body, body_line=body_line, lines=FieldLines(lines)), findings
