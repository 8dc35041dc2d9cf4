"""``invoke check --fix``: repair the mechanical mistakes in writers' files, and say where.

What is repaired, and nothing else:

- a Tab among the spaces that indent a front-matter line → spaces (the first tab width
  among 2, 4 and 8 with which the front matter parses);
- Word's curly quotes “…” or ‘…’ around a whole front-matter value (or a whole item, without
  a comma, of a ``[…]`` list) → straight quotes, escaped so the text inside stays the same;
- text in decomposed Unicode (NFD, as some Mac and PDF copies give) → composed (NFC);
- spaces and Tabs at the end of a line, except the two or more spaces that end a body line
  followed by another line of text (a Markdown hard line break), and except inside a
  fenced code block.

A file is written only when its front matter parses afterwards and means what it meant
before (the same values, apart from the curly quotes removed and spaces at line ends);
otherwise it is left byte for byte as it was, and ``invoke check`` still shows its finding.
Line ends (LF or Windows CRLF) and a UTF-8 BOM are kept; the file is replaced atomically.
Running the repair twice changes nothing the second time.
"""

from __future__ import annotations

import os
import re
import tempfile
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .content import content_files
from .frontmatter import TAB_INDENT, curly_inner, parse, split, straight_quotes
from .model import SiteRules

TAB = "thay Tab ở đầu dòng bằng dấu cách"
CURLY = "đổi ngoặc kép kiểu Word “…” quanh giá trị thành ngoặc kép thẳng \"…\""
NFC = "chuẩn hoá chữ tiếng Việt về dạng dựng sẵn (NFC)"
TRAILING = "xoá dấu cách thừa ở cuối dòng"
TAB_WIDTHS = (2, 4, 8)

_LINE_END = re.compile(r"(\r\n|\r|\n)")
_LEADING = re.compile(r"^[ \t-]*")
_FENCE = re.compile(r"^ {0,3}(```|~~~)")


@dataclass
class FileFix:
    """What the repair did to one file: ``changes`` maps what was done to the lines (1-based)."""

    source: str
    changes: dict[str, list[int]] = field(default_factory=dict)
    written: bool = False
    error: str | None = None  # why the repaired file could not be written

    def report(self) -> list[str]:
        """Vietnamese lines for the writer: which file, which lines, what was done."""
        if not self.changes:
            return []
        if self.error:
            return [f"Không ghi được {self.source}: {self.error}; tệp giữ nguyên."]
        if not self.written:
            return [f"Không sửa {self.source}: tệp còn lỗi không sửa tự động được, hoặc sửa sẽ làm đổi "
                    "nội dung; hãy sửa tay theo thông báo bên dưới."]
        lines = [f"Đã sửa {self.source}:"]
        for what, numbers in self.changes.items():
            shown = ", ".join(map(str, numbers[:12])) + (", …" if len(numbers) > 12 else "")
            lines.append(f"  dòng {shown}: {what}")
        return lines


class _Lines:
    """A file's lines with their own line ends, and a record of what each repair changed."""

    def __init__(self, text: str) -> None:
        pieces = _LINE_END.split(text)
        self.lines, self.ends = pieces[0::2], [*pieces[1::2], ""]
        self.changes: dict[str, list[int]] = {}

    def apply(self, what: str, indexes: range, repair: Callable[[int, str], str]) -> None:
        for index in indexes:
            repaired = repair(index, self.lines[index])
            if repaired != self.lines[index]:
                self.lines[index] = repaired
                self.changes.setdefault(what, []).append(index + 1)

    def text(self, ends: bool = True) -> str:
        if not ends:
            return "\n".join(self.lines)
        return "".join(line + end for line, end in zip(self.lines, self.ends, strict=True))


def _expand_tabs(width: int) -> Callable[[int, str], str]:
    return lambda _, line: _LEADING.sub(lambda m: m.group(0).expandtabs(width), line, count=1)


def _body_trailing(lines: list[str], start: int) -> Callable[[int, str], str]:
    """Strip a body line's end, keeping hard line breaks and fenced code as they are."""
    in_code = [False] * len(lines)
    inside = False
    for index in range(start, len(lines)):
        if _FENCE.match(lines[index]):
            inside = not inside
        elif inside:
            in_code[index] = True

    def repair(index: int, line: str) -> str:
        stripped = line.rstrip(" \t")
        tail = line[len(stripped):]
        following = lines[index + 1] if index + 1 < len(lines) else ""
        hard_break = len(tail) >= 2 and "\t" not in tail and stripped.strip() and following.strip()
        return line if in_code[index] or hard_break else stripped
    return repair


def _meaning(value: object) -> object:
    """A front-matter value as the fix must keep it: curly quotes and line-end spaces aside."""
    if isinstance(value, str):
        value = "\n".join(line.rstrip(" \t") for line in value.split("\n"))
        inner = curly_inner(value)
        return value if inner is None else inner
    if isinstance(value, dict):
        return {key: _meaning(inner) for key, inner in value.items()}
    if isinstance(value, list):
        return [_meaning(inner) for inner in value]
    return value


def fix_text(source: str, text: str) -> tuple[str, dict[str, list[int]], bool]:
    """``text`` repaired, what changed where, and whether the repair is safe to write."""
    lines = _Lines(text)
    lines.apply(NFC, range(len(lines.lines)), lambda _, line: unicodedata.normalize("NFC", line))
    as_read = lines.text(ends=False)  # what the content model reads
    parts = split(as_read)
    front = range(1, parts[2] - 2) if parts else range(0)  # between the two '---' lines
    body = range(parts[2] - 1 if parts else 0, len(lines.lines))
    lines.apply(CURLY, front, lambda _, line: straight_quotes(line))
    lines.apply(TRAILING, range(body.start), lambda _, line: line.rstrip(" \t"))  # with the fences
    lines.apply(TRAILING, body, _body_trailing(lines.lines, body.start))
    tabs = any(TAB_INDENT.match(lines.lines[i]) for i in front)
    if not lines.changes and not tabs:
        return text, {}, True
    before, _ = parse(source, as_read)
    after, _ = parse(source, lines.text(ends=False))
    if after is None and tabs:
        for width in TAB_WIDTHS:
            trial = _Lines(lines.text())
            trial.apply(TAB, front, _expand_tabs(width))
            after, _ = parse(source, trial.text(ends=False))
            if after is not None:
                lines.lines = trial.lines
                lines.changes.update(trial.changes)
                break
        else:
            lines.changes.setdefault(TAB, [i + 1 for i in front if TAB_INDENT.match(lines.lines[i])])
    safe = after is not None and (before is None or _meaning(before.data) == _meaning(after.data))
    return lines.text(), lines.changes, safe


def _write_atomically(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` in one step, keeping its permissions."""
    handle, scratch = tempfile.mkstemp(dir=path.parent, prefix=".toasoan-fix-", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.chmod(scratch, path.stat().st_mode & 0o7777)
        os.replace(scratch, path)
    except BaseException:
        Path(scratch).unlink(missing_ok=True)
        raise


def fix_file(path: Path, source: str) -> FileFix:
    """Repair one file in place when it is safe; say what was (or would have been) changed."""
    if path.is_symlink():  # replacing it would cut the link
        return FileFix(source)
    raw = path.read_bytes()
    bom = raw.startswith(b"\xef\xbb\xbf")
    try:
        text = raw[len(b"\xef\xbb\xbf") if bom else 0:].decode("utf-8")
    except UnicodeDecodeError:  # not text: ``invoke check`` says so (E001)
        return FileFix(source)
    repaired, changes, safe = fix_text(source, text)
    if not (changes and safe):
        return FileFix(source, changes)
    try:
        _write_atomically(path, (b"\xef\xbb\xbf" if bom else b"") + repaired.encode("utf-8"))
    except OSError as error:  # a read-only file or folder, a file open in Word on Windows
        return FileFix(source, changes, error=error.strerror or str(error))
    return FileFix(source, changes, written=True)


def fix_content(rules: SiteRules) -> list[FileFix]:
    """Repair every content file that needs it; one :class:`FileFix` per file touched or refused."""
    fixes = [fix_file(rules.content_root / relpath, rules.display_path(relpath))
             for relpath in content_files(rules)]
    return [fix for fix in fixes if fix.changes]
