"""Draw the sample site's illustrations that stand in for news photos (content/images/), with Pillow.

``.venv/bin/python script/sample_images.py`` — the files are committed; the build makes
their published sizes (plugins/responsive_images).
"""

from __future__ import annotations

from pathlib import Path

from brand_images import BRAND, FONT, STAR
from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parent.parent
WALL, FLOOR, INK = (244, 236, 220), (122, 138, 110), (40, 44, 52)
COATS = ((52, 64, 84), (70, 70, 70), (96, 64, 48), (44, 90, 80), (80, 60, 100), (60, 84, 120))


def seminar(title: str, subtitle: str, size: tuple[int, int] = (960, 540)) -> Image.Image:
    """A seminar seen from the back of the room: banner, screen, speaker, rows of listeners."""
    width, height = size
    image = Image.new("RGB", size, WALL)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 300, width, height), fill=FLOOR)
    draw.rectangle((140, 40, 820, 200), fill=BRAND)
    for text, font_size, top in ((subtitle, 16, 58), (title, 22, 84)):
        font = ImageFont.truetype(FONT, font_size)
        left = (width - draw.textlength(text, font=font)) / 2
        draw.text((left, top), text, font=font, fill=STAR)
    draw.rectangle((600, 215, 830, 345), fill=(38, 64, 96))  # the screen: a chart going up
    for n, bar in enumerate((30, 55, 70, 95)):
        draw.rectangle((625 + n * 50, 330 - bar, 655 + n * 50, 330), fill=(120, 170, 220))
    draw.rectangle((180, 250, 300, 350), fill=(110, 70, 40))  # the lectern and its speaker
    draw.ellipse((222, 205, 258, 241), fill=(230, 190, 160))
    draw.rectangle((214, 238, 266, 262), fill=COATS[0])
    for row, top in enumerate((380, 430, 485)):
        for seat in range(9):
            left = 60 + seat * 98 + (row % 2) * 30
            draw.rounded_rectangle((left, top + 24, left + 70, top + 80), radius=14, fill=COATS[(seat + row) % 6])
            draw.ellipse((left + 17, top - 8, left + 53, top + 30), fill=INK)
    return image


def main() -> None:
    target = ROOT / "content/images/2021/hoi-thao-chuyen-doi-so.jpg"
    target.parent.mkdir(parents=True, exist_ok=True)
    seminar("CHUYỂN ĐỔI SỐ VÙNG ĐỒNG BÀO DÂN TỘC THIỂU SỐ", "HỌC VIỆN DÂN TỘC · HỘI THẢO KHOA HỌC").save(
        target, quality=80, optimize=True, progressive=True)


if __name__ == "__main__":
    main()
