"""The site's main menu: pages and categories named in the settings, in the settings' order.

At ``all_generators_finalized`` the context gets ``menu`` (:class:`Menu`): the pages of
``MENU_PAGES_FIRST``, the categories of ``NEWSROOM["categories"]`` that have articles and
the pages of ``MENU_PAGES_LAST`` — only those that exist. Computed once, not on every page;
and since every page shows the menu, giving templates the menu rather than every
category's list of articles means an incremental build re-renders every page only when
the menu itself changes (plugins/incremental).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from pelican import signals

from toasoan.settings import newsroom_settings, plugin_enabled

PLUGIN_NAME = "site_menu"


@dataclass(frozen=True)
class MenuLink:
    """A page in the menu."""

    url: str
    title: str
    slug: str


@dataclass(frozen=True)
class Menu:
    first: tuple[MenuLink, ...]
    categories: tuple  # pelican Category objects (name, url)
    last: tuple[MenuLink, ...]


def main_menu(settings: dict, pages: Iterable, categories: Iterable[tuple]) -> Menu:
    """The menu from the published ``pages`` and Pelican's ``categories`` pairs."""
    by_slug = {p.slug: p for p in pages}
    by_name = {category.name: category for category, _ in categories}

    def links(slugs: Sequence[str]) -> tuple[MenuLink, ...]:
        return tuple(MenuLink(by_slug[s].url, by_slug[s].title, s) for s in slugs if s in by_slug)

    names = newsroom_settings(settings)["categories"]
    return Menu(first=links(settings.get("MENU_PAGES_FIRST", ())),
                categories=tuple(by_name[n] for n in names if n in by_name),
                last=links(settings.get("MENU_PAGES_LAST", ())))


def add_menu(generators: list) -> None:
    if not generators or not plugin_enabled(generators[0].settings, PLUGIN_NAME):
        return
    context = generators[0].context
    context["menu"] = main_menu(generators[0].settings, context.get("pages", ()), context.get("categories", ()))


def register() -> None:
    signals.all_generators_finalized.connect(add_menu)
