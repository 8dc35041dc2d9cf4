"""The ``NEWSROOM`` settings dict: documented defaults, read once into :class:`SiteRules`."""

from __future__ import annotations

from pathlib import Path

from .findings import Finding
from .model import DEFAULT_CATEGORIES, DEFAULT_DOCUMENT_TYPES, SiteRules, load_units
from .safety import DEFAULT_IFRAME_HOSTS

DEFAULTS: dict[str, object] = {
    # Categories a writer may choose from (front matter ``category``).
    "categories": DEFAULT_CATEGORIES,
    # Category of a meeting report that names none.
    "meeting_category": "Hội nghị - Hội thảo",
    # The unit roster, relative to the content folder.
    "units_file": "data/units.yml",
    # Hosts whose video players may be embedded with <iframe src="https://HOST/...">.
    "iframe_hosts": DEFAULT_IFRAME_HOSTS,
    # Images larger than this (KB) are an error (E307): the build does not publish them.
    "max_image_kb": 10 * 1024,
    # Titles and slugs longer than this get a warning.
    "max_title_length": 150,
    "max_slug_length": 80,
    # Kinds of Văn bản (front matter ``doc_type``).
    "document_types": DEFAULT_DOCUMENT_TYPES,
}


# Pelican's defaults for the settings site_rules() reads: what settings read without Pelican
# (a branch's pelicanconf.py, read as literals by the review) leave out. They are Pelican's
# own (tests/test_seams.py), so the review needs no Pelican.
PELICAN_DEFAULTS: dict[str, object] = {
    "ARTICLE_PATHS": [""],
    "PAGE_PATHS": ["pages"],
    "ARTICLE_URL": "{slug}.html",
    "PAGE_URL": "pages/{slug}.html",
    "STATIC_PATHS": ["images"],
}


def newsroom_settings(settings: dict) -> dict:
    """``NEWSROOM`` from Pelican settings merged over :data:`DEFAULTS`."""
    return {**DEFAULTS, **(settings.get("NEWSROOM") or {})}


def site_rules(settings: dict) -> tuple[SiteRules, list[Finding]]:
    """Site rules from Pelican settings (``PATH``, ``ARTICLE_PATHS``, ``NEWSROOM``…)."""
    options = newsroom_settings(settings)
    content_root = Path(settings["PATH"])
    units, findings = load_units(content_root, str(options["units_file"]))
    article_paths = tuple(settings.get("ARTICLE_PATHS") or ("articles", "meetings"))
    meeting_dirs = tuple(p for p in article_paths if p.startswith("meetings"))
    page_paths = tuple(settings.get("PAGE_PATHS") or ("pages", "documents"))
    document_dirs = tuple(p for p in page_paths if p.startswith("documents"))
    rules = SiteRules(
        content_root=content_root,
        categories=tuple(options["categories"]),
        units=units,
        meeting_category=str(options["meeting_category"]),
        article_dirs=tuple(p for p in article_paths if p not in meeting_dirs),
        meeting_dirs=meeting_dirs,
        page_dirs=tuple(p for p in page_paths if p not in document_dirs),
        document_dirs=document_dirs,
        document_types=tuple(options["document_types"]),
        units_file=str(options["units_file"]),
        iframe_hosts=tuple(options["iframe_hosts"]),
        max_image_kb=int(options["max_image_kb"]),
        max_title_length=int(options["max_title_length"]),
        max_slug_length=int(options["max_slug_length"]),
        article_url=str(settings.get("ARTICLE_URL") or SiteRules.article_url),
        page_url=str(settings.get("PAGE_URL") or SiteRules.page_url),
        static_dirs=tuple(settings.get("STATIC_PATHS") or SiteRules.static_dirs),
    )
    return rules, findings


def plugin_enabled(settings: dict, name: str) -> bool:
    """Whether this Pelican run lists plugin ``name``.

    Pelican's signals are process-wide: a receiver registered by one run also fires for
    later runs in the same process (tests, livereload, benchmarks) that do not list it.
    """
    return any(str(plugin).split(".")[-1] == name for plugin in settings.get("PLUGINS") or ())
