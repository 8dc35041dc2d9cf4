"""Pelican wiring for responsive images (the work is :mod:`toasoan.images`).

* ``initialized``: a new run gets a new :class:`~toasoan.images.ImageStore`, caching in
  ``.cache/toasoan/images/`` beside the content folder, and the plugin declares its recipe
  (:class:`toasoan.build.run.Recipe`), which owns each variant it makes.
* ``article_generator_finalized`` / ``page_generator_finalized``: an article with a lead
  photo gets ``picture``; every article and page whose body shows photos gets ``pictures``
  (content path → :class:`~toasoan.images.Picture`). Both are part of what its pages show,
  so a changed photo re-renders them in an incremental build.
* ``static_generator_finalized``: Pelican does not copy any photo under ``images/``; each
  one is made into its variants instead (its address keeps working for feeds and links),
  once every generator is done: a photo only unreleased files use is no longer in the
  context's ``static_content`` by then (``yaml_frontmatter.withheld``) and is not made.
* ``generator_init``: templates get ``picture_tag(picture, siteurl, alt, sizes, eager=…)``
  and ``picture_html(html, pictures)`` (a body's ``<img>`` → ``<picture>``).
* ``finalized``: the recipe is made: the photos still listed are made, and every variant is
  written through the run (kept when the last build wrote the same file).
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

from markupsafe import Markup
from pelican import signals

from toasoan import images
from toasoan.build.generators import body_of, generator_contents
from toasoan.build.run import BuildRun, Recipe, run_of
from toasoan.content import local_cache
from toasoan.settings import plugin_enabled

logger = logging.getLogger(__name__)

PLUGIN_NAME = "responsive_images"
# The run holds (scratch) its image store, and the photos the static generator found with
# the run's ``static_content`` until they are made.
STORE, PHOTOS = f"{PLUGIN_NAME}.store", f"{PLUGIN_NAME}.photos"
_STATIC_LINK = re.compile(r"""\{static\}/?([^"'\s>#?]+)""")


def _store(settings: dict) -> images.ImageStore | None:
    """The run's store (made when first asked), or None when the run does not list the plugin."""
    if not plugin_enabled(settings, PLUGIN_NAME):
        return None
    scratch = run_of(settings).scratch
    if STORE not in scratch:
        content = Path(settings["PATH"])
        scratch[STORE] = images.ImageStore(content, local_cache(content.resolve().parent, "images"))
    return scratch[STORE]


def start(pelican) -> None:
    """A new run: the pictures of the last one are let go; the recipe of the variants is
    declared (it owns each variant it makes: their addresses are the photos' own)."""
    run = run_of(pelican.settings)
    run.scratch.pop(STORE, None)
    run.scratch.pop(PHOTOS, None)
    if plugin_enabled(pelican.settings, PLUGIN_NAME):
        # a patch keeps a body's links, so its photos: bodies=False
        run.declare(Recipe(PLUGIN_NAME, (), write_variants, bodies=False))


def add_template_functions(generator) -> None:
    if plugin_enabled(generator.settings, PLUGIN_NAME):
        generator.env.globals["picture_tag"] = lambda *a, **k: Markup(images.picture_tag(*a, **k))
        generator.env.globals["picture_html"] = lambda body, pictures: Markup(images.picture_html(body, pictures))


def annotate(generator) -> None:
    """Lead photo and body photos of every article and page the generator read."""
    store = _store(generator.settings)
    if store is None:
        return
    for content in generator_contents(generator):
        lead = getattr(content, "image", None)
        if lead and images.is_photo(lead):
            content.picture = store.picture(lead)
        found = {link: store.picture(link) for link in _STATIC_LINK.findall(body_of(content))
                 if images.is_photo(link)}
        content.pictures = {link: picture for link, picture in sorted(found.items()) if picture}


def take_photos(generator) -> None:
    """Photos are published as variants, never copied as they are (their EXIF would go too)."""
    if _store(generator.settings) is None:
        return
    photos, kept = [], []
    for static in generator.staticfiles:
        relpath = static.relative_source_path.replace("\\", "/")
        if images.is_photo(relpath):
            photos.append(relpath)
        else:
            kept.append(static)
    generator.staticfiles[:] = kept  # the context's list: what Pelican copies
    run_of(generator.settings).scratch[PHOTOS] = (photos, generator.context["static_content"])


def make_photos(settings: dict, store: images.ImageStore) -> None:
    """Once per run: the variants of every photo the run still publishes (not those left out
    with an unreleased file), and why any cannot be published."""
    found = run_of(settings).scratch.pop(PHOTOS, None)
    if found is None:
        return  # made already (a patched run finalizes again)
    photos, listed = found
    for relpath in photos:
        if relpath in listed:
            store.picture(relpath)
    for error in sorted(store.errors.values()):
        logger.warning("%s", error)


def write_variants(run: BuildRun) -> None:
    """The recipe: the variants of the run's photos."""
    settings = run.settings
    store = _store(settings)
    if store is None:
        return
    make_photos(settings, store)
    files = sorted(store.files().items())
    recipe = run.recipes[PLUGIN_NAME]
    recipe.owns = tuple(sorted({*recipe.owns, *(url for url, _ in files)}))
    for url, cached in files:
        run.output(url, cached.read_bytes, f"image:{cached.name}")


def finish(pelican) -> None:
    """``finalized``: every photo the run publishes is known."""
    run_of(pelican.settings).make(PLUGIN_NAME)


def register() -> None:
    signals.initialized.connect(start)
    signals.generator_init.connect(add_template_functions)
    signals.article_generator_finalized.connect(annotate)
    signals.page_generator_finalized.connect(annotate)
    signals.static_generator_finalized.connect(take_photos)
    signals.finalized.connect(finish)
