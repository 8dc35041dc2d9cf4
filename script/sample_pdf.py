"""Draw a one-page sample PDF for a Văn bản with Pillow (the sample content's files).

``.venv/bin/python script/sample_pdf.py OUT.pdf "47/QĐ-HVDT" "21/01/2019" "QUYẾT ĐỊNH" "Về việc …"``
writes an A4 page at 100 dpi marked "VĂN BẢN MẪU": a stand-in for a scanned document.
"""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"
BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSerif-Bold.ttf"
A4 = (827, 1169)  # 100 dpi


def sample_pdf(out: Path, number: str, issued: str, kind: str, about: str,
               issuer: str = "HỌC VIỆN DÂN TỘC") -> None:
    page = Image.new("L", A4, 255)
    draw = ImageDraw.Draw(page)
    regular, bold = ImageFont.truetype(FONT, 17), ImageFont.truetype(BOLD, 17)
    left, right = 210, 590  # centres of the two header blocks
    for x, y, text, font in ((left, 60, "ỦY BAN DÂN TỘC", regular), (left, 85, issuer, bold),
                             (left, 125, f"Số: {number}", regular),
                             (right, 60, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold),
                             (right, 85, "Độc lập - Tự do - Hạnh phúc", bold),
                             (right, 125, f"Hà Nội, ngày {issued}", regular)):
        draw.text((x, y), text, font=font, fill=0, anchor="mt")
    draw.text((A4[0] // 2, 200), kind, font=ImageFont.truetype(BOLD, 26), fill=0, anchor="mm")
    for n, line in enumerate(textwrap.wrap(about, 60)):
        draw.text((A4[0] // 2, 240 + 28 * n), line, font=bold, fill=0, anchor="mm")
    draw.text((A4[0] // 2, 600), "VĂN BẢN MẪU", font=ImageFont.truetype(BOLD, 64), fill=200, anchor="mm")
    draw.text((A4[0] // 2, 660), "Nội dung minh hoạ của hệ thống Tòa soạn", font=regular, fill=120, anchor="mm")
    out.parent.mkdir(parents=True, exist_ok=True)
    page.convert("1").save(out, "PDF", resolution=100)


if __name__ == "__main__":
    sample_pdf(Path(sys.argv[1]), *sys.argv[2:6])
