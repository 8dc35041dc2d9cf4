"""Pelican wiring for page metadata: canonical URLs, Open Graph, JSON-LD, descriptions.

* ``initialized``: reads ``SITEURL`` and the ``SITE_METADATA`` dict (defaults in
  :data:`DEFAULTS`) once; puts ``SITE_URL`` (absolute, "" when ``SITEURL`` is relative),
  ``SITE_IMAGE`` and ``SITE_LOGO`` (:class:`~metadata.ImageFacts`) into the settings, so
  every template sees them even when the pages use relative URLs.
* ``generator_init``: gives templates three functions, ``absolute_url(path)``,
  ``breadcrumb_json_ld(trail)`` and ``article_json_ld(article)`` (``NewsArticle``, safe
  JSON, made when the article's page is rendered: a run does not hold 2 KB of it for every
  article).
* ``article_generator_finalized`` / ``page_generator_finalized``: every article and page
  gets ``description`` (plain text); every article ``share_image`` and ``image_width`` /
  ``image_height`` (when it has an image; with responsive_images, the size it is published at).
"""

from __future__ import annotations

import logging
from dataclasses import replace
from functools import partial
from pathlib import Path

from markupsafe import Markup
from pelican import signals

from toasoan.images import is_photo, published_size
from toasoan.settings import plugin_enabled, site_rules
from toasoan.urls import absolute, site_url

from .metadata import ImageFacts, breadcrumb_list, description, image_facts, json_ld, news_article, organisation

logger = logging.getLogger(__name__)

PLUGIN_NAME = "site_metadata"

DEFAULTS: dict[str, object] = {
    # Publisher logo in JSON-LD (a raster image of at least 112×112 px), URL from the site root.
    "logo": "theme/images/logo.png",
    # Link-preview image of pages and articles that have none of their own (1200×630 px).
    "image": "theme/images/chia-se.png",
}


def options(settings: dict) -> dict:
    return {**DEFAULTS, **(settings.get("SITE_METADATA") or {})}


def source_of(url: str, settings: dict) -> Path:
    """The file a site URL is copied from: the theme's static folder or the content folder."""
    static = str(settings.get("THEME_STATIC_DIR") or "theme").strip("/") + "/"
    if url.startswith(static):
        return Path(settings["THEME"]) / "static" / url[len(static):]
    return Path(settings["PATH"]) / url


def read_settings(pelican) -> None:
    settings = pelican.settings
    if not plugin_enabled(settings, PLUGIN_NAME):
        return
    base = site_url(settings)
    settings["SITE_URL"] = base
    if not base:
        logger.warning("SITEURL (%r) không phải địa chỉ tuyệt đối http(s): trang sẽ thiếu "
                       "canonical, Open Graph và JSON-LD.", settings.get("SITEURL"))
        return
    opts = options(settings)
    settings["SITE_IMAGE"] = image_facts(base, str(opts["image"]), source_of(str(opts["image"]), settings))
    settings["SITE_LOGO"] = image_facts(base, str(opts["logo"]), source_of(str(opts["logo"]), settings))


def add_template_functions(generator) -> None:
    settings = generator.settings
    base = settings.get("SITE_URL")
    if base and plugin_enabled(settings, PLUGIN_NAME):
        generator.env.globals["absolute_url"] = partial(absolute, base)
        generator.env.globals["breadcrumb_json_ld"] = lambda trail: json_ld(breadcrumb_list(trail, base))
        publisher = organisation(str(settings.get("INSTITUTION") or settings["SITENAME"]), base,
                                 settings.get("SITE_LOGO"))
        generator.env.globals["article_json_ld"] = partial(article_json_ld, base, publisher,
                                                           _organisations(settings))


def describe(items) -> None:
    for item in items:
        item.description = description(getattr(item, "summary", ""))


def _organisations(settings: dict) -> tuple[str, ...]:
    rules, _ = site_rules(settings)
    return (*rules.unit_names, str(settings.get("AUTHOR") or ""), str(settings.get("INSTITUTION") or ""))


def annotate_articles(generator) -> None:
    settings = generator.settings
    if not plugin_enabled(settings, PLUGIN_NAME):
        return
    articles = [*generator.articles, *generator.drafts]
    describe(articles)
    base = settings.get("SITE_URL")
    if not base:
        return
    default_image: ImageFacts | None = settings.get("SITE_IMAGE")
    for article in articles:
        image = default_image
        if getattr(article, "image", None):
            image = image_facts(base, article.image, source_of(article.image, settings))
            if plugin_enabled(settings, "responsive_images") and is_photo(article.image) and image.width:
                width, height = published_size(image.width, image.height)
                image = replace(image, width=width, height=height)
            if image.width:
                article.image_width, article.image_height = image.width, image.height
        article.share_image = image


def article_json_ld(base: str, publisher: dict, organisations: tuple[str, ...], article) -> Markup:
    """The ``NewsArticle`` JSON-LD of an annotated article (``annotate_articles``)."""
    image = article.share_image
    return json_ld(news_article(
        url=absolute(base, article.url),
        headline=article.title,
        summary=article.description,
        published=article.date,
        modified=getattr(article, "modified", None),
        authors=[a.name for a in getattr(article, "authors", ())],
        organisations=organisations,
        section=article.category.name,
        tags=[t.name for t in getattr(article, "tags", ())],
        images=[image] if image else [],
        publisher=publisher,
    ))


def annotate_pages(generator) -> None:
    if not plugin_enabled(generator.settings, PLUGIN_NAME):
        return
    describe([*generator.pages, *generator.hidden_pages, *generator.draft_pages])


def register() -> None:
    signals.initialized.connect(read_settings)
    signals.generator_init.connect(add_template_functions)
    signals.article_generator_finalized.connect(annotate_articles)
    signals.page_generator_finalized.connect(annotate_pages)
