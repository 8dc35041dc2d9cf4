"""Responsive images: photos in several widths, WebP and a fallback, with no EXIF."""

from .responsive_images import register

__all__ = ["register"]
