"""Draw the site's logo and link-preview image (theme/static/images/) with Pillow.

``.venv/bin/python script/brand_images.py`` — run again after changing the colours or
the names; the files are committed, the build only copies them.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "theme/static/images"
BRAND, STAR, WHITE = (165, 14, 14), (255, 213, 79), (255, 255, 255)
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
# The favicon's star on a 32-unit grid (theme/static/favicon.svg).
STAR_POINTS = ((16, 5), (19, 13), (27, 13), (20.5, 18), (23, 26), (16, 21), (9, 26), (11.5, 18),
               (5, 13), (13, 13))


def star(draw: ImageDraw.ImageDraw, left: float, top: float, unit: float) -> None:
    draw.polygon([(left + x * unit, top + y * unit) for x, y in STAR_POINTS], fill=STAR)


def logo(size: int = 512) -> Image.Image:
    image = Image.new("RGB", (size, size), WHITE)
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((0, 0, size - 1, size - 1), radius=size // 8, fill=BRAND)
    star(draw, 0, 0, size / 32)
    return image


def share_image(parent: str, name: str, site: str) -> Image.Image:
    image = Image.new("RGB", (1200, 630), BRAND)
    draw = ImageDraw.Draw(image)
    star(draw, 40, 165, 9)
    for text, size, top in ((parent, 36, 200), (name, 64, 255), (site, 36, 350)):
        draw.text((350, top), text, font=ImageFont.truetype(FONT, size), fill=WHITE)
    draw.rectangle((0, 600, 1200, 630), fill=STAR)
    return image


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    logo().save(OUT / "logo.png", optimize=True)
    share_image("ỦY BAN DÂN TỘC", "HỌC VIỆN DÂN TỘC", "Trang thông tin điện tử").save(
        OUT / "chia-se.png", optimize=True)


if __name__ == "__main__":
    main()
