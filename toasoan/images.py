"""Responsive images: each photo under ``content/images`` in a few widths, WebP and a fallback.

A photo ``images/2018/anh.jpg`` (1 600 × 1 067) is published as

* ``images/2018/anh-360.webp``, ``anh-720.webp``, ``anh-1200.webp`` — every width of
  :data:`WIDTHS` narrower than the photo, and the photo's own width capped at the widest;
* at the photo's own address, ``images/2018/anh.jpg`` at the widest size: the fallback for
  browsers without WebP, feeds and link previews (a PNG with transparency keeps a PNG
  fallback and its alpha channel).

Nothing is ever upscaled. Every file is re-encoded from the pixels alone, turned upright
first (EXIF orientation): no EXIF, GPS, XMP or comment reaches the site — not even at the
original's address. Originals up to :data:`MAX_BYTES` are accepted (``toasoan.model``
reports bigger ones, E307). What is made is kept in a cache folder by the original's content
hash (``<sha>-<width>.<ext>``), so a later build — or another photo with the same bytes —
does not make it again. :func:`picture_html` turns the ``<img>`` of a body into a
``<picture>``; templates render lead photos with the same :class:`Picture`.
"""

from __future__ import annotations

import hashlib
import html
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from PIL import Image, ImageOps, UnidentifiedImageError

WIDTHS = (360, 720, 1200)
MAX_BYTES = 10 * 1024 * 1024
SUFFIXES = (".jpg", ".jpeg", ".png", ".webp")
QUALITY = {"webp": 72, "jpeg": 78}
# The cache file names depend on this: change it when the way files are made changes.
RECIPE = f"1:{WIDTHS}:{QUALITY}"
MIME = {"webp": "image/webp", "jpeg": "image/jpeg", "png": "image/png"}
EXTENSION = {"webp": ".webp", "jpeg": ".jpg", "png": ".png"}
# The width a body image takes: the reading column (.entry > * { max-width: 46rem }).
BODY_SIZES = "(min-width: 50rem) 46rem, calc(100vw - 2rem)"


class ImageError(Exception):
    """A photo that cannot be published (unreadable, too big); the message is Vietnamese."""


@dataclass(frozen=True, slots=True)
class Variant:
    """One published file: its address from the site root, pixel size and format."""

    url: str
    width: int
    height: int
    format: str  # "webp", "jpeg" or "png"
    cached: str  # file name in the cache folder


@dataclass(frozen=True, slots=True)
class Picture:
    """A photo as published: every variant, widest last, and its content hash."""

    url: str  # the fallback at the original's address
    sha: str
    width: int
    height: int
    fallback: str  # "jpeg" or "png"
    variants: tuple[Variant, ...]

    def srcset(self, prefix: str, kind: str) -> str:
        """``srcset`` of the variants of one format, each URL after ``prefix`` (SITEURL)."""
        return ", ".join(f"{prefix}/{v.url} {v.width}w" for v in self.variants if v.format == kind)

    @property
    def mime(self) -> str:
        return MIME[self.fallback]


def published_size(width: int, height: int) -> tuple[int, int]:
    """The pixel size of a photo as published at its own address (capped at the widest width)."""
    if width <= WIDTHS[-1]:
        return width, height
    return WIDTHS[-1], max(1, round(height * WIDTHS[-1] / width))


def is_photo(relpath: str, folder: str = "images") -> bool:
    """Whether a content path is a photo this module publishes."""
    path = PurePosixPath(relpath)
    return path.parts[:1] == (folder,) and path.suffix.lower() in SUFFIXES


class ImageStore:
    """Makes and remembers the pictures of one build; files are cached in ``cache``."""

    def __init__(self, content_root: Path, cache: Path) -> None:
        self.content_root = content_root
        self.cache = cache
        self.pictures: dict[str, Picture] = {}
        self.errors: dict[str, str] = {}

    def picture(self, relpath: str) -> Picture | None:
        """The picture of ``content/<relpath>``, made (or taken from the cache) once per build;
        None when it cannot be published (:attr:`errors` says why)."""
        if relpath not in self.pictures and relpath not in self.errors:
            try:
                self.pictures[relpath] = make_picture(self.content_root / relpath, relpath, self.cache)
            except ImageError as error:
                self.errors[relpath] = str(error)
        return self.pictures.get(relpath)

    def files(self) -> dict[str, Path]:
        """Every file to publish: its address → the cached file."""
        return {v.url: self.cache / v.cached for p in self.pictures.values() for v in p.variants}


def _sha(data: bytes) -> str:
    return hashlib.blake2b(data + RECIPE.encode(), digest_size=16).hexdigest()


def _plan(width: int, height: int) -> list[tuple[int, int]]:
    """The sizes to publish: the narrower widths, then the photo's own width capped at the widest."""
    largest = published_size(width, height)
    return [(w, max(1, round(height * w / width))) for w in WIDTHS if w < largest[0]] + [largest]


def make_picture(source: Path, relpath: str, cache: Path) -> Picture:
    """Every variant of one photo (from ``cache`` when made before)."""
    try:
        data = source.read_bytes()
    except OSError as error:
        raise ImageError(f"Không đọc được ảnh {relpath}: {error.strerror or error}.") from error
    if len(data) > MAX_BYTES:
        raise ImageError(f"Ảnh {relpath} nặng {len(data) / 1048576:.1f} MB, vượt giới hạn "
                         f"{MAX_BYTES // 1048576} MB: ảnh không được đăng.")
    sha = _sha(data)
    try:
        with Image.open(source) as opened:
            opened.draft("RGB", published_size(*opened.size))  # JPEG: decode at a smaller scale
            image = ImageOps.exif_transpose(opened)
            image.load()
    except (OSError, UnidentifiedImageError, Image.DecompressionBombError, SyntaxError, ValueError) as error:
        raise ImageError(f"Ảnh {relpath} không đọc được bằng Pillow ({error}).") from error
    transparent = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    image = image.convert("RGBA" if transparent else "RGB")
    fallback = "png" if transparent else "jpeg"
    stem = PurePosixPath(relpath).with_suffix("").as_posix()
    sizes = _plan(*image.size)
    variants = []
    cache.mkdir(parents=True, exist_ok=True)
    for index, (width, height) in enumerate(sizes):
        widest = index == len(sizes) - 1
        for kind in ("webp", fallback) if widest else ("webp",):
            url = relpath if widest and kind == fallback else f"{stem}-{width}{EXTENSION[kind]}"
            cached = f"{sha}-{width}{EXTENSION[kind]}"
            if not (cache / cached).is_file():
                _save(image, (width, height), kind, cache / cached)
            variants.append(Variant(url, width, height, kind, cached))
    return Picture(relpath, sha, *sizes[-1], fallback, tuple(variants))


def _save(image: Image.Image, size: tuple[int, int], kind: str, target: Path) -> None:
    """``image`` at ``size`` in format ``kind``, with no metadata at all, written atomically."""
    resized = image if image.size == size else image.resize(size, Image.Resampling.LANCZOS)
    clean = Image.new(resized.mode, resized.size)
    clean.paste(resized)  # pixels only: nothing of the original's info (EXIF, XMP, comments)
    options: dict = {"webp": {"quality": QUALITY["webp"], "method": 5},
                     "jpeg": {"quality": QUALITY["jpeg"], "optimize": True, "progressive": True},
                     "png": {"optimize": True}}[kind]
    partial = target.with_name(f"{target.name}.{os.getpid()}.tmp")
    clean.save(partial, format=kind.upper(), **options)
    os.replace(partial, target)


# --------------------------------------------------------------------------- HTML
_IMG = re.compile(r"<img\b[^>]*>")
_ATTRIBUTE = re.compile(r'([a-zA-Z-]+)="([^"]*)"')


def picture_html(body: str, pictures: Mapping[str, Picture], sizes: str = BODY_SIZES) -> str:
    """``body`` (HTML as Pelican renders it, links resolved) with every ``<img>`` of a known
    photo as a lazy ``<picture>``; the other images are left as they are."""
    if not pictures or "<img" not in body:
        return body

    def replace(match: re.Match) -> str:
        attributes = dict(_ATTRIBUTE.findall(match.group(0)))
        src = html.unescape(attributes.get("src", ""))
        for relpath, picture in pictures.items():
            if src == relpath or src.endswith("/" + relpath):
                prefix = src[: len(src) - len(relpath)].rstrip("/")
                return picture_tag(picture, prefix, html.unescape(attributes.get("alt", "")), sizes)
        return match.group(0)

    return _IMG.sub(replace, body)


def picture_tag(picture: Picture, prefix: str, alt: str, sizes: str, *, eager: bool = False,
                css_class: str = "") -> str:
    """``<picture>`` of a photo: WebP sources, the fallback ``<img>`` (one size, for browsers
    without WebP), ``width``/``height`` (no layout shift); lazy unless ``eager`` (the lead photo)."""
    e = html.escape
    loading = ' fetchpriority="high"' if eager else ' loading="lazy"'
    klass = f' class="{e(css_class)}"' if css_class else ""
    return (f'<picture><source type="image/webp" srcset="{e(picture.srcset(prefix, "webp"))}" sizes="{e(sizes)}">'
            f'<img{klass} src="{e(prefix)}/{e(picture.url)}"'
            f' alt="{e(alt)}" width="{picture.width}" height="{picture.height}"'
            f'{loading} decoding="async"></picture>')
