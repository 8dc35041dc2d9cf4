"""Nhập từ Word: a .docx becomes a draft article or meeting report and its images.

The upload is checked from its zip directory before anything reads it (:func:`check_package`):
not a .docx, too big, a zip bomb or an unsafe member name is refused with a finding
(E401–E404) and nothing is written. mammoth turns the document into clean HTML (it reads
OOXML so we do not); markdownify, tuned for the site's Python-Markdown (``extra``: tables,
footnotes), turns that into Markdown; Pillow checks and re-encodes every image. The front
matter is :func:`toasoan.scaffold.draft`'s, as ``invoke new`` writes it. What could not be
converted is listed in Vietnamese in :attr:`ImportResult.unconverted`, never dropped silently.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import uuid
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import NoReturn

import mammoth
from bs4 import BeautifulSoup, Tag
from markdownify import ATX, MarkdownConverter
from PIL import Image, ImageOps, UnidentifiedImageError

from . import text as vi
from .content import read_content
from .findings import Finding, finding
from .model import SiteRules, load_units
from .scaffold import draft

MAX_UPLOAD_MB = 20
MAX_UNPACKED_MB = 200  # every member together, as the zip directory declares them
MAX_RATIO = 100  # uncompressed / compressed size of one member over 1 MB
MAX_MEMBERS = 5000
MAX_IMAGE_PIXELS = 40_000_000
IMAGE_MAX_WIDTH = 1600
IMAGE_FORMATS = {"JPEG", "PNG", "GIF", "BMP", "TIFF", "WEBP"}
DEFAULT_AUTHOR = "Ban biên tập"

_MB = 1024 * 1024
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .doc of Word 97–2003, or a password-protected .docx
_NOTE_REF = re.compile(r"^#((?:foot|end)note-\d+)$")
_NOTE_BACKLINK = re.compile(r"^#(?:foot|end)note-ref-\d+$")
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_SAFE_SCHEMES = ("http://", "https://", "mailto:", "tel:")
# What mammoth drops without a word: found in word/document.xml by name, listed for the writer.
_DROPPED_PARTS = {
    b"<c:chart ": "biểu đồ",
    b"<dgm:relIds ": "sơ đồ SmartArt",
    b"<wps:wsp>": "hình vẽ hoặc hộp chữ (shape)",
    b"<m:oMath>": "công thức toán",
    b"<w:object ": "đối tượng nhúng (OLE)",
}
_DROPPED_NAMES = {"chart", "relIds", "wsp", "oMath", "oMathPara", "object"}  # mammoth's names for them
_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "‘": "'", "’": "'", "‚": "'"})
# Style map added to mammoth's own: Word's Title is the title, underline is kept to be listed.
_STYLE_MAP = """
p[style-name='Title'] => h1:fresh
p[style-name='Subtitle'] => p:fresh
u => u
"""


class ImportRefused(Exception):
    """The .docx is refused, or the import cannot be written; :attr:`finding` says why."""

    def __init__(self, problem: Finding) -> None:
        super().__init__(f"{problem.code}: {problem.message} {problem.hint}")
        self.finding = problem


@dataclass
class ImportResult:
    """A converted document, not yet written: :meth:`write` puts it in the content folder."""

    path: Path  # content/articles/<year>/<slug>.md or content/meetings/<year>/<slug>.md
    text: str  # front matter and Markdown body
    images: list[tuple[str, bytes]]  # (path under content/, e.g. images/2026/slug-1.jpg; bytes)
    unconverted: list[str]  # Vietnamese notes: what the writer must look at in Word
    content_root: Path
    title: str = ""

    @property
    def relpath(self) -> str:
        """The article's path under the content folder (what parse_content_file takes)."""
        return self.path.relative_to(self.content_root).as_posix()

    def write(self) -> Path:
        """Write the images, then the article; all or nothing, and never over an existing file."""
        targets = [(self.content_root / rel, data) for rel, data in self.images]
        targets.append((self.path, self.text.encode("utf-8")))
        made_dirs: list[Path] = []
        placed: list[Path] = []
        try:
            for target, data in targets:
                made_dirs += _make_parents(target.parent)
                temporary = target.with_name(f".{target.name}.{uuid.uuid4().hex}.tmp")
                try:
                    temporary.write_bytes(data)
                    _reserve(target, self.content_root)
                    placed.append(target)
                    os.replace(temporary, target)
                finally:
                    temporary.unlink(missing_ok=True)
        except BaseException:
            for target in placed:
                target.unlink(missing_ok=True)
            for folder in reversed(made_dirs):
                if folder.is_dir() and not any(folder.iterdir()):
                    folder.rmdir()
            raise
        return self.path


def _make_parents(folder: Path) -> list[Path]:
    """Create ``folder`` and its missing parents; the ones created, outermost first."""
    missing = [p for p in (folder, *folder.parents) if not p.exists()][::-1]
    folder.mkdir(parents=True, exist_ok=True)
    return missing


def _reserve(target: Path, content_root: Path) -> None:
    """Create ``target`` empty, failing if anything has that name: nothing is overwritten."""
    try:
        os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL))
    except FileExistsError:
        relpath = target.relative_to(content_root).as_posix()
        raise ImportRefused(finding("E405", f"{content_root.name}/{relpath}",
                                    detail=f"{content_root.name}/{relpath}")) from None


# --------------------------------------------------------------------------- the package
def check_package(data: bytes, name: str) -> None:
    """Refuse what is not a real .docx, or is too big, a zip bomb or has unsafe member names.

    Only the zip directory is read. Python's zipfile never inflates a member past the size
    its directory entry declares, so checking the declared sizes bounds what mammoth reads.
    """
    if len(data) > MAX_UPLOAD_MB * _MB:
        _refuse("E402", name, size=f"{len(data) / _MB:.1f}", limit=MAX_UPLOAD_MB)
    if data.startswith(_OLE_MAGIC):
        _refuse("E401", name, detail="đây là định dạng .doc cũ (Word 97–2003) hoặc tài liệu có mật khẩu")
    try:
        members = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        _refuse("E401", name, detail="tệp không phải định dạng .docx (có thể là PDF, .doc hoặc tệp khác)")
    if len(members) > MAX_MEMBERS:
        _refuse("E403", name, detail=f"{len(members)} thành phần, giới hạn {MAX_MEMBERS}")
    for member in members:
        if _unsafe_name(member.filename) or _unsafe_name(member.orig_filename):
            _refuse("E404", name, detail=member.orig_filename)
        if member.file_size > _MB and member.file_size > MAX_RATIO * max(member.compress_size, 1):
            _refuse("E403", name, detail=f"thành phần {member.filename} nén {member.compress_size:,} byte "
                                         f"nhưng giải nén ra {member.file_size:,} byte")
    unpacked = sum(m.file_size for m in members)
    if unpacked > MAX_UNPACKED_MB * _MB:
        _refuse("E403", name, detail=f"tổng cộng {unpacked / _MB:.0f} MB, giới hạn {MAX_UNPACKED_MB} MB")
    names = {m.filename for m in members}
    if "word/document.xml" not in names or "[Content_Types].xml" not in names:
        _refuse("E401", name, detail="tệp nén không chứa word/document.xml (có thể là tệp .zip, "
                                     ".xlsx hoặc .pptx)")


def _unsafe_name(name: str) -> bool:
    """An absolute path, a drive, a backslash, a NUL or a '..' step: no Word file has one."""
    return (name.startswith("/") or "\\" in name or ":" in name or "\x00" in name
            or ".." in PurePosixPath(name).parts)


def _refuse(code: str, name: str, **details: object) -> NoReturn:
    raise ImportRefused(finding(code, name, value=name, **details))


# --------------------------------------------------------------------------- images
@dataclass
class _Images:
    """Images met while mammoth converts: checked and re-encoded, each under a placeholder src."""

    found: list[tuple[bytes, str] | None] = field(default_factory=list)  # (bytes, ext) or refused
    notes: list[str] = field(default_factory=list)

    def convert(self, image: mammoth.documents.Image) -> dict[str, str]:
        number = len(self.found) + 1
        try:
            with image.open() as stream:
                raw = stream.read(MAX_UPLOAD_MB * _MB + 1)
        except (OSError, KeyError, ValueError) as error:
            self.notes.append(f"Ảnh thứ {number} không đọc được ({error}); đã bỏ, hãy chèn lại ảnh "
                              "vào content/images/.")
            self.found.append(None)
            return {"src": f"docx-image:{number}"}
        converted = reencode_image(raw)
        if isinstance(converted, str):
            self.notes.append(f"Ảnh thứ {number} ({image.content_type}) không chuyển được: {converted}")
        self.found.append(converted if not isinstance(converted, str) else None)
        return {"src": f"docx-image:{number}"}


def reencode_image(raw: bytes) -> tuple[bytes, str] | str:
    """The image verified and re-encoded by Pillow (at most 1600 px wide, no metadata), with its
    extension; or why it is refused."""
    try:
        with Image.open(io.BytesIO(raw)) as probe:
            kind, size = probe.format, probe.size
            probe.verify()
        if kind not in IMAGE_FORMATS:
            return (f"định dạng {kind} không dùng được trên web; hãy lưu ảnh thành JPEG hoặc PNG rồi "
                    "chèn vào bài.")
        if size[0] * size[1] > MAX_IMAGE_PIXELS:
            return f"ảnh quá lớn ({size[0]}×{size[1]} điểm ảnh); hãy thu nhỏ ảnh rồi chèn vào bài."
        with Image.open(io.BytesIO(raw)) as picture:
            picture.load()
            image = ImageOps.exif_transpose(picture)
        if image.width > IMAGE_MAX_WIDTH:
            image = image.resize((IMAGE_MAX_WIDTH, round(image.height * IMAGE_MAX_WIDTH / image.width)),
                                 Image.Resampling.LANCZOS)
        out = io.BytesIO()
        if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
            image.convert("RGBA").save(out, "PNG", optimize=True)
            return out.getvalue(), "png"
        image.convert("RGB").save(out, "JPEG", quality=80, optimize=True, progressive=True)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return "không phải tệp ảnh hợp lệ (EMF, WMF, SVG… không được nhận); hãy lưu ảnh thành JPEG rồi chèn vào bài."
    return out.getvalue(), "jpg"


# --------------------------------------------------------------------------- HTML → Markdown
class _Markdown(MarkdownConverter):
    """markdownify for Python-Markdown: 4-space list nesting, its escapes, footnotes, safe links."""

    def __init__(self, notes: list[str]) -> None:
        super().__init__(heading_style=ATX, bullets="-", table_infer_header=True, sup_symbol="<sup>",
                         sub_symbol="<sub>", keep_inline_images_in=["td", "th", "a", "li"],
                         escape_asterisks=False, escape_underscores=False)
        self.notes = notes

    def escape(self, text: str, parent_tags: set[str]) -> str:
        if not text:
            return ""
        text = text.replace("\\", "\\\\")
        text = re.sub(r"([`*_\[\]{}|])", r"\\\1", text)
        text = re.sub(r"&(?=#?\w+;)", "&amp;", text).replace("<", "&lt;")
        text = re.sub(r"^(\s*)([#>]|[-+](?=\s|$))", r"\1\\\2", text)
        return re.sub(r"^(\s*\d+)\.(?=\s|$)", r"\1\\.", text)

    def convert_li(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        """Continuation lines indented by four spaces, as Python-Markdown wants."""
        item = super().convert_li(el, text, parent_tags)
        first, _, rest = item.partition("\n")
        width = len(first) - len(first.split(" ", 1)[1]) if " " in first else 0
        rest = re.sub(rf"(?m)^ {{{width}}}", "    ", rest) if width else rest
        return f"{first}\n{rest}"

    def convert_a(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        href = (el.get("href") or "").strip()
        if href.startswith("#") and text.strip():
            self.notes.append("Liên kết tới một vị trí trong tài liệu Word (mục lục, dấu trang) đã bỏ, "
                              "giữ chữ; mục lục thì nên xoá.")
        if not href or href.startswith("#"):
            return text
        if not href.lower().startswith(_SAFE_SCHEMES):
            self.notes.append(f"Liên kết \"{href}\" không mở được trên web; đã bỏ liên kết, giữ chữ "
                              f"\"{text.strip()}\".")
            return text
        el["href"] = re.sub(r"[\s()<>]", lambda m: f"%{ord(m.group()):02X}", href)
        return super().convert_a(el, text, parent_tags)

    def convert_img(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        alt = re.sub(r"([\[\]\\])", r"\\\1", vi.clean_line(el.get("alt") or ""))
        return f"![{alt}]({el.get('src')})"

    def convert_s(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        return f"<s>{text}</s>" if text.strip() else text

    def convert_fnref(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        return f"[^{el['label']}]"


def _to_markdown(soup: BeautifulSoup, images: dict[str, str | None], notes: list[str]) -> str:
    """mammoth's HTML (its title taken) → the Markdown body; ``images``: placeholder → path."""
    _shift_headings(soup)
    for img in soup.find_all("img"):
        target = images.get(img.get("src", ""))
        if target is None:
            img.decompose()
        else:
            img["src"] = target
            if not vi.clean_line(img.get("alt") or ""):
                notes.append(f"Ảnh {target} chưa có mô tả (alt) cho người khiếm thị: hãy viết mô tả "
                             "trong ngoặc vuông ![…].")
    for box in soup.find_all("input", type="checkbox"):
        box.replace_with("☑ " if box.has_attr("checked") else "☐ ")
    if soup.find("u"):
        notes.append("Chữ gạch chân được giữ như chữ thường (trên web, gạch chân dành cho liên kết); "
                     "muốn nhấn mạnh hãy dùng chữ đậm hoặc nghiêng.")
        for underline in soup.find_all("u"):
            underline.unwrap()
    _check_tables(soup, notes)
    converter = _Markdown(notes)
    footnotes = _take_footnotes(soup, converter)
    body = converter.convert_soup(soup)
    if footnotes:
        body += "\n\n" + "\n".join(footnotes)
    body = re.sub(r"[ \t]+\n", lambda m: "  \n" if m.group().startswith("  ") else "\n", vi.clean_text(body))
    body = re.sub(r"\n{3,}", "\n\n", body).strip()
    return body + "\n" if body else ""


def _take_title(soup: BeautifulSoup) -> str:
    """The first heading's text, removed from the body."""
    heading = soup.find(_HEADINGS)
    if heading is None:
        return ""
    title = vi.clean_line(heading.get_text(" ")).translate(_QUOTES)
    heading.decompose()
    return title


def _shift_headings(soup: BeautifulSoup) -> None:
    """The body's highest heading becomes ## (the page's # is the title)."""
    headings = soup.find_all(_HEADINGS)
    if not headings:
        return
    top = min(int(h.name[1]) for h in headings)
    for heading in headings:
        heading.name = f"h{min(6, int(heading.name[1]) - top + 2)}"


def _check_tables(soup: BeautifulSoup, notes: list[str]) -> None:
    """Markdown tables have one line per row: list what they cannot hold."""
    for number, table in enumerate(soup.find_all("table"), 1):
        if table.find_parent("table"):
            notes.append(f"Bảng thứ {number} nằm trong một bảng khác; bảng lồng nhau đã bị trải phẳng.")
        elif table.find(["td", "th"], attrs={"rowspan": True}) or table.find(["td", "th"], colspan=True):
            notes.append(f"Bảng thứ {number} có ô gộp; ô gộp đã được tách ra, hãy xem lại bảng.")
        if any(cell.find(["ul", "ol", "table"]) or len(cell.find_all("p")) > 1
               for cell in table.find_all(["td", "th"])):
            notes.append(f"Bảng thứ {number} có ô chứa nhiều đoạn hoặc danh sách; mỗi ô đã được gộp "
                         "thành một dòng.")


def _take_footnotes(soup: BeautifulSoup, converter: _Markdown) -> list[str]:
    """Word's footnotes and endnotes as Markdown footnotes ``[^1]`` (the ``extra`` extension)."""
    labels: dict[str, str] = {}
    for link in soup.find_all("a", href=_NOTE_REF):
        target = _NOTE_REF.match(link["href"]).group(1)
        labels.setdefault(target, str(len(labels) + 1))
        marker = soup.new_tag("fnref", attrs={"label": labels[target]})
        anchor = link.parent if link.parent.name == "sup" and len(link.parent.contents) == 1 else link
        anchor.replace_with(marker)
    definitions = []
    for target, label in labels.items():
        note = soup.find("li", id=target)
        if note is None:
            continue
        for back in note.find_all("a", href=_NOTE_BACKLINK):
            back.decompose()
        text = converter.convert_soup(BeautifulSoup(note.decode_contents(), "html.parser")).strip()
        definitions.append(f"[^{label}]: " + text.replace("\n", "\n    "))
        holder = note.parent
        note.decompose()
        if holder is not None and not holder.find("li"):
            holder.decompose()
    return definitions


# --------------------------------------------------------------------------- the import
def import_docx(source: bytes | Path, *, meeting: bool = False, author: str | None = None,
                content_root: Path, today: dt.date | dt.datetime | None = None,
                name: str | None = None, rules: SiteRules | None = None) -> ImportResult:
    """Convert a .docx (its bytes or its path) into a draft article (or meeting report).

    ``name`` is how errors name the upload (default: the file's name); ``rules`` the site's
    rules (default: the defaults with the units of ``content_root``). Raises
    :class:`ImportRefused` when the file is refused; writes nothing (see :meth:`ImportResult.write`).
    """
    if isinstance(source, Path):
        name = name or source.name
        size = source.stat().st_size
        if size > MAX_UPLOAD_MB * _MB:
            _refuse("E402", name, size=f"{size / _MB:.1f}", limit=MAX_UPLOAD_MB)
        source = source.read_bytes()
    name = name or "tài liệu.docx"
    check_package(source, name)
    rules = rules or SiteRules(content_root=content_root, units=load_units(content_root, "data/units.yml")[0])
    images = _Images()
    try:
        result = mammoth.convert_to_html(io.BytesIO(source), style_map=_STYLE_MAP,
                                         convert_image=mammoth.images.img_element(images.convert))
        xml = zipfile.ZipFile(io.BytesIO(source)).read("word/document.xml")
    except Exception as error:  # noqa: BLE001 — a damaged file can fail anywhere in mammoth
        _refuse("E401", name, detail=f"không đọc được nội dung ({type(error).__name__}: {error})")
    notes = [*_mammoth_notes(result.messages), *images.notes, *_dropped_parts(xml)]
    now = _moment(today)
    soup = BeautifulSoup(result.value, "html.parser")
    title = _take_title(soup)
    if not title:
        title = vi.clean_line(PureWindowsPath(name).stem).translate(_QUOTES) or "Bài nhập từ Word"
        notes.insert(0, f"Tài liệu không có tiêu đề (kiểu Heading hoặc Title); đã lấy \"{title}\" làm "
                        "tiêu đề: hãy sửa trường title.")
    kind = "meeting" if meeting else "article"
    slug = _free_slug(vi.slugify(title) or "bai-nhap-tu-word", kind, now, rules)
    named, placeholders = _name_images(images.found, slug, now, rules.content_root)
    body = _to_markdown(soup, placeholders, notes)
    path, text = draft(kind, title, rules, author=author or DEFAULT_AUTHOR, now=now, slug=slug, body=body)
    return ImportResult(path=path, text=text, images=named, unconverted=list(dict.fromkeys(notes)),
                        content_root=rules.content_root, title=title)


def _moment(today: dt.date | dt.datetime | None) -> dt.datetime:
    now = dt.datetime.now(vi.VIETNAM).replace(second=0, microsecond=0)
    if isinstance(today, dt.datetime):
        return today if today.tzinfo else today.replace(tzinfo=vi.VIETNAM)
    if isinstance(today, dt.date):
        return now.replace(year=today.year, month=today.month, day=today.day)
    return now


def _free_slug(base: str, kind: str, now: dt.datetime, rules: SiteRules) -> str:
    """``base``, or ``base-2``, ``base-3``…: the first no article has and no file is named."""
    taken = {doc.slug for doc in read_content(rules)[0]}
    folder = rules.content_root / (rules.meeting_dirs if kind == "meeting" else rules.article_dirs)[0] / f"{now:%Y}"
    number, slug = 1, base
    while slug in taken or (folder / f"{slug}.md").exists():
        number += 1
        slug = f"{base}-{number}"
    return slug


def _name_images(found: list[tuple[bytes, str] | None], slug: str, now: dt.datetime,
                 content_root: Path) -> tuple[list[tuple[str, bytes]], dict[str, str | None]]:
    """``images/<year>/<slug>-<n>.<ext>`` for each accepted image, skipping names in use."""
    named: list[tuple[str, bytes]] = []
    placeholders: dict[str, str | None] = {}
    number = 0
    for index, image in enumerate(found, 1):
        placeholders[f"docx-image:{index}"] = None
        if image is None:
            continue
        data, ext = image
        while True:
            number += 1
            relpath = f"images/{now:%Y}/{slug}-{number}.{ext}"
            if not (content_root / relpath).exists():
                break
        named.append((relpath, data))
        placeholders[f"docx-image:{index}"] = relpath
    return named, placeholders


_MAMMOTH_NOTES = (
    (re.compile(r"Unrecognised paragraph style: (.*) \(Style ID"),
     "Kiểu đoạn \"{0}\" của Word được chuyển thành đoạn văn thường."),
    (re.compile(r"Unrecognised run style: (.*) \(Style ID"),
     "Kiểu chữ \"{0}\" của Word được chuyển thành chữ thường."),
    (re.compile(r"An unrecognised element was ignored: (?:\{.*\}|\w+:)?(.*)"),
     "Một thành phần của Word ({0}) không chuyển được và đã bị bỏ qua."),
    (re.compile(r"external (?:file access|image)"),
     "Một ảnh chỉ được liên kết tới tệp bên ngoài tài liệu, không nằm trong tài liệu; hãy chèn ảnh "
     "trực tiếp vào Word (Chèn > Ảnh)."),
    (re.compile(r"Image of type (.*) is unlikely"), None),  # the image check says it in Vietnamese
)


def _mammoth_notes(messages: list) -> list[str]:
    """mammoth's warnings in Vietnamese."""
    notes = []
    for message in messages:
        for pattern, template in _MAMMOTH_NOTES:
            match = pattern.search(message.message)
            if match:
                if template and not (match.groups() and match.group(1) in _DROPPED_NAMES):
                    notes.append(template.format(*match.groups()))
                break
        else:
            notes.append(f"Không chuyển được: {message.message}")
    return notes


def _dropped_parts(xml: bytes) -> list[str]:
    """Charts, SmartArt, shapes, equations and OLE objects: mammoth leaves them out silently."""
    return [f"Tài liệu có {count} {what}; phần này không chuyển được, hãy chụp lại thành ảnh hoặc "
            "gõ lại thành chữ." for marker, what in _DROPPED_PARTS.items() if (count := xml.count(marker))]
