"""Test kit: edits writers and developers make to a generated corpus, and output comparison."""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from pathlib import Path

from bench.corpus import PEOPLE, generate, tiny_png
from sitekit import Project, make_project
from toasoan.build.generators import generator_contents
from toasoan.build.plan import BuildResult
from toasoan.build.session import BuildSession, build_site

CORPUS_SIZE = 36
EPOCH = "1764316800"  # 2025-11-28 08:00 UTC: the tracker's "today" for every build of a test


def corpus_project(tmp_path: Path) -> Project:
    """A newsroom with a generated corpus (set SOURCE_DATE_EPOCH to :data:`EPOCH` first)."""
    project = make_project(tmp_path / "site", sample_content=False)
    generate(project.content, CORPUS_SIZE, seed=7)
    return project


def succeeded(result: BuildResult) -> BuildResult:
    """``result``, which must be a successful build (else its error and finding codes show)."""
    assert result.ok, (result.error, [f.code for f in result.findings])
    return result


def build(project: Project, *, clean: bool = False) -> BuildResult:
    """An incremental build into ``output/``, or a clean one into ``clean-output/``; must succeed."""
    output = project.root / ("clean-output" if clean else "output")
    return succeeded(build_site(project.root / "pelicanconf.py", incremental=not clean, OUTPUT_PATH=str(output)))


def session_for(project: Project, *, saved: bool = False) -> BuildSession:
    """A preview session (``invoke livereload``'s) building into ``output/``; ``saved``: one
    that starts from the run the last ``invoke build`` saved."""
    return BuildSession(project.root / "pelicanconf.py", saved=saved, OUTPUT_PATH=str(project.output))


def kept_contents(session: BuildSession) -> list:
    """Every article and page of the run ``session`` keeps (Pelican's content objects)."""
    return [content for generator in session._last.generators for content in generator_contents(generator)]


def assert_same_as_clean(project: Project, step: str) -> None:
    """``output/`` is byte for byte what a clean build of the same content writes."""
    build(project, clean=True)
    assert_same_files(project.output, project.root / "clean-output", step)


def files(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` and its bytes, by path relative to it."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def assert_same_files(folder: Path, expected: Path, step: str) -> None:
    """``folder`` holds exactly the files of ``expected``, byte for byte."""
    actual, wanted = files(folder), files(expected)
    assert actual.keys() == wanted.keys(), (step, sorted(actual.keys() ^ wanted.keys())[:10])
    differing = [name for name in wanted if actual[name] != wanted[name]]
    assert not differing, (step, differing[:10])


class Editor:
    """Edits a corpus the way people do, picking files with a seeded random generator."""

    def __init__(self, project: Project, seed: int) -> None:
        self.project = project
        self.random = random.Random(seed)
        self.count = 0
        self.edited: Path | None = None  # the file of the last body edit

    def articles(self) -> list[Path]:
        return sorted((self.project.content / "articles").rglob("*.md"))

    def meetings(self) -> list[Path]:
        return sorted((self.project.content / "meetings").rglob("*.md"))

    def pick(self, paths: list[Path]) -> Path:
        return self.random.choice(paths)

    def pick_unlinked(self) -> Path:
        """An article no other file links to (links end in the article's slug, its file name):
        retitling it (a new slug), deleting it, moving it to another year or to the drafts
        breaks no link."""
        texts = {path: path.read_text(encoding="utf-8") for path in self.project.content.rglob("*.md")}
        return self.pick([article for article in self.articles()
                          if not any(f"/{article.stem}/" in text for path, text in texts.items() if path != article)])

    def other_value(self, path: Path, name: str, values: list[str], default: str | None = None) -> str:
        """One of ``values`` that ``path`` does not have now for the field ``name`` (``default``
        when the field is absent): the edit changes what the file says, not only its bytes."""
        head = path.read_text(encoding="utf-8").partition("\n---\n")[0]
        found = re.search(rf"^{name}: (.*)$", head, re.M)
        current = found.group(1).strip() if found else default
        return self.random.choice([value for value in values if value != current])

    def field(self, path: Path, name: str, value: str) -> None:
        """Set a top-level front-matter field (added before the closing ``---`` if absent)."""
        text = path.read_text(encoding="utf-8")
        head, sep, body = text.partition("\n---\n")
        line = f"{name}: {value}"
        pattern = re.compile(rf"^{name}:.*$", re.M)
        head = pattern.sub(line, head, count=1) if pattern.search(head) else f"{head}\n{line}"
        path.write_text(head + sep + body, encoding="utf-8")

    def pages(self) -> list[Path]:
        return sorted((self.project.content / "pages").rglob("*.md"))

    def body(self) -> str:
        return self._append(self.pick(self.articles()))

    def meeting_body(self) -> str:
        return self._append(self.pick(self.meetings()))

    def page_body(self) -> str:
        return self._append(self.pick(self.pages()))

    def body_again(self) -> str:
        """One more sentence in the file of the last body edit."""
        return self._append(self.edited)

    def _append(self, path: Path) -> str:
        """One more sentence at the end of the body (the summary, its first paragraph, stays)."""
        self.edited = path
        path.write_text(path.read_text(encoding="utf-8") + f"\nCâu bổ sung số {self.count}.\n", encoding="utf-8")
        return f"body {path.name}"

    def title(self) -> str:
        path = self.pick_unlinked()  # its URL comes from its title
        self.field(path, "title", f"Tin cập nhật số {self.count} về đào tạo")
        return f"title {path.name}"

    def date(self) -> str:
        path = self.pick_unlinked()
        day = f"20{self.random.randint(15, 25)}-0{self.random.randint(1, 9)}-1{self.random.randint(0, 9)}"
        self.field(path, "date", f"{day} 08:00")
        return f"date {path.name}"

    def category(self) -> str:
        path = self.pick(self.articles())
        self.field(path, "category", self.other_value(path, "category", ["Tin tức - Sự kiện", "Đào tạo - Bồi dưỡng",
                                                                         "Nghiên cứu khoa học"]))
        return f"category {path.name}"

    def tags(self) -> str:
        path = self.pick(self.articles())
        self.field(path, "tags", self.other_value(path, "tags", ["[Đào tạo]", "[Chuyển đổi số, Đào tạo]", "[]"], "[]"))
        return f"tags {path.name}"

    def status(self) -> str:
        path = self.pick_unlinked()
        self.field(path, "status", self.other_value(path, "status", ["draft", "published"], "published"))
        return f"status {path.name}"

    def action_item(self) -> str:
        path = self.pick(self.meetings())
        text = path.read_text(encoding="utf-8")
        titles = list(re.finditer(r"^(    title: )(.*)$", text, re.M))
        if not titles:
            return "action item (none)"
        match = self.random.choice(titles)
        text = text[:match.start(2)] + f"Nhiệm vụ đã sửa số {self.count}" + text[match.end(2):]
        path.write_text(text, encoding="utf-8")
        return f"action item {path.name}"

    def add(self) -> str:
        source = self.pick(self.articles())
        target = source.with_name(f"bai-moi-{self.count}.md")
        target.write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
        self.field(target, "title", f"Bài mới số {self.count}")
        self.field(target, "slug", f"bai-moi-{self.count}")
        return f"add {target.name}"

    def delete(self) -> str:
        path = self.pick_unlinked()
        path.unlink()
        return f"delete {path.name}"

    def rename(self) -> str:
        path = self.pick(self.articles())
        path.rename(path.with_name(f"doi-ten-{self.count}-{path.name}"))
        return f"rename {path.name}"

    def template(self) -> str:
        base = self.project.root / "theme" / "templates" / "base.html"
        marked = base.read_text(encoding="utf-8").replace("</body>", f"<!-- phiên bản {self.count} -->\n</body>")
        base.write_text(marked, encoding="utf-8")
        return "template base.html"

    def setting(self) -> str:
        settings = self.project.root / "pelicanconf.py"
        with settings.open("a", encoding="utf-8") as handle:
            handle.write(f"\nDEFAULT_PAGINATION = {self.random.choice([4, 6, 10])}\n")
        return "setting DEFAULT_PAGINATION"

    def unit(self) -> str:
        """A unit named like a writer: JSON-LD then calls that byline an Organization."""
        units = self.project.content / "data" / "units.yml"
        text = units.read_text(encoding="utf-8")
        name = self.random.choice([person for person in PEOPLE if f"name: {person}\n" not in text])
        units.write_text(text + f"  - name: {name}\n", encoding="utf-8")
        return f"unit {name}"

    def image(self) -> str:
        """An image replaced by one of another colour and size (its pages give its size)."""
        path = self.pick(sorted((self.project.content / "images").rglob("*.png")))
        colour = (self.random.randrange(256), self.random.randrange(256), self.random.randrange(256))
        path.write_bytes(tiny_png(colour, width=self.random.randint(17, 40), height=self.random.randint(10, 30)))
        return f"image {path.name}"

    def apply(self, name: str) -> str:
        self.count += 1
        edit: Callable[[], str] = getattr(self, name)
        return edit()


CONTENT_EDITS = ("body", "title", "date", "category", "tags", "status", "action_item", "add", "delete",
                 "rename")
# Edits of what is not an article, meeting report or page: data, images, templates, settings.
OTHER_EDITS = ("template", "unit", "setting", "image")


