"""Feeds, sitemap, robots.txt, page metadata and navigation, read from one real Pelican
build (development settings: relative page URLs, absolute feed and metadata URLs)."""

from __future__ import annotations

import datetime as dt
import json
import random
from pathlib import Path
from types import SimpleNamespace
from xml.etree import ElementTree

import pytest
import yaml
from bs4 import BeautifulSoup
from pelican.utils import order_content, process_translations
from PIL import Image

from sitekit import MEETING, Project, make_project
from toasoan.build.plan import build_site, load_settings
from toasoan.publication import newest_first

SITE = "http://localhost:8000"  # SITEURL of pelicanconf.py
ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
QUOTED_TITLE = 'Hội thảo "Chuyển đổi số" \\ năm 2019'
NOTICES = 11  # with the others, more than DEFAULT_PAGINATION in "Thông báo"


def article(title: str, when: str, category: str, *, tags: list[str] | None = None,
            status: str = "published", **extra: object) -> str:
    data: dict = {"title": title, "date": when, "author": "Thu Phương", "category": category,
                  "status": status, **extra}
    if tags:
        data["tags"] = tags
    front = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    return f"---\n{front}---\n\nĐoạn mở đầu của bài «{title}».\n\nĐoạn thứ hai.\n"


# slug → (front matter keywords); dates spread over two years and several months.
ARTICLES = {
    "khai-giang": dict(title="Khai giảng lớp bồi dưỡng kiến thức dân tộc", when="2019-03-04 08:30",
                       category="Đào tạo - Bồi dưỡng", tags=["Đào tạo", "CNTT"],
                       summary="Lớp bồi dưỡng khai giảng sáng 4/3 với 60 học viên."),
    "hoi-thao": dict(title=QUOTED_TITLE, when="2019-03-20 09:00", category="Hội nghị - Hội thảo",
                     tags=["CNTT", "Chuyển đổi số"], modified="2019-04-01 10:00",
                     image="images/2019/hoi-thao.png", image_alt="Toàn cảnh hội thảo"),
    "tap-huan-cntt": dict(title="Tập huấn CNTT cho giảng viên", when="2019-05-10 14:00",
                          category="Đào tạo - Bồi dưỡng", tags=["Đào tạo", "CNTT"]),
    "so-hoa": dict(title="Thư viện số hoá tài liệu", when="2020-01-15 10:00",
                   category="Tin tức - Sự kiện", tags=["Chuyển đổi số"]),
    "ban-nhap-bi-mat": dict(title="Bản nháp chưa duyệt", when="2020-02-01 10:00",
                            category="Tin tức - Sự kiện", status="draft"),
}


def add_content(project: Project) -> None:
    (project.content / "images/2019").mkdir(parents=True)
    Image.new("RGB", (80, 45), (165, 14, 14)).save(project.content / "images/2019/hoi-thao.png")
    for slug, fields in ARTICLES.items():
        fields = dict(fields)
        project.add(f"articles/{fields['when'][:4]}/{slug}.md",
                    article(fields.pop("title"), fields.pop("when"), fields.pop("category"),
                            slug=slug, **fields))
    for n in range(1, NOTICES + 1):
        project.add(f"articles/2019/thong-bao-{n:02}.md",
                    article(f"Thông báo số {n}", f"2019-06-{n:02} 08:00", "Thông báo", slug=f"thong-bao-{n:02}"))
    project.add("meetings/2018/hop-cntt.md", MEETING)
    for slug, title in (("gioi-thieu", "Giới thiệu"), ("lien-he", "Liên hệ")):
        project.add(f"pages/{slug}.md", f"---\ntitle: {title}\nslug: {slug}\n---\n\n{title} Học viện.\n")


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Project:
    project = make_project(tmp_path_factory.mktemp("public") / "site", sample_content=False)
    add_content(project)
    settings = project.root / "pelicanconf.py"
    # Search has its own tests; everything else is the real configuration.
    plugins = [p for p in load_settings(settings)["PLUGINS"] if p != "search_index"]
    result = build_site(settings, OUTPUT_PATH=str(project.output), PLUGINS=plugins)
    assert result.ok, (result.error, result.findings)
    return project


def html(site: Project, url: str) -> BeautifulSoup:
    return BeautifulSoup((site.output / url / "index.html").read_text(encoding="utf-8"), "html.parser")


def json_ld(page: BeautifulSoup, kind: str) -> dict:
    found = [json.loads(s.string) for s in page.find_all("script", type="application/ld+json")]
    matching = [d for d in found if d["@type"] == kind]
    assert len(matching) == 1, found
    return matching[0]


PUBLISHED = [f"2019/{s}/" for s in ("khai-giang", "hoi-thao", "tap-huan-cntt")] + ["2020/so-hoa/"] + \
    [f"2019/thong-bao-{n:02}/" for n in range(1, NOTICES + 1)] + ["2018/hop-ban-chi-dao-ung-dung-cntt-nam-2018/"]


# --------------------------------------------------------------------------- feeds
def entries(feed: Path) -> list[ElementTree.Element]:
    return ElementTree.parse(feed).getroot().findall(f"{ATOM}entry")


def test_atom_feed_of_all_articles_has_absolute_links_and_no_draft(site: Project):
    feed = entries(site.output / "feeds/all.atom.xml")
    links = [e.find(f"{ATOM}link").get("href") for e in feed]
    assert sorted(links) == sorted(f"{SITE}/{url}" for url in PUBLISHED)
    root = ElementTree.parse(site.output / "feeds/all.atom.xml").getroot()
    assert root.find(f"{ATOM}link[@rel='self']").get("href") == f"{SITE}/feeds/all.atom.xml"
    titles = [e.findtext(f"{ATOM}title") for e in feed]
    assert QUOTED_TITLE in titles and "Bản nháp chưa duyệt" not in titles


def test_rss_feed_of_all_articles_parses_with_absolute_links(site: Project):
    channel = ElementTree.parse(site.output / "feeds/all.rss.xml").getroot().find("channel")
    items = channel.findall("item")
    assert sorted(i.findtext("link") for i in items) == sorted(f"{SITE}/{url}" for url in PUBLISHED)
    assert all(i.findtext("pubDate") for i in items)


@pytest.mark.parametrize("kind", ["atom", "rss"])
def test_each_category_has_its_own_feeds(site: Project, kind: str):
    path = site.output / f"feeds/dao-tao-boi-duong.{kind}.xml"
    root = ElementTree.parse(path).getroot()
    if kind == "atom":
        links = {e.find(f"{ATOM}link").get("href") for e in root.findall(f"{ATOM}entry")}
    else:
        links = {i.findtext("link") for i in root.find("channel").findall("item")}
    assert links == {f"{SITE}/2019/khai-giang/", f"{SITE}/2019/tap-huan-cntt/"}
    assert (site.output / f"feeds/thong-bao.{kind}.xml").is_file()


def test_json_feed_is_valid_json_feed_1_1(site: Project):
    data = json.loads((site.output / "feeds/all.json").read_text(encoding="utf-8"))
    assert data["version"] == "https://jsonfeed.org/version/1.1"
    assert data["title"] and data["home_page_url"] == f"{SITE}/"
    assert data["feed_url"] == f"{SITE}/feeds/all.json"
    items = data["items"]
    assert sorted(i["url"] for i in items) == sorted(f"{SITE}/{url}" for url in PUBLISHED)
    for entry in items:
        assert entry["id"] and entry["url"].startswith(f"{SITE}/")
        assert entry.get("content_html") or entry.get("content_text")
        dt.datetime.fromisoformat(entry["date_published"])  # RFC 3339
    dates = [dt.datetime.fromisoformat(i["date_published"]) for i in items]
    assert dates == sorted(dates, reverse=True)
    quoted = next(i for i in items if i["url"].endswith("/hoi-thao/"))
    assert quoted["title"] == QUOTED_TITLE
    assert quoted["date_modified"] == "2019-04-01T10:00:00+07:00"
    assert quoted["image"] == f"{SITE}/images/2019/hoi-thao.png"
    assert quoted["tags"] == ["Hội nghị - Hội thảo", "CNTT", "Chuyển đổi số"]
    lead = next(i for i in items if i["url"].endswith("/khai-giang/"))
    assert lead["summary"] == "Lớp bồi dưỡng khai giảng sáng 4/3 với 60 học viên."


def test_pages_link_their_feeds(site: Project):
    head = html(site, "chuyen-muc/thong-bao").head
    types = {link["type"]: link["href"] for link in head.find_all("link", rel="alternate")}
    assert types["application/feed+json"] == "../../feeds/all.json"
    assert types["application/rss+xml"] == "../../feeds/all.rss.xml"
    category = head.find("link", rel="alternate", title="Thông báo (Atom)")
    assert category["href"] == "../../feeds/thong-bao.atom.xml"


# --------------------------------------------------------------------------- sitemap, robots
def sitemap(site: Project) -> dict[str, str | None]:
    root = ElementTree.parse(site.output / "sitemap.xml").getroot()
    assert root.tag == f"{SITEMAP}urlset"
    return {u.findtext(f"{SITEMAP}loc"): u.findtext(f"{SITEMAP}lastmod") for u in root.findall(f"{SITEMAP}url")}


def test_sitemap_lists_every_public_page_once(site: Project):
    listed = sitemap(site)
    written = {"/".join(p.relative_to(site.output).parts[:-1]) for p in site.output.rglob("index.html")}
    public = {w for w in written if not w.startswith("ban-nhap") and "/trang/" not in f"/{w}/"}
    assert set(listed) == {f"{SITE}/{w}/" if w else f"{SITE}/" for w in public}
    for url in (*PUBLISHED, "gioi-thieu/", "lien-he/", "chuyen-muc/thong-bao/", "the/cntt/", "2019/03/",
                "tracker/", "tracker/CNTT-2018-01/", "so-do-trang/"):
        assert f"{SITE}/{url}" in listed, url
    assert f"{SITE}/2020/ban-nhap-bi-mat/" not in listed and f"{SITE}/ban-nhap/ban-nhap-bi-mat/" not in listed
    assert f"{SITE}/chuyen-muc/thong-bao/trang/2/" not in listed
    assert (site.output / "chuyen-muc/thong-bao/trang/2/index.html").is_file()


def test_sitemap_lastmod_is_the_newest_date_shown(site: Project):
    listed = sitemap(site)
    assert all(listed.values()), [u for u, m in listed.items() if not m]
    assert listed[f"{SITE}/2019/hoi-thao/"] == "2019-04-01T10:00:00+07:00"  # modified
    assert listed[f"{SITE}/2019/khai-giang/"] == "2019-03-04T08:30:00+07:00"
    assert listed[f"{SITE}/2019/03/"] == "2019-04-01T10:00:00+07:00"
    assert listed[f"{SITE}/chuyen-muc/dao-tao-boi-duong/"] == "2019-05-10T14:00:00+07:00"
    assert listed[f"{SITE}/"] == "2020-01-15T10:00:00+07:00"
    assert listed[f"{SITE}/tracker/CNTT-2018-01/"].startswith("2018-12-27")


def test_robots_txt_points_at_the_sitemap_and_keeps_drafts_out(site: Project):
    lines = (site.output / "robots.txt").read_text(encoding="utf-8").splitlines()
    assert "User-agent: *" in lines
    assert f"Sitemap: {SITE}/sitemap.xml" in lines
    assert "Disallow: /ban-nhap/" in lines


def test_draft_is_noindex(site: Project):
    page = html(site, "ban-nhap/ban-nhap-bi-mat")
    assert page.find("meta", attrs={"name": "robots"})["content"] == "noindex"
    assert page.find("link", rel="canonical") is None


# --------------------------------------------------------------------------- metadata
def meta(page: BeautifulSoup, prop: str) -> str:
    tag = page.find("meta", attrs={"property": prop}) or page.find("meta", attrs={"name": prop})
    assert tag is not None, prop
    return tag["content"]


def test_article_has_canonical_open_graph_and_description(site: Project):
    page = html(site, "2019/hoi-thao")
    url = f"{SITE}/2019/hoi-thao/"
    assert page.find("link", rel="canonical")["href"] == url
    assert meta(page, "og:url") == url and meta(page, "og:type") == "article"
    assert meta(page, "og:title") == QUOTED_TITLE
    assert meta(page, "og:image") == f"{SITE}/images/2019/hoi-thao.png"
    assert (meta(page, "og:image:width"), meta(page, "og:image:height")) == ("80", "45")
    assert meta(page, "og:image:alt") == "Toàn cảnh hội thảo"
    assert meta(page, "article:published_time") == "2019-03-20T09:00:00+07:00"
    assert meta(page, "description") == f"Đoạn mở đầu của bài «{QUOTED_TITLE}»."
    assert meta(page, "og:description") == meta(page, "description")
    img = page.find("figure", class_="entry-figure").img
    assert (img["width"], img["height"]) == ("80", "45")


def test_meta_description_comes_from_the_summary(site: Project):
    page = html(site, "2019/khai-giang")
    assert meta(page, "description") == "Lớp bồi dưỡng khai giảng sáng 4/3 với 60 học viên."


def test_article_json_ld_is_a_news_article(site: Project):
    data = json_ld(html(site, "2019/hoi-thao"), "NewsArticle")
    assert data["@context"] == "https://schema.org"
    assert data["headline"] == QUOTED_TITLE
    assert data["datePublished"] == "2019-03-20T09:00:00+07:00"
    assert data["dateModified"] == "2019-04-01T10:00:00+07:00"
    assert data["author"] == [{"@type": "Person", "name": "Thu Phương"}]
    assert data["mainEntityOfPage"]["@id"] == f"{SITE}/2019/hoi-thao/"
    publisher = data["publisher"]
    assert publisher["@type"] == "Organization" and publisher["name"] == "Học viện Dân tộc"
    assert publisher["logo"] == {"@type": "ImageObject", "url": f"{SITE}/theme/images/logo.png",
                                 "width": 512, "height": 512}
    assert data["image"][0]["url"] == f"{SITE}/images/2019/hoi-thao.png"
    assert (site.output / "theme/images/logo.png").is_file()


def test_article_without_image_shares_the_site_image(site: Project):
    page = html(site, "2019/tap-huan-cntt")
    assert meta(page, "og:image") == f"{SITE}/theme/images/chia-se.png"
    assert (meta(page, "og:image:width"), meta(page, "og:image:height")) == ("1200", "630")
    data = json_ld(page, "NewsArticle")
    assert data["dateModified"] == data["datePublished"] == "2019-05-10T14:00:00+07:00"
    assert data["image"][0]["url"] == f"{SITE}/theme/images/chia-se.png"


def test_listing_pages_are_canonical_to_themselves(site: Project):
    second = html(site, "chuyen-muc/thong-bao/trang/2")
    assert second.find("link", rel="canonical")["href"] == f"{SITE}/chuyen-muc/thong-bao/trang/2/"
    assert meta(second, "og:type") == "website"
    assert html(site, "").find("link", rel="canonical")["href"] == f"{SITE}/"
    page404 = BeautifulSoup((site.output / "404.html").read_text(encoding="utf-8"), "html.parser")
    assert page404.find("link", rel="canonical") is None


# --------------------------------------------------------------------------- navigation
def crumbs(page: BeautifulSoup) -> list[str]:
    return [li.get_text(strip=True) for li in page.find("nav", class_="breadcrumb").find_all("li")]


def test_breadcrumbs_and_their_json_ld(site: Project):
    page = html(site, "2019/khai-giang")
    assert crumbs(page) == ["Trang chủ", "Đào tạo - Bồi dưỡng", "Khai giảng lớp bồi dưỡng kiến thức dân tộc"]
    last = page.find("nav", class_="breadcrumb").find_all("li")[-1]
    assert last["aria-current"] == "page" and last.find("a") is None
    data = json_ld(page, "BreadcrumbList")
    items = data["itemListElement"]
    assert [i["position"] for i in items] == [1, 2, 3]
    assert [i["name"] for i in items] == crumbs(page)
    assert [i["item"] for i in items] == [f"{SITE}/", f"{SITE}/chuyen-muc/dao-tao-boi-duong/",
                                          f"{SITE}/2019/khai-giang/"]
    assert crumbs(html(site, "the/cntt")) == ["Trang chủ", "Thẻ", "CNTT"]
    assert crumbs(html(site, "gioi-thieu")) == ["Trang chủ", "Giới thiệu"]


def test_month_archive_lists_that_month_only(site: Project):
    page = html(site, "2019/03")
    assert page.h1.get_text(strip=True) == "Lưu trữ tháng 3/2019"
    titles = [a.get_text() for a in page.select(".listing .card-title a")]
    assert sorted(titles) == sorted(["Khai giảng lớp bồi dưỡng kiến thức dân tộc", QUOTED_TITLE])
    assert crumbs(page) == ["Trang chủ", "Lưu trữ", "Năm 2019", "Tháng 3/2019"]
    year = html(site, "2019")
    months = [a.get_text() for a in year.find("nav", class_="months").find_all("a")]
    assert months == ["Tháng 3", "Tháng 5", "Tháng 6"]
    assert html(site, "2019/06").find("nav", class_="pagination") is not None  # 11 notices


def test_previous_and_next_follow_publication_order(site: Project):
    order = ["2018/hop-ban-chi-dao-ung-dung-cntt-nam-2018", "2019/khai-giang", "2019/hoi-thao",
             "2019/tap-huan-cntt", "2019/thong-bao-01"]
    for before, here, after in zip(order, order[1:], order[2:], strict=False):
        nav = html(site, here).find("nav", class_="neighbours")
        assert nav.find("a", rel="prev")["href"] == f"../../{before}/"
        assert nav.find("a", rel="next")["href"] == f"../../{after}/"
    first = html(site, order[0]).find("nav", class_="neighbours")
    assert first.find("a", rel="prev") is None
    newest = html(site, "2020/so-hoa").find("nav", class_="neighbours")
    assert newest.find("a", rel="next") is None  # the draft is nobody's neighbour


def test_related_articles_share_tags_first(site: Project):
    section = html(site, "2019/khai-giang").find("section", class_="related")
    assert section.h2.get_text() == "Bài liên quan"
    links = [a["href"] for a in section.find_all("a")]
    # tap-huan-cntt shares both tags and the category, hoi-thao one tag; nothing else is related
    assert links == ["../../2019/tap-huan-cntt/", "../../2019/hoi-thao/"]
    notices = html(site, "2019/thong-bao-05").find("section", class_="related").find_all("a")
    # eleven notices share the category: the three nearest in time, the newer one first on a tie
    assert [a["href"] for a in notices] == ["../../2019/thong-bao-06/", "../../2019/thong-bao-04/",
                                            "../../2019/thong-bao-07/"]
    assert html(site, "2020/so-hoa").find("section", class_="related").a["href"] == "../../2019/hoi-thao/"


def test_human_sitemap_links_every_section(site: Project):
    page = html(site, "so-do-trang")
    assert page.h1.get_text() == "Sơ đồ trang"
    hrefs = {a["href"] for a in page.find("main").find_all("a")}
    for url in ("gioi-thieu/", "lien-he/", "chuyen-muc/thong-bao/", "chuyen-muc/dao-tao-boi-duong/",
                "2019/", "2019/03/", "2020/01/", "tracker/", "feeds/all.atom.xml", "feeds/all.rss.xml",
                "feeds/all.json", "feeds/thong-bao.rss.xml", "sitemap.xml"):
        assert f"../{url}" in hrefs, url
    footer = html(site, "").find("footer")
    assert footer.find("a", string="Sơ đồ trang")["href"] == "./so-do-trang/"


def test_publish_settings_use_the_public_address_everywhere():
    settings = load_settings(Path(__file__).resolve().parent.parent / "publishconf.py")
    assert settings["SITEURL"].startswith("https://") and not settings["RELATIVE_URLS"]
    assert settings["FEED_DOMAIN"] == settings["SITEURL"]
    assert settings["FEED_ALL_ATOM"] and settings["CATEGORY_FEED_RSS"] and settings["JSON_FEED"]["save_as"]


def test_theme_builds_without_month_archives(tmp_path: Path):
    """Templates only read period_archives (a defaultdict Pelican iterates while writing)."""
    project = make_project(tmp_path / "site", sample_content=False)
    add_content(project)
    settings = project.root / "pelicanconf.py"
    plugins = [p for p in load_settings(settings)["PLUGINS"] if p != "search_index"]
    result = build_site(settings, OUTPUT_PATH=str(project.output), PLUGINS=plugins, MONTH_ARCHIVE_SAVE_AS="")
    assert result.ok, result.error
    assert not (project.output / "2019/03").exists()
    assert html(project, "2019").find("nav", class_="months") is None
    assert html(project, "luu-tru").find(class_="months") is None


def test_articles_are_listed_as_pelican_lists_them_with_translations_by_slug() -> None:
    """The site leaves Pelican's translations out (ARTICLE_TRANSLATION_ID = None: quadratic);
    its order, newest first and the same time by slug, is the one Pelican gives when it
    groups them by slug, whatever order the files were read in."""
    zone = dt.timezone(dt.timedelta(hours=7))
    rng = random.Random(3)
    articles = [SimpleNamespace(slug=f"tin-{n:03d}", lang="vi", in_default_lang=True, metadata={},
                                date=dt.datetime(2021, 5, rng.randint(1, 4), rng.choice((8, 14)), tzinfo=zone))
                for n in range(60)]
    read = rng.sample(articles, len(articles))
    by_pelican = order_content(process_translations(list(read), translation_id="slug")[0], "reversed-date")
    assert sorted(read, key=newest_first) == by_pelican
    assert order_content(list(read), newest_first) == by_pelican
    site = load_settings(Path(__file__).resolve().parent.parent / "publishconf.py")
    assert site["ARTICLE_TRANSLATION_ID"] is None and site["ARTICLE_ORDER_BY"] is newest_first
