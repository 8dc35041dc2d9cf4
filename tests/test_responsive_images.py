"""Responsive images (plugins/responsive_images, toasoan/images.py) in real Pelican builds of a
newsroom with Pillow-made photos: widths, formats, markup, no EXIF anywhere, the cache, and
incremental builds that stay equal to clean ones."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from editkit import assert_same_as_clean, build, session_for
from photokit import BODY_PHOTO_ARTICLE, GPS_IFD, LEAD_ARTICLE, photo, photo_site
from PIL import Image

from sitekit import Project
from toasoan.build.plan import build_site


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Project:
    project = photo_site(tmp_path_factory.mktemp("photos") / "site")
    photo(project.content / "images/2021/nho.jpg", (500, 300), seed=5)  # narrower than 720: not upscaled
    photo(project.content / "images/2021/logo-trong-suot.png", (800, 400), seed=6, alpha=True)
    with (project.content / "images/2021/qua-lon.jpg").open("wb") as big:  # 10 MB and a byte
        big.truncate(10 * 1024 * 1024 + 1)
    result = build_site(project.root / "pelicanconf.py", incremental=False, OUTPUT_PATH=str(project.output))
    assert result.ok, (result.error, [f.code for f in result.findings])
    return project


def html(project: Project, relpath: str) -> BeautifulSoup:
    return BeautifulSoup((project.output / relpath / "index.html").read_text(encoding="utf-8"), "html.parser")


def published_images(project: Project) -> list[Path]:
    return sorted(p for p in (project.output / "images").rglob("*") if p.is_file())


def test_a_phone_photo_comes_out_without_exif_or_gps_in_every_variant(site: Project) -> None:
    with Image.open(site.content / "images/2021/anh-1.jpg") as original:
        assert original.getexif().get_ifd(GPS_IFD)  # the fixture does carry a position
    names = {p.relative_to(site.output).as_posix() for p in published_images(site)}
    assert {"images/2021/anh-1.jpg", "images/2021/anh-1-360.webp", "images/2021/anh-1-720.webp",
            "images/2021/anh-1-1200.webp"} <= names
    for path in published_images(site):
        with Image.open(path) as image:
            assert not image.getexif(), path
            assert not ({"exif", "xmp", "XML:com.adobe.xmp", "comment"} & image.info.keys()), (path, image.info.keys())
    assert not (site.output / "images/2021/qua-lon.jpg").exists()  # over 10 MB: not published at all


def test_widths_are_never_upscaled_and_the_widest_is_capped(site: Project) -> None:
    sizes = {p.name: Image.open(p).size for p in published_images(site)}
    assert sizes["nho.jpg"] == (500, 300) and sizes["nho-360.webp"] == (360, 216)
    assert not any(name.startswith("nho-") and name.endswith(("720.webp", "1200.webp")) for name in sizes)
    assert sizes["trong-bai.jpg"] == (1200, 800) and sizes["trong-bai-1200.webp"] == (1200, 800)  # from 1 600


def test_a_transparent_png_keeps_its_alpha_in_webp_and_png(site: Project) -> None:
    for name in ("logo-trong-suot.png", "logo-trong-suot-720.webp", "logo-trong-suot-360.webp"):
        with Image.open(site.output / "images/2021" / name) as image:
            assert image.mode == "RGBA" and image.getextrema()[3][0] < 50, name


def test_the_lead_photo_is_a_picture_with_sizes_and_no_layout_shift(site: Project) -> None:
    page = html(site, LEAD_ARTICLE)
    picture = page.find("figure", class_="entry-figure").find("picture")
    source, img = picture.find("source"), picture.find("img")
    assert source["type"] == "image/webp" and "anh-6-360.webp 360w" in source["srcset"]
    assert source["srcset"].endswith("anh-6-1200.webp 1200w") and source["sizes"]
    assert (img["width"], img["height"]) == ("1200", "800") and img["alt"] == "Toàn cảnh buổi lễ số 12"
    assert img["fetchpriority"] == "high" and "loading" not in img.attrs  # the lead loads first
    assert img["src"].endswith("images/2021/anh-6.jpg") and "srcset" not in img.attrs  # the fallback: one size
    assert page.find(class_="prose").find("picture") is None
    body = html(site, BODY_PHOTO_ARTICLE).find(class_="prose").find("picture")  # a photo in the body: lazy
    assert body.find("img")["loading"] == "lazy" and body.find("img")["decoding"] == "async"
    assert body.find("img")["alt"] == "Học viên trao đổi trong giờ nghỉ"
    assert body.find_parent("figure").figcaption.get_text() == "Giờ nghỉ giữa buổi"


def test_home_leads_with_a_large_photo_then_thumbnails(site: Project) -> None:
    cards = html(site, "").find(class_="home-news").find_all("article")
    lead = cards[0].find("img")
    assert "card-lead-image" in cards[0]["class"] and lead["fetchpriority"] == "high"
    thumbs = [c for c in cards[1:] if "card-thumb" in c["class"]]
    assert len(thumbs) == 3 and all(c.find("img")["loading"] == "lazy" for c in thumbs)
    assert all(c.find("source")["sizes"] == "7rem" for c in thumbs)
    assert not any(c.find("img") for c in cards[4:])


def test_the_cache_keeps_made_files_and_incremental_builds_equal_clean_ones(tmp_path: Path,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    from editkit import EPOCH

    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    project = photo_site(tmp_path / "site")
    build(project)
    cache = project.root / ".cache/toasoan/images"
    made = {p.name: p.stat().st_mtime_ns for p in cache.iterdir()}
    assert len(made) == 7 * 4  # six 1 200 px photos and one 1 600 px: 3 widths in WebP, the widest in JPEG
    assert_same_as_clean(project, "photos")  # the clean build takes them from the cache too
    assert {p.name: p.stat().st_mtime_ns for p in cache.iterdir()} == made
    # A body edit of an article showing a photo, patched into a preview's run: still a <picture>.
    preview = session_for(project)
    assert preview.build().ok
    edited_file = project.content / "articles/2021/tin-11.md"
    edited_file.write_text(edited_file.read_text(encoding="utf-8") + "\nCâu bổ sung.\n", encoding="utf-8")
    assert preview.build().patched
    assert html(project, BODY_PHOTO_ARTICLE).find(class_="prose").find("picture") is not None
    assert_same_as_clean(project, "body edit patched")
    # A new photo at the same address: its page and the home page show the new one.
    before = (project.output / LEAD_ARTICLE / "index.html").read_bytes()
    photo(project.content / "images/2021/anh-6.jpg", (900, 600), seed=60)
    edited = build(project)
    assert edited.rendered > 0
    page = (project.output / LEAD_ARTICLE / "index.html").read_bytes()
    assert page != before and b'width="900" height="600"' in page
    assert_same_as_clean(project, "photo replaced")
    # A photo added to a body.
    article = project.content / "articles/2021/tin-01.md"
    photo(project.content / "images/2021/moi.jpg", seed=61)
    article.write_text(article.read_text(encoding="utf-8") + '\n![Ảnh mới](images/2021/moi.jpg "Ảnh mới")\n',
                       encoding="utf-8")
    build(project)
    assert (project.output / "images/2021/moi-720.webp").is_file()
    assert_same_as_clean(project, "photo added to a body")
