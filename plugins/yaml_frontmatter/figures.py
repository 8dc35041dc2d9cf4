"""Markdown extension: an image alone in a paragraph, with a title, becomes a figure.

``![Toàn cảnh hội nghị](images/2018/toan-canh.jpg "Toàn cảnh Hội nghị")`` →
``<figure><img …><figcaption>Toàn cảnh Hội nghị</figcaption></figure>``.
"""

from __future__ import annotations

from xml.etree import ElementTree

from markdown import Extension, Markdown
from markdown.treeprocessors import Treeprocessor


class _FigureProcessor(Treeprocessor):
    def run(self, root: ElementTree.Element) -> None:
        for paragraph in list(root.iter("p")):
            children = list(paragraph)
            if len(children) != 1 or children[0].tag != "img":
                continue
            image = children[0]
            caption = image.get("title")
            if not caption or (paragraph.text or "").strip() or (image.tail or "").strip():
                continue
            del image.attrib["title"]
            image.tail = None
            paragraph.tag = "figure"
            paragraph.text = None
            ElementTree.SubElement(paragraph, "figcaption").text = caption


class FigureExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 - Markdown's API
        md.treeprocessors.register(_FigureProcessor(md), "toasoan_figure", 5)
