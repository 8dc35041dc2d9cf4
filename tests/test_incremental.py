"""The incremental build writes exactly what a clean build writes.

Random sequences of the edits writers and developers make — body, title, date, category,
tags, draft/published, action items, new, renamed and deleted files, a unit added to the
roster, an image replaced, a template, a setting — are applied to a generated corpus. After every step the incremental
``output/`` is compared, file by file and byte for byte, with a clean full build of the
same content. The counts of rendered pages show the incremental build did not simply
render everything.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import random
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

import pytest
from editkit import (
    CONTENT_EDITS,
    DOCUMENT_EDITS,
    HISTORY_EDITS,
    OTHER_EDITS,
    Editor,
    add_documents,
    assert_same_as_clean,
    assert_same_files,
    build,
    files,
)
from pelican.contents import Article
from pelican.settings import DEFAULT_CONFIG

from sitekit import Project
from toasoan.build.fingerprint import Fingerprinter, Unfingerprintable, card_fields
from toasoan.build.outputs import Entry, OutputLedger, digest
from toasoan.build.plan import MANIFEST_SLICE, BuildPlan, Manifest, _stat_all, build_site, input_state, load_settings
from toasoan.build.run import BuildRun
from toasoan.frontmatter import FieldLines
from toasoan.git import Git
from toasoan.model import ActionItem, MeetingReport

EVERY_EDIT = CONTENT_EDITS + DOCUMENT_EDITS + OTHER_EDITS + HISTORY_EDITS
SEQUENCES = 3


def edit_sequence(number: int) -> list[str]:
    """The edits of random sequence ``number`` (0, 1, 2): between them the sequences make
    every kind of edit once, in a seeded order, and each two more content edits at random."""
    kinds = list(EVERY_EDIT)
    random.Random(2018).shuffle(kinds)
    chosen = random.Random(number)
    steps = kinds[number::SEQUENCES] + chosen.choices(CONTENT_EDITS, k=2)
    chosen.shuffle(steps)
    return steps


def test_the_random_sequences_make_every_kind_of_edit() -> None:
    assert {kind for number in range(SEQUENCES) for kind in edit_sequence(number)} == set(EVERY_EDIT)
    assert edit_sequence(1) == edit_sequence(1)


@pytest.mark.parametrize("number", range(SEQUENCES))
def test_random_edit_sequences_match_a_clean_build(newsroom: Project, number: int) -> None:
    add_documents(newsroom)
    editor = Editor(newsroom, number, history=True)
    build(newsroom)
    for name in edit_sequence(number):
        step = editor.apply(name)
        build(newsroom)
        assert_same_as_clean(newsroom, step)


FULL_BUILD = ("import sys; from toasoan.build.plan import build_site; "
              "result = build_site(sys.argv[1], OUTPUT_PATH=sys.argv[2]); "
              "sys.exit(None if result.ok else result.error or [str(finding) for finding in result.findings])")


def test_builds_in_processes_with_other_hash_seeds_write_the_same_bytes(newsroom: Project) -> None:
    """Python hashes text with a seed of each process's own (the order of a set of tags goes
    with it): clean builds in processes of their own, with other seeds, write the same
    bytes — what an incremental build keeps from an earlier process is what a clean one writes.
    Three articles each share another tag with a fourth, at the same hour: an exact tie
    among its related articles."""
    tied = newsroom.content / "articles" / "2021"
    tied.mkdir(parents=True, exist_ok=True)
    tags = ["Hòa", "Ngang", "Bằng", "Đều"]
    for name, its_tags, category in (("chinh", tags, "Tin tức - Sự kiện"), ("mot", tags[:1], "Thông báo"),
                                     ("hai", tags[1:2], "Hội nghị - Hội thảo"),
                                     ("ba", tags[2:3], "Đào tạo - Bồi dưỡng")):
        (tied / f"hoa-{name}.md").write_text(
            f"---\ntitle: Tin hòa {name}\ndate: 2021-05-05 08:00\nauthor: Văn phòng\ncategory: {category}\n"
            f"tags: [{', '.join(its_tags)}]\n---\n\nMột đoạn tin để xếp hạng tin liên quan.\n", encoding="utf-8")
    outputs = []
    for seed in ("1", "3", "4"):
        shutil.rmtree(newsroom.root / ".cache", ignore_errors=True)
        outputs.append(newsroom.root / f"output-{seed}")
        built = subprocess.run([sys.executable, "-c", FULL_BUILD, str(newsroom.root / "pelicanconf.py"),
                                str(outputs[-1])], cwd=newsroom.root, env={**os.environ, "PYTHONHASHSEED": seed},
                               capture_output=True, text=True)
        assert built.returncode == 0, built.stderr[-3000:]
    assert (outputs[0] / "index.html").is_file()
    for other in outputs[1:]:
        assert_same_files(other, outputs[0], f"{other.name} against {outputs[0].name}")


def test_several_edits_between_builds_match_a_clean_build(newsroom: Project) -> None:
    build(newsroom)
    editor = Editor(newsroom, 3)
    for name in ("title", "body", "action_item", "add", "delete", "status"):
        editor.apply(name)
    build(newsroom)
    assert_same_as_clean(newsroom, "six edits")


def test_a_body_edit_renders_only_the_pages_that_show_it(newsroom: Project) -> None:
    first = build(newsroom)
    unchanged = build(newsroom)
    assert unchanged.kept >= first.rendered - 40, "a rebuild without changes must keep the pages"
    editor = Editor(newsroom, 4)
    editor.apply("body")
    edited = build(newsroom)
    assert 0 < edited.rendered < first.rendered / 4, (edited.rendered, first.rendered)
    assert_same_as_clean(newsroom, "body")


def test_a_title_edit_renders_the_pages_that_list_it_not_every_page(newsroom: Project) -> None:
    first = build(newsroom)
    Editor(newsroom, 5).apply("title")
    edited = build(newsroom)
    assert 0 < edited.rendered < first.rendered / 2, (edited.rendered, first.rendered)
    assert_same_as_clean(newsroom, "title")


def test_an_action_item_edit_renders_its_report_and_the_tracker(newsroom: Project) -> None:
    first = build(newsroom)
    step = Editor(newsroom, 6).apply("action_item")
    edited = build(newsroom)
    assert 0 < edited.rendered < first.rendered / 2, (edited.rendered, first.rendered)
    assert_same_as_clean(newsroom, step)


def test_a_unit_named_like_an_author_turns_the_bylines_into_organisations(newsroom: Project) -> None:
    """The units roster reaches article pages only through a Jinja global (site_metadata's
    ``article_json_ld`` binds the unit names): a unit added must re-render them."""
    build(newsroom)
    author = "Thu Phương"
    byline = '{"@type":"Person","name":"' + author + '"}'
    pages = [name for name, data in files(newsroom.output).items() if byline.encode() in data]
    assert pages, "the corpus must have an article by " + author
    units = newsroom.content / "data" / "units.yml"
    units.write_text(units.read_text(encoding="utf-8") + f"  - name: {author}\n", encoding="utf-8")
    build(newsroom)
    assert_same_as_clean(newsroom, "unit named like an author")
    organisation = byline.replace("Person", "Organization").encode()
    assert all(organisation in (newsroom.output / name).read_bytes() for name in pages)


def test_fingerprints_see_every_field_of_nested_values() -> None:
    """Dataclasses inside lists inside dicts (action items, tracked items) by their fields."""
    item = ActionItem(id="CNTT-2019-01", title="Nâng cấp cổng thông tin", owner="Văn phòng",
                      due=dt.date(2019, 12, 31))
    same = Fingerprinter().of({"items": [item]})
    assert Fingerprinter().of({"items": [dataclasses.replace(item)]}) == same
    for change in ({"title": "Nâng cấp cổng"}, {"due": dt.date(2020, 1, 1)}, {"progress": 50}):
        assert Fingerprinter().of({"items": [dataclasses.replace(item, **change)]}) != same, change


def test_small_values_are_not_kept_to_the_end_of_the_build_but_a_listing_is() -> None:
    """A page's own small lists (its tags, an action item's history) are fingerprinted again
    when met again rather than kept alive with their fingerprint to the end of the build; a
    listing's list, which every page of the listing is given whole, is fingerprinted once.
    A small list that holds itself still gets a fingerprint."""
    fingerprints = Fingerprinter()
    tags, listing = ["Đào tạo", "Chuyển đổi số"], [f"Bài {n}" for n in range(40)]
    held = sys.getrefcount(tags), sys.getrefcount(listing)
    assert fingerprints.of(tags) == fingerprints.of(list(tags)) != fingerprints.of(tags[:1])
    fingerprints.of(listing)
    assert (sys.getrefcount(tags), sys.getrefcount(listing)) == (held[0], held[1] + 1)
    loop: list[object] = ["Đào tạo"]
    loop.append(loop)
    assert fingerprints.of(loop) != fingerprints.of(["Đào tạo", []])


def test_field_lines_are_fingerprinted_by_their_text_without_being_parsed() -> None:
    """Every card holds its file's field lines: parsing them into a map for a fingerprint
    would cost each card its JSON parse and keep the map for the rest of the build."""
    lines = {("title",): 2, ("tags", 0): 5}
    read = FieldLines.from_text(FieldLines(lines).text())
    same = Fingerprinter().of(read)
    assert read._lines is None, "not parsed"
    assert Fingerprinter().of(FieldLines(lines)) == same
    assert Fingerprinter().of(FieldLines({**lines, ("title",): 3})) != same


def test_a_content_model_counts_by_the_digest_it_was_parsed_with() -> None:
    """A content model parsed with its card digest (toasoan.parsing) is fingerprinted by it,
    and by its body when a page read that: the model is not fingerprinted field by field,
    nor the article's attributes that are the model's own values."""
    def model(digest: str, body: str = "", **fields: object) -> MeetingReport:
        return MeetingReport(source="meetings/hop.md", kind="meeting", title="Họp", slug="hop", status="published",
                             body=body, body_line=7, date=dt.datetime(2020, 1, 2), card_digest=digest, **fields)

    def fingerprints(made: MeetingReport) -> tuple[str, str, str]:
        article = Article("<p>Thân bài.</p>", settings=DEFAULT_CONFIG, source_path="hop.md",
                          metadata={"title": "Họp", "date": dt.datetime(2020, 1, 2), "content_file": made,
                                    "decisions": made.decisions})
        with_body = Fingerprinter(card=card_fields((".content_file.body",)))
        return Fingerprinter().card(article), Fingerprinter().page(article), with_body.card(article)

    assert all(a != b for a, b in zip(fingerprints(model("a")), fingerprints(model("b")), strict=True))
    assert fingerprints(model("a")) == fingerprints(model("a", decisions=("Giao Văn phòng",))), \
        "the digest stands for every field it holds"
    assert fingerprints(model("")) != fingerprints(model("", decisions=("Giao Văn phòng",))), \
        "without one, the fields count"
    other_body = fingerprints(model("a", body="Khác"))
    assert other_body[0] == fingerprints(model("a"))[0] and other_body[2] != fingerprints(model("a"))[2]


def test_fingerprints_see_what_a_function_is_bound_to() -> None:
    """Partials, bound methods and closures by what they are bound to, not by their name."""
    def of(value: object) -> str:
        return Fingerprinter().of(value)

    def closing_over(units: tuple[str, ...]) -> Callable[[str], bool]:
        return lambda name: name in units

    assert of(partial(max, 1)) != of(partial(max, 2))
    assert of(partial(max, 1)) == of(partial(max, 1))
    assert of(closing_over(("Văn phòng",))) != of(closing_over(("Văn phòng", "Thu Phương")))
    assert of(closing_over(("Văn phòng",))) == of(closing_over(("Văn phòng",)))
    assert of({"open": "Đang làm"}.get) != of({"open": "Chưa làm"}.get)
    assert of(object()) != of(object())  # unknown: a random value, the page is always rendered
    with pytest.raises(Unfingerprintable):
        Fingerprinter(strict=True).of(partial(max, object()))


@pytest.mark.parametrize("kind", ["JINJA_GLOBALS", "JINJA_FILTERS"])
def test_a_jinja_global_or_filter_that_cannot_be_fingerprinted_stops_the_build(newsroom: Project, kind: str) -> None:
    settings = newsroom.root / "pelicanconf.py"
    added = {**load_settings(settings)[kind], "khoa_dung_chung": partial(max, threading.Lock())}
    result = build_site(settings, OUTPUT_PATH=str(newsroom.output), **{kind: added})
    assert not result.ok and not newsroom.output.exists()
    assert "'khoa_dung_chung'" in result.error and "lock" in result.error, result.error


def test_outputs_changed_by_hand_are_written_again(newsroom: Project) -> None:
    build(newsroom)
    pages = sorted(newsroom.output.glob("20*/*/index.html"))
    pages[0].unlink()
    pages[1].write_text("sửa tay", encoding="utf-8")
    (newsroom.output / "la.html").write_text("tệp lạ", encoding="utf-8")  # not ours: left alone
    again = build(newsroom)
    assert again.rendered >= 2
    (newsroom.output / "la.html").unlink()
    assert_same_as_clean(newsroom, "outputs changed by hand")


def test_a_failed_incremental_build_keeps_the_output(newsroom: Project) -> None:
    build(newsroom)
    before = files(newsroom.output)
    victim = sorted((newsroom.content / "articles").rglob("*.md"))[0]
    victim.write_text(victim.read_text(encoding="utf-8").replace("date:", "date: ngày mai\nx:", 1), encoding="utf-8")
    result = build_site(newsroom.root / "pelicanconf.py", OUTPUT_PATH=str(newsroom.output))
    assert not result.ok and result.findings
    assert files(newsroom.output) == before


BROKEN_PLUGINS = {
    "missing": None,  # no such plugin
    "import": "import khong_co_mo_dun_nay\n",  # it cannot be imported
    "register": "def register():\n    raise RuntimeError('hỏng')\n",  # it cannot be registered
}


@pytest.mark.parametrize("broken", BROKEN_PLUGINS)
@pytest.mark.parametrize("incremental", [True, False])
def test_a_plugin_pelican_cannot_load_fails_the_build(newsroom: Project, broken: str, incremental: bool) -> None:
    """Pelican logs such a plugin and builds without it; the build fails instead, naming it,
    and the last output stays as it was."""
    build(newsroom)
    before = files(newsroom.output)
    extra = newsroom.root / "extra-plugins"
    if (code := BROKEN_PLUGINS[broken]) is not None:
        extra.mkdir()
        (extra / "plugin_hong.py").write_text(code, encoding="utf-8")
    settings = load_settings(newsroom.root / "pelicanconf.py")
    result = build_site(newsroom.root / "pelicanconf.py", incremental=incremental, OUTPUT_PATH=str(newsroom.output),
                        PLUGIN_PATHS=[*settings["PLUGIN_PATHS"], str(extra)],
                        PLUGINS=[*settings["PLUGINS"], "plugin_hong"])
    assert not result.ok
    assert "Không nạp được plugin plugin_hong" in result.error, result.error
    assert files(newsroom.output) == before


def test_a_build_with_nothing_changed_has_nothing_to_do(newsroom: Project) -> None:
    """Same inputs and untouched outputs: Pelican does not run; any change and it does."""
    first = build(newsroom)
    before = files(newsroom.output)
    again = build(newsroom)
    assert again.unchanged and again.rendered == 0 and again.kept == len(before) == first.rendered
    assert files(newsroom.output) == before
    article = sorted((newsroom.content / "articles").rglob("*.md"))[0]
    article.write_bytes(article.read_bytes())  # the same bytes, written again: read again
    assert not build(newsroom).unchanged  # (the sitemap's dates of pages come from file times)
    page = sorted(newsroom.output.glob("20*/*/index.html"))[0]
    page.write_text("sửa tay", encoding="utf-8")
    assert not build(newsroom).unchanged
    assert page.read_bytes() == before[page.relative_to(newsroom.output).as_posix()]
    assert build(newsroom).unchanged
    assert_same_as_clean(newsroom, "nothing changed")


def test_a_setting_from_the_environment_or_a_git_commit_is_an_input(newsroom: Project) -> None:
    settings = load_settings(newsroom.root / "pelicanconf.py")
    state = input_state(settings, "key")
    assert input_state(load_settings(newsroom.root / "pelicanconf.py"), "key") == state
    assert input_state(load_settings(newsroom.root / "pelicanconf.py", SITEURL="https://hvdt.vn"), "key") != state
    assert input_state(settings, "another build key") != state
    git = Git(newsroom.root)
    git.run("init", "--quiet", "--initial-branch=main")
    untracked = input_state(settings, "key")
    git.run("add", "--all")
    git.run("-c", "user.name=Thu Phương", "-c", "user.email=tp@example.vn", "-c", "commit.gpgSign=false",
            "commit", "--quiet", "-m", "Nội dung")
    assert input_state(settings, "key") != untracked  # the provenance plugin reads the history


def test_a_failed_build_waits_for_its_background_writers_before_removing_staging(newsroom: Project) -> None:
    """Search shards are indexed in a thread; a build failing meanwhile must not leave it
    writing into a staging folder that was already removed."""
    plan = BuildPlan.make(newsroom.root / "pelicanconf.py", OUTPUT_PATH=str(newsroom.output))
    ledger = plan.ledger()

    def late_write() -> None:
        time.sleep(0.5)
        shard = plan.staging / "pagefind" / "2019" / "pagefind.js"
        shard.parent.mkdir(parents=True, exist_ok=True)
        shard.write_text("// một phần chỉ mục", encoding="utf-8")

    writer = threading.Thread(target=late_write)

    def render() -> None:
        ledger.follow(writer)
        writer.start()
        raise RuntimeError("mẫu hỏng")

    result = plan.run(BuildRun(ledger), render)
    writer.join()
    assert not result.ok and "mẫu hỏng" in result.error
    assert not plan.staging.exists() and not newsroom.output.exists()


@pytest.mark.parametrize("count", [0, 1, MANIFEST_SLICE, 2 * MANIFEST_SLICE + 1])
def test_a_manifest_reads_back_as_it_was_saved(tmp_path: Path, count: int) -> None:
    """It is written a slice of files per line, its head last: every slice, and none, read back,
    with the names each page read (None: a file no page rendered)."""
    reads = (None, ("SITEURL", "article", "articles"), ())
    entries = {f"{n % 7}/bài-\"{n}\"/index.html": Entry(digest(n), n, 10**18 + n, reads[n % 3]) for n in range(count)}
    manifest = Manifest(tmp_path / "outputs.json")
    assert manifest.save(entries.items(), {"pagefind/2019": digest("shard")}, "inputs", run="r1") == count
    previous = manifest.load()
    assert previous is not None
    assert (previous.files, previous.trees, previous.inputs, previous.run) == (
        entries, {"pagefind/2019": digest("shard")}, "inputs", "r1")
    if count:  # its files are read when first asked; a damaged line is refused at once
        text = manifest.path.read_text(encoding="utf-8")
        manifest.path.write_text(text.replace("index.html", "index.htm", 1), encoding="utf-8")
        assert manifest.load() is None


def test_a_full_builds_manifest_has_every_file_the_way_os_walk_finds_it(tmp_path: Path) -> None:
    """The manifest of a full build (``plan._stat_all``, a scandir walk) lists what os.walk
    lists as files: nested files and a link to a file, not a link to a folder nor what is in it."""
    output = tmp_path / "output"
    (output / "2019" / "bai-mot").mkdir(parents=True)
    (output / "2019" / "bai-mot" / "index.html").write_text("<p>một</p>", encoding="utf-8")
    (output / "index.html").write_text("<p>trang chủ</p>", encoding="utf-8")
    (output / "moi-nhat.html").symlink_to(output / "index.html")
    (output / "nam-2019").symlink_to(output / "2019", target_is_directory=True)
    ledger = OutputLedger(output, tmp_path / "staging")
    ledger.written["2019/bai-mot/index.html"] = "khoá"
    ledger.reads["2019/bai-mot/index.html"] = ("article",)

    entries = dict(_stat_all(output, ledger))

    walked = {os.path.relpath(os.path.join(root, name), output).replace(os.sep, "/")
              for root, _, names in os.walk(output) for name in names}
    assert set(entries) == walked == {"index.html", "moi-nhat.html", "2019/bai-mot/index.html"}
    page = (output / "2019" / "bai-mot" / "index.html").stat()
    assert entries["2019/bai-mot/index.html"] == Entry("khoá", page.st_size, page.st_mtime_ns, ("article",))
    assert entries["index.html"].key is None and entries["index.html"].reads is None
