"""Pelican settings for the Tòa soạn sample site (settings only; logic lives in plugins/)."""

from pathlib import Path

from toasoan.build.template_cache import TemplateCache
from toasoan.model import ACTION_ITEM_STATUSES, PRIORITIES
from toasoan.publication import newest_first
from toasoan.text import short_date, vi_date

AUTHOR = "Ban biên tập"
SITENAME = "Trang thông tin điện tử Học viện Dân tộc"
INSTITUTION = "Học viện Dân tộc"
INSTITUTION_PARENT = "Ủy ban Dân tộc"
RESPONSIBLE_UNIT = "Trung tâm Thông tin - Thư viện, Học viện Dân tộc"
RESPONSIBLE_PERSON = None  # "Họ tên, chức vụ" of who answers for the content (footer); None: not shown
CONTACT = {
    "address": "Km 13, Đại lộ Thăng Long, Hà Nội",
    "phone": "024 0000 0000",
    "email": "bbt@hvdt.example.vn",
}
# Pages use relative URLs (RELATIVE_URLS below); feeds, sitemap.xml, canonical links and
# JSON-LD need an absolute address: in development the one `invoke serve` listens on.
# publishconf.py sets the public one.
SITEURL = "http://localhost:8000"
PATH = "content"
OUTPUT_PATH = "output"
THEME = "theme"
TIMEZONE = "Asia/Ho_Chi_Minh"
DEFAULT_LANG = "vi"
LOCALE = ("vi_VN.UTF-8", "C.UTF-8")

# Drafts (status: draft) and articles dated in the future (Hẹn đăng) are shown here, on the
# writer's machine, marked; publishconf.py leaves them out of the public site entirely
# (toasoan/publication.py). PUBLICATION_NOW "YYYY-MM-DD HH:MM" fixes the clock that decides
# what is scheduled (else the environment variable TOASOAN_NOW, else the current time).
SHOW_DRAFTS = True
PUBLICATION_NOW = None

ARTICLE_PATHS = ["articles", "meetings"]
PAGE_PATHS = ["pages", "documents"]  # documents/: Văn bản (toasoan.model.Document)
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
PLUGINS = ["yaml_frontmatter", "content_checks", "action_tracker", "provenance",
           "site_metadata", "json_feed", "neighbours", "related_articles", "sitemap", "documents",
           "site_menu", "taxonomy_lists", "responsive_images", "incremental",
           "search_index"]  # search_index last: it indexes what the others wrote

# Public provenance (plugins/provenance): who approved each article and when, from git.
# "history_url": link to a file's history, "{path}" = its path in the repository, e.g.
# "https://github.com/<tổ-chức>/<kho>/commits/main/{path}"; None shows no link.
PROVENANCE = {"history_url": None}

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
        # extra: tables, footnotes ([^1], as Nhập từ Word writes them), attribute lists…
        "markdown.extensions.extra": {"footnotes": {"BACKLINK_TITLE": "Quay lại chỗ chú thích {} trong bài"}},
        "markdown.extensions.sane_lists": {},
        "markdown.extensions.toc": {"permalink": False},
    },
    "output_format": "html5",
}

ARTICLE_URL = "{date:%Y}/{slug}/"
ARTICLE_SAVE_AS = "{date:%Y}/{slug}/index.html"
DRAFT_URL = "ban-nhap/{slug}/"
DRAFT_SAVE_AS = "ban-nhap/{slug}/index.html"
DRAFT_PAGE_URL = "ban-nhap/trang/{slug}/"
DRAFT_PAGE_SAVE_AS = "ban-nhap/trang/{slug}/index.html"
DOCUMENT_URL = "van-ban/{slug}/"
DOCUMENT_SAVE_AS = "van-ban/{slug}/index.html"
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
SEARCH_URL = "tim-kiem/"  # search page (plugins/search_index, Pagefind)
SEARCH_SAVE_AS = "tim-kiem/index.html"
# One language: no translations (Pelican groups them by slug, scanning every article for
# each: quadratic). Newest first, the same time by slug (toasoan.publication.newest_first).
ARTICLE_TRANSLATION_ID = None
ARTICLE_ORDER_BY = newest_first
YEAR_ARCHIVE_URL = "{date:%Y}/"
YEAR_ARCHIVE_SAVE_AS = "{date:%Y}/index.html"
MONTH_ARCHIVE_URL = "{date:%Y}/{date:%m}/"
MONTH_ARCHIVE_SAVE_AS = "{date:%Y}/{date:%m}/index.html"
PAGINATION_PATTERNS = (
    (1, "{url}", "{save_as}"),
    (2, "{base_name}/trang/{number}/", "{base_name}/trang/{number}/index.html"),
)
DEFAULT_PAGINATION = 10

# --- Feeds, sitemap and page metadata (plugins json_feed, sitemap, site_metadata) ----------
# Atom and RSS of all articles and of each category; JSON Feed 1.1 at feeds/all.json.
# Links in feeds are absolute: SITEURL for articles, FEED_DOMAIN for the feeds themselves.
FEED_DOMAIN = SITEURL
FEED_ALL_ATOM = "feeds/all.atom.xml"
FEED_ALL_RSS = "feeds/all.rss.xml"
CATEGORY_FEED_ATOM = "feeds/{slug}.atom.xml"
CATEGORY_FEED_RSS = "feeds/{slug}.rss.xml"
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
FEED_MAX_ITEMS = 50
JSON_FEED = {"save_as": "feeds/all.json"}
# sitemap.xml lists every public page written (not drafts, not pages 2, 3… of listings);
# robots.txt names it. "exclude": output paths to leave out.
SITEMAP = {"save_as": "sitemap.xml", "robots_txt": True, "exclude": ()}
# Publisher logo (JSON-LD) and the link-preview image of pages without their own.
SITE_METADATA = {"logo": "theme/images/logo.png", "image": "theme/images/chia-se.png"}
# Related articles under each article (plugins/related_articles).
RELATED_ARTICLES = {"count": 3, "window": 10}
# The human site map ("Sơ đồ trang"), a direct template.
SITEMAP_PAGE_URL = "so-do-trang/"
SITEMAP_PAGE_SAVE_AS = "so-do-trang/index.html"
# --- end feeds, sitemap and page metadata ------------------------------------------------

DELETE_OUTPUT_DIRECTORY = True
RELATIVE_URLS = True
CACHE_CONTENT = False
LOAD_CONTENT_CACHE = False

# Front-matter values are writers' text: escape everything; templates mark only the
# sanitised body and summary with |safe.
# auto_reload off: each build is a new Pelican run, so templates never change during one; Jinja
# then stops checking every template file's date at every include (tens of thousands of stat()).
# Compiled templates are kept between builds (checked against their sources).
JINJA_ENVIRONMENT = {"trim_blocks": True, "lstrip_blocks": True, "autoescape": True, "auto_reload": False,
                     "bytecode_cache": TemplateCache(Path(__file__).resolve().parent / ".cache/toasoan/templates")}

JINJA_FILTERS = {
    "vi_date": vi_date,
    "short_date": short_date,
    "status_label": ACTION_ITEM_STATUSES.get,
    "priority_label": PRIORITIES.get,
}

# Writers write Markdown only; the reStructuredText reader stays off.
READERS = {"rst": None}

# Theme
DIRECT_TEMPLATES = ["index", "tags", "categories", "authors", "archives", "404", "search",
                    "sitemap_page"]
PAGINATED_TEMPLATES = {"index": None, "tag": None, "category": None, "author": None,
                       "period_archives": None}
MENU_PAGES_FIRST = ("gioi-thieu",)  # page slugs in the main menu after "Trang chủ"
MENU_PAGES_LAST = ("van-ban", "lien-he")  # … and after the categories
# Văn bản (plugins/documents): the page whose body introduces the table of documents.
DOCUMENTS = {"listing_page": "van-ban"}
HOME_SIDE_CATEGORY = "Thông báo"  # the home page's side list (None: no side list)
HOME_SIDE_COUNT = 5
ARCHIVES_PER_YEAR = 10  # latest articles per year on /luu-tru/; the rest on /{year}/
