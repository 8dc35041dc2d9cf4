"""``invoke publish``: refuses a dirty tree or failing checks, never rewrites gh-pages history."""

from __future__ import annotations

import subprocess
import sys

import pytest

from sitekit import ARTICLE, Project, make_project
from toasoan.build.plan import load_settings


def git(project: Project, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=project.root, capture_output=True, text=True,
                          check=True).stdout.strip()


def ref(project: Project, name: str) -> str | None:
    result = subprocess.run(["git", "rev-parse", "--verify", "-q", name], cwd=project.root,
                            capture_output=True, text=True, check=False)
    return result.stdout.strip() or None


@pytest.fixture
def repo(project: Project, tmp_path) -> Project:
    """The project as a git repository with a bare 'origin' to publish to."""
    project.add("articles/2019/tin.md", ARTICLE)
    (project.root / ".gitignore").write_text("output/\n.output-*/\n__pycache__/\n.cache/\n")
    origin = tmp_path / "origin.git"
    subprocess.run(["git", "init", "-q", "--bare", str(origin)], check=True)
    git(project, "init", "-q", "-b", "main")
    git(project, "config", "user.name", "Ban biên tập")
    git(project, "config", "user.email", "bbt@example.vn")
    git(project, "remote", "add", "origin", str(origin))
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "Trang ban đầu")
    return project


def test_publish_adds_a_commit_on_top_of_gh_pages_and_pushes(repo: Project):
    first = repo.invoke("publish", "--push")
    assert first.returncode == 0, first.stdout + first.stderr
    tip = ref(repo, "gh-pages")
    assert tip and ref(repo, "origin/gh-pages") == tip
    assert "index.html" in git(repo, "ls-tree", "--name-only", "gh-pages").split()

    repo.add("articles/2019/tin-hai.md", ARTICLE.replace("khai giảng", "bế giảng"))
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "Tin thứ hai")
    second = repo.invoke("publish", "--push")
    assert second.returncode == 0, second.stderr
    assert git(repo, "rev-parse", "gh-pages^") == tip  # history kept, not replaced
    assert ref(repo, "origin/gh-pages") == ref(repo, "gh-pages")


@pytest.mark.parametrize("problem", ["dirty", "broken"])
def test_failed_publish_leaves_gh_pages_identical(repo: Project, problem: str):
    assert repo.invoke("publish", "--push").returncode == 0
    before = (ref(repo, "gh-pages"), ref(repo, "origin/gh-pages"))
    if problem == "dirty":
        repo.add("articles/2019/chua-commit.md", ARTICLE.replace("khai giảng", "tổng kết"))
    else:
        repo.add("articles/2019/hong.md", "---\ntitle: Tin: hỏng\n---\n")
        git(repo, "add", "-A")
        git(repo, "commit", "-q", "-m", "Bài hỏng")
    result = repo.invoke("publish", "--push")
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    if problem == "dirty":  # the writer is told which file is not committed
        assert "content/articles/2019/chua-commit.md" in result.stderr, result.stderr
    assert (ref(repo, "gh-pages"), ref(repo, "origin/gh-pages")) == before


def test_publish_never_force_pushes(repo: Project, tmp_path):
    """If someone else moved gh-pages on the remote, the new commit goes on top of theirs."""
    assert repo.invoke("publish", "--push").returncode == 0
    other = tmp_path / "other"
    subprocess.run(["git", "clone", "-q", "-b", "gh-pages", git(repo, "remote", "get-url", "origin"),
                    str(other)], check=True)
    (other / "ghi-chu.txt").write_text("thay đổi từ máy khác\n")
    for command in (["add", "-A"], ["-c", "user.name=X", "-c", "user.email=x@example.vn",
                                    "commit", "-q", "-m", "Khác"], ["push", "-q", "origin", "gh-pages"]):
        subprocess.run(["git", *command], cwd=other, check=True)
    remote_tip = subprocess.run(["git", "rev-parse", "HEAD"], cwd=other, capture_output=True, text=True,
                                check=True).stdout.strip()
    repo.add("articles/2019/tin-ba.md", ARTICLE.replace("khai giảng", "khen thưởng"))
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "Tin thứ ba")
    result = repo.invoke("publish", "--push")
    assert result.returncode == 0, result.stderr
    published = git(repo, "ls-remote", "origin", "refs/heads/gh-pages").split()[0]
    assert git(repo, "rev-parse", f"{published}^") == remote_tip


def test_scheduled_publish_adds_the_article_at_its_time_and_no_empty_commit_meanwhile(repo: Project):
    """What the scheduled workflow does: publish again and again; a future-dated article
    reaches gh-pages in the first run after its time, and runs with nothing new commit nothing."""
    later = ARTICLE.replace("khai giảng", "nghỉ Tết").replace("2019-03-04 08:30", "2026-12-07 07:00")
    repo.add("articles/2026/lich-nghi.md", later)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "Tin hẹn đăng")
    before = {"TOASOAN_NOW": "2026-12-07 06:45"}
    first = repo.invoke("publish", "--push", env=before)
    assert first.returncode == 0, first.stdout + first.stderr
    tip = ref(repo, "gh-pages")
    assert "2026" not in git(repo, "ls-tree", "--name-only", "gh-pages").split()
    again = repo.invoke("publish", "--push", env=before)
    assert again.returncode == 0 and "không có gì mới" in again.stdout, again.stdout + again.stderr
    assert ref(repo, "gh-pages") == tip == ref(repo, "origin/gh-pages")
    due = repo.invoke("publish", "--push", env={"TOASOAN_NOW": "2026-12-07 07:15"})
    assert due.returncode == 0, due.stdout + due.stderr
    assert git(repo, "rev-parse", "gh-pages^") == tip and ref(repo, "origin/gh-pages") == ref(repo, "gh-pages")
    published = git(repo, "ls-tree", "-r", "--name-only", "gh-pages").split()
    assert "2026/hoc-vien-nghi-tet-lop-boi-duong/index.html" in published


def test_public_settings_are_this_checkouts_though_another_pelicanconf_was_loaded_first(tmp_path, monkeypatch):
    """A process that builds more than one checkout (the desk, the test suite) had
    ``from pelicanconf import *`` in publishconf.py take the pelicanconf it imported first."""
    monkeypatch.delitem(sys.modules, "pelicanconf", raising=False)  # put back as it was after the test
    other, this = (make_project(tmp_path / name, sample_content=False) for name in ("khac", "nay"))
    settings = other.root / "pelicanconf.py"
    settings.write_text(settings.read_text(encoding="utf-8") + '\nSITENAME = "Trang của bản sao khác"\n',
                        encoding="utf-8")
    assert load_settings(settings)["SITENAME"] == "Trang của bản sao khác"
    assert load_settings(other.root / "publishconf.py")["SITENAME"] == "Trang của bản sao khác"
    public = load_settings(this.root / "publishconf.py")
    assert public["SITENAME"] != "Trang của bản sao khác" and public["SHOW_DRAFTS"] is False
    assert public["PATH"] == str(this.content)
