"""Test kit: edits writers and developers make to a generated corpus, and output comparison."""

from __future__ import annotations

import random
import re
import shutil
from collections.abc import Callable
from pathlib import Path

from bench.corpus import PEOPLE, generate, tiny_png
from sitekit import REPO, Project, make_project
from toasoan.build.generators import generator_contents
from toasoan.build.plan import BuildResult, build_site
from toasoan.build.session import BuildSession
from toasoan.git import Git

CORPUS_SIZE = 36
EPOCH = "1764316800"  # 2025-11-28 08:00 UTC: the tracker's "today" for every build of a test


def corpus_project(tmp_path: Path) -> Project:
    """A newsroom with a generated corpus (set SOURCE_DATE_EPOCH to :data:`EPOCH` first)."""
    project = make_project(tmp_path / "site", sample_content=False)
    generate(project.content, CORPUS_SIZE, seed=7)
    return project


def add_documents(project: Project) -> None:
    """The sample site's Văn bản (documents, their PDF files, the listing page) and a form to
    download (a content static file the contact page links to), added to a generated corpus."""
    for folder in ("documents", "files"):
        shutil.copytree(REPO / "content" / folder, project.content / folder)
    shutil.copyfile(REPO / "content" / "pages" / "van-ban.md", project.content / "pages" / "van-ban.md")
    (project.content / "files" / "mau-dang-ky.docx").write_bytes(b"PK\x03\x04 mau dang ky " * 40)
    contact = project.content / "pages" / "lien-he.md"
    contact.write_text(contact.read_text(encoding="utf-8")
                       + "\nTải [mẫu đăng ký]({static}/files/mau-dang-ky.docx).\n", encoding="utf-8")


# Board members who approve articles in the history of a newsroom (editorial/board.yml).
REVIEWERS = (("Trần Văn Đức", "duc@hvdt.example.vn", "editor"),
             ("Nguyễn Thị Mai", "mai@hvdt.example.vn", "chief_editor"))


def board_yaml(members: tuple[tuple[str, str, str], ...]) -> str:
    return "members:\n" + "".join(f"  - name: {name}\n    email: {email}\n    roles: [{role}]\n"
                                   f"    key: ssh-ed25519 AAAA{index}\n"
                                   for index, (name, email, role) in enumerate(members))


def start_history(project: Project) -> Git:
    """Make the project a git repository: its content committed, a board roster, outputs ignored."""
    git = project_git(project)
    git.run("init", "--quiet", "--initial-branch=main")
    (project.root / ".gitignore").write_text("output/\nclean-output/\n.output-*/\n.cache/\n__pycache__/\n",
                                             encoding="utf-8")
    board = project.root / "editorial" / "board.yml"
    board.parent.mkdir(exist_ok=True)
    board.write_text(board_yaml(REVIEWERS), encoding="utf-8")
    git.run("add", "--all")
    git.run("commit", "--quiet", "-m", "Nội dung ban đầu")
    return git


def project_git(project: Project) -> Git:
    """Git in the project, committing as a writer (no signing, fixed identity)."""
    return Git(project.root, config=(("user.name", "Thu Phương"), ("user.email", "tp@hvdt.example.vn"),
                                     ("commit.gpgSign", "false"), ("core.quotePath", "false")))


def succeeded(result: BuildResult) -> BuildResult:
    """``result``, which must be a successful build (else its error and finding codes show)."""
    assert result.ok, (result.error, [f.code for f in result.findings])
    return result


def build(project: Project, *, clean: bool = False) -> BuildResult:
    """An incremental build into ``output/``, or a clean one into ``clean-output/``; must succeed."""
    output = project.root / ("clean-output" if clean else "output")
    return succeeded(build_site(project.root / "pelicanconf.py", incremental=not clean, OUTPUT_PATH=str(output)))


def session_for(project: Project) -> BuildSession:
    """A preview session (``invoke livereload``'s) building into ``output/``."""
    return BuildSession(project.root / "pelicanconf.py", OUTPUT_PATH=str(project.output))


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


def front_matter_value(path: Path, name: str, default: str | None = None) -> str | None:
    """A top-level front-matter field of ``path`` as written (``default`` when absent)."""
    head = path.read_text(encoding="utf-8").partition("\n---\n")[0]
    found = re.search(rf"^{name}: (.*)$", head, re.M)
    return found.group(1).strip() if found else default


class Editor:
    """Edits a corpus the way people do, picking files with a seeded random generator."""

    def __init__(self, project: Project, seed: int, *, history: bool = False) -> None:
        """``history``: the project becomes a git repository first (for :data:`HISTORY_EDITS`)."""
        self.project = project
        self.random = random.Random(seed)
        self.count = 0
        self.edited: Path | None = None  # the file of the last body edit
        self.git = start_history(project) if history else None
        self.approved: list[Path] = []  # articles a reviewed merge brought in

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
        current = front_matter_value(path, name, default)
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

    def rename(self, paths: list[Path] | None = None, what: str = "") -> str:
        """A file (an article unless ``paths``) renamed; its slug, in its front matter, stays."""
        path = self.pick(paths or self.articles())
        path.rename(path.with_name(f"doi-ten-{self.count}-{path.name}"))
        return f"rename {what}{path.name}"

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

    # ------------------------------------------------------------ pages and documents
    def page_title(self) -> str:
        """A page retitled: the menu of every page shows its title."""
        path = self.pick([page for page in self.pages() if page.stem != "van-ban"])
        self.field(path, "title", f"Trang cập nhật số {self.count}")
        return f"page title {path.name}"

    def rename_page(self) -> str:
        return self.rename(self.pages(), "page ")

    def documents(self) -> list[Path]:
        return sorted((self.project.content / "documents").rglob("*.md"))

    def document(self) -> str:
        """A document's summary (its page and the Văn bản table show it) or type changed."""
        path = self.pick(self.documents())
        if self.random.random() < 0.5:
            self.field(path, "summary", f"'Trích yếu đã sửa số {self.count}.'")
        else:
            self.field(path, "doc_type", self.other_value(path, "doc_type", ["Kế hoạch", "Thông báo", "Quyết định"]))
        return f"document {path.name}"

    def add_document(self) -> str:
        """A new document and its PDF file."""
        number = 200 + self.count
        pdf = f"files/2021/{number}-tb-hvdt.pdf"
        write_pdf(self.project.content / pdf, number)
        path = self.project.content / "documents" / "2021" / f"thong-bao-so-{number}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"---\ntitle: Thông báo số {number} về lịch làm việc\nnumber: {number}/TB-HVDT\n"
                        f"issued: 2021-0{self.random.randint(1, 9)}-1{self.random.randint(0, 9)}\n"
                        f"issuer: Học viện Dân tộc\ndoc_type: Thông báo\nsummary: Lịch làm việc số {number}.\n"
                        f"file: {pdf}\nslug: thong-bao-so-{number}\n---\n\nThông báo lịch làm việc.\n",
                        encoding="utf-8")
        return f"add document {path.name}"

    def delete_document(self) -> str:
        """A document withdrawn: its file and its PDF go."""
        path = self.pick(self.documents())
        pdf = re.search(r"^file: (.*)$", path.read_text(encoding="utf-8"), re.M).group(1).strip()
        path.unlink()
        (self.project.content / pdf).unlink()
        return f"delete document {path.name}"

    def rename_document(self) -> str:
        return self.rename(self.documents(), "document ")

    def document_file(self) -> str:
        """A document's PDF replaced by a longer or shorter one (its size is shown)."""
        path = self.pick(sorted((self.project.content / "files").rglob("*.pdf")))
        write_pdf(path, self.random.randint(1, 4000))
        return f"document file {path.name}"

    def move_document_file(self) -> str:
        """A document's PDF renamed, and the document's ``file:`` with it (a new download URL)."""
        path = self.pick(self.documents())
        text = path.read_text(encoding="utf-8")
        old = re.search(r"^file: (.*)$", text, re.M).group(1).strip()
        new = old.replace(".pdf", f"-{self.count}.pdf")
        (self.project.content / old).rename(self.project.content / new)
        path.write_text(text.replace(f"file: {old}", f"file: {new}"), encoding="utf-8")
        return f"move document file {old}"

    def static_file(self) -> str:
        """A content static file (the form the contact page links to) replaced."""
        path = self.project.content / "files" / "mau-dang-ky.docx"
        path.write_bytes(b"PK\x03\x04 " + f"mẫu số {self.count} ".encode() * self.random.randint(5, 60))
        return f"static file {path.name}"

    # ------------------------------------------------------------ data, theme
    def unit_rename(self) -> str:
        """A unit renamed in the roster and in every meeting report that names it."""
        units = self.project.content / "data" / "units.yml"
        text = units.read_text(encoding="utf-8")
        old = self.random.choice([n for n in re.findall(r"^  - name: (.*)$", text, re.M)
                                  if n.startswith(("Phòng", "Văn phòng", "Trung tâm", "Khoa"))])
        new = f"{old} (đổi tên {self.count})"
        units.write_text(text.replace(f"name: {old}\n", f"name: {new}\n"), encoding="utf-8")
        named = re.compile(rf"(?<=[\s\[,:]){re.escape(old)}(?=[\],\n])")
        for path in self.meetings():
            head, sep, body = path.read_text(encoding="utf-8").partition("\n---\n")
            if named.search(head):
                path.write_text(named.sub(new, head) + sep + body, encoding="utf-8")
        return f"unit renamed {old}"

    def theme_static(self) -> str:
        """A theme stylesheet or script edited (copied to theme/ in the output)."""
        path = self.project.root / "theme" / "static" / self.random.choice(["css/main.css", "js/search.js"])
        with path.open("a", encoding="utf-8") as handle:
            handle.write(f"\n/* phiên bản {self.count} */\n")
        return f"theme static {path.name}"

    # ------------------------------------------------------------ git history (provenance)
    def _commit(self, message: str) -> None:
        self.git.run("add", "--all")
        self.git.run("commit", "--quiet", "-m", message)

    def commit(self) -> str:
        """A body edit committed straight to main (no review: no approval shown)."""
        step = self.body()
        self._commit("Sửa câu chữ")
        return f"commit {step}"

    def _reviewed_merge(self, path: Path, reviewer: tuple[str, str, str]) -> None:
        """``path``'s body edited on a branch, approved by ``reviewer`` (a review-ledger commit
        naming the tree) and merged into main with ``Reviewed-by`` and ``Review-ledger`` trailers."""
        git = self.git
        branch = f"gui-duyet/bai-{self.count}-{len(self.approved)}"
        git.run("checkout", "--quiet", "-b", branch)
        self._append(path)
        self._commit("Gửi duyệt")
        tree = git.tree_of("HEAD")
        name, email, _ = reviewer
        empty = git.text("mktree", stdin=b"")
        ledger = git.text("commit-tree", empty, "-m", f"Duyệt\n\nApproval: approve\nApproved-tree: {tree}\n"
                                                      f"Reviewer: {name} <{email}>")
        git.update_ref(f"refs/ledger/{branch}", ledger)
        git.run("checkout", "--quiet", "main")
        git.run("merge", "--quiet", "--no-ff", branch, "-m",
                f"Hợp nhất {branch}\n\nReviewed-by: {name} <{email}>\nApproved-tree: {tree}\nReview-ledger: {ledger}")
        self.approved.append(path)

    def merge(self) -> str:
        """An article edit approved by a board member and merged: its page names the approver."""
        path = self.pick(self.articles())
        self._reviewed_merge(path, REVIEWERS[0])
        return f"merge {path.name}"

    def _an_approved_article(self) -> Path:
        """An article a reviewed merge brought in (one is merged first if there is none yet)."""
        if not any(path.exists() for path in self.approved):
            self.merge()
        return self.pick([path for path in self.approved if path.exists()])

    def second_approver(self) -> str:
        """Another board member approves a new version of an approved article: two approvals."""
        path = self._an_approved_article()
        self._reviewed_merge(path, REVIEWERS[1])
        return f"second approver {path.name}"

    def board(self) -> str:
        """A board member's name and role changed in editorial/board.yml (committed): the
        approvals shown name members as the roster says."""
        self._an_approved_article()
        name, email, _ = REVIEWERS[0]
        changed = (f"{name} ({self.count})", email, self.random.choice(["editor", "chief_editor", "maintainer"]))
        board = self.project.root / "editorial" / "board.yml"
        board.write_text(board_yaml((changed, *REVIEWERS[1:])), encoding="utf-8")
        self._commit("Cập nhật Ban biên tập")
        return f"board {changed[0]} {changed[2]}"

    def git_mv(self) -> str:
        """An approved article's file renamed with ``git mv`` and committed (its URL stays: the
        slug is in its front matter; the approvals were given to the old path)."""
        path = self._an_approved_article()
        target = path.with_name(f"doi-ten-{self.count}-{path.name}")
        self.git.run("mv", str(path), str(target))
        self._commit("Đổi tên tệp")
        self.approved = [target if p == path else p for p in self.approved]
        return f"git mv {path.name}"

    def apply(self, name: str) -> str:
        self.count += 1
        edit: Callable[[], str] = getattr(self, name)
        return edit()


def write_pdf(path: Path, size: int) -> None:
    """A small PDF file of about ``size`` bytes of padding."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"%PDF-1.4\n%" + b"0" * size + b"\n%%EOF\n")


CONTENT_EDITS = ("body", "title", "date", "category", "tags", "status", "action_item", "add", "delete",
                 "rename")
# Edits of pages and documents (Văn bản) and their files: the corpus needs add_documents().
DOCUMENT_EDITS = ("page_title", "rename_page", "document", "add_document", "delete_document", "rename_document",
                  "document_file", "move_document_file", "static_file")
# Edits of what is not an article, meeting report or page: data, images, templates, settings.
OTHER_EDITS = ("template", "unit", "setting", "image", "unit_rename", "theme_static")
# Commits that change what the provenance plugin reads: Editor(history=True).
HISTORY_EDITS = ("commit", "merge", "second_approver", "board", "git_mv")


