"""The ``NEWSROOM`` settings dict: documented defaults, read once into :class:`SiteRules`."""

from __future__ import annotations

from pathlib import Path

from .findings import Finding
from .model import DEFAULT_CATEGORIES, SiteRules, load_units

DEFAULTS: dict[str, object] = {
    # Categories a writer may choose from (front matter ``category``).
    "categories": DEFAULT_CATEGORIES,
    # Category of a meeting report that names none.
    "meeting_category": "Hội nghị - Hội thảo",
    # The unit roster, relative to the content folder.
    "units_file": "data/units.yml",
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
    rules = SiteRules(
        content_root=content_root,
        categories=tuple(options["categories"]),
        units=units,
        meeting_category=str(options["meeting_category"]),
        article_dirs=tuple(p for p in article_paths if p not in meeting_dirs),
        meeting_dirs=meeting_dirs,
        page_dirs=tuple(settings.get("PAGE_PATHS") or ("pages",)),
        units_file=str(options["units_file"]),
    )
    return rules, findings
