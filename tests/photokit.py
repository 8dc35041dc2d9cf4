"""Test kit: photos made with Pillow (as a phone takes them: EXIF with GPS) and a small
newsroom that shows them, so the tests never depend on the sample content."""

from __future__ import annotations

import random
from pathlib import Path

from PIL import Image, ImageDraw

from sitekit import MEETING, Project, make_project

GPS_IFD = 0x8825
GPS = {1: "N", 2: (21.0, 2.0, 3.5), 3: "E", 4: (105.0, 47.0, 12.0)}  # Hà Nội


def photo(path: Path, size: tuple[int, int] = (1200, 800), seed: int = 0, *, alpha: bool = False) -> Path:
    """A photo-like JPEG (about 260 KB at 1 200 × 800) with the camera's EXIF and GPS position;
    ``alpha``: a PNG with a transparent corner instead."""
    rnd = random.Random(seed)
    width, height = size
    image = Image.linear_gradient("L").resize(size).convert("RGB")
    image = Image.blend(image, Image.new("RGB", size, tuple(rnd.randrange(256) for _ in range(3))), 0.6)
    draw = ImageDraw.Draw(image)
    for _ in range(60):
        x, y = rnd.randrange(width), rnd.randrange(height)
        draw.ellipse((x, y, x + rnd.randrange(20, 200), y + rnd.randrange(20, 200)),
                     fill=tuple(rnd.randrange(256) for _ in range(3)))
    image = Image.blend(image, Image.effect_noise(size, 40).convert("RGB"), 0.2)
    path.parent.mkdir(parents=True, exist_ok=True)
    if alpha:
        image = image.convert("RGBA")
        image.putalpha(Image.linear_gradient("L").resize(size))
        image.save(path, "PNG")
        return path
    exif = Image.Exif()
    exif[0x010F], exif[0x0110] = "Hãng điện thoại", "Điện thoại X"
    exif.get_ifd(GPS_IFD).update(GPS)
    image.save(path, "JPEG", quality=85, exif=exif)
    return path


CATEGORIES = ("Tin tức - Sự kiện", "Thông báo", "Hội nghị - Hội thảo", "Đào tạo - Bồi dưỡng", "Nghiên cứu khoa học")


def article(n: int, *, image: str | None = None, body_image: str | None = None) -> str:
    """Article ``n``, in one of the five categories (the main menu lists each one used)."""
    head = (f"---\ntitle: Tin số {n} về hoạt động đào tạo của Học viện\ndate: 2021-03-{n:02} 08:00\n"
            f"author: Văn phòng\ncategory: {CATEGORIES[n % len(CATEGORIES)]}\n")
    if image:
        head += f"image: {image}\nimage_alt: Toàn cảnh buổi lễ số {n}\nimage_caption: Buổi lễ số {n}\n"
    body = (f"Sáng {n}/3/2021, Học viện Dân tộc tổ chức hoạt động số {n} với sự tham dự của cán bộ, "
            "giảng viên và học viên các lớp bồi dưỡng.\n\nHoạt động diễn ra trong hai ngày.\n")
    if body_image:
        body += f'\n![Học viên trao đổi trong giờ nghỉ]({body_image} "Giờ nghỉ giữa buổi")\n'
    return head + "---\n\n" + body


PAGE = """---
title: {title}
slug: {slug}
---

{title} của Học viện Dân tộc.
"""

VAN_BAN = """---
title: Văn bản
slug: van-ban
order: 3
---

Văn bản chỉ đạo, điều hành của Học viện.
"""

DOCUMENT = """---
title: Quyết định kiện toàn Ban chỉ đạo ứng dụng công nghệ thông tin
number: 47/QĐ-HVDT
issued: 2019-01-07
issuer: Học viện Dân tộc
doc_type: Quyết định
summary: Kiện toàn Ban chỉ đạo ứng dụng công nghệ thông tin của Học viện Dân tộc và phân công nhiệm vụ các thành viên.
file: files/2019/47-qd-hvdt.pdf
slug: quyet-dinh-kien-toan-ban-chi-dao-cntt
---

Quyết định được ban hành sau cuộc họp tổng kết.
"""

LEAD_ARTICLE = "2021/tin-so-12-ve-hoat-dong-dao-tao-cua-hoc-vien/"  # the newest: the home page's lead
BODY_PHOTO_ARTICLE = "2021/tin-so-11-ve-hoat-dong-dao-tao-cua-hoc-vien/"  # a lead photo and one in the body
PHOTOS = 6


def photo_site(root: Path) -> Project:
    """A newsroom of twelve articles, the newest six with lead photos (1 200 × 800, GPS EXIF),
    the second newest with a photo in its body too (1 600 × 1 067), in all five categories; a
    meeting report with action items; Văn bản with a document; Giới thiệu and Liên hệ."""
    project = make_project(root, sample_content=False)
    for n in range(1, PHOTOS + 1):
        photo(project.content / f"images/2021/anh-{n}.jpg", seed=n)
    photo(project.content / "images/2021/trong-bai.jpg", (1600, 1067), seed=99)
    for n in range(1, 13):
        lead = f"images/2021/anh-{n - 12 + PHOTOS}.jpg" if n > 12 - PHOTOS else None
        body = "images/2021/trong-bai.jpg" if n == 11 else None
        project.add(f"articles/2021/tin-{n:02}.md", article(n, image=lead, body_image=body))
    project.add("meetings/2018/hop-cntt-2018.md", MEETING)
    project.add("pages/van-ban.md", VAN_BAN)
    project.add("pages/gioi-thieu.md", PAGE.format(title="Giới thiệu", slug="gioi-thieu"))
    project.add("pages/lien-he.md", PAGE.format(title="Liên hệ", slug="lien-he"))
    project.add("documents/2019/quyet-dinh.md", DOCUMENT)
    (project.content / "files/2019").mkdir(parents=True)
    (project.content / "files/2019/47-qd-hvdt.pdf").write_bytes(b"%PDF-1.4\n%%EOF\n")
    return project
