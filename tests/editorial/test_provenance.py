"""Public provenance: approvals read from git at build time, degrading quietly without them."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import textwrap
from pathlib import Path

import pelican
from bs4 import BeautifulSoup
from newsroom import REPO, Newsroom, article
from pelican import Pelican
from pelican.settings import read_settings

from toasoan.editorial.provenance import collect
from toasoan.git import Git

NEW = "content/articles/2024/bai-moi.md"
HISTORY = "https://git.example.vn/toasoan/lich-su/{path}"

ARTICLE_TEMPLATE = """\
{% extends "base.html" %}
{% block content %}
<h1 id="title">{{ article.title }}</h1>
{% if article.provenance %}
<section id="provenance">
{% for a in article.provenance.approvals %}
<p class="approval">{{ a.name }}|{{ a.role }}|{{ a.date.strftime("%Y-%m-%d %H:%M") }}</p>
{% endfor %}
<p class="authors">{{ article.provenance.authors | join(", ") }}</p>
{% if article.provenance.history_url %}<a href="{{ article.provenance.history_url }}">Lịch sử</a>{% endif %}
</section>
{% endif %}
{% endblock %}
"""


def merged_article(room: Newsroom) -> str:
    """A new article approved by the editor and merged with ``invoke merge``; the approval's id."""
    branch = room.submission("gui-duyet/bai-moi", {NEW: article("Bài mới về đào tạo", "Vũ Thị Lan")})
    approval = room.approve(branch, "editor")
    assert room.merge(branch).merged
    return approval


def build(site: Path, output: Path) -> dict[str, BeautifulSoup]:
    """A real Pelican build of ``site/content`` with the provenance plugin; pages by slug."""
    overrides = site.parent / "templates"
    overrides.mkdir(exist_ok=True)
    (overrides / "article.html").write_text(ARTICLE_TEMPLATE, encoding="utf-8")
    settings = read_settings(None, override={
        "PATH": str(site / "content"), "OUTPUT_PATH": str(output),
        "THEME": str(Path(pelican.__file__).parent / "themes" / "simple"),
        "THEME_TEMPLATES_OVERRIDES": [str(overrides)],
        "PLUGIN_PATHS": [str(REPO / "plugins")], "PLUGINS": ["yaml_frontmatter", "provenance"],
        "ARTICLE_PATHS": ["articles", "meetings"], "PAGE_PATHS": ["pages"],
        "TIMEZONE": "Asia/Ho_Chi_Minh", "DEFAULT_LANG": "vi", "SITEURL": "",
        "FEED_ALL_ATOM": None, "CATEGORY_FEED_ATOM": None, "AUTHOR_FEED_ATOM": None,
        "AUTHOR_FEED_RSS": None, "TRANSLATION_FEED_ATOM": None,
        "PROVENANCE": {"history_url": HISTORY}, "CACHE_CONTENT": False,
    })
    Pelican(settings).run()
    return {p.stem: BeautifulSoup(p.read_text(encoding="utf-8"), "html.parser")
            for p in output.glob("*.html")}


def test_collect_reads_merges_and_approval_dates(room: Newsroom) -> None:
    approval = merged_article(room)
    signed_at = room.git.text("log", "-1", "--format=%aI", approval)
    found = collect(room.git)
    assert list(found) == [NEW]
    (endorsement,) = found[NEW]
    assert (endorsement.name, endorsement.role) == ("Trần Văn Đức", "Biên tập viên")
    assert endorsement.date == dt.datetime.fromisoformat(signed_at)
    assert endorsement.date.utcoffset() == dt.timedelta(hours=7)  # shown in Vietnam time


def test_article_page_gets_provenance_from_git(room: Newsroom, tmp_path: Path) -> None:
    merged_article(room)
    pages = build(room.root, tmp_path / "output")
    section = pages["bai-moi-ve-dao-tao"].find(id="provenance")
    assert section is not None
    name, role, date = section.find(class_="approval").get_text().split("|")
    assert (name, role) == ("Trần Văn Đức", "Biên tập viên")
    assert date.startswith("20")
    assert section.find(class_="authors").get_text() == "Vũ Thị Lan"
    assert section.find("a")["href"] == HISTORY.format(path=NEW)
    # committed straight to main without review: no provenance is claimed
    assert pages["khai-giang-khoa-hoc-moi"].find(id="provenance") is None


def test_shallow_clone_has_no_provenance(room: Newsroom, tmp_path: Path) -> None:
    merged_article(room)
    full, shallow = tmp_path / "full", tmp_path / "shallow"
    for target, extra in ((full, []), (shallow, ["--depth", "1"])):
        subprocess.run(["git", "clone", "--quiet", *extra, f"file://{room.root}", str(target)], check=True)
    assert NEW in collect(Git(full))
    assert collect(Git(shallow)) == {}
    pages = build(shallow, tmp_path / "output")
    assert pages["bai-moi-ve-dao-tao"].find(id="provenance") is None


def test_site_outside_git_builds_without_provenance(room: Newsroom, tmp_path: Path) -> None:
    merged_article(room)
    plain = tmp_path / "plain"
    shutil.copytree(room.root / "content", plain / "content")
    pages = build(plain, tmp_path / "output")
    page = pages["bai-moi-ve-dao-tao"]
    assert page.find(id="title").get_text() == "Bài mới về đào tạo"
    assert page.find(id="provenance") is None


def test_history_without_approvals_gives_nothing(room: Newsroom) -> None:
    room.write(NEW, textwrap.dedent(article("Bài không qua duyệt", "Vũ Thị Lan")))
    room.commit("Đăng thẳng lên main")
    assert collect(room.git) == {}
