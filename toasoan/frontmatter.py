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
    "found character that cannot start any token":
        "có ký tự không được đứng đầu giá trị (như @, `, %, Tab); đặt giá trị trong ngoặc kép",
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
CURLY_QUOTES = {"“": "”", "‘": "’"}  # Word's quotes: text to YAML, not delimiters
TAB_INDENT = re.compile(r"^[ \t-]*\t")  # a Tab among a line's leading spaces and dashes
# "  - key: value", "key: value" or "  - value": the part before the value, the key, the value
VALUE_LINE = re.compile(r"^(?P<lead>[ \t]*(?:-[ \t]+)*(?:(?P<key>[A-Za-z_][\w-]*)[ \t]*:[ \t]+)?)"
                        r"(?P<value>\S(?:.*\S)?)[ \t]*$")


def yaml_quoted(value: str) -> str:
    """``value`` as a quoted YAML scalar: in 'single' quotes when it holds a double quote
    (and no single one), else in "double" quotes with ``\\`` and ``"`` escaped."""
    if '"' in value and "'" not in value:
        return f"'{value}'"
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def curly_inner(value: str) -> str | None:
    """The text inside Word's curly quotes when they wrap the whole of ``value``."""
    if len(value) >= 2 and CURLY_QUOTES.get(value[0]) == value[-1]:
        return value[1:-1]
    return None


def line_value(line: str) -> tuple[str, str] | None:
    """(what precedes the value, the value) of a ``key: value`` or ``- value`` line."""
    match = VALUE_LINE.match(line)
    if not match or not (match.group("key") or match.group("lead").strip()):
        return None
    return match.group("lead"), match.group("value")


_FLOW_ITEM = re.compile(r"([\[,][ \t]*)([“‘])([^,\]]*?)([”’])(?=[ \t]*[,\]])")


def straight_quotes(line: str) -> str:
    """``line`` with Word's curly quotes around its whole value, or around whole items (with
    no comma) of its ``[…]`` list, made straight YAML quotes; other lines as they are."""
    parts = line_value(line)
    if parts is None:
        return line
    lead, value = parts
    inner = curly_inner(value)
    if inner is not None:
        return lead + yaml_quoted(inner)
    if value.startswith("[") and value.endswith("]"):
        def item(match: re.Match) -> str:
            inner = curly_inner(match.group(2) + match.group(3) + match.group(4))
            return match.group(0) if inner is None else match.group(1) + yaml_quoted(inner)
        return lead + _FLOW_ITEM.sub(item, value)
    return line


class FieldLines(Mapping):
    """The 1-based line of every field path of one file.

    Pickled (the parse cache) and fingerprinted (page keys) as one JSON text, and read
    back from it only when a line is asked: a build keeps the content model of thousands of
    files, and as a dict of path tuples each file's map would be some twenty objects more.
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


class _Walk:
    """What one walk over the YAML nodes finds: the line of every field, the keys given
    twice, the plain values wrapped in Word's curly quotes, and the lines (0-based) where
    text was read as a key: one opened by a curly quote, or a list item's only key with a
    space in it (``- “Giao việc: Văn phòng”``, ``- Giao việc: Văn phòng``)."""

    def __init__(self, node: yaml.Node, offset: int) -> None:
        self.offset = offset
        self.lines: dict[FieldPath, int] = {}
        self.duplicates: list[tuple[FieldPath, int, int]] = []
        self.curly: list[tuple[FieldPath, str]] = []
        self.misread: list[int] = []
        self.walk(node, ())

    def walk(self, node: yaml.Node, path: FieldPath) -> None:
        if isinstance(node, yaml.ScalarNode):
            if not node.style and curly_inner(node.value) is not None:  # plain: None or ""
                self.curly.append((path, node.value))
        elif isinstance(node, yaml.MappingNode):
            seen: dict[str, int] = {}
            for key_node, value_node in node.value:
                key = str(key_node.value)
                line = key_node.start_mark.line + self.offset
                if key in seen:
                    self.duplicates.append(((*path, key), line, seen[key]))
                if not key_node.style and key[:1] in CURLY_QUOTES:
                    self.misread.append(key_node.start_mark.line)
                seen[key] = line
                self.lines[(*path, key)] = line
                self.walk(value_node, (*path, key))
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                if isinstance(item, yaml.MappingNode) and len(item.value) == 1:
                    key_node = item.value[0][0]
                    if not key_node.style and " " in str(key_node.value):
                        self.misread.append(key_node.start_mark.line)
                self.lines[(*path, index)] = item.start_mark.line + self.offset
                self.walk(item, (*path, index))


_KEY = re.compile(r"^\s*(?:-\s+)?([A-Za-z_][\w-]*)\s*:")


def _key_on_line(lines: list[str], index: int) -> str | None:
    """The field named on line ``index`` (0-based) of the YAML, or on the closest line above."""
    for candidate in range(min(index, len(lines) - 1), -1, -1):
        match = _KEY.match(lines[candidate])
        if match:
            return match.group(1)
    return None


def _needs_quotes(value: str) -> str | None:
    """Why YAML misreads this unquoted value, in Vietnamese, or None."""
    if value[0] in "@`%":
        return f"bắt đầu bằng ký tự '{value[0]}'"
    if value[0] in "\"'" and value.find(value[0], 1) not in (-1, len(value) - 1):
        return "có một đoạn trong ngoặc kép rồi chữ khác phía sau"
    if value[0] not in "\"'[{|>" and (": " in value or value.endswith(":")):
        return "có dấu ':'"
    return None


def _diagnose(source: str, yaml_lines: list[str], indexes: list[int], problem: str,
              offset: int) -> Finding | None:
    """The writer's own finding for a YAML error we recognise on the lines (0-based) it
    names: a Tab (E007), Word's curly quotes (E008), a value that needs quotes (E009)."""
    indexes = [i for i in dict.fromkeys(indexes) if i < len(yaml_lines)]
    for index in indexes:
        line = yaml_lines[index]
        if ("tab" in problem and "\t" in line) or TAB_INDENT.match(line):
            return finding("E007", source, index + offset, _key_on_line(yaml_lines, index))
    for index in indexes:
        line, field = yaml_lines[index], _key_on_line(yaml_lines, index)
        straight = straight_quotes(line)
        if straight != line:
            return finding("E008", source, index + offset, field, suggestion=straight.strip())
        parts = line_value(line)
        why = parts and _needs_quotes(parts[1])
        if parts and why:
            return finding("E009", source, index + offset, field, detail=why,
                           suggestion=(parts[0] + yaml_quoted(parts[1])).strip())
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
        yaml_lines = yaml_text.split("\n")
        marks = [m.line for m in (mark, error.problem_mark, error.context_mark) if m is not None]
        known = _diagnose(source, yaml_lines, marks, problem, offset)
        field = _key_on_line(yaml_lines, line - offset)
        return None, [known or finding("E003", source, line, field, detail=yaml_problem(problem))]
    except (ValueError, TypeError, OverflowError) as error:  # e.g. a timestamp out of range
        return None, [finding("E003", source, 1, detail=str(error))]
    finally:
        loader.dispose()
    if not isinstance(data, dict):
        return None, [finding("E004", source, offset)]
    found = _Walk(node, offset)
    if found.misread:  # text with a ':' in it, read as a key
        yaml_lines, first = yaml_text.split("\n"), found.misread[0]
        return None, [_diagnose(source, yaml_lines, found.misread, "", offset)
                      or finding("E003", source, first + offset, _key_on_line(yaml_lines, first),
                                 detail="chữ có dấu ':' bị đọc thành tên trường")]
    findings = [
        finding("E005", source, line, field_name(path), other=first)
        for path, line, first in found.duplicates
    ]
    findings += [finding("W001", source, line_of(found.lines, path), field_name(path),
                         suggestion=yaml_quoted(curly_inner(value) or ""), keep=yaml_quoted(value))
                 for path, value in found.curly]
    return FrontMatter(data=data, body=body, body_line=body_line, lines=FieldLines(found.lines)), findings
