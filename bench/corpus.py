"""A deterministic Vietnamese newsroom corpus for benchmarks and build tests.

``python -m bench.corpus FOLDER --count 5000 [--seed 2018]`` writes a content folder
(``articles/``, ``meetings/``, ``pages/``, ``data/units.yml``, a few tiny images) that
``invoke check`` accepts without errors: news articles of 300–800 words in NFC Vietnamese
with tags, authors and categories from ``pelicanconf.py``, and 20 % meeting reports whose
action items (owners from the units roster) are followed up by ``updates`` in later
meetings. The same count and seed always give the same bytes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import re
import shutil
import struct
import unicodedata
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from toasoan.build.plan import load_settings
from toasoan.model import load_units
from toasoan.settings import newsroom_settings
from toasoan.text import slugify

REPO = Path(__file__).resolve().parent.parent
DEFAULT_SEED = 2018
MEETING_SHARE = 0.20
FIRST_DAY = dt.date(2014, 1, 6)
LAST_DAY = dt.date(2026, 6, 30)
IMAGE_COUNT = 8
MIN_WORDS, MAX_WORDS = 300, 800

# --------------------------------------------------------------------------- word banks
PEOPLE = (
    "Thu Phương", "Hoàng Long", "Minh Anh", "Ngọc Lan", "Quốc Huy", "Thanh Hà", "Đức Thắng",
    "Bích Ngọc", "Văn Tùng", "Hải Yến", "Trọng Nghĩa", "Phương Thảo", "Mạnh Cường", "Lê Hằng",
    "Tuấn Anh", "Kim Oanh", "Đình Khôi", "Thu Trang", "Xuân Bách", "Hồng Nhung", "Việt Dũng",
    "Mai Hương", "Quang Vinh", "Diệu Linh",
)
LEADERS = (
    "PGS.TS. Trần Trung, Giám đốc Học viện", "TS. Nguyễn Văn Minh, Phó Giám đốc Học viện",
    "PGS.TS. Lê Thị Hòa, Phó Giám đốc Học viện", "TS. Phạm Quang Đạo, Chánh Văn phòng",
)
PROVINCES = (
    "Hà Giang", "Lào Cai", "Điện Biên", "Lai Châu", "Sơn La", "Cao Bằng", "Lạng Sơn", "Bắc Kạn",
    "Tuyên Quang", "Yên Bái", "Hòa Bình", "Thanh Hóa", "Nghệ An", "Quảng Nam", "Kon Tum",
    "Gia Lai", "Đắk Lắk", "Đắk Nông", "Lâm Đồng", "Ninh Thuận", "Sóc Trăng", "Trà Vinh",
    "An Giang", "Quảng Trị", "Thừa Thiên Huế",
)
ETHNIC_GROUPS = (
    "Tày", "Thái", "Mường", "Khmer", "Nùng", "Mông", "Dao", "Gia Rai", "Ê Đê", "Ba Na",
    "Xơ Đăng", "Sán Chay", "Cơ Ho", "Chăm", "Sán Dìu", "Hrê", "Mnông", "Ra Glai", "Xtiêng",
    "Bru - Vân Kiều", "Thổ", "Giáy", "Cơ Tu", "Giẻ Triêng", "Mạ", "Khơ Mú", "Co", "Tà Ôi",
    "Chơ Ro", "Kháng", "Xinh Mun", "Hà Nhì", "Chu Ru", "Lào", "La Chí", "La Ha", "Phù Lá",
    "La Hủ", "Lự", "Lô Lô", "Chứt", "Mảng", "Pà Thẻn", "Cơ Lao", "Cống", "Bố Y", "Si La",
    "Pu Péo", "Brâu", "Ơ Đu", "Rơ Măm",
)
TOPICS = (
    "chính sách dân tộc", "công tác dân tộc", "chuyển đổi số", "giảm nghèo bền vững",
    "bảo tồn văn hóa truyền thống", "giáo dục song ngữ", "sinh kế cho đồng bào vùng cao",
    "ứng dụng công nghệ thông tin", "quản lý nhà nước về công tác dân tộc",
    "phát triển kinh tế - xã hội vùng đồng bào dân tộc thiểu số", "bình đẳng giới",
    "bảo tồn tiếng nói và chữ viết dân tộc", "di cư lao động", "du lịch cộng đồng",
    "y tế cơ sở", "an sinh xã hội", "số hóa tài liệu", "thư viện số", "nghiên cứu liên ngành",
    "đào tạo nguồn nhân lực người dân tộc thiểu số", "kỹ năng số cho cán bộ cơ sở",
    "phát triển hạ tầng vùng đặc biệt khó khăn", "nông nghiệp hàng hóa vùng cao",
    "tín ngưỡng và lễ hội truyền thống", "quản lý rừng cộng đồng",
)
COMMON_TAGS = (
    "CNTT", "Chuyển đổi số", "Đào tạo", "Bồi dưỡng", "Nghiên cứu khoa học", "Hợp tác quốc tế",
    "Thư viện", "Chính sách dân tộc", "Cổng thông tin", "Hội thảo", "Tuyển sinh", "Thi đua",
    "Giảm nghèo", "Văn hóa", "Giáo dục", "Y tế", "Du lịch cộng đồng", "Bình đẳng giới",
)
BODIES = (  # (governing body, action-item id prefix)
    ("Ban chỉ đạo ứng dụng CNTT", "CNTT"),
    ("Ban biên tập Trang thông tin điện tử", "BBT"),
    ("Hội đồng Khoa học và Đào tạo", "KHDT"),
    ("Ban chỉ đạo chuyển đổi số", "CDS"),
    ("Hội đồng Thi đua - Khen thưởng", "TDKT"),
)
PHASES = ("sơ kết quý I", "sơ kết 6 tháng đầu năm", "sơ kết quý III", "tổng kết năm",
          "giao ban tháng", "họp chuyên đề")
ITEM_TASKS = (
    "Xây dựng kế hoạch {topic} giai đoạn {year}–{year2}",
    "Tổ chức tập huấn {topic} cho cán bộ, viên chức",
    "Rà soát, sửa đổi quy chế về {topic}",
    "Nâng cấp phần mềm quản lý {system}",
    "Khảo sát nhu cầu {topic} tại tỉnh {place}",
    "Số hóa hồ sơ {system} giai đoạn {year}–{year2}",
    "Biên soạn tài liệu bồi dưỡng về {topic}",
    "Lập dự toán kinh phí {topic} năm {year2}",
    "Xây dựng cơ sở dữ liệu về đồng bào {ethnic}",
    "Báo cáo đánh giá kết quả {topic} năm {year}",
)
SYSTEMS = ("đào tạo", "văn bản", "thư viện", "khoa học", "nhân sự", "tài sản", "học viên",
           "hội nghị trực tuyến", "thư điện tử công vụ")
TITLES = {
    "Tin tức - Sự kiện": (
        "Học viện Dân tộc làm việc với tỉnh {place} về {topic}",
        "Đoàn công tác Học viện khảo sát {topic} tại {place}",
        "Học viện Dân tộc tiếp đoàn đại biểu tỉnh {place}",
        "Học viện trao tặng sách cho học sinh dân tộc {ethnic} ở {place}",
        "Viên chức Học viện tham gia hoạt động tình nguyện tại {place} năm {year}",
    ),
    "Thông báo": (
        "Thông báo tuyển sinh lớp bồi dưỡng về {topic} năm {year}",
        "Thông báo lịch làm việc tháng {month}/{year}",
        "Thông báo về việc đăng ký đề tài khoa học năm {year2}",
        "Thông báo nghỉ lễ và bố trí trực cơ quan tháng {month}/{year}",
        "Thông báo tiếp nhận bài viết cho kỷ yếu về {topic}",
    ),
    "Hội nghị - Hội thảo": (
        "Hội thảo khoa học về {topic} vùng đồng bào {ethnic}",
        "Hội thảo quốc tế về {topic} tổ chức tại {place}",
        "Tọa đàm {topic} ở tỉnh {place}",
    ),
    "Đào tạo - Bồi dưỡng": (
        "Khai giảng lớp bồi dưỡng kiến thức dân tộc cho cán bộ tỉnh {place}",
        "Bế giảng lớp bồi dưỡng về {topic} khóa {number}",
        "Tập huấn {topic} cho cán bộ cơ sở tỉnh {place}",
        "Bồi dưỡng tiếng {ethnic} cho cán bộ, công chức tỉnh {place}",
    ),
    "Nghiên cứu khoa học": (
        "Nghiệm thu đề tài về {topic} của đồng bào {ethnic}",
        "Công bố kết quả điều tra {topic} tại {place} năm {year}",
        "Xuất bản chuyên khảo về văn hóa dân tộc {ethnic}",
        "Đề tài cấp bộ về {topic} được đánh giá xuất sắc",
    ),
}
SENTENCES = (
    "Ngày {date}, {subject} đã tổ chức buổi làm việc về {topic} với sự tham gia của đại diện {unit}.",
    "Theo báo cáo của {unit}, trong năm {year} có {number} lượt cán bộ được bồi dưỡng về {topic}.",
    "{subject} nhấn mạnh {topic} là nhiệm vụ thường xuyên, cần sự phối hợp chặt chẽ giữa các đơn vị.",
    "Tại tỉnh {place}, đồng bào {ethnic} chiếm khoảng {percent}% dân số, sinh sống chủ yếu ở các xã vùng cao.",
    "Nhiều ý kiến cho rằng cần đổi mới nội dung, phương pháp {topic} để phù hợp với điều kiện của từng địa phương.",
    "Kết quả khảo sát tại {number} thôn, bản cho thấy nhu cầu về {topic} của người dân ngày càng tăng.",
    "Đại diện {unit} đề nghị bố trí thêm kinh phí cho {topic} trong dự toán năm {year2}.",
    "Các đại biểu đã trao đổi kinh nghiệm về {topic} và {topic2}, đồng thời nêu những khó khăn, vướng mắc.",
    "Học viện sẽ tiếp tục phối hợp với Sở, ngành tỉnh {place} triển khai các hoạt động về {topic}.",
    "Chương trình gồm {number} chuyên đề, do giảng viên của Học viện và chuyên gia trong ngành trình bày.",
    "Phát biểu bế mạc, {leader} đánh giá cao tinh thần trách nhiệm của các đơn vị tham gia.",
    "Trong thời gian tới, {unit} chủ trì xây dựng kế hoạch chi tiết và báo cáo kết quả trước ngày {date2}.",
    "Tài liệu của hội nghị được đăng tải trên Trang thông tin điện tử để cán bộ, viên chức tham khảo.",
    "Đồng bào {ethnic} có kho tàng văn hóa phong phú, từ dân ca, lễ hội đến nghề dệt thổ cẩm truyền thống.",
    "Tỷ lệ hộ nghèo ở các xã đặc biệt khó khăn của tỉnh {place} đã giảm còn khoảng {percent}%.",
    "Lớp học thu hút {number} học viên là cán bộ, công chức cấp xã và người có uy tín trong cộng đồng.",
    "Nhóm nghiên cứu đã thực hiện {number} cuộc phỏng vấn sâu và thảo luận nhóm với người dân địa phương.",
    "Việc ứng dụng công nghệ thông tin giúp rút ngắn thời gian xử lý hồ sơ và công khai thông tin kịp thời.",
    "{subject} yêu cầu các đơn vị rà soát lại kế hoạch, bảo đảm tiến độ và chất lượng công việc.",
    "Hội đồng đánh giá đề tài có ý nghĩa thực tiễn, số liệu tin cậy và đề xuất nhiều giải pháp khả thi.",
    "Buổi làm việc diễn ra trong không khí cởi mở, thẳng thắn và đạt được nhiều kết quả thiết thực.",
    "Theo kế hoạch, từ nay đến cuối năm {year}, Học viện sẽ mở thêm {number} lớp bồi dưỡng tại các địa phương.",
    "Những kết quả bước đầu cho thấy hướng đi đúng đắn của {topic} trong giai đoạn hiện nay.",
    "Thông tin chi tiết xin liên hệ {unit}, điện thoại 024 0000 {phone}.",
)
DECISIONS = (
    "Giao {unit} chủ trì triển khai {topic}, báo cáo kết quả trước ngày {date2}.",
    "Thống nhất bố trí kinh phí cho {topic} trong dự toán năm {year2}.",
    "Các đơn vị rà soát kế hoạch năm {year}, bảo đảm tiến độ và chất lượng.",
    "Tăng cường phối hợp với tỉnh {place} trong {topic}.",
    "Ưu tiên bồi dưỡng kỹ năng số cho cán bộ, viên chức trẻ.",
    "Đưa kết quả {topic} lên Trang thông tin điện tử của Học viện.",
)
HEADINGS = ("Kết quả nổi bật", "Những khó khăn, vướng mắc", "Nhiệm vụ thời gian tới",
            "Ý kiến của đại biểu", "Một số kiến nghị", "Bối cảnh", "Phương hướng triển khai")
SUBJECTS = ("Học viện Dân tộc", "Ban Giám đốc Học viện", "Lãnh đạo Học viện", "Ủy ban Dân tộc")
WORDS = re.compile(r"\S+")


@dataclass
class Corpus:
    """What was written: every file, and the article the benchmark edits."""

    folder: Path
    count: int
    seed: int
    files: list[str] = field(default_factory=list)  # paths under folder, content order
    meetings: list[str] = field(default_factory=list)
    edit_target: str = ""


@dataclass
class _Item:
    ident: str
    prefix: str
    progress: int
    last: int  # index of the document that last touched it


def site_vocabulary(settings_file: Path = REPO / "pelicanconf.py") -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The site's categories (pelicanconf.py) and unit names (content/data/units.yml)."""
    settings = load_settings(settings_file)
    options = newsroom_settings(settings)
    units, problems = load_units(REPO / "content", str(options["units_file"]))
    if problems:
        raise RuntimeError(f"units roster unreadable: {problems}")
    return tuple(options["categories"]), tuple(u.name for u in units)


_PLAIN = re.compile(r"[^\s\-?:,\[\]{}#&*!|>'\"%@`](?:[^:#]|:(?! ))*")


def yaml_text(value: str, flow: bool = False) -> str:
    """A YAML scalar: plain when that is safe, else double-quoted (JSON strings are YAML)."""
    plain = _PLAIN.fullmatch(value) and not value.endswith((" ", ":"))
    if plain and not (flow and any(c in value for c in ",[]{}")):
        return value
    return json.dumps(value, ensure_ascii=False)


def yaml_list(values: list[str] | tuple[str, ...]) -> str:
    return "[" + ", ".join(yaml_text(v, flow=True) for v in values) + "]"


def tiny_png(rgb: tuple[int, int, int], width: int = 16, height: int = 9) -> bytes:
    """A valid PNG of one colour, a few dozen bytes."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    rows = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows, 9)) + \
        chunk(b"IEND", b"")


class Writer:
    """Generates the documents in date order with one seeded random source."""

    def __init__(self, count: int, seed: int, categories: tuple[str, ...], units: tuple[str, ...]) -> None:
        self.count = count
        self.rng = random.Random(seed)
        self.categories = tuple(c for c in categories)
        self.news_categories = tuple(c for c in categories if c in TITLES) or categories
        self.units = units
        self.tags = (*COMMON_TAGS, *(f"Dân tộc {e}" for e in ETHNIC_GROUPS), *PROVINCES)
        self.slugs: set[str] = set()
        self.items: dict[str, list[_Item]] = {prefix: [] for _, prefix in BODIES}
        self.serials: dict[tuple[str, int], int] = {}
        self.published: list[tuple[str, str]] = []  # (url, title) of earlier published articles
        self.drafts: set[str] = set()
        self.moments = self._moments()

    # ---------------------------------------------------------------- dates
    def _moments(self) -> list[dt.datetime]:
        """One strictly increasing publication time per document, in office hours."""
        days = (LAST_DAY - FIRST_DAY).days
        per_day: dict[int, int] = {}
        slots = [int(i * days / self.count) for i in range(self.count)]
        for day in slots:
            per_day[day] = per_day.get(day, 0) + 1
        seen: dict[int, int] = {}
        moments = []
        for day in slots:
            rank = seen.get(day, 0)
            seen[day] = rank + 1
            minutes = 9 * 60 + 30 + rank * (11 * 60 // per_day[day])  # 09:30 … 20:30
            moments.append(dt.datetime.combine(FIRST_DAY + dt.timedelta(days=day), dt.time())
                           + dt.timedelta(minutes=minutes))
        return moments

    # ---------------------------------------------------------------- text
    def _slots(self, when: dt.datetime) -> dict[str, str]:
        r = self.rng
        return {
            "topic": r.choice(TOPICS), "topic2": r.choice(TOPICS), "place": r.choice(PROVINCES),
            "ethnic": r.choice(ETHNIC_GROUPS), "unit": r.choice(self.units),
            "subject": r.choice(SUBJECTS), "leader": r.choice(LEADERS),
            "number": str(r.randint(3, 120)), "percent": str(r.randint(5, 85)),
            "phone": f"{r.randint(0, 9999):04d}", "year": str(when.year), "year2": str(when.year + 1),
            "month": str(when.month), "system": r.choice(SYSTEMS),
            "date": when.strftime("%d/%m/%Y"),
            "date2": (when + dt.timedelta(days=r.randint(20, 120))).strftime("%d/%m/%Y"),
        }

    def sentence(self, when: dt.datetime) -> str:
        text = self.rng.choice(SENTENCES).format(**self._slots(when))
        return text[0].upper() + text[1:]

    def decision(self, when: dt.datetime) -> str:
        return self.rng.choice(DECISIONS).format(**self._slots(when))

    def paragraph(self, when: dt.datetime) -> str:
        return " ".join(self.sentence(when) for _ in range(self.rng.randint(3, 6)))

    def body(self, when: dt.datetime, lead: str, extra: list[str]) -> str:
        """300–800 words: a lead, paragraphs, sometimes a heading or a list, then ``extra``."""
        r = self.rng
        target = r.randint(MIN_WORDS, MAX_WORDS)
        blocks = [lead]
        words = len(WORDS.findall(lead)) + sum(len(WORDS.findall(e)) for e in extra)
        while words < target:
            roll = r.random()
            if roll < 0.12:
                block = f"## {r.choice(HEADINGS)}"
            elif roll < 0.22:
                block = "\n".join(f"- {self.sentence(when)}" for _ in range(r.randint(2, 4)))
            elif roll < 0.28:
                block = f"**{self.sentence(when)}** {self.paragraph(when)}"
            else:
                block = self.paragraph(when)
            size = len(WORDS.findall(block))
            if words + size > MAX_WORDS and words >= MIN_WORDS:
                break
            blocks.append(block)
            words += size
        return "\n\n".join([*blocks, *extra]) + "\n"

    def title(self, category: str, when: dt.datetime) -> str:
        return self.rng.choice(TITLES[category]).format(**self._slots(when))

    def slug(self, title: str) -> tuple[str, bool]:
        """The title's slug, or a numbered one when taken (then written in front matter)."""
        base = slugify(title)[:70].rstrip("-")
        slug, number = base, 1
        while slug in self.slugs:
            number += 1
            slug = f"{base}-{number}"
        self.slugs.add(slug)
        return slug, slug != slugify(title)

    def pick_tags(self) -> list[str]:
        r = self.rng
        count = r.choice((0, 1, 2, 2, 3, 3, 4))
        chosen = [r.choice(COMMON_TAGS) if r.random() < 0.5 else r.choice(self.tags) for _ in range(count)]
        return list(dict.fromkeys(chosen))

    # ---------------------------------------------------------------- documents
    def header(self, fields: list[tuple[str, str]]) -> str:
        return "---\n" + "".join(f"{key}: {value}\n" for key, value in fields)

    def common_fields(self, title: str, when: dt.datetime, category: str | None) -> list[tuple[str, str]]:
        r = self.rng
        authors = r.sample(PEOPLE, 2) if r.random() < 0.1 else [r.choice(PEOPLE)]
        fields = [("title", yaml_text(title)), ("date", when.strftime("%Y-%m-%d %H:%M")),
                  ("author", yaml_list(authors) if len(authors) > 1 else yaml_text(authors[0]))]
        if category:
            fields.append(("category", yaml_text(category)))
        tags = self.pick_tags()
        if tags:
            fields.append(("tags", yaml_list(tags)))
        return fields

    def extras(self, when: dt.datetime) -> tuple[list[tuple[str, str]], list[str]]:
        """Sometimes an image field, an inline figure, or a link to an earlier article."""
        r = self.rng
        fields: list[tuple[str, str]] = []
        blocks: list[str] = []
        if r.random() < 0.04:
            number = r.randint(1, IMAGE_COUNT)
            fields += [("image", f"images/bench/anh-{number:02d}.png"),
                       ("image_alt", yaml_text(f"Ảnh minh họa số {number}: {r.choice(TOPICS)}"))]
            if r.random() < 0.5:
                fields.append(("image_caption", yaml_text(self.sentence(when).rstrip("."))))
        if r.random() < 0.02:
            number = r.randint(1, IMAGE_COUNT)
            blocks.append(f'![Ảnh tư liệu số {number}](images/bench/anh-{number:02d}.png "Ảnh tư liệu")')
        if self.published and r.random() < 0.05:
            url, title = r.choice(self.published[-200:])
            blocks.append(f"Xem thêm: [{title}]({url}).")
        return fields, blocks

    def article(self, index: int) -> tuple[str, str]:
        r = self.rng
        when = self.moments[index]
        category = r.choice(self.news_categories)
        title = self.title(category, when)
        slug, explicit = self.slug(title)
        fields = self.common_fields(title, when, category)
        if r.random() < 0.3:
            fields.append(("summary", yaml_text(self.sentence(when))))
        if explicit:
            fields.append(("slug", slug))
        draft = r.random() < 0.01
        if draft:
            fields.append(("status", "draft"))
        more, blocks = self.extras(when)
        fields += more
        text = self.header(fields) + "---\n\n" + self.body(when, self.paragraph(when), blocks)
        relpath = f"articles/{when.year}/{slug}.md"
        if draft:
            self.drafts.add(relpath)
        else:
            self.published.append((f"/{when.year}/{slug}/", title))
        return relpath, text

    def meeting(self, index: int) -> tuple[str, str]:
        r = self.rng
        when = self.moments[index]
        held = when - dt.timedelta(hours=2)
        body_name, prefix = r.choice(BODIES)
        phase = r.choice(PHASES)
        title = f"{body_name} {phase} {f'{held.month}/' if phase == 'giao ban tháng' else ''}{held.year}"
        slug, explicit = self.slug(title)
        fields = self.common_fields(title, when, None)
        if explicit:
            fields.append(("slug", slug))
        lines = [
            "meeting:",
            f"  date: {held.strftime('%Y-%m-%d %H:%M')}",
            f"  location: {yaml_text(r.choice(('Hà Nội', 'Hội trường Học viện', 'Trực tuyến')))}",
            f"  chair: {yaml_text(r.choice(LEADERS))}",
            f"  bodies: {yaml_list([body_name])}",
            "decisions:",
            *(f"  - {yaml_text(self.decision(held))}" for _ in range(r.randint(2, 4))),
        ]
        updates = self._updates(index, prefix, held)
        decided = self._decide(index, prefix, held)
        if decided:
            lines += ["action_items:", *decided]
        if updates:
            lines += ["updates:", *updates]
        lead = (f"Ngày {held.strftime('%d/%m/%Y')}, {body_name} đã họp {phase} dưới sự chủ trì của "
                f"{r.choice(LEADERS)}. {self.paragraph(when)}")
        text = self.header(fields) + "\n".join(lines) + "\n---\n\n" + self.body(when, lead, [])
        self.published.append((f"/{when.year}/{slug}/", title))
        return f"meetings/{when.year}/{slug}.md", text

    def _decide(self, index: int, prefix: str, held: dt.datetime) -> list[str]:
        r = self.rng
        lines = []
        for _ in range(r.randint(1, 3)):
            serial = self.serials.get((prefix, held.year), 0) + 1
            self.serials[(prefix, held.year)] = serial
            ident = f"{prefix}-{held.year}-{serial:03d}"
            slots = self._slots(held)
            due = held.date() + dt.timedelta(days=r.randint(30, 365))
            owner, *support = r.sample(self.units, r.randint(1, 3))
            lines += [f"  - id: {ident}",
                      f"    title: {yaml_text(r.choice(ITEM_TASKS).format(**slots))}",
                      f"    owner: {yaml_text(owner)}"]
            if support:
                lines.append(f"    support: {yaml_list(support)}")
            lines += [f"    due: {due.isoformat()}",
                      f"    priority: {r.choice(('high', 'normal', 'normal', 'low'))}",
                      "    status: open", "    progress: 0"]
            self.items[prefix].append(_Item(ident, prefix, 0, index))
        return lines

    def _updates(self, index: int, prefix: str, held: dt.datetime) -> list[str]:
        """Follow-ups on the body's oldest open items (all decided in earlier meetings)."""
        r = self.rng
        open_items = sorted(self.items[prefix], key=lambda i: i.last)[: r.randint(4, 7)]
        lines = []
        for item in open_items:
            roll = r.random()
            if roll < 0.04:
                status, progress = "cancelled", item.progress
            elif roll < 0.10:
                status, progress = "blocked", item.progress
            else:
                progress = min(100, item.progress + r.randint(25, 70))
                status = "done" if progress == 100 else "in_progress"
            lines += [f"  - id: {item.ident}", f"    status: {status}", f"    progress: {progress}",
                      f"    note: {yaml_text(self.sentence(held))}"]
            if status in ("in_progress", "blocked") and r.random() < 0.1:
                due = held.date() + dt.timedelta(days=r.randint(60, 240))
                lines.append(f"    due: {due.isoformat()}")
            item.progress, item.last = progress, index
            if status in ("done", "cancelled"):
                self.items[prefix].remove(item)
        return lines


PAGES = {
    "pages/gioi-thieu.md": "---\ntitle: Giới thiệu\nslug: gioi-thieu\norder: 1\n---\n\n"
    "Học viện Dân tộc là đơn vị sự nghiệp công lập trực thuộc Ủy ban Dân tộc.\n",
    "pages/lien-he.md": "---\ntitle: Liên hệ\nslug: lien-he\norder: 2\n---\n\n"
    "Trung tâm Thông tin - Thư viện, Học viện Dân tộc, Km 13, Đại lộ Thăng Long, Hà Nội.\n",
}


def generate(folder: str | Path, count: int, seed: int = DEFAULT_SEED) -> Corpus:
    """Write ``count`` documents (20 % meeting reports) into ``folder`` (emptied first)."""
    folder = Path(folder)
    if folder.exists():
        shutil.rmtree(folder)
    categories, units = site_vocabulary()
    writer = Writer(count, seed, categories, units)
    corpus = Corpus(folder, count, seed)
    every = round(1 / MEETING_SHARE)
    for index in range(count):
        is_meeting = index % every == every - 1
        relpath, text = writer.meeting(index) if is_meeting else writer.article(index)
        _write(folder / relpath, text)
        corpus.files.append(relpath)
        if is_meeting:
            corpus.meetings.append(relpath)
    for relpath, text in PAGES.items():
        _write(folder / relpath, text)
    (folder / "data").mkdir(parents=True, exist_ok=True)
    shutil.copyfile(REPO / "content" / "data" / "units.yml", folder / "data" / "units.yml")
    palette = random.Random(seed)
    for number in range(1, IMAGE_COUNT + 1):
        image = folder / "images" / "bench" / f"anh-{number:02d}.png"
        image.parent.mkdir(parents=True, exist_ok=True)
        image.write_bytes(tiny_png(tuple(palette.randrange(256) for _ in range(3))))  # type: ignore[arg-type]
    articles = [f for f in corpus.files if f.startswith("articles/") and f not in writer.drafts]
    corpus.edit_target = articles[len(articles) // 2] if articles else ""
    return corpus


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(unicodedata.normalize("NFC", text), encoding="utf-8", newline="\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Sinh kho bài viết tiếng Việt để đo hiệu năng.")
    parser.add_argument("folder", help="thư mục nội dung sẽ ghi (bị xoá trước)")
    parser.add_argument("--count", type=int, default=1000, help="số bài (mặc định 1000)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="hạt giống ngẫu nhiên")
    args = parser.parse_args(argv)
    corpus = generate(args.folder, args.count, args.seed)
    print(f"Đã ghi {corpus.count} bài ({len(corpus.meetings)} báo cáo cuộc họp) vào {corpus.folder}/.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
