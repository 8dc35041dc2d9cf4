"""Pelican settings for the Tòa soạn sample site (settings only; logic lives in plugins/)."""

from toasoan.model import ACTION_ITEM_STATUSES, PRIORITIES
from toasoan.text import short_date, vi_date

AUTHOR = "Ban biên tập"
SITENAME = "Trang thông tin điện tử Học viện Dân tộc"
INSTITUTION = "Học viện Dân tộc"
INSTITUTION_PARENT = "Ủy ban Dân tộc"
RESPONSIBLE_UNIT = "Trung tâm Thông tin - Thư viện, Học viện Dân tộc"
CONTACT = {
    "address": "Km 13, Đại lộ Thăng Long, Hà Nội",
    "phone": "024 0000 0000",
    "email": "bbt@hvdt.example.vn",
}
SITEURL = ""
PATH = "content"
OUTPUT_PATH = "output"
THEME = "theme"
TIMEZONE = "Asia/Ho_Chi_Minh"
DEFAULT_LANG = "vi"
LOCALE = ("vi_VN.UTF-8", "C.UTF-8")

ARTICLE_PATHS = ["articles", "meetings"]
PAGE_PATHS = ["pages"]
STATIC_PATHS = ["images", "files"]
IGNORE_FILES = [".#*", "*.tmp", "~$*"]

NEWSROOM = {
    "categories": [
        "Tin tức - Sự kiện",
        "Thông báo",
        "Hội nghị - Hội thảo",
        "Đào tạo - Bồi dưỡng",
        "Nghiên cứu khoa học",
    ],
    "meeting_category": "Hội nghị - Hội thảo",
    "units_file": "data/units.yml",
}

PLUGIN_PATHS = ["plugins"]
PLUGINS = ["yaml_frontmatter", "content_checks", "action_tracker"]

# Action-item tracker (plugins/action_tracker); defaults in toasoan.tracker.TRACKER_DEFAULTS.
TRACKER = {
    "path": "tracker",             # /tracker/, /tracker/<id>/ and the exports
    "unit_path": "don-vi",         # /tracker/don-vi/<unit-slug>/
    "title": "Theo dõi nhiệm vụ CNTT",
    "due_soon_days": 30,           # "sắp đến hạn" window (page and invoke tracker)
    "today": None,                 # "YYYY-MM-DD" fixes the day "quá hạn" is counted from
}

MARKDOWN = {
    "extension_configs": {
        "markdown.extensions.extra": {},
        "markdown.extensions.sane_lists": {},
        "markdown.extensions.toc": {"permalink": False},
    },
    "output_format": "html5",
}

ARTICLE_URL = "{date:%Y}/{slug}/"
ARTICLE_SAVE_AS = "{date:%Y}/{slug}/index.html"
DRAFT_URL = "ban-nhap/{slug}/"
DRAFT_SAVE_AS = "ban-nhap/{slug}/index.html"
PAGE_URL = "{slug}/"
PAGE_SAVE_AS = "{slug}/index.html"
CATEGORY_URL = "chuyen-muc/{slug}/"
CATEGORY_SAVE_AS = "chuyen-muc/{slug}/index.html"
CATEGORIES_URL = "chuyen-muc/"
CATEGORIES_SAVE_AS = "chuyen-muc/index.html"
TAG_URL = "the/{slug}/"
TAG_SAVE_AS = "the/{slug}/index.html"
TAGS_URL = "the/"
TAGS_SAVE_AS = "the/index.html"
AUTHOR_URL = "tac-gia/{slug}/"
AUTHOR_SAVE_AS = "tac-gia/{slug}/index.html"
AUTHORS_URL = "tac-gia/"
AUTHORS_SAVE_AS = "tac-gia/index.html"
ARCHIVES_URL = "luu-tru/"
ARCHIVES_SAVE_AS = "luu-tru/index.html"
YEAR_ARCHIVE_URL = "{date:%Y}/"
YEAR_ARCHIVE_SAVE_AS = "{date:%Y}/index.html"
PAGINATION_PATTERNS = (
    (1, "{url}", "{save_as}"),
    (2, "{base_name}/trang/{number}/", "{base_name}/trang/{number}/index.html"),
)
DEFAULT_PAGINATION = 10

FEED_DOMAIN = SITEURL
FEED_ALL_ATOM = None
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None

DELETE_OUTPUT_DIRECTORY = True
RELATIVE_URLS = True
CACHE_CONTENT = False
LOAD_CONTENT_CACHE = False

JINJA_FILTERS = {
    "vi_date": vi_date,
    "short_date": short_date,
    "status_label": ACTION_ITEM_STATUSES.get,
    "priority_label": PRIORITIES.get,
}

# Writers write Markdown only; the reStructuredText reader stays off.
READERS = {"rst": None}

# Theme
DIRECT_TEMPLATES = ["index", "tags", "categories", "authors", "archives", "404"]
PAGINATED_TEMPLATES = {"index": None, "tag": None, "category": None, "author": None,
                       "period_archives": None}
MENU_PAGES_FIRST = ("gioi-thieu",)  # page slugs in the main menu after "Trang chủ"
MENU_PAGES_LAST = ("lien-he",)  # … and after the categories
HOME_SIDE_CATEGORY = "Thông báo"  # the home page's side list (None: no side list)
HOME_SIDE_COUNT = 5
ARCHIVES_PER_YEAR = 10  # latest articles per year on /luu-tru/; the rest on /{year}/
